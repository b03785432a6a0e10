/* test_report_request.c - report request parsing: JSON bodies, GET links and every error.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_query.h"
#include "report_request.h"

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static struct report_context context(void)
{
    struct report_context ctx;

    memset(&ctx, 0, sizeof(ctx));
    ctx.workspace_id = 7;
    snprintf(ctx.time_zone, sizeof(ctx.time_zone), "Europe/Berlin");
    snprintf(ctx.currency, sizeof(ctx.currency), "EUR");
    ctx.rounding_mode = REPORT_ROUNDING_NEAREST;
    ctx.rounding_minutes = 15;
    ctx.user_id = 3;
    ctx.role = REPORT_ROLE_OWNER;
    ctx.page_size_max = 1000;
    ctx.ids_max = 1000;
    return ctx;
}

static int parse_json(struct report_request *r, enum report_kind kind, const char *body,
                      const struct report_context *ctx, struct api_error *err)
{
    memset(err, 0, sizeof(*err));
    return report_request_parse_json(r, kind, body, strlen(body), ctx, err);
}

/* Expects body to fail with 400 on field; prints the message for review. */
static void expect_json_error(enum report_kind kind, const char *body, const char *field,
                              const char *message_part, int line)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;

    if (parse_json(&r, kind, body, &ctx, &err) == 0) {
        fprintf(stderr, "line %d: accepted %s\n", line, body);
        failures++;
        report_request_free(&r);
        return;
    }
    if (err.status != 400 || strcmp(err.field, field) != 0 ||
        (message_part && strstr(err.message, message_part) == NULL)) {
        fprintf(stderr, "line %d: got %d field '%s' message '%s'; expected field '%s'\n", line,
                err.status, err.field, err.message, field);
        failures++;
    }
}

static void expect_query_error(const char *query, const char *field, int line)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;

    memset(&err, 0, sizeof(err));
    if (report_request_parse_query(&r, REPORT_DETAILED, EXPORT_CSV, query, &ctx, &err) == 0) {
        fprintf(stderr, "line %d: accepted query %s\n", line, query);
        failures++;
        report_request_free(&r);
        return;
    }
    if (err.status != 400 || strcmp(err.field, field) != 0) {
        fprintf(stderr, "line %d: got %d field '%s' (%s); expected field '%s'\n", line, err.status,
                err.field, err.message, field);
        failures++;
    }
}

#define RANGE                                                                                      \
    "\"dateRangeStart\":\"2026-01-01T00:00:00Z\",\"dateRangeEnd\":\"2026-01-31T23:59:59.999Z\""

