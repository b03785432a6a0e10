/* import_main.h - the `reportctl import` command: loads detailed CSV exports of Clockify,
 * Toggl Track and Kimai into a workspace.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_IMPORT_MAIN_H
#define REPORTD_IMPORT_MAIN_H

#include "db.h"

/* Exit codes of import_main. */
enum import_exit {
    IMPORT_EXIT_OK = 0,
    IMPORT_EXIT_BAD_INPUT = 1,  /* a file that cannot be read, recognised or parsed */
    IMPORT_EXIT_USAGE = 2,
    IMPORT_EXIT_DATABASE = 3,
};

/* Runs `import [--workspace NAME] [--format auto|clockify|toggl|kimai] [--timezone ZONE]
 * [--date-format FORMAT] FILE...`; argv[0] is "import". db is configured (it connects on first
 * use). Each file loads in its own transaction; the first file that fails stops the command,
 * and the files before it stay loaded. Prints one summary line per file on stdout and
 * `FILE:LINE: reason` on stderr for a bad row. Returns an enum import_exit code. */
int import_main(struct db *db, int argc, char **argv);

#endif
