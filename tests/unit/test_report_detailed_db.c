/* test_report_detailed_db.c - the detailed report engine against a real MariaDB: rows, filters,
 * sort orders, paging, rounding, amounts, totals, time zones and the MEMBER restriction.
 * SPDX-License-Identifier: MIT
 *
 * Needs REPORTD_CONFIG (a reportd.conf whose database has the schema); skips without it. The
 * test creates its own workspace and users with unique names and deletes them at the end.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "day_totals.h"
#include "db.h"
#include "report_day_totals.h"
#include "report_detailed.h"
#include "report_json.h"
#include "report_request.h"
#include "sink.h"

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static struct db db;
static char suffix[64];

/* Fixture ids. */
static uint64_t ws, alice, bob, team, acme, website, internal, design, build, urgent, remote;
static uint64_t e1, e2, e3, e4, e5, e6, e7, e8;

/* Runs sql with parameters described by types: u = uint64_t, i = int64_t, s = text,
 * t = UTC seconds as DATETIME, n = NULL (no argument). Returns the insert id; exits on error. */
static uint64_t run(const char *sql, const char *types, ...)
{
    struct db_params params;
    va_list args;
    uint64_t id = 0;

    db_params_init(&params);
    va_start(args, types);
    for (const char *t = types; *t; t++) {
        if (*t == 'u')
            db_params_add_u64(&params, va_arg(args, uint64_t));
        else if (*t == 'i')
            db_params_add_i64(&params, va_arg(args, int64_t));
        else if (*t == 't')
            db_params_add_datetime(&params, va_arg(args, int64_t));
        else if (*t == 'n')
            db_params_add_null(&params);
        else {
            const char *text = va_arg(args, const char *);
            db_params_add_text(&params, text, strlen(text));
        }
    }
    va_end(args);
    if (db_run(&db, sql, &params, NULL, &id) != 0) {
        fprintf(stderr, "fixture SQL failed: %s\n%s\n", db.error, sql);
        exit(1);
    }
    db_params_free(&params);
    return id;
}

/* UTC seconds of a UTC calendar time. */
static int64_t utc(int year, int month, int day, int hour, int minute, int second)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return (int64_t)timegm(&tm);
}