static void test_json_full(void)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;
    const char *body =
        "{" RANGE ",\"timeZone\":\"Pacific/Auckland\",\"weekStart\":\"SUNDAY\","
        "\"users\":{\"ids\":[\"5\",\"3\",\"5\",null],\"contains\":\"DOES_NOT_CONTAIN\","
        "\"status\":\"INACTIVE\"},"
        "\"tags\":{\"ids\":[\"9\",\"NONE\"],\"containedInTimeentry\":\"CONTAINS_ONLY\"},"
        "\"projects\":{\"ids\":[12]},\"billable\":false,\"description\":\"50%_off\","
        "\"approvalState\":\"APPROVED\",\"invoicingState\":\"UNINVOICED\",\"rounding\":true,"
        "\"amountShown\":\"PROFIT\",\"sortOrder\":\"ASCENDING\",\"exportType\":\"CSV\","
        "\"detailedFilter\":{\"page\":3,\"pageSize\":200,\"sortColumn\":\"DURATION\","
        "\"options\":{\"totals\":\"EXCLUDE\"}},\"dateFormat\":\"DD.MM.YYYY\","
        "\"csvDelimiter\":\";\",\"bom\":true,\"unknownField\":{\"x\":1}}";

    CHECK(parse_json(&r, REPORT_DETAILED, body, &ctx, &err) == 0);
    CHECK(r.start == 1767225600);
    CHECK(r.end == 1767225600 + 31 * 86400 - 1);
    CHECK(strcmp(r.time_zone, "Pacific/Auckland") == 0);
    CHECK(r.week_start == 6);
    CHECK(r.users.count == 2);
    CHECK(r.users.ids[0] == 3);
    CHECK(r.users.ids[1] == 5);
    CHECK(r.users.none);
    CHECK(r.users.contains == FILTER_DOES_NOT_CONTAIN);
    CHECK(r.users.status == FILTER_STATUS_INACTIVE);
    CHECK(r.tags.count == 1);
    CHECK(r.tags.none);
    CHECK(r.tags.contains == FILTER_CONTAINS_ONLY);
    CHECK(r.projects.count == 1);
    CHECK(r.projects.ids[0] == 12);
    CHECK(r.billable == BILLABLE_NO);
    CHECK(r.description != NULL && strcmp(r.description, "50%_off") == 0);
    CHECK(r.approval == APPROVAL_APPROVED);
    CHECK(r.invoicing == INVOICING_UNINVOICED);
    CHECK(r.rounding);
    CHECK(r.rounding_minutes == 15);
    CHECK(r.amounts == AMOUNT_PROFIT);
    CHECK(r.sort_order == SORT_ASCENDING);
    CHECK(r.export_type == EXPORT_CSV);
    CHECK(r.detailed.page == 3);
    CHECK(r.detailed.page_size == 200);
    CHECK(r.detailed.sort_column == DETAILED_SORT_DURATION);
    CHECK(!r.detailed.totals);
    CHECK(r.format.date == DATE_FORMAT_DMY_DOT);
    CHECK(r.format.delimiter == ';');
    CHECK(r.format.bom);
    CHECK(r.workspace_id == 7);
    CHECK(r.member_user_id == 0);
    CHECK(strcmp(r.currency, "EUR") == 0);
    report_request_free(&r);
}

static void test_json_defaults(void)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;

    ctx.role = REPORT_ROLE_MEMBER;
    CHECK(parse_json(&r, REPORT_DETAILED, "{" RANGE "}", &ctx, &err) == 0);
    CHECK(r.member_user_id == 3);
    CHECK(strcmp(r.time_zone, "Europe/Berlin") == 0);
    CHECK(r.export_type == EXPORT_JSON);
    CHECK(r.detailed.page == 1);
    CHECK(r.detailed.page_size == 50);
    CHECK(r.detailed.totals);
    CHECK(r.amounts == AMOUNT_EARNED);
    CHECK(!r.rounding);
    CHECK(r.billable == BILLABLE_ANY);
    CHECK(r.users.count == 0);
    CHECK(!r.users.none);
    report_request_free(&r);
}

static void test_json_local_instants(void)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;

    /* Without an offset the instants are local in timeZone (Berlin is UTC+2 in October). */
    CHECK(parse_json(&r, REPORT_DETAILED,
                     "{\"dateRangeStart\":\"2022-10-01T00:00:00\",\"dateRangeEnd\":"
                     "\"2022-10-01T23:59:59\",\"timeZone\":\"Europe/Berlin\"}",
                     &ctx, &err) == 0);
    CHECK(r.start == 1664575200);
    CHECK(r.end == 1664575200 + 86399);
    report_request_free(&r);

    CHECK(parse_json(&r, REPORT_DETAILED,
                     "{\"dateRangeStart\":\"2022-10-01T00:00:00+05:30\",\"dateRangeEnd\":"
                     "\"2022-10-01T00:00:00.5-0100\"}",
                     &ctx, &err) == 0);
    CHECK(r.start == 1664562600);
    CHECK(r.end == 1664586000);
    report_request_free(&r);
}

static void test_json_amounts_array(void)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;

    CHECK(parse_json(&r, REPORT_SUMMARY, "{" RANGE ",\"amounts\":[\"EARNED\",\"COST\"]}", &ctx,
                     &err) == 0);
    CHECK(r.amounts == AMOUNT_PROFIT);
    report_request_free(&r);
    CHECK(parse_json(&r, REPORT_SUMMARY, "{" RANGE ",\"amounts\":[]}", &ctx, &err) == 0);
    CHECK(r.amounts == AMOUNT_HIDE);
    report_request_free(&r);
}

