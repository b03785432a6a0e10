/* report_summary.h - the summary report: entries grouped on one to three levels, with durations,
 * counts and money summed per group in MariaDB, written as JSON, CSV or XLSX.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_REPORT_SUMMARY_H
#define REPORTD_REPORT_SUMMARY_H

#include <stddef.h>

#include "api_error.h"
#include "db.h"
#include "report_request.h"
#include "sink.h"

struct report_summary;

/* Runs the summary report r (validated, ids checked, tz_use(r->time_zone) done) inside one
 * read-only consistent-snapshot transaction: one GROUP BY over the leaf keys, plus one query
 * per level whose groups would count an entry twice otherwise (a TAG or USER_GROUP level below
 * it). On success returns 0 and *out owns the result (free it with report_summary_free). On
 * failure returns -1 with err set (503 when the database is unreachable, 500 otherwise) and
 * *out NULL. r is borrowed and may be freed once this returns. */
int report_summary_run(struct db *db, const struct report_request *r,
                       struct report_summary **out, struct api_error *err);

/* Writes s as the Clockify-compatible JSON {"totals":[...],"groupOne":[...]}. Returns 0, or -1
 * when the sink failed or memory ran out. */
int report_summary_json(const struct report_summary *s, struct sink *out);

/* Writes s as CSV in the request's format options: one column per group level, Time (h),
 * Time (decimal), the money columns, one row per leaf group and a last Total row. Returns 0, or
 * -1 when the sink failed. */
int report_summary_csv(const struct report_summary *s, struct sink *out);

/* Writes s as an XLSX workbook at path (tmp_dir holds libxlsxwriter's temporary files): the
 * CSV's columns, typed, with every parent group as an outlined row above its children and a
 * Total row. Returns 0, or -1 with a message in err (err_size bytes); no file stays at path
 * on failure. */
int report_summary_xlsx(const struct report_summary *s, const char *path, const char *tmp_dir,
                        char *err, size_t err_size);

/* Frees s (NULL is fine). */
void report_summary_free(struct report_summary *s);

#endif
