/* day_totals.h - keeps the per-day entry totals of sql/004_entry_totals.sql in step with
 * time_entries, for the writers of entries (import, generate, restore).
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_DAY_TOTALS_H
#define REPORTD_DAY_TOTALS_H

#include <stdint.h>

#include "db.h"

/* Recomputes entry_totals_by_user_day and entry_totals_by_day of one workspace from
 * time_entries, for every UTC day from the day of from_utc to the day of to_utc (both included).
 * Runs in the caller's transaction: a writer calls it after its last entry and before COMMIT.
 * It first locks the workspace row, so two writers of one workspace refresh one after the
 * other and each reads the other's committed entries. Returns 0, or -1 with db->error set. */
int day_totals_refresh(struct db *db, uint64_t workspace_id, int64_t from_utc, int64_t to_utc);

/* The same for every day of the workspace (restore, or a writer that does not know its days). */
int day_totals_rebuild(struct db *db, uint64_t workspace_id);

#endif