static void test_json_summary_weekly(void)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;

    CHECK(parse_json(&r, REPORT_SUMMARY,
                     "{" RANGE ",\"summaryFilter\":{\"groups\":[\"CLIENT\",\"TAG\",\"WEEK\"],"
                     "\"sortColumn\":\"AMOUNT\"}}",
                     &ctx, &err) == 0);
    CHECK(r.summary.group_count == 3);
    CHECK(r.summary.groups[0] == SUMMARY_GROUP_CLIENT);
    CHECK(r.summary.groups[2] == SUMMARY_GROUP_WEEK);
    CHECK(r.summary.sort_column == SUMMARY_SORT_AMOUNT);
    report_request_free(&r);

    CHECK(parse_json(&r, REPORT_WEEKLY,
                     "{" RANGE ",\"weeklyFilter\":{\"group\":\"PROJECT\",\"subgroup\":\"COST\"}}",
                     &ctx, &err) == 0);
    CHECK(r.weekly.group == WEEKLY_GROUP_PROJECT);
    CHECK(r.weekly.subgroup == WEEKLY_SUBGROUP_COST);
    report_request_free(&r);
}

static void test_json_errors(void)
{
    char ids[12000];
    size_t used;

#define E(kind, body, field, part) expect_json_error(kind, body, field, part, __LINE__)
    E(REPORT_DETAILED, "{\"dateRangeStart\":", "", "not valid JSON");
    E(REPORT_DETAILED, "[1,2]", "", "JSON object");
    E(REPORT_DETAILED, "{\"dateRangeStart\":\"\xff\xfe\"}", "", "not valid JSON");
    E(REPORT_DETAILED, "{\"dateRangeEnd\":\"2026-01-01T00:00:00Z\"}", "dateRangeStart", "missing");
    E(REPORT_DETAILED, "{\"dateRangeStart\":\"2026-01-01T00:00:00Z\"}", "dateRangeEnd", "missing");
    E(REPORT_DETAILED,
      "{\"dateRangeStart\":\"2026-02-01T00:00:00Z\",\"dateRangeEnd\":\"2026-01-01T00:00:00Z\"}",
      "dateRangeEnd", "before");
    E(REPORT_DETAILED,
      "{\"dateRangeStart\":\"2026-02-30T00:00:00Z\",\"dateRangeEnd\":\"2026-03-01T00:00:00Z\"}",
      "dateRangeStart", "ISO 8601");
    E(REPORT_DETAILED, "{\"dateRangeStart\":17,\"dateRangeEnd\":\"2026-03-01T00:00:00Z\"}",
      "dateRangeStart", "string");
    E(REPORT_DETAILED, "{" RANGE ",\"timeZone\":\"Mars/Olympus\"}", "timeZone", "IANA");
    E(REPORT_DETAILED, "{" RANGE ",\"detailedFilter\":{\"pageSize\":0}}", "detailedFilter.pageSize",
      "between 1 and 1000");
    E(REPORT_DETAILED, "{" RANGE ",\"detailedFilter\":{\"pageSize\":5000}}",
      "detailedFilter.pageSize", "between 1 and 1000");
    E(REPORT_DETAILED, "{" RANGE ",\"detailedFilter\":{\"pageSize\":\"50\"}}",
      "detailedFilter.pageSize", "whole number");
    E(REPORT_DETAILED, "{" RANGE ",\"detailedFilter\":{\"page\":0}}", "detailedFilter.page", NULL);
    E(REPORT_DETAILED, "{" RANGE ",\"detailedFilter\":{\"sortColumn\":\"COLOR\"}}",
      "detailedFilter.sortColumn", "DATE");
    E(REPORT_DETAILED, "{" RANGE ",\"detailedFilter\":{\"options\":{\"totals\":\"MAYBE\"}}}",
      "detailedFilter.options.totals", "CALCULATE");
    E(REPORT_DETAILED, "{" RANGE ",\"detailedFilter\":[]}", "detailedFilter", "object");
    E(REPORT_DETAILED, "{" RANGE ",\"users\":{\"ids\":[\"1\",\"2\",\"3\",\"x7\"]}}", "users.ids[3]",
      "not a valid id");
    E(REPORT_DETAILED, "{" RANGE ",\"users\":{\"ids\":[\"1\",true]}}", "users.ids[1]", NULL);
    E(REPORT_DETAILED, "{" RANGE ",\"projects\":{\"ids\":\"12\"}}", "projects.ids", "array");
    E(REPORT_DETAILED, "{" RANGE ",\"projects\":{\"contains\":\"MAYBE\"}}", "projects.contains",
      "DOES_NOT_CONTAIN");
    E(REPORT_DETAILED, "{" RANGE ",\"projects\":{\"contains\":\"CONTAINS_ONLY\"}}",
      "projects.contains", NULL);
    E(REPORT_DETAILED, "{" RANGE ",\"tasks\":{\"status\":\"ARCHIVED\"}}", "tasks.status", "DONE");
    E(REPORT_DETAILED, "{" RANGE ",\"tags\":{\"containedInTimeentry\":\"SOME\"}}",
      "tags.containedInTimeentry", "CONTAINS_ONLY");
    E(REPORT_DETAILED, "{" RANGE ",\"billable\":\"yes\"}", "billable", "true or false");
    E(REPORT_DETAILED, "{" RANGE ",\"approvalState\":\"PENDING\"}", "approvalState", NULL);
    E(REPORT_DETAILED, "{" RANGE ",\"invoicingState\":1}", "invoicingState", "string");
    E(REPORT_DETAILED, "{" RANGE ",\"amountShown\":\"ALL\"}", "amountShown", "HIDE_AMOUNT");
    E(REPORT_DETAILED, "{" RANGE ",\"amounts\":[\"EARNED\",\"TIPS\"]}", "amounts[1]", NULL);
    E(REPORT_DETAILED, "{" RANGE ",\"sortOrder\":\"UP\"}", "sortOrder", "ASCENDING");
    E(REPORT_DETAILED, "{" RANGE ",\"exportType\":\"PDF\"}", "exportType",
      "PDF export is not supported yet; use JSON, CSV or XLSX");
    E(REPORT_DETAILED, "{" RANGE ",\"exportType\":\"DOCX\"}", "exportType", NULL);
    E(REPORT_DETAILED, "{" RANGE ",\"weekStart\":\"FUNDAY\"}", "weekStart", "MONDAY");
    E(REPORT_DETAILED, "{" RANGE ",\"dateFormat\":\"YY\"}", "dateFormat", "DD/MM/YYYY");
    E(REPORT_DETAILED, "{" RANGE ",\"rounding\":1}", "rounding", NULL);
    E(REPORT_DETAILED, "{" RANGE ",\"description\":\"x\",\"withoutDescription\":true}",
      "withoutDescription", NULL);
    E(REPORT_SUMMARY, "{" RANGE ",\"summaryFilter\":{\"groups\":[]}}", "summaryFilter.groups",
      NULL);
    E(REPORT_SUMMARY,
      "{" RANGE ",\"summaryFilter\":{\"groups\":[\"USER\",\"TAG\",\"DATE\",\"TASK\"]}}",
      "summaryFilter.groups[3]", "at most 3");
    E(REPORT_SUMMARY, "{" RANGE ",\"summaryFilter\":{\"groups\":[\"USER\",\"USER\"]}}",
      "summaryFilter.groups[1]", "repeats");
    E(REPORT_SUMMARY, "{" RANGE ",\"summaryFilter\":{\"groups\":[\"COLOR\"]}}",
      "summaryFilter.groups[0]", NULL);
    E(REPORT_WEEKLY, "{" RANGE ",\"weeklyFilter\":{\"group\":\"TAG\"}}", "weeklyFilter.group",
      NULL);
    E(REPORT_WEEKLY, "{" RANGE ",\"weeklyFilter\":{\"subgroup\":\"MONEY\"}}",
      "weeklyFilter.subgroup", NULL);

    /* 1001 ids are one too many. */
    used = (size_t)snprintf(ids, sizeof(ids), "{" RANGE ",\"clients\":{\"ids\":[");
    for (int i = 1; i <= 1001; i++)
        used += (size_t)snprintf(ids + used, sizeof(ids) - used, "%s\"%d\"", i > 1 ? "," : "", i);
    snprintf(ids + used, sizeof(ids) - used, "]}}");
    E(REPORT_DETAILED, ids, "clients.ids", "at most 1000");
#undef E
}

