/* report_day_totals.h - computes a detailed report's totals and deep-page offsets from the
 * per-day entry totals (sql/004_entry_totals.sql) instead of reading every entry of the range.
 * SPDX-License-Identifier: MIT
 *
 * The day tables contain whole UTC days, but a request range rarely starts and ends on UTC
 * midnight: a day in Europe/Berlin starts at 22:00 or 23:00 UTC. The days wholly inside the
 * range come from the tables, and the two partial days at its edges from the entries.
 */
#ifndef REPORTD_REPORT_DAY_TOTALS_H
#define REPORTD_REPORT_DAY_TOTALS_H

#include <stdbool.h>
#include <stdint.h>

#include "api_error.h"
#include "db.h"
#include "report_detailed.h"
#include "report_request.h"

/* True when the day tables can serve r: no rounding and no filter other than users (ids
 * with status ALL) and the MEMBER restriction, because the tables are kept per user and day
 * only. Other requests read the entries. */
bool report_day_totals_usable(const struct report_request *r);

/* Computes the totals of a usable r. Runs in db's current transaction. Returns 0, or -1 with
 * err filled like report_detailed_open. */
int report_day_totals_sum(struct db *db, const struct report_request *r, struct report_totals *t,
                          struct api_error *err);

/* Narrows a usable r's range to where the entry at position offset (0-based, in r's DATE order)
 * lies. For a descending order *end moves back to the end of the day that contains that entry,
 * for an ascending one *start moves forward to the start of it. *skip is the entry's position
 * within the narrowed range, so a page query over [*start, *end] with OFFSET *skip passes over
 * at most one day of entries. Returns 0, or -1 with err filled. */
int report_day_totals_seek(struct db *db, const struct report_request *r, int64_t offset,
                           int64_t *start, int64_t *end, int64_t *skip, struct api_error *err);

#endif