static uint64_t add_entry(uint64_t user, uint64_t project, uint64_t task, const char *text,
                          int64_t start, int64_t end, int billable, int64_t hourly, int64_t cost,
                          const char *tag_ids)
{
    struct db_params params;
    uint64_t id = 0;

    db_params_init(&params);
    db_params_add_u64(&params, ws);
    db_params_add_u64(&params, user);
    if (project)
        db_params_add_u64(&params, project);
    else
        db_params_add_null(&params);
    if (task)
        db_params_add_u64(&params, task);
    else
        db_params_add_null(&params);
    db_params_add_text(&params, text, strlen(text));
    db_params_add_datetime(&params, start);
    if (end)
        db_params_add_datetime(&params, end);
    else
        db_params_add_null(&params);
    db_params_add_i64(&params, billable);
    db_params_add_i64(&params, hourly);
    db_params_add_i64(&params, cost);
    db_params_add_text(&params, tag_ids, strlen(tag_ids));
    if (db_run(&db,
               "INSERT INTO time_entries (workspace_id, user_id, project_id, task_id, "
               "description, start_at, end_at, billable, hourly_rate, cost_rate, tag_ids) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               &params, NULL, &id) != 0) {
        fprintf(stderr, "insert entry failed: %s\n", db.error);
        exit(1);
    }
    db_params_free(&params);
    return id;
}

static void tag_entry(uint64_t entry, uint64_t tag)
{
    run("INSERT INTO entry_tags (entry_id, tag_id) VALUES (?, ?)", "uu", entry, tag);
}

static void setup(void)
{
    char name[128], email[128], ids[64];

    snprintf(name, sizeof(name), "engine-test-%s", suffix);
    ws = run("INSERT INTO workspaces (name, currency, time_zone, rounding_mode, "
             "rounding_minutes) VALUES (?, 'EUR', 'Europe/Berlin', 'NEAREST', 15)",
             "s", name);
    snprintf(email, sizeof(email), "alice-%s@example.com", suffix);
    alice = run("INSERT INTO users (email, name) VALUES (?, 'Alice')", "s", email);
    bob = run("INSERT INTO users (email, name) VALUES (NULL, 'Bob')", "");
    run("INSERT INTO memberships (workspace_id, user_id, role) VALUES (?, ?, 'OWNER')", "uu", ws,
        alice);
    run("INSERT INTO memberships (workspace_id, user_id, role) VALUES (?, ?, 'MEMBER')", "uu", ws,
        bob);
    team = run("INSERT INTO user_groups (workspace_id, name) VALUES (?, 'Team Red')", "u", ws);
    run("INSERT INTO user_group_members (group_id, user_id) VALUES (?, ?)", "uu", team, alice);
    acme = run("INSERT INTO clients (workspace_id, name) VALUES (?, 'Acme')", "u", ws);
    website = run("INSERT INTO projects (workspace_id, client_id, name, color) VALUES "
                  "(?, ?, 'Website', '#FF0000')",
                  "uu", ws, acme);
    internal = run("INSERT INTO projects (workspace_id, name, archived) VALUES "
                   "(?, 'Internal', 1)",
                   "u", ws);
    design = run("INSERT INTO tasks (workspace_id, project_id, name) VALUES (?, ?, 'Design')", "uu",
                 ws, website);
    build = run("INSERT INTO tasks (workspace_id, project_id, name, status) VALUES "
                "(?, ?, 'Build', 'DONE')",
                "uu", ws, website);
    urgent = run("INSERT INTO tags (workspace_id, name) VALUES (?, 'urgent')", "u", ws);
    remote = run("INSERT INTO tags (workspace_id, name) VALUES (?, 'remote')", "u", ws);

    snprintf(ids, sizeof(ids), "%llu,%llu", (unsigned long long)urgent, (unsigned long long)remote);
    e1 = add_entry(alice, website, design, "Design homepage", utc(2026, 1, 10, 9, 0, 0),
                   utc(2026, 1, 10, 10, 0, 0), 1, 5000, 2000, ids);
    tag_entry(e1, urgent);
    tag_entry(e1, remote);
    snprintf(ids, sizeof(ids), "%llu", (unsigned long long)urgent);
    /* 23:00 to 01:00 in Berlin: counts on the day it starts, with its whole duration. */
    e2 = add_entry(alice, website, 0, "Late call", utc(2026, 1, 10, 22, 0, 0),
                   utc(2026, 1, 11, 0, 0, 0), 0, 5000, 2000, ids);
    tag_entry(e2, urgent);
    e3 = add_entry(bob, internal, 0, "", utc(2026, 1, 12, 8, 0, 0), utc(2026, 1, 12, 8, 20, 0), 1,
                   3000, 1000, "");
    run("UPDATE time_entries SET approval_state = 'APPROVED' WHERE id = ?", "u", e3);
    e4 = add_entry(bob, 0, 0, "Running", utc(2026, 1, 13, 8, 0, 0), 0, 1, 3000, 1000, "");
    snprintf(ids, sizeof(ids), "%llu", (unsigned long long)remote);
    e5 = add_entry(alice, website, build, "Imported", utc(2026, 1, 14, 10, 0, 0),
                   utc(2026, 1, 14, 10, 10, 0), 1, 6000, 0, ids);
    tag_entry(e5, remote);
    run("UPDATE time_entries SET earned_amount = 999, cost_amount = 111, "
        "invoicing_state = 'INVOICED' WHERE id = ?",
        "u", e5);
    e6 = add_entry(bob, website, design, "Outside range", utc(2026, 2, 5, 8, 0, 0),
                   utc(2026, 2, 5, 9, 0, 0), 1, 3000, 1000, "");
    e7 = add_entry(alice, 0, 0,
                   "Caf\xc3\xa9 Stra\xc3\x9f"
                   "e",
                   utc(2026, 1, 15, 12, 0, 7), utc(2026, 1, 15, 12, 30, 0), 0, 0, 1234, "");

    /* A description far longer than the fetch buffer, alone in March. */
    char *long_text = malloc(100001);
    for (int i = 0; i < 100000; i++)
        long_text[i] = (char)('a' + i % 26);
    long_text[100000] = '\0';
    e8 = add_entry(bob, 0, 0, long_text, utc(2026, 3, 2, 8, 0, 0), utc(2026, 3, 2, 9, 0, 0), 0, 0,
                   0, "");
    free(long_text);
}

static void teardown(void)
{
    /* projects reference clients without a cascade, so children go first. */
    run("DELETE FROM time_entries WHERE workspace_id = ?", "u", ws);
    run("DELETE FROM projects WHERE workspace_id = ?", "u", ws);
    run("DELETE FROM workspaces WHERE id = ?", "u", ws);
    run("DELETE FROM users WHERE id IN (?, ?)", "uu", alice, bob);
}

static struct report_context context(void)
{
    struct report_context ctx;

    memset(&ctx, 0, sizeof(ctx));
    ctx.workspace_id = ws;
    snprintf(ctx.time_zone, sizeof(ctx.time_zone), "Europe/Berlin");
    snprintf(ctx.currency, sizeof(ctx.currency), "EUR");
    ctx.rounding_mode = REPORT_ROUNDING_NEAREST;
    ctx.rounding_minutes = 15;
    ctx.user_id = alice;
    ctx.role = REPORT_ROLE_OWNER;
    ctx.page_size_max = 1000;
    ctx.ids_max = 1000;
    return ctx;
}

/* The rows a report returns, copied out of the cursor. */
struct result {
    size_t count;
    uint64_t ids[16];
    struct report_row rows[16];
    char tags[16][64];
    char groups[16][64];
    char emails[16][128];
    size_t description_len[16];
    char description_head[16][32];
};

/* Parses body with ctx, runs the report and stores the rows in res. Returns 0 or -1. */
static int run_body(const char *body, const struct report_context *ctx, struct result *res)
{
    struct report_request r;
    struct api_error err;
    struct report_cursor *cursor = NULL;
    const struct report_row *row;

    memset(res, 0, sizeof(*res));
    if (report_request_parse_json(&r, REPORT_DETAILED, body, strlen(body), ctx, &err) != 0) {
        fprintf(stderr, "parse failed: %s (%s) for %s\n", err.message, err.field, body);
        return -1;
    }
    if (report_detailed_open(&db, &r, &cursor, &err) != 0) {
        fprintf(stderr, "open failed: %s; %s\n", err.message, db.error);
        report_request_free(&r);
        return -1;
    }
    int next = report_cursor_next(cursor, &row);
    while (next == 1) {
        if (res->count < 16) {
            size_t i = res->count;
            res->ids[i] = row->id;
            res->rows[i] = *row;
            snprintf(res->tags[i], sizeof(res->tags[i]), "%s", row->tags_joined);
            snprintf(res->groups[i], sizeof(res->groups[i]), "%s", row->group_names);
            snprintf(res->emails[i], sizeof(res->emails[i]), "%s", row->user_email);
            res->description_len[i] = row->description_len;
            snprintf(res->description_head[i], sizeof(res->description_head[i]), "%s",
                     row->description);
        }
        res->count++;
        next = report_cursor_next(cursor, &row);
    }
    if (next < 0)
        fprintf(stderr, "next failed: %s\n", db.error);
    report_cursor_close(cursor);
    report_request_free(&r);
    return next < 0 ? -1 : 0;
}

/* Runs the January range with extra JSON fields appended, as an export (every row) or a JSON
 * page. Returns 0 or -1. */
static int run_report_ctx(const char *extra, enum export_type type,
                          const struct report_context *ctx, struct result *res)
{
    char body[2048];

    snprintf(body, sizeof(body),
             "{\"dateRangeStart\":\"2026-01-01T00:00:00\",\"dateRangeEnd\":"
             "\"2026-01-31T23:59:59\",\"exportType\":\"%s\"%s%s}",
             type == EXPORT_CSV ? "CSV" : "JSON", extra[0] ? "," : "", extra);
    return run_body(body, ctx, res);
}

static int run_report(const char *extra, struct result *res)
{
    struct report_context ctx = context();
    return run_report_ctx(extra, EXPORT_CSV, &ctx, res);
}

/* Checks that the report with extra returns exactly the expected ids in order. */
static void expect_ids(const char *extra, int line, size_t count, ...)
{
    struct result res;
    va_list args;
    bool same;

    if (run_report(extra, &res) != 0) {
        fprintf(stderr, "line %d: report failed for %s\n", line, extra);
        failures++;
        return;
    }
    same = res.count == count;
    va_start(args, count);
    for (size_t i = 0; i < count; i++) {
        uint64_t id = va_arg(args, uint64_t);
        if (same && res.ids[i] != id)
            same = false;
    }
    va_end(args);
    if (!same) {
        fprintf(stderr, "line %d: %s gave %zu rows:", line, extra, res.count);
        for (size_t i = 0; i < res.count && i < 16; i++)
            fprintf(stderr, " %llu", (unsigned long long)res.ids[i]);
        fprintf(stderr, "\n");
        failures++;
    }
}

static void test_rows(void)
{
    struct result res;

    CHECK(run_report("\"sortOrder\":\"ASCENDING\"", &res) == 0);
    CHECK(res.count == 5); /* running e4 and February e6 are left out */
    CHECK(res.ids[0] == e1);
    CHECK(res.ids[1] == e2);
    CHECK(res.ids[2] == e3);
    CHECK(res.ids[3] == e5);
    CHECK(res.ids[4] == e7);

    const struct report_row *r1 = &res.rows[0];
    CHECK(strcmp(res.tags[0], "urgent, remote") == 0);
    CHECK(r1->tag_count == 2);
    CHECK(strcmp(res.groups[0], "Team Red") == 0);
    CHECK(strcmp(res.emails[0], "") != 0);
    CHECK(r1->duration == 3600);
    CHECK(r1->earned == 5000);
    CHECK(r1->cost == 2000);
    CHECK(r1->profit == 3000);
    CHECK(r1->client_id == acme);
    CHECK(r1->task_id == design);
    CHECK(r1->project_id == website);

    /* 22:00 to 00:00 UTC is 23:00 to 01:00 in Berlin (UTC+1 in January). */
    const struct report_row *r2 = &res.rows[1];
    CHECK(r2->start_local.day == 10);
    CHECK(r2->start_local.hour == 23);
    CHECK(r2->start_local.offset == 3600);
    CHECK(r2->end_local.day == 11);
    CHECK(r2->end_local.hour == 1);
    CHECK(r2->duration == 7200);
    CHECK(r2->earned == 0);
    CHECK(r2->cost == 4000);
    CHECK(r2->task_id == 0);

    const struct report_row *r3 = &res.rows[2];
    CHECK(strcmp(res.emails[2], "") == 0); /* Bob has no email */
    CHECK(strcmp(res.groups[2], "") == 0);
    CHECK(r3->earned == 1000 && r3->cost == 333); /* 1200 s x 10 EUR/h, 1200 s x 3.33/h */
    CHECK(r3->approved);
    CHECK(r3->client_id == 0);

    const struct report_row *r5 = &res.rows[3];
    CHECK(r5->earned == 999 && r5->cost == 111 && r5->invoiced); /* imported amounts win */

    const struct report_row *r7 = &res.rows[4];
    CHECK(r7->duration == 1793);
    CHECK(r7->cost == 615); /* 1793 x 1234 / 3600 = 614.6 */
    CHECK(r7->project_id == 0);
    CHECK(r7->tag_count == 0);
    CHECK(strcmp(res.description_head[4], "Caf\xc3\xa9 Stra\xc3\x9f"
                                          "e") == 0);
}

static void test_rounding(void)
{
    struct result res;

    CHECK(run_report("\"sortOrder\":\"ASCENDING\",\"rounding\":true", &res) == 0);
    CHECK(res.count == 5);
    CHECK(res.rows[2].duration == 900);  /* 20 min -> 15 min */
    CHECK(res.rows[2].earned == 750);    /* 900 s x 30 EUR/h */
    CHECK(res.rows[3].duration == 900);  /* 10 min -> 15 min */
    CHECK(res.rows[3].earned == 1500);   /* rounding recomputes imported amounts */
    CHECK(res.rows[4].duration == 1800); /* 29:53 -> 30 min */
}

static void test_filters(void)
{
    char extra[512];

#define IDS(extra, n, ...) expect_ids(extra, __LINE__, n, __VA_ARGS__)
    snprintf(extra, sizeof(extra), "\"sortOrder\":\"ASCENDING\",\"users\":{\"ids\":[\"%llu\"]}",
             (unsigned long long)bob);
    IDS(extra, 1, e3);
    snprintf(extra, sizeof(extra),
             "\"sortOrder\":\"ASCENDING\",\"users\":{\"ids\":[\"%llu\"],\"contains\":"
             "\"DOES_NOT_CONTAIN\"}",
             (unsigned long long)bob);
    IDS(extra, 4, e1, e2, e5, e7);
    snprintf(extra, sizeof(extra),
             "\"sortOrder\":\"ASCENDING\",\"userGroups\":{\"ids\":[\"%llu\"]}",
             (unsigned long long)team);
    IDS(extra, 4, e1, e2, e5, e7);
    IDS("\"sortOrder\":\"ASCENDING\",\"userGroups\":{\"ids\":[\"NONE\"]}", 1, e3);
    snprintf(extra, sizeof(extra), "\"sortOrder\":\"ASCENDING\",\"clients\":{\"ids\":[\"%llu\"]}",
             (unsigned long long)acme);
    IDS(extra, 3, e1, e2, e5);
    IDS("\"sortOrder\":\"ASCENDING\",\"clients\":{\"ids\":[null]}", 2, e3, e7);
    IDS("\"sortOrder\":\"ASCENDING\",\"projects\":{\"ids\":[\"NONE\"]}", 1, e7);
    snprintf(extra, sizeof(extra),
             "\"sortOrder\":\"ASCENDING\",\"projects\":{\"ids\":[\"%llu\"],\"contains\":"
             "\"DOES_NOT_CONTAIN\"}",
             (unsigned long long)website);
    IDS(extra, 2, e3, e7);
    snprintf(extra, sizeof(extra),
             "\"sortOrder\":\"ASCENDING\",\"projects\":{\"ids\":[\"%llu\",\"%llu\"],\"status\":"
             "\"ARCHIVED\"}",
             (unsigned long long)website, (unsigned long long)internal);
    IDS(extra, 1, e3);
    snprintf(extra, sizeof(extra), "\"sortOrder\":\"ASCENDING\",\"tasks\":{\"ids\":[\"%llu\"]}",
             (unsigned long long)design);
    IDS(extra, 1, e1);
    snprintf(extra, sizeof(extra),
             "\"sortOrder\":\"ASCENDING\",\"tasks\":{\"ids\":[\"%llu\",\"%llu\"],\"status\":"
             "\"DONE\"}",
             (unsigned long long)design, (unsigned long long)build);
    IDS(extra, 1, e5);
    snprintf(extra, sizeof(extra), "\"sortOrder\":\"ASCENDING\",\"tags\":{\"ids\":[\"%llu\"]}",
             (unsigned long long)urgent);
    IDS(extra, 2, e1, e2);
    snprintf(extra, sizeof(extra),
             "\"sortOrder\":\"ASCENDING\",\"tags\":{\"ids\":[\"%llu\"],"
             "\"containedInTimeentry\":\"CONTAINS_ONLY\"}",
             (unsigned long long)urgent);
    IDS(extra, 1, e2);
    snprintf(extra, sizeof(extra),
             "\"sortOrder\":\"ASCENDING\",\"tags\":{\"ids\":[\"%llu\",\"%llu\"],"
             "\"containedInTimeentry\":\"CONTAINS_ONLY\"}",
             (unsigned long long)remote, (unsigned long long)urgent);
    IDS(extra, 1, e1);
    snprintf(extra, sizeof(extra),
             "\"sortOrder\":\"ASCENDING\",\"tags\":{\"ids\":[\"%llu\"],"
             "\"containedInTimeentry\":\"DOES_NOT_CONTAIN\"}",
             (unsigned long long)urgent);
    IDS(extra, 3, e3, e5, e7);
    IDS("\"sortOrder\":\"ASCENDING\",\"tags\":{\"ids\":[\"NONE\"]}", 2, e3, e7);
    IDS("\"sortOrder\":\"ASCENDING\",\"billable\":false", 2, e2, e7);
    IDS("\"sortOrder\":\"ASCENDING\",\"billable\":true", 3, e1, e3, e5);
    IDS("\"sortOrder\":\"ASCENDING\",\"description\":\"CAF\xc3\xa9\"", 1, e7);
    IDS("\"sortOrder\":\"ASCENDING\",\"description\":\"design\"", 1, e1);
    IDS("\"sortOrder\":\"ASCENDING\",\"description\":\"%\"", 0, 0);
    IDS("\"sortOrder\":\"ASCENDING\",\"withoutDescription\":true", 1, e3);
    IDS("\"sortOrder\":\"ASCENDING\",\"approvalState\":\"APPROVED\"", 1, e3);
    IDS("\"sortOrder\":\"ASCENDING\",\"invoicingState\":\"INVOICED\"", 1, e5);
    IDS("\"sortOrder\":\"ASCENDING\",\"invoicingState\":\"UNINVOICED\"", 4, e1, e2, e3, e7);
#undef IDS
}

static void test_sorting(void)
{
#define IDS(extra, n, ...) expect_ids(extra, __LINE__, n, __VA_ARGS__)
    IDS("", 5, e7, e5, e3, e2, e1); /* DATE, DESCENDING by default */
    IDS("\"sortOrder\":\"DESCENDING\",\"detailedFilter\":{\"sortColumn\":\"DURATION\"}", 5, e2, e1,
        e7, e3, e5);
    IDS("\"sortOrder\":\"ASCENDING\",\"detailedFilter\":{\"sortColumn\":\"USER\"}", 5, e1, e2, e5,
        e7, e3);
    IDS("\"sortOrder\":\"ASCENDING\",\"detailedFilter\":{\"sortColumn\":\"DESCRIPTION\"}", 5, e3,
        e7, e1, e5, e2);
    IDS("\"sortOrder\":\"DESCENDING\",\"detailedFilter\":{\"sortColumn\":\"ID\"}", 5, e7, e5, e3,
        e2, e1);
#undef IDS
}

static void test_member(void)
{
    struct report_context ctx = context();
    struct result res;

    ctx.role = REPORT_ROLE_MEMBER;
    ctx.user_id = bob;
    CHECK(run_report_ctx("", EXPORT_CSV, &ctx, &res) == 0);
    CHECK(res.count == 1);
    CHECK(res.ids[0] == e3);
}

static void test_paging(void)
{
    struct report_context ctx = context();
    struct result res;

    CHECK(run_report_ctx("\"sortOrder\":\"ASCENDING\",\"detailedFilter\":{\"page\":2,"
                         "\"pageSize\":2}",
                         EXPORT_JSON, &ctx, &res) == 0);
    CHECK(res.count == 2);
    CHECK(res.ids[0] == e3);
    CHECK(res.ids[1] == e5);
    CHECK(run_report_ctx("\"sortOrder\":\"ASCENDING\",\"detailedFilter\":{\"page\":3,"
                         "\"pageSize\":2}",
                         EXPORT_JSON, &ctx, &res) == 0);
    CHECK(res.count == 1);
    CHECK(res.ids[0] == e7);
    CHECK(run_report_ctx("\"detailedFilter\":{\"page\":4,\"pageSize\":2}", EXPORT_JSON, &ctx,
                         &res) == 0);
    CHECK(res.count == 0);
}

static void test_auckland(void)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;
    struct report_cursor *cursor = NULL;
    const struct report_row *row;
    const char *body = "{\"dateRangeStart\":\"2026-01-11T00:00:00\",\"dateRangeEnd\":"
                       "\"2026-01-11T23:59:59\",\"timeZone\":\"Pacific/Auckland\","
                       "\"exportType\":\"CSV\"}";

    CHECK(report_request_parse_json(&r, REPORT_DETAILED, body, strlen(body), &ctx, &err) == 0);
    CHECK(report_detailed_open(&db, &r, &cursor, &err) == 0);
    if (cursor == NULL)
        return;
    /* The local day 2026-01-11 in Auckland (UTC+13) contains only e2, at 11:00 local. */
    CHECK(report_cursor_next(cursor, &row) == 1);
    CHECK(row->id == e2);
    CHECK(row->start_local.day == 11);
    CHECK(row->start_local.hour == 11);
    CHECK(row->start_local.offset == 13 * 3600);
    CHECK(report_cursor_next(cursor, &row) == 0);
    report_cursor_close(cursor);
    report_request_free(&r);
}