static void test_range_limit(void)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;

    ctx.range_max_days = 31;
    CHECK(parse_json(&r, REPORT_DETAILED, "{" RANGE "}", &ctx, &err) == 0);
    report_request_free(&r);
    CHECK(parse_json(&r, REPORT_DETAILED,
                     "{\"dateRangeStart\":\"2026-01-01T00:00:00Z\",\"dateRangeEnd\":"
                     "\"2026-02-01T00:00:00Z\"}",
                     &ctx, &err) != 0);
    CHECK(err.status == 400);
    CHECK(strcmp(err.field, "dateRangeEnd") == 0);
    CHECK(strstr(err.message, "31 days") != NULL);
}

static void test_query(void)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;

    CHECK(report_request_parse_query(&r, REPORT_DETAILED, EXPORT_XLSX,
                                     "start=2026-03-29&end=2026-03-29&tz=Europe%2FBerlin"
                                     "&users=4,2&projects=NONE&tags=8&billable=true"
                                     "&description=caf%C3%A9+menu&sort=USER&order=ASC&page=2"
                                     "&pageSize=10&rounding=true&amounts=COST"
                                     "&dateFormat=MM%2FDD%2FYYYY&bom=true&ignored=1",
                                     &ctx, &err) == 0);
    /* 2026-03-29 has 23 hours in Berlin: 00:00 is UTC+1, the day ends at 23:59:59 UTC+2. */
    CHECK(r.start == 1774738800);
    CHECK(r.end == 1774738800 + 23 * 3600 - 1);
    CHECK(r.export_type == EXPORT_XLSX);
    CHECK(r.users.count == 2);
    CHECK(r.users.ids[0] == 2);
    CHECK(r.projects.none);
    CHECK(r.projects.count == 0);
    CHECK(r.tags.count == 1);
    CHECK(r.billable == BILLABLE_YES);
    CHECK(r.description && strcmp(r.description, "caf\xc3\xa9 menu") == 0);
    CHECK(r.detailed.sort_column == DETAILED_SORT_USER);
    CHECK(r.sort_order == SORT_ASCENDING);
    CHECK(r.detailed.page == 2);
    CHECK(r.detailed.page_size == 10);
    CHECK(r.rounding);
    CHECK(r.amounts == AMOUNT_COST);
    CHECK(r.format.date == DATE_FORMAT_MDY_SLASH);
    CHECK(r.format.bom);
    report_request_free(&r);

    /* An unencoded '+' in an offset arrives as a space. */
    CHECK(report_request_parse_query(&r, REPORT_SUMMARY, EXPORT_CSV,
                                     "start=2026-01-01T00:00:00+01:00&end=2026-01-02T00:00:00Z"
                                     "&groups=PROJECT,TIMEENTRY",
                                     &ctx, &err) == 0);
    CHECK(r.start == 1767222000);
    CHECK(r.summary.group_count == 2);
    CHECK(r.summary.groups[1] == SUMMARY_GROUP_TIMEENTRY);
    report_request_free(&r);

    CHECK(report_request_parse_query(&r, REPORT_WEEKLY, EXPORT_JSON,
                                     "start=2026-01-05&end=2026-01-11&group=PROJECT"
                                     "&subgroup=EARNED",
                                     &ctx, &err) == 0);
    CHECK(r.weekly.group == WEEKLY_GROUP_PROJECT);
    CHECK(r.weekly.subgroup == WEEKLY_SUBGROUP_EARNED);
    report_request_free(&r);

