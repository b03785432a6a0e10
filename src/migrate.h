/* migrate.h - applies the numbered SQL migrations under sql/ that the database lacks.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_MIGRATE_H
#define REPORTD_MIGRATE_H

#include "db.h"

/* Applies every file NNN_name.sql of sql_dir whose number is not yet in schema_migrations, in
 * order; prints one line per file applied. Statements are split at lines that end with ';'.
 * Returns 0, or -1 with a message on stderr naming the file and statement that failed. */
int migrate_run(struct db *db, const char *sql_dir);

#endif
