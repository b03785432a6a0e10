/* fuzz_request_filter.c - libFuzzer target for the filter path: a JSON body that the parser
 * accepts goes on to report_query_where. Its SQL must bind every request value through a
 * placeholder and keep the workspace and MEMBER restrictions first. Its range must fit the
 * DATETIME values that MariaDB can store (years 0 to 9999).
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "report_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void filter_fail(const char *what, const char *sql)
{
    fprintf(stderr, "WHERE clause contract broken: %s\nSQL: %s\n", what, sql ? sql : "(none)");
    abort();
}

/* Counts '?' outside quoted literals. Aborts on a quoted literal that is not one of the fixed
 * upper-case states, which would mean request text reached the SQL. */
static size_t filter_placeholders(const char *sql)
{
    size_t count = 0;

    for (const char *p = sql; *p; p++) {
        if (*p == '?') {
            count++;
            continue;
        }
        if (*p != '\'')
            continue;
        const char *close = strchr(p + 1, '\'');
        if (close == NULL)
            filter_fail("an unterminated quote", sql);
        for (const char *q = p + 1; q < close; q++) {
            if (*q < 'A' || *q > 'Z')
                filter_fail("a quoted literal that is not a fixed state name", sql);
        }
        p = close;
    }
    return count;
}

/* The range is bound as db_utc_to_time converts it; MariaDB's DATETIME stores years 0 to 9999. */
static void filter_check_datetime(const struct db_params *params, size_t index, int64_t utc,
                                  const char *sql)
{
    MYSQL_TIME time;

    if (params->binds[index].buffer_type != MYSQL_TYPE_DATETIME)
        filter_fail("the range is not bound as DATETIME", sql);
    db_utc_to_time(utc, &time);
    if (time.year > 9999 || time.month < 1 || time.month > 12 || time.day < 1 || time.day > 31)
        filter_fail("a range bound outside the DATETIME type (years 0 to 9999)", sql);
}

static void filter_check(const struct report_request *r, const struct report_context *ctx)
{
    struct report_sql sql;
    struct db_params params;
    static const char prefix[] = "e.workspace_id = ? AND e.start_at BETWEEN ? AND ? "
                                 "AND e.end_at IS NOT NULL";

    report_sql_init(&sql);
    db_params_init(&params);
    if (report_query_where(r, &sql, &params) != 0)
        goto out; /* out of memory only */
    if (strncmp(sql.text, prefix, sizeof(prefix) - 1) != 0)
        filter_fail("the workspace and range do not come first", sql.text);
    if (filter_placeholders(sql.text) != params.count)
        filter_fail("placeholders and bound values differ in number", sql.text);
    if (params.binds[0].buffer_type != MYSQL_TYPE_LONGLONG || !params.binds[0].is_unsigned)
        filter_fail("the first value is not the workspace id", sql.text);
    filter_check_datetime(&params, 1, r->start, sql.text);
    filter_check_datetime(&params, 2, r->end, sql.text);
    if (ctx->role == REPORT_ROLE_MEMBER) {
        static const char member[] = " AND e.user_id = ?";
        /* The user id itself is checked by fuzz_check_result on r->member_user_id. */
        if (strncmp(sql.text + sizeof(prefix) - 1, member, sizeof(member) - 1) != 0 ||
            params.binds[3].buffer_type != MYSQL_TYPE_LONGLONG)
            filter_fail("a MEMBER request is not restricted to its user", sql.text);
    }
out:
    db_params_free(&params);
    report_sql_free(&sql);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum report_kind kinds[] = {REPORT_DETAILED, REPORT_SUMMARY, REPORT_WEEKLY};

    if (size < 1 || size > (1u << 20))
        return 0;
    /* The first byte picks the key's role and the report kind; the rest is the body. */
    struct report_context ctx;
    fuzz_context_fill(&ctx, data[0] & 1);
    enum report_kind kind = kinds[(data[0] >> 1) % 3];

    struct report_request r;
    struct api_error err = {0};
    int parsed = report_request_parse_json(&r, kind, (const char *)data + 1, size - 1, &ctx, &err);
    fuzz_check_result(parsed, &r, &ctx, &err);
    if (parsed == 0)
        filter_check(&r, &ctx);
    report_request_free(&r);
    return 0;
}