/* Ranges that start and end on and off UTC midnight, inside one day, and past every entry. */
static const char *const day_ranges[][2] = {
    {"2026-01-01T00:00:00", "2026-01-31T23:59:59"},   /* Berlin: 23:00 UTC edges */
    {"2026-01-10T22:30:00Z", "2026-01-14T10:05:00Z"}, /* edges cut through entries */
    {"2026-01-10T08:00:00Z", "2026-01-10T23:59:59Z"}, /* no whole day */
    {"2026-01-01T00:00:00Z", "2026-03-31T23:59:59Z"}, /* whole UTC days only */
    {"2025-06-01T00:00:00Z", "2025-06-30T23:59:59Z"}, /* no entries */
    {"1000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}, /* every DATETIME */
};

/* The restrictions the day totals serve: none, user ids either way, a MEMBER key. */
static const char *const day_filters[] = {
    "",
    ",\"users\":{\"ids\":[\"%1$llu\"],\"contains\":\"CONTAINS\"}",
    ",\"users\":{\"ids\":[\"%2$llu\"],\"contains\":\"DOES_NOT_CONTAIN\"}",
    ",\"users\":{\"ids\":[\"%1$llu\",\"%2$llu\"],\"contains\":\"CONTAINS\"}",
};

/* Totals from the day tables equal totals summed from the entries, for every range, filter and
 * role. A JSON page deep in DATE order, which starts from the day tables, contains the same entry
 * as that position of the full export. */
static void test_day_totals(void)
{
    char body[1024], filter[256];
    uint64_t all_ids[16];

    for (size_t i = 0; i < sizeof(day_ranges) / sizeof(day_ranges[0]); i++) {
        for (size_t f = 0; f < sizeof(day_filters) / sizeof(day_filters[0]); f++) {
            for (int member = 0; member < 2; member++) {
                struct report_context ctx = context();
                struct report_request r;
                struct report_totals fast, slow;
                struct api_error err;

                ctx.rounding_minutes = 0;
                if (member) {
                    ctx.role = REPORT_ROLE_MEMBER;
                    ctx.user_id = bob;
                }
                snprintf(filter, sizeof(filter), day_filters[f], (unsigned long long)bob,
                         (unsigned long long)alice);
                snprintf(body, sizeof(body),
                         "{\"dateRangeStart\":\"%s\",\"dateRangeEnd\":\"%s\"%s}",
                         day_ranges[i][0], day_ranges[i][1], filter);
                CHECK(report_request_parse_json(&r, REPORT_DETAILED, body, strlen(body), &ctx,
                                                &err) == 0);
                CHECK(report_day_totals_usable(&r));
                CHECK(report_detailed_totals(&db, &r, &fast, &err) == 0);
                CHECK(report_detailed_totals_scan(&db, &r, &slow, &err) == 0);
                CHECK(fast.entries == slow.entries);
                CHECK(fast.total_time == slow.total_time);
                CHECK(fast.billable_time == slow.billable_time);
                CHECK(fast.earned == slow.earned);
                CHECK(fast.cost == slow.cost);
                CHECK(fast.profit == slow.profit);
                if (i == 0 && f == 0 && !member)
                    CHECK(fast.entries == 5);
                report_request_free(&r);

                /* Every page of one entry, both orders, against the export's order. */
                for (int asc = 0; asc < 2; asc++) {
                    struct result all, page;
                    const char *order = asc ? "ASCENDING" : "DESCENDING";
                    snprintf(body, sizeof(body),
                             "{\"dateRangeStart\":\"%s\",\"dateRangeEnd\":\"%s\","
                             "\"exportType\":\"CSV\",\"sortOrder\":\"%s\"%s}",
                             day_ranges[i][0], day_ranges[i][1], order, filter);
                    CHECK(run_body(body, &ctx, &all) == 0);
                    CHECK(all.count == slow.entries);
                    memcpy(all_ids, all.ids, sizeof(all_ids));
                    for (size_t k = 1; k <= all.count + 1; k++) {
                        snprintf(body, sizeof(body),
                                 "{\"dateRangeStart\":\"%s\",\"dateRangeEnd\":\"%s\","
                                 "\"sortOrder\":\"%s\",\"detailedFilter\":{\"page\":%zu,"
                                 "\"pageSize\":1}%s}",
                                 day_ranges[i][0], day_ranges[i][1], order, k, filter);
                        CHECK(run_body(body, &ctx, &page) == 0);
                        if (k <= all.count) {
                            CHECK(page.count == 1);
                            CHECK(page.ids[0] == all_ids[k - 1]);
                        } else {
                            CHECK(page.count == 0);
                        }
                    }
                }
            }
        }
    }
}

static void test_totals(bool rounding)
{
    struct report_context ctx = context();
    struct report_request r;
    struct report_totals t;
    struct api_error err;
    struct result res;
    const char *body = rounding ? "{\"dateRangeStart\":\"2026-01-01T00:00:00\",\"dateRangeEnd\":"
                                  "\"2026-01-31T23:59:59\",\"rounding\":true}"
                                : "{\"dateRangeStart\":\"2026-01-01T00:00:00\",\"dateRangeEnd\":"
                                  "\"2026-01-31T23:59:59\"}";

    CHECK(report_request_parse_json(&r, REPORT_DETAILED, body, strlen(body), &ctx, &err) == 0);
    CHECK(report_detailed_totals(&db, &r, &t, &err) == 0);
    CHECK(run_report(rounding ? "\"rounding\":true" : "", &res) == 0);

    int64_t time = 0, billable = 0, earned = 0, cost = 0;
    for (size_t i = 0; i < res.count; i++) {
        time += res.rows[i].duration;
        billable += res.rows[i].billable ? res.rows[i].duration : 0;
        earned += res.rows[i].earned;
        cost += res.rows[i].cost;
    }
    CHECK(t.entries == 5);
    CHECK(res.count == 5);
    CHECK(t.total_time == time);
    CHECK(t.billable_time == billable);
    CHECK(t.earned == earned);
    CHECK(t.cost == cost);
    CHECK(t.profit == earned - cost);
    if (!rounding) {
        CHECK(time == 3600 + 7200 + 1200 + 600 + 1793);
        CHECK(earned == 5000 + 1000 + 999);
        CHECK(cost == 2000 + 4000 + 333 + 111 + 615);
    }
    report_request_free(&r);
}

static void test_json(void)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;
    struct membuf buf = {0};
    struct sink out = membuf_sink(&buf);
    json_error_t json_err;
    const char *body = "{\"dateRangeStart\":\"2026-01-01T00:00:00\",\"dateRangeEnd\":"
                       "\"2026-01-31T23:59:59\",\"sortOrder\":\"ASCENDING\",\"amountShown\":"
                       "\"PROFIT\",\"detailedFilter\":{\"pageSize\":2}}";

    CHECK(report_request_parse_json(&r, REPORT_DETAILED, body, strlen(body), &ctx, &err) == 0);
    CHECK(report_json_detailed(&db, &r, &out, &err) == 0);
    json_t *root = buf.data ? json_loads(buf.data, 0, &json_err) : NULL;
    CHECK(root != NULL);
    if (root != NULL) {
        json_t *totals = json_array_get(json_object_get(root, "totals"), 0);
        json_t *entries = json_object_get(root, "timeentries");
        CHECK(json_integer_value(json_object_get(totals, "entriesCount")) == 5);
        CHECK(json_integer_value(json_object_get(totals, "totalTime")) == 14393);
        CHECK(json_integer_value(json_object_get(totals, "totalAmount")) == 6999 - 7059);
        CHECK(json_array_size(json_object_get(totals, "amounts")) == 3);
        CHECK(json_array_size(entries) == 2);
        json_t *second = json_array_get(entries, 1);
        json_t *interval = json_object_get(second, "timeInterval");
        CHECK(strcmp(json_string_value(json_object_get(interval, "start")),
                     "2026-01-10T23:00:00+01:00") == 0);
        CHECK(strcmp(json_string_value(json_object_get(interval, "end")),
                     "2026-01-11T01:00:00+01:00") == 0);
        CHECK(json_integer_value(json_object_get(interval, "duration")) == 7200);
        CHECK(json_is_string(json_object_get(second, "_id")));
        CHECK(json_is_null(json_object_get(second, "taskId")));
        CHECK(strcmp(json_string_value(json_object_get(second, "projectName")), "Website") == 0);
        CHECK(strcmp(json_string_value(json_object_get(second, "clientName")), "Acme") == 0);
        CHECK(json_integer_value(json_object_get(second, "amount")) == -4000);
        json_t *tags = json_object_get(json_array_get(entries, 0), "tags");
        CHECK(json_array_size(tags) == 2);
        CHECK(strcmp(json_string_value(json_object_get(json_array_get(tags, 0), "name")),
                     "urgent") == 0);
        json_decref(root);
    }
    membuf_free(&buf);
    report_request_free(&r);

    /* EXCLUDE leaves the totals array empty. */
    body = "{\"dateRangeStart\":\"2026-01-01T00:00:00\",\"dateRangeEnd\":\"2026-01-31T23:59:59\","
           "\"detailedFilter\":{\"options\":{\"totals\":\"EXCLUDE\"}}}";
    CHECK(report_request_parse_json(&r, REPORT_DETAILED, body, strlen(body), &ctx, &err) == 0);
    CHECK(report_json_detailed(&db, &r, &out, &err) == 0);
    CHECK(buf.data != NULL && strncmp(buf.data, "{\"totals\":[],\"timeentries\":[", 28) == 0);
    membuf_free(&buf);
    report_request_free(&r);
}