#define Q(query, field) expect_query_error(query, field, __LINE__)
    Q("end=2026-01-01", "start");
    Q("start=2026-01-01", "end");
    Q("start=2026-01-02&end=2026-01-01", "end");
    Q("start=2026-13-01&end=2026-01-01", "start");
    Q("start=2026-01-01&end=2026-01-02&tz=Nowhere", "tz");
    Q("start=2026-01-01&end=2026-01-02&users=1,x", "users");
    Q("start=2026-01-01&end=2026-01-02&users=1,", "users");
    Q("start=2026-01-01&end=2026-01-02&pageSize=0", "pageSize");
    Q("start=2026-01-01&end=2026-01-02&pageSize=5000", "pageSize");
    Q("start=2026-01-01&end=2026-01-02&page=-1", "page");
    Q("start=2026-01-01&end=2026-01-02&billable=maybe", "billable");
    Q("start=2026-01-01&end=2026-01-02&sort=COLOR", "sort");
    Q("start=2026-01-01&end=2026-01-02&amounts=TIPS", "amounts");
    Q("start=2026-01-01&end=2026-01-02&description=%ZZ", "description");
    Q("start=2026-01-01&end=2026-01-02&description=%00", "description");
    Q("start=2026-01-01&end=2026-01-02&csvDelimiter=%7C", "csvDelimiter");
