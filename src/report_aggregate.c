/* report_aggregate.c - helpers shared by the summary and weekly reports.
 * SPDX-License-Identifier: MIT
 */
#include "report_aggregate.h"

#include <stdio.h>

#include "log.h"

const char *report_aggregate_zone(const struct report_request *r)
{
    return r->time_zone[0] != '\0' ? r->time_zone : "UTC";
}

int report_aggregate_fail(struct db *db, MYSQL_STMT *stmt, const char *report,
                          struct api_error *err)
{
    unsigned int code = 0;

    if (stmt != NULL) {
        code = mysql_stmt_errno(stmt);
        snprintf(db->error, sizeof(db->error), "%s: %s (%u)", report, mysql_stmt_error(stmt), code);
    } else if (db->conn != NULL) {
        code = mysql_errno(db->conn);
    }
    log_error("%s report query failed: %s", report, db->error);
    if (db->conn == NULL || db_error_is_connection(code))
        return api_error_set(err, 503, NULL, "the database is unreachable; try again later");
    return api_error_set(err, 500, NULL, "the database failed while summing the report");
}

static int append_amount(json_t *array, const char *type, int64_t value)
{
    return json_array_append_new(array,
                                 json_pack("{s:s,s:I}", "type", type, "value", (json_int_t)value));
}

json_t *report_aggregate_amounts(enum amount_kind amounts, int64_t earned, int64_t cost)
{
    json_t *array = json_array();
    int failed = 0;

    if (array == NULL)
        return NULL;
    if (amounts == AMOUNT_EARNED || amounts == AMOUNT_PROFIT)
        failed |= append_amount(array, "EARNED", earned);
    if (amounts == AMOUNT_COST || amounts == AMOUNT_PROFIT)
        failed |= append_amount(array, "COST", cost);
    if (amounts == AMOUNT_PROFIT)
        failed |= append_amount(array, "PROFIT", earned - cost);
    if (failed != 0) {
        json_decref(array);
        return NULL;
    }
    return array;
}

static int write_to_sink(const char *buffer, size_t size, void *data)
{
    struct sink *out = data;
    return out->write(out->ctx, buffer, size);
}

int report_aggregate_send_json(const json_t *root, struct sink *out)
{
    return json_dump_callback(root, write_to_sink, out, JSON_COMPACT | JSON_ENSURE_ASCII);
}
