/* report_weekly.h - the weekly report: the seven days of one week per user or project, with
 * the other as children, summed in MariaDB and written as JSON, CSV or XLSX.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_REPORT_WEEKLY_H
#define REPORTD_REPORT_WEEKLY_H

#include <stddef.h>

#include "api_error.h"
#include "db.h"
#include "report_request.h"
#include "sink.h"

struct report_weekly;

/* Runs the weekly report r (validated, ids checked, tz_use(r->time_zone) done) over the week
 * that contains r->start in r->time_zone and starts on r->week_start; r->end is not used. One
 * GROUP BY runs inside a read-only consistent-snapshot transaction. On success returns 0 and
 * *out owns the result (free it with report_weekly_free). On failure returns -1 with err set
 * (503 when the database is unreachable, 500 otherwise) and *out NULL. r is borrowed. */
int report_weekly_run(struct db *db, const struct report_request *r, struct report_weekly **out,
                      struct api_error *err);

/* Writes w as JSON {"totals":[...],"totalsByDay":[...],"groupOne":[...]}. Returns 0, or -1
 * when the sink failed or memory ran out. */
int report_weekly_json(const struct report_weekly *w, struct sink *out);

/* Writes w as a CSV grid: the group and subgroup columns, one column per day headed by its
 * date in the dateFormat, a Total column, a row per group and per child, and a last Total row.
 * Returns 0, or -1 when the sink failed. */
int report_weekly_csv(const struct report_weekly *w, struct sink *out);

/* Writes w as an XLSX workbook at path with the CSV's grid, durations as [h]:mm:ss numbers and
 * money as numbers. Returns 0, or -1 with a message in err; no file stays at path on failure. */
int report_weekly_xlsx(const struct report_weekly *w, const char *path, const char *tmp_dir,
                       char *err, size_t err_size);

/* Frees w (NULL is fine). */
void report_weekly_free(struct report_weekly *w);

#endif