static void test_long_description(void)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;
    struct report_cursor *cursor = NULL;
    const struct report_row *row;
    const char *body = "{\"dateRangeStart\":\"2026-03-01T00:00:00Z\",\"dateRangeEnd\":"
                       "\"2026-03-31T00:00:00Z\",\"exportType\":\"CSV\"}";

    CHECK(report_request_parse_json(&r, REPORT_DETAILED, body, strlen(body), &ctx, &err) == 0);
    CHECK(report_detailed_open(&db, &r, &cursor, &err) == 0);
    if (cursor == NULL)
        return;
    CHECK(report_cursor_next(cursor, &row) == 1);
    CHECK(row->id == e8);
    CHECK(row->description_len == 100000);
    CHECK(row->description[99999] == (char)('a' + 99999 % 26));
    CHECK(row->description[100000] == '\0');
    CHECK(report_cursor_next(cursor, &row) == 0);
    report_cursor_close(cursor);
    report_request_free(&r);
}

static void test_check_ids(void)
{
    struct report_context ctx = context();
    struct report_request r;
    struct api_error err;
    char body[512];

    snprintf(body, sizeof(body),
             "{\"dateRangeStart\":\"2026-01-01T00:00:00Z\",\"dateRangeEnd\":"
             "\"2026-01-31T00:00:00Z\",\"projects\":{\"ids\":[\"%llu\",\"%llu\"]},"
             "\"tags\":{\"ids\":[\"%llu\"]}}",
             (unsigned long long)website, (unsigned long long)internal, (unsigned long long)remote);
    CHECK(report_request_parse_json(&r, REPORT_DETAILED, body, strlen(body), &ctx, &err) == 0);
    CHECK(report_request_check_ids(&db, &r, &err) == 0);
    report_request_free(&r);

    snprintf(body, sizeof(body),
             "{\"dateRangeStart\":\"2026-01-01T00:00:00Z\",\"dateRangeEnd\":"
             "\"2026-01-31T00:00:00Z\",\"projects\":{\"ids\":[\"%llu\",\"999999999\"]}}",
             (unsigned long long)website);
    CHECK(report_request_parse_json(&r, REPORT_DETAILED, body, strlen(body), &ctx, &err) == 0);
    CHECK(report_request_check_ids(&db, &r, &err) != 0);
    CHECK(err.status == 400);
    CHECK(strcmp(err.field, "projects.ids") == 0);
    CHECK(strstr(err.message, "999999999") != NULL);
    report_request_free(&r);
}