#undef Q

    char *huge = malloc(REPORT_QUERY_MAX + 100);
    if (huge != NULL) {
        memset(huge, 'a', REPORT_QUERY_MAX + 99);
        huge[REPORT_QUERY_MAX + 99] = '\0';
        CHECK(report_request_parse_query(&r, REPORT_DETAILED, EXPORT_CSV, huge, &ctx, &err) != 0);
        CHECK(err.status == 414);
        free(huge);
    }
}

static void test_where_sql(void)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;
    struct report_sql sql;
    struct db_params params;

    CHECK(parse_json(&r, REPORT_DETAILED,
                     "{" RANGE ",\"description\":\"x'; DROP TABLE users; --\","
                     "\"tags\":{\"ids\":[\"4\",\"2\"],\"containedInTimeentry\":\"CONTAINS_ONLY\"}}",
                     &ctx, &err) == 0);
    report_sql_init(&sql);
    db_params_init(&params);
    CHECK(report_query_where(&r, &sql, &params) == 0);
    /* Request text never reaches the SQL; it is bound: ws, start, end, 2 x 2 tag ids, LIKE. */
    CHECK(strstr(sql.text, "DROP") == NULL);
    CHECK(params.count == 8);
    size_t marks = 0;
    for (const char *p = sql.text; *p; p++)
        marks += *p == '?';
    CHECK(marks == params.count);
    report_sql_free(&sql);
    db_params_free(&params);
    report_request_free(&r);
}

static void test_rounding_money(void)
{
    struct report_request r;

    memset(&r, 0, sizeof(r));
    r.rounding = true;
    r.rounding_minutes = 15;
    r.rounding_mode = REPORT_ROUNDING_NEAREST;
    CHECK(report_round_duration(&r, 20 * 60) == 15 * 60);
    CHECK(report_round_duration(&r, 22 * 60 + 30) == 30 * 60);
    r.rounding_mode = REPORT_ROUNDING_UP;
    CHECK(report_round_duration(&r, 15 * 60 + 1) == 30 * 60);
    CHECK(report_round_duration(&r, 15 * 60) == 15 * 60);
    r.rounding_mode = REPORT_ROUNDING_DOWN;
    CHECK(report_round_duration(&r, 29 * 60 + 59) == 15 * 60);
    r.rounding = false;
    CHECK(report_round_duration(&r, 29 * 60 + 59) == 29 * 60 + 59);

    CHECK(report_money(3600, 5000) == 5000);
    CHECK(report_money(1, 1800) == 1); /* 0.5 cent rounds up */
    CHECK(report_money(1, 1799) == 0);
    CHECK(report_money(1, -1800) == -1);
    CHECK(report_money_earned(&r, false, 3600, 5000, false, 0) == 0);
    CHECK(report_money_earned(&r, true, 3600, 5000, true, 1234) == 1234);
    r.rounding = true;
    CHECK(report_money_earned(&r, true, 3600, 5000, true, 1234) == 5000);
    CHECK(report_money_cost(&r, 1800, 3000, false, 0) == 1500);
}

int main(void)
{
    test_json_full();
    test_json_defaults();
    test_json_local_instants();
    test_json_amounts_array();
    test_json_summary_weekly();
    test_json_errors();
    test_range_limit();
    test_query();
    test_where_sql();
    test_rounding_money();
    if (failures > 0) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("all report request checks passed\n");
    return 0;
}
