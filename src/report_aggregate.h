/* report_aggregate.h - what the aggregate reports (summary and weekly) share: the request's zone,
 * database failures turned into statuses, and their JSON amounts and output.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_REPORT_AGGREGATE_H
#define REPORTD_REPORT_AGGREGATE_H

#include <jansson.h>
#include <stdint.h>

#include "api_error.h"
#include "db.h"
#include "report_request.h"
#include "sink.h"

/* Returns the request's IANA zone, or "UTC" when it has none. */
const char *report_aggregate_zone(const struct report_request *r);

/* Fills err after a failed database call of the report named report ("summary", "weekly"):
 * 503 when the connection is gone, else 500. Copies the statement's error (stmt may be NULL)
 * into db->error and logs it. Returns -1. */
int report_aggregate_fail(struct db *db, MYSQL_STMT *stmt, const char *report,
                          struct api_error *err);

/* Builds the "amounts" array: one {"type", "value"} object per money kind that amounts shows, in
 * cents. Returns a new reference, or NULL when memory runs out. */
json_t *report_aggregate_amounts(enum amount_kind amounts, int64_t earned, int64_t cost);

/* Writes root to out as compact ASCII JSON. Returns 0, or -1 when out fails. */
int report_aggregate_send_json(const json_t *root, struct sink *out);

#endif
