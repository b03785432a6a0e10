/* jobs_main.h - the `reportctl jobs` and `reportctl export` commands: scheduled export jobs
 * from the command line, and one export written straight to a file.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_JOBS_MAIN_H
#define REPORTD_JOBS_MAIN_H

#include "config.h"
#include "db.h"

/* Exit codes of jobs_main and export_main. */
enum jobs_exit {
    JOBS_EXIT_OK = 0,
    JOBS_EXIT_BAD_INPUT = 1, /* a value that fails validation, or a run or export that failed */
    JOBS_EXIT_USAGE = 2,
    JOBS_EXIT_DATABASE = 3,
};

/* Runs `jobs list [--workspace W]`, `jobs add --workspace W --name N --report R --format F
 * --schedule daily|weekly|monthly --time HH:MM [--weekday DAY] [--day N] [--zone ZONE]
 * --range R --folder DIR [--keep N] [--request FILE] [--disabled]`, `jobs remove --id N` or
 * `jobs run-due [--workspace W]`; argv[0] is "jobs". db is configured; cfg supplies
 * export_root and temp_dir. run-due (of one workspace with --workspace) runs every due run
 * once and returns JOBS_EXIT_BAD_INPUT when one of them failed (its error is recorded on the
 * run). Returns an enum jobs_exit code. */
int jobs_main(struct db *db, const struct config *cfg, int argc, char **argv);

/* Runs `export --workspace W --report detailed|summary|weekly --format csv|xlsx --from DATE
 * --to DATE --output FILE`; argv[0] is "export". The dates are whole local days in the
 * workspace's zone, both included (a weekly report covers the week that contains --from). The
 * file appears complete or not at all. A progress line (rows, rate, elapsed time) goes to
 * stderr when stderr is a terminal. Returns an enum jobs_exit code. */
int export_main(struct db *db, const struct config *cfg, int argc, char **argv);

#endif