int main(void)
{
    const char *path = getenv("REPORTD_CONFIG");
    struct config cfg;
    char err[512];

    if (path == NULL || path[0] == '\0') {
        printf("skipped: REPORTD_CONFIG is not set (point it at a reportd.conf with a database)\n");
        return 77;
    }
    if (config_load(&cfg, path, 1, err, sizeof(err)) != 0) {
        fprintf(stderr, "cannot load %s: %s\n", path, err);
        return 1;
    }
    db_init(&db, &cfg);
    if (db_connect(&db) != 0) {
        fprintf(stderr, "cannot connect: %s\n", db.error);
        return 1;
    }
    snprintf(suffix, sizeof(suffix), "%ld-%ld", (long)getpid(), (long)time(NULL));
    setup();
    /* setup writes entries with SQL, so it brings the day totals up to date itself. */
    CHECK(day_totals_rebuild(&db, ws) == 0);
    (void)e4;
    (void)e6;

    test_rows();
    test_rounding();
    test_filters();
    test_sorting();
    test_member();
    test_paging();
    test_auckland();
    test_totals(false);
    test_totals(true);
    test_day_totals();
    test_json();
    test_long_description();
    test_check_ids();

    teardown();
    db_close(&db);
    if (failures > 0) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("all detailed report checks passed\n");
    return 0;
}
