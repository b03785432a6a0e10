/* restore.h - `reportctl restore`: loads a workspace archive (workspace_archive.h) into a new
 * or emptied workspace, after checking the whole archive against its manifest.
 * SPDX-License-Identifier: MIT
 *
 * Order of work: (1) read every ZIP entry, hashing it, and check manifest.json (format,
 * version, each listed file present with its bytes and SHA-256, no file missing or unlisted);
 * a damaged or truncated archive stops here and nothing is written. (2) In ONE transaction:
 * create the workspace (or, with --replace, delete the data of the existing one and keep its
 * row and API keys), then load the data/ tables in order, giving new ids to groups, clients,
 * projects, tasks, tags and entries and matching users by email (a user without email, or
 * with an email not yet known, is created). Entry ids are shifted by one offset (first archived
 * id -> MAX(id) + 1), so their order and gaps are kept and memory stays flat; restoring while
 * another session inserts entries may fail on a duplicate id, and then nothing is written.
 */
#ifndef REPORTD_RESTORE_H
#define REPORTD_RESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"

struct restore_options {
    const char *path;           /* the archive */
    const char *workspace_name; /* NULL: the archived name */
    bool replace;               /* delete the data of an existing workspace of that name */
};

enum restore_status {
    RESTORE_OK = 0,
    RESTORE_BAD_INPUT = 1, /* damaged archive, wrong format, or a workspace that has data */
    RESTORE_DATABASE = 3,
};

/* Restores opts->path. On RESTORE_OK sets *workspace_id and *rows (data rows loaded). Any
 * other status leaves the database as it was and writes what is wrong (which file, which
 * line, what) into message. */
enum restore_status restore_archive(struct db *db, const struct restore_options *opts,
                                    uint64_t *workspace_id, uint64_t *rows, char *message,
                                    size_t size);

/* Runs `reportctl restore [--workspace NEW_NAME] [--replace] ARCHIVE.zip` (argv[0] is
 * "restore"). Returns the exit code: 0 done, 1 bad archive or rejected workspace, 2 usage, 3 database. */
int restore_main(struct db *db, const struct config *cfg, int argc, char **argv);

#endif
