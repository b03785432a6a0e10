/* report_detailed.h - the detailed report: a cursor over the entries of a request, resolved into
 * struct report_row one at a time, and the report's totals.
 * SPDX-License-Identifier: MIT
 *
 * report_detailed_open does everything that can fail with a status (snapshot, dimensions,
 * totals, the query itself) before a caller writes its first byte. The rows then stream from
 * the server without being stored, so memory does not grow with the number of entries.
 */
#ifndef REPORTD_REPORT_DETAILED_H
#define REPORTD_REPORT_DETAILED_H

#include <stdint.h>

#include "api_error.h"
#include "db.h"
#include "report_dims.h"
#include "report_request.h"
#include "report_row.h"

/* Sums over every entry a request selects (not just one page). Seconds and cents. */
struct report_totals {
    int64_t total_time;
    int64_t billable_time;
    uint64_t entries;
    int64_t earned;
    int64_t cost;
    int64_t profit;
};

struct report_cursor;

/* Starts a read-only consistent snapshot on db, loads the workspace's dimensions, computes the
 * totals when r is a JSON detailed request with totals CALCULATE, and executes the entries
 * query: one page (r->detailed.page, page_size) for JSON, every entry for CSV and XLSX, ordered
 * by r->detailed.sort_column and r->sort_order with the id breaking ties. Makes r->time_zone
 * the process zone (tz_use). r must outlive the cursor. Returns 0 with *out set; or -1 with err
 * filled (503 when the database is unreachable, else 500), db->error holding the detail and
 * nothing left open. */
int report_detailed_open(struct db *db, const struct report_request *r,
                         struct report_cursor **out, struct api_error *err);

/* Fetches the next entry into *row, which stays valid until the next call or close. Returns 1
 * for a row, 0 at the end, -1 on a database error with db->error set. */
int report_cursor_next(struct report_cursor *c, const struct report_row **row);

/* The totals computed by open, or NULL when the request did not ask for them. */
const struct report_totals *report_cursor_totals(const struct report_cursor *c);

/* The dimensions loaded by open, valid until close. */
const struct report_dims *report_cursor_dims(const struct report_cursor *c);

/* Ends the snapshot and frees the cursor. Safe with NULL, after errors and after db_abandon
 * dropped the connection. */
void report_cursor_close(struct report_cursor *c);

/* Computes the totals of r: from the per-day totals where they can serve r
 * (report_day_totals.h), else with report_detailed_totals_scan. Runs in whatever transaction db
 * is in; open calls it inside its snapshot. Returns 0, or -1 with err filled like
 * report_detailed_open. */
int report_detailed_totals(struct db *db, const struct report_request *r,
                           struct report_totals *t, struct api_error *err);

/* Computes the totals of r with one aggregate query over the entries, with the same WHERE
 * clause as the entries query. Same contract as report_detailed_totals. */
int report_detailed_totals_scan(struct db *db, const struct report_request *r,
                                struct report_totals *t, struct api_error *err);

/* Runs sql, a query whose one row contains entries, seconds, billable seconds, earned and cost
 * cents, and stores the row in t (profit = earned - cost). Same contract as
 * report_detailed_totals. */
int report_detailed_totals_fetch(struct db *db, const char *sql, struct db_params *params,
                                 struct report_totals *t, struct api_error *err);

/* Fills err from a failed database call (stmt may be NULL; its error is then db's): 503 when
 * the connection is gone, else 500 naming what failed; db->error contains the detail. Returns -1. */
int report_detailed_db_error(struct db *db, MYSQL_STMT *stmt, const char *what,
                             struct api_error *err);

#endif
