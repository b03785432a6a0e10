/* report_json.h - the detailed report as Clockify-shaped JSON: totals and one page of entries.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_REPORT_JSON_H
#define REPORTD_REPORT_JSON_H

#include "api_error.h"
#include "db.h"
#include "report_request.h"
#include "sink.h"

/* Writes {"totals": [...], "timeentries": [...]} for r (one page, totals unless EXCLUDE) to out.
 * Ids are strings, times ISO 8601 with the offset of r->time_zone, durations seconds and money
 * cents. Reads through report_detailed_open, so JSON and exports share one path. Returns 0; or
 * -1 with err filled. Some output may already be written on failure, so callers should write
 * to a memory sink and send it only on success. */
int report_json_detailed(struct db *db, const struct report_request *r, struct sink *out,
                         struct api_error *err);

#endif
