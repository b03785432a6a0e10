/* test_report_aggregates_db.c - the summary and weekly reports against a real MariaDB: local
 * days across DST, week keys, rounding, running timers, the MEMBER restriction, tags counted
 * once per group, and totals that match the same entries summed one by one in C.
 * SPDX-License-Identifier: MIT
 *
 * Needs REPORTD_CONFIG (a reportd.conf whose database has the schema and the time zone tables);
 * skips with exit code 77 without it. Each run creates its own workspace with a unique name.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "report_query.h"
#include "report_request.h"
#include "report_summary.h"
#include "report_weekly.h"
#include "tz.h"

static int failures;
static struct db db;
static uint64_t workspace_id;
static uint64_t owner_id;
static uint64_t member_id;
static uint64_t project_id;  /* "Website", client "Acme" */
static uint64_t project2_id; /* "Internal", no client */
static uint64_t tag_a_id;
static uint64_t tag_b_id;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

#define CHECK_INT(actual, expected)                                                        \
    do {                                                                                   \
        long long a_ = (long long)(actual);                                                \
        long long e_ = (long long)(expected);                                              \
        if (a_ != e_) {                                                                    \
            fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__, __LINE__,      \
                    #actual, a_, e_);                                                      \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

/* Runs a statement built from integers and fixed text; exits on failure because every later
 * check depends on the fixture. Returns the insert id. */
static uint64_t sql_exec(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static uint64_t sql_exec(const char *fmt, ...)
{
    char sql[2048];
    va_list args;

    va_start(args, fmt);
    vsnprintf(sql, sizeof(sql), fmt, args);
    va_end(args);
    if (db_exec(&db, sql) != 0) {
        fprintf(stderr, "fixture statement failed: %s\n%s\n", db.error, sql);
        exit(1);
    }
    return mysql_insert_id(db.conn);
}

/* Inserts an entry; start and end are UTC "YYYY-MM-DD hh:mm:ss", and an empty end makes a
 * running timer. */
static uint64_t add_entry(uint64_t user, uint64_t project, const char *description,
                          const char *start, const char *end, int billable)
{
    char project_text[32] = "NULL";
    char end_text[64] = "NULL";

    if (project != 0)
        snprintf(project_text, sizeof(project_text), "%llu", (unsigned long long)project);
    if (end[0] != '\0')
        snprintf(end_text, sizeof(end_text), "'%s'", end);
    return sql_exec("INSERT INTO time_entries (workspace_id, user_id, project_id, description, "
                    "start_at, end_at, billable, hourly_rate, cost_rate) VALUES (%llu, %llu, %s, "
                    "'%s', '%s', %s, %d, 6000, 2500)",
                    (unsigned long long)workspace_id, (unsigned long long)user, project_text,
                    description, start, end_text, billable);
}

static void tag_entry(uint64_t entry, uint64_t tag)
{
    sql_exec("INSERT INTO entry_tags (entry_id, tag_id) VALUES (%llu, %llu)",
             (unsigned long long)entry, (unsigned long long)tag);
}

static void create_fixture(void)
{
    char name[64];
    unsigned long long stamp = (unsigned long long)time(NULL) * 100000ull + (unsigned)getpid();

    snprintf(name, sizeof(name), "aggregates-%llu", stamp);
    workspace_id = sql_exec("INSERT INTO workspaces (name, currency, rounding_mode, "
                            "rounding_minutes) VALUES ('%s', 'EUR', 'NEAREST', 15)",
                            name);
    owner_id = sql_exec("INSERT INTO users (email, name) VALUES ('owner-%llu@example.com', "
                        "'Olivia Owner')",
                        stamp);
    member_id = sql_exec("INSERT INTO users (email, name) VALUES ('member-%llu@example.com', "
                         "'Max Member')",
                         stamp);
    sql_exec("INSERT INTO memberships (workspace_id, user_id, role) VALUES (%llu, %llu, 'OWNER'),"
             " (%llu, %llu, 'MEMBER')",
             (unsigned long long)workspace_id, (unsigned long long)owner_id,
             (unsigned long long)workspace_id, (unsigned long long)member_id);
    uint64_t group = sql_exec("INSERT INTO user_groups (workspace_id, name) VALUES (%llu, "
                              "'Engineering')",
                              (unsigned long long)workspace_id);
    sql_exec("INSERT INTO user_group_members (group_id, user_id) VALUES (%llu, %llu)",
             (unsigned long long)group, (unsigned long long)owner_id);
    uint64_t client = sql_exec("INSERT INTO clients (workspace_id, name) VALUES (%llu, 'Acme')",
                               (unsigned long long)workspace_id);
    project_id = sql_exec("INSERT INTO projects (workspace_id, client_id, name) VALUES (%llu, "
                          "%llu, 'Website')",
                          (unsigned long long)workspace_id, (unsigned long long)client);
    project2_id = sql_exec("INSERT INTO projects (workspace_id, name) VALUES (%llu, 'Internal')",
                           (unsigned long long)workspace_id);
    tag_a_id = sql_exec("INSERT INTO tags (workspace_id, name) VALUES (%llu, 'alpha')",
                        (unsigned long long)workspace_id);
    tag_b_id = sql_exec("INSERT INTO tags (workspace_id, name) VALUES (%llu, 'beta')",
                        (unsigned long long)workspace_id);

    /* 2026-03-29 00:30-03:30 in Berlin: clocks jump from 02:00 to 03:00, so two hours. */
    uint64_t dst = add_entry(owner_id, project_id, "dst night", "2026-03-28 23:30:00",
                             "2026-03-29 01:30:00", 1);
    tag_entry(dst, tag_a_id);
    tag_entry(dst, tag_b_id);
    /* 2026-06-15 08:30-17:00 in Auckland (UTC+12): the UTC start lies on 2026-06-14. */
    add_entry(owner_id, project_id, "auckland day", "2026-06-14 20:30:00", "2026-06-15 05:00:00",
              1);
    /* Sunday 2026-03-01 and Saturday 2026-03-07, one hour each. */
    add_entry(owner_id, project2_id, "sunday", "2026-03-01 10:00:00", "2026-03-01 11:00:00", 0);
    add_entry(owner_id, project2_id, "saturday", "2026-03-07 10:00:00", "2026-03-07 11:00:00",
              0);
    /* 2026-12-31 and 2027-01-01: both in ISO week 2026-W53. */
    add_entry(owner_id, project2_id, "new year eve", "2026-12-31 10:00:00",
              "2026-12-31 11:00:00", 1);
    add_entry(owner_id, project2_id, "new year", "2027-01-01 10:00:00", "2027-01-01 11:00:00",
              1);
    /* Three 20-minute entries on 2026-05-04; one carries tag alpha. */
    uint64_t short1 = add_entry(owner_id, project_id, "short", "2026-05-04 09:00:00",
                                "2026-05-04 09:20:00", 1);
    tag_entry(short1, tag_a_id);
    add_entry(owner_id, project_id, "short", "2026-05-04 10:00:00", "2026-05-04 10:20:00", 1);
    add_entry(owner_id, 0, "short", "2026-05-04 11:00:00", "2026-05-04 11:20:00", 1);
    /* A running timer and the member's own hour on the same day. */
    add_entry(owner_id, project_id, "running", "2026-05-04 12:00:00", "", 1);
    add_entry(member_id, project2_id, "member hour", "2026-05-04 13:00:00", "2026-05-04 14:00:00",
              0);
    /* 23:00-01:00 UTC: two hours on the day it starts. */
    add_entry(owner_id, project2_id, "late", "2026-05-05 23:00:00", "2026-05-06 01:00:00", 1);
}

/* A request over local [start, end) days in zone; start and end are "YYYY-MM-DD". */
static void request_init(struct report_request *r, enum report_kind kind, const char *zone,
                         const char *start, const char *end)
{
    int y1, m1, d1, y2, m2, d2;

    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->workspace_id = workspace_id;
    memcpy(r->currency, "EUR", 4);
    r->rounding_mode = REPORT_ROUNDING_NEAREST;
    r->rounding_minutes = 15;
    snprintf(r->time_zone, sizeof(r->time_zone), "%s", zone);
    if (tz_use(zone) != 0) {
        fprintf(stderr, "zone %s is not known to the system\n", zone);
        exit(1);
    }
    sscanf(start, "%d-%d-%d", &y1, &m1, &d1);
    sscanf(end, "%d-%d-%d", &y2, &m2, &d2);
    r->start = tz_from_local(y1, m1, d1, 0, 0, 0);
    r->end = tz_from_local(y2, m2, d2, 0, 0, 0) - 1;
    r->amounts = AMOUNT_EARNED;
    r->sort_order = SORT_ASCENDING;
    r->summary.group_count = 1;
    r->summary.groups[0] = SUMMARY_GROUP_DATE;
    r->summary.sort_column = SUMMARY_SORT_GROUP;
    r->weekly.group = WEEKLY_GROUP_USER;
    r->weekly.subgroup = WEEKLY_SUBGROUP_TIME;
    format_options_default(&r->format);
}

/* Runs the summary and returns its JSON, parsed; exits when the run fails. */
static json_t *summary_json(const struct report_request *r)
{
    struct report_summary *s = NULL;
    struct api_error err = {0};
    struct membuf buf = {0};
    struct sink sink = membuf_sink(&buf);
    json_error_t error;

    if (report_summary_run(&db, r, &s, &err) != 0) {
        fprintf(stderr, "summary failed: %d %s (%s)\n", err.status, err.message, db.error);
        exit(1);
    }
    CHECK(report_summary_json(s, &sink) == 0);
    json_t *root = json_loadb(buf.data, buf.len, 0, &error);
    if (root == NULL) {
        fprintf(stderr, "summary JSON does not parse: %s\n%.*s\n", error.text, (int)buf.len,
                buf.data);
        exit(1);
    }
    report_summary_free(s);
    membuf_free(&buf);
    return root;
}

static json_t *weekly_json(const struct report_request *r)
{
    struct report_weekly *w = NULL;
    struct api_error err = {0};
    struct membuf buf = {0};
    struct sink sink = membuf_sink(&buf);
    json_error_t error;

    if (report_weekly_run(&db, r, &w, &err) != 0) {
        fprintf(stderr, "weekly failed: %d %s (%s)\n", err.status, err.message, db.error);
        exit(1);
    }
    CHECK(report_weekly_json(w, &sink) == 0);
    json_t *root = json_loadb(buf.data, buf.len, 0, &error);
    if (root == NULL) {
        fprintf(stderr, "weekly JSON does not parse: %s\n", error.text);
        exit(1);
    }
    report_weekly_free(w);
    membuf_free(&buf);
    return root;
}

static long long int_at(json_t *object, const char *key)
{
    return (long long)json_integer_value(json_object_get(object, key));
}

static const char *text_at(json_t *object, const char *key)
{
    const char *text = json_string_value(json_object_get(object, key));
    return text != NULL ? text : "(missing)";
}

static json_t *totals_of(json_t *root)
{
    return json_array_get(json_object_get(root, "totals"), 0);
}

/* The group named name in an array of groups, or NULL. */
static json_t *group_named(json_t *groups, const char *name)
{
    size_t i;
    json_t *group;

    json_array_foreach(groups, i, group) {
        if (strcmp(text_at(group, "name"), name) == 0)
            return group;
    }
    return NULL;
}

static long long duration_of(json_t *groups, const char *name)
{
    json_t *group = group_named(groups, name);
    if (group == NULL) {
        fprintf(stderr, "no group named %s\n", name);
        return -1;
    }
    return int_at(group, "duration");
}

static void test_dst_day_berlin(void)
{
    struct report_request r;

    request_init(&r, REPORT_SUMMARY, "Europe/Berlin", "2026-03-29", "2026-03-30");
    json_t *root = summary_json(&r);
    json_t *groups = json_object_get(root, "groupOne");
    CHECK_INT(json_array_size(groups), 1);
    CHECK_INT(duration_of(groups, "2026-03-29"), 7200);
    CHECK_INT(int_at(totals_of(root), "totalTime"), 7200);
    CHECK_INT(int_at(totals_of(root), "entriesCount"), 1);
    /* Two billable hours at 60.00 per hour. */
    CHECK_INT(int_at(totals_of(root), "totalAmount"), 12000);
    json_decref(root);
}

static void test_auckland_day(void)
{
    struct report_request r;

    request_init(&r, REPORT_SUMMARY, "Pacific/Auckland", "2026-06-14", "2026-06-17");
    json_t *root = summary_json(&r);
    json_t *groups = json_object_get(root, "groupOne");
    CHECK_INT(json_array_size(groups), 1);
    CHECK_INT(duration_of(groups, "2026-06-15"), 8 * 3600 + 1800);
    CHECK(group_named(groups, "2026-06-14") == NULL);
    json_decref(root);
}

static void test_week_keys(void)
{
    struct report_request r;

    /* Sunday start: one week keyed by its first day. */
    request_init(&r, REPORT_SUMMARY, "UTC", "2026-03-01", "2026-03-08");
    r.summary.groups[0] = SUMMARY_GROUP_WEEK;
    r.week_start = 6;
    json_t *root = summary_json(&r);
    json_t *groups = json_object_get(root, "groupOne");
    CHECK_INT(json_array_size(groups), 1);
    CHECK_INT(duration_of(groups, "2026-03-01"), 7200);
    json_decref(root);

    /* Monday start: Sunday 2026-03-01 ends ISO week 9, Saturday 2026-03-07 is in week 10. */
    r.week_start = 0;
    root = summary_json(&r);
    groups = json_object_get(root, "groupOne");
    CHECK_INT(json_array_size(groups), 2);
    CHECK_INT(duration_of(groups, "2026-W09"), 3600);
    CHECK_INT(duration_of(groups, "2026-W10"), 3600);
    json_decref(root);

    request_init(&r, REPORT_SUMMARY, "UTC", "2026-12-28", "2027-01-04");
    r.summary.groups[0] = SUMMARY_GROUP_WEEK;
    root = summary_json(&r);
    groups = json_object_get(root, "groupOne");
    CHECK_INT(json_array_size(groups), 1);
    CHECK_INT(duration_of(groups, "2026-W53"), 7200);
    json_decref(root);

    r.summary.groups[0] = SUMMARY_GROUP_MONTH;
    root = summary_json(&r);
    groups = json_object_get(root, "groupOne");
    CHECK_INT(duration_of(groups, "2026-12"), 3600);
    CHECK_INT(duration_of(groups, "2027-01"), 3600);
    json_decref(root);
}

/* Sums the entries of r one by one with the C-side rules, as the detailed report does. */
static void detailed_totals(const struct report_request *r, long long *duration,
                            long long *billable, long long *count, long long *amount)
{
    struct report_sql sql;
    struct db_params params;

    report_sql_init(&sql);
    db_params_init(&params);
    report_sql_append(&sql, "SELECT TIMESTAMPDIFF(SECOND, e.start_at, e.end_at), e.billable, "
                            "e.hourly_rate, e.cost_rate FROM time_entries e WHERE ");
    CHECK(report_query_where(r, &sql, &params) == 0);
    MYSQL_STMT *stmt = db_prepare(&db, sql.text, &params);
    CHECK(stmt != NULL);
    int64_t columns[4];
    MYSQL_BIND binds[4];
    memset(binds, 0, sizeof(binds));
    for (int i = 0; i < 4; i++) {
        binds[i].buffer_type = MYSQL_TYPE_LONGLONG;
        binds[i].buffer = &columns[i];
    }
    *duration = *billable = *count = *amount = 0;
    if (stmt != NULL && mysql_stmt_execute(stmt) == 0 && mysql_stmt_bind_result(stmt, binds) == 0) {
        while (mysql_stmt_fetch(stmt) == 0) {
            int64_t seconds = report_round_duration(r, columns[0]);
            *duration += seconds;
            *billable += columns[1] ? seconds : 0;
            *count += 1;
            *amount += report_money_earned(r, columns[1] != 0, seconds, columns[2], false, 0);
        }
    }
    if (stmt != NULL)
        mysql_stmt_close(stmt);
    db_params_free(&params);
    report_sql_free(&sql);
}

static void check_totals_match(const struct report_request *r, json_t *root)
{
    long long duration, billable, count, amount;

    detailed_totals(r, &duration, &billable, &count, &amount);
    CHECK_INT(int_at(totals_of(root), "totalTime"), duration);
    CHECK_INT(int_at(totals_of(root), "totalBillableTime"), billable);
    CHECK_INT(int_at(totals_of(root), "entriesCount"), count);
    CHECK_INT(int_at(totals_of(root), "totalAmount"), amount);
}

static void test_rounding_running_member(void)
{
    struct report_request r;

    /* The three 20-minute entries round to 15 minutes each; the running timer counts nowhere. */
    request_init(&r, REPORT_SUMMARY, "UTC", "2026-05-04", "2026-05-05");
    r.users.ids = &owner_id;
    r.users.count = 1;
    r.rounding = true;
    r.summary.groups[0] = SUMMARY_GROUP_PROJECT;
    json_t *root = summary_json(&r);
    CHECK_INT(int_at(totals_of(root), "totalTime"), 2700);
    CHECK_INT(int_at(totals_of(root), "entriesCount"), 3);
    CHECK_INT(duration_of(json_object_get(root, "groupOne"), "Website"), 1800);
    CHECK_INT(duration_of(json_object_get(root, "groupOne"), "(Without project)"), 900);
    check_totals_match(&r, root);
    json_decref(root);

    r.rounding = false;
    root = summary_json(&r);
    CHECK_INT(int_at(totals_of(root), "totalTime"), 3600);
    check_totals_match(&r, root);
    json_decref(root);

    /* A member sees only their own hour. */
    request_init(&r, REPORT_SUMMARY, "UTC", "2026-05-04", "2026-05-05");
    r.member_user_id = member_id;
    r.summary.groups[0] = SUMMARY_GROUP_USER;
    root = summary_json(&r);
    json_t *groups = json_object_get(root, "groupOne");
    CHECK_INT(json_array_size(groups), 1);
    CHECK_INT(duration_of(groups, "Max Member"), 3600);
    CHECK_INT(int_at(totals_of(root), "totalTime"), 3600);
    json_decref(root);
}

static void test_midnight(void)
{
    struct report_request r;

    request_init(&r, REPORT_SUMMARY, "UTC", "2026-05-05", "2026-05-07");
    json_t *root = summary_json(&r);
    json_t *groups = json_object_get(root, "groupOne");
    CHECK_INT(json_array_size(groups), 1);
    CHECK_INT(duration_of(groups, "2026-05-05"), 7200);
    json_decref(root);
}

/* Tags: an entry with two tags counts in both tag groups, once in its project and the totals. */
static void test_tags_count_once(void)
{
    struct report_request r;

    request_init(&r, REPORT_SUMMARY, "UTC", "2026-03-28", "2026-05-05");
    r.summary.groups[0] = SUMMARY_GROUP_TAG;
    json_t *root = summary_json(&r);
    json_t *groups = json_object_get(root, "groupOne");
    CHECK_INT(duration_of(groups, "alpha"), 7200 + 1200);
    CHECK_INT(duration_of(groups, "beta"), 7200);
    CHECK_INT(duration_of(groups, "(Without tag)"), 1200 + 1200 + 3600);
    check_totals_match(&r, root);
    json_decref(root);

    r.summary.group_count = 3;
    r.summary.groups[0] = SUMMARY_GROUP_PROJECT;
    r.summary.groups[1] = SUMMARY_GROUP_TAG;
    r.summary.groups[2] = SUMMARY_GROUP_USER_GROUP;
    r.summary.sort_column = SUMMARY_SORT_DURATION;
    r.sort_order = SORT_DESCENDING;
    root = summary_json(&r);
    groups = json_object_get(root, "groupOne");
    json_t *website = group_named(groups, "Website");
    CHECK(website != NULL);
    CHECK_INT(int_at(website, "duration"), 7200 + 1200 + 1200);
    json_t *tags = json_object_get(website, "children");
    CHECK_INT(duration_of(tags, "alpha"), 7200 + 1200);
    json_t *alpha = group_named(tags, "alpha");
    CHECK_INT(duration_of(json_object_get(alpha, "children"), "Engineering"), 7200 + 1200);
    /* Sorted by duration, descending: Website (2h40) before Internal (1h) and no project. */
    CHECK(strcmp(text_at(json_array_get(groups, 0), "name"), "Website") == 0);
    CHECK_INT(duration_of(groups, "Internal"), 3600);
    check_totals_match(&r, root);
    json_decref(root);

    /* An empty range still has one totals entry, all zero. */
    struct report_request empty;
    request_init(&empty, REPORT_SUMMARY, "UTC", "2025-01-01", "2025-02-01");
    empty.summary = r.summary;
    root = summary_json(&empty);
    CHECK_INT(json_array_size(json_object_get(root, "totals")), 1);
    CHECK_INT(int_at(totals_of(root), "entriesCount"), 0);
    CHECK_INT(json_array_size(json_object_get(root, "groupOne")), 0);
    json_decref(root);

    /* The member's hour has no group. */
    r.summary.group_count = 1;
    r.summary.groups[0] = SUMMARY_GROUP_USER_GROUP;
    root = summary_json(&r);
    groups = json_object_get(root, "groupOne");
    CHECK_INT(duration_of(groups, "(Without group)"), 3600);
    CHECK_INT(duration_of(groups, "Engineering"), 7200 + 3 * 1200);
    json_decref(root);

    r.summary.groups[0] = SUMMARY_GROUP_CLIENT;
    root = summary_json(&r);
    groups = json_object_get(root, "groupOne");
    CHECK_INT(duration_of(groups, "Acme"), 7200 + 2 * 1200);
    CHECK_INT(duration_of(groups, "(Without client)"), 1200 + 3600);
    json_decref(root);
}

static void test_summary_csv(void)
{
    struct report_request r;
    struct report_summary *s = NULL;
    struct api_error err = {0};
    struct membuf buf = {0};
    struct sink sink = membuf_sink(&buf);

    request_init(&r, REPORT_SUMMARY, "UTC", "2026-05-04", "2026-05-05");
    r.rounding = true;
    r.member_user_id = 0;
    r.users.ids = &owner_id;
    r.users.count = 1;
    r.summary.group_count = 2;
    r.summary.groups[0] = SUMMARY_GROUP_PROJECT;
    r.summary.groups[1] = SUMMARY_GROUP_TIMEENTRY;
    r.amounts = AMOUNT_PROFIT;
    CHECK(report_summary_run(&db, &r, &s, &err) == 0);
    CHECK(s != NULL && report_summary_csv(s, &sink) == 0);
    const char *expected =
        "\"Project\",\"Description\",\"Time (h)\",\"Time (decimal)\",\"Amount (EUR)\","
        "\"Cost (EUR)\",\"Profit (EUR)\"\r\n"
        "\"(Without project)\",\"short\",\"00:15:00\",\"0.25\",\"15.00\",\"6.25\",\"8.75\"\r\n"
        "\"Website\",\"short\",\"00:30:00\",\"0.50\",\"30.00\",\"12.50\",\"17.50\"\r\n"
        "\"Total\",\"\",\"00:45:00\",\"0.75\",\"45.00\",\"18.75\",\"26.25\"\r\n";
    CHECK(buf.len == strlen(expected) && memcmp(buf.data, expected, buf.len) == 0);
    if (buf.len != strlen(expected) || memcmp(buf.data, expected, buf.len) != 0)
        fprintf(stderr, "summary CSV:\n%.*s\n", (int)buf.len, buf.data);

    /* DATE groups follow the dateFormat in CSV. */
    report_summary_free(s);
    s = NULL;
    membuf_free(&buf);
    r.summary.groups[1] = SUMMARY_GROUP_DATE;
    r.amounts = AMOUNT_HIDE;
    r.format.date = DATE_FORMAT_DMY_DOT;
    CHECK(report_summary_run(&db, &r, &s, &err) == 0);
    CHECK(s != NULL && report_summary_csv(s, &sink) == 0);
    const char *dated = "\"Project\",\"Date\",\"Time (h)\",\"Time (decimal)\"\r\n"
                        "\"(Without project)\",\"04.05.2026\",\"00:15:00\",\"0.25\"\r\n"
                        "\"Website\",\"04.05.2026\",\"00:30:00\",\"0.50\"\r\n"
                        "\"Total\",\"\",\"00:45:00\",\"0.75\"\r\n";
    CHECK(buf.len == strlen(dated) && memcmp(buf.data, dated, buf.len) == 0);
    if (buf.len != strlen(dated) || memcmp(buf.data, dated, buf.len) != 0)
        fprintf(stderr, "summary CSV by date:\n%.*s\n", (int)buf.len, buf.data);

    char path[] = "/tmp/aggregates-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    char message[256] = "";
    CHECK(s != NULL && report_summary_xlsx(s, path, "/tmp", message, sizeof(message)) == 0);
    FILE *file = fopen(path, "rb");
    char magic[2] = {0};
    CHECK(file != NULL && fread(magic, 1, 2, file) == 2 && magic[0] == 'P' && magic[1] == 'K');
    if (file != NULL)
        fclose(file);
    unlink(path);
    report_summary_free(s);
    membuf_free(&buf);
}

static long long day_duration(json_t *days, size_t day)
{
    return int_at(json_array_get(days, day), "duration");
}

static void test_weekly(void)
{
    struct report_request r;

    /* The week that contains Wednesday 2026-03-04, starting on Sunday. */
    request_init(&r, REPORT_WEEKLY, "UTC", "2026-03-04", "2026-03-05");
    r.week_start = 6;
    json_t *root = weekly_json(&r);
    json_t *days = json_object_get(root, "totalsByDay");
    CHECK_INT(json_array_size(days), 7);
    CHECK(strcmp(text_at(json_array_get(days, 0), "date"), "2026-03-01") == 0);
    CHECK(strcmp(text_at(json_array_get(days, 6), "date"), "2026-03-07") == 0);
    CHECK_INT(day_duration(days, 0), 3600);
    CHECK_INT(day_duration(days, 3), 0);
    CHECK_INT(day_duration(days, 6), 3600);
    CHECK_INT(int_at(totals_of(root), "totalTime"), 7200);
    json_t *owner = group_named(json_object_get(root, "groupOne"), "Olivia Owner");
    CHECK(owner != NULL);
    json_t *internal = group_named(json_object_get(owner, "children"), "Internal");
    CHECK(internal != NULL);
    CHECK_INT(day_duration(json_object_get(internal, "days"), 6), 3600);
    json_decref(root);

    /* A week without entries still lists its seven days. */
    request_init(&r, REPORT_WEEKLY, "UTC", "2025-01-08", "2025-01-09");
    root = weekly_json(&r);
    CHECK_INT(json_array_size(json_object_get(root, "totalsByDay")), 7);
    CHECK_INT(json_array_size(json_object_get(root, "groupOne")), 0);
    CHECK_INT(int_at(totals_of(root), "totalTime"), 0);
    json_decref(root);

    /* Berlin, Monday start: the DST night is two hours on Sunday 2026-03-29. */
    request_init(&r, REPORT_WEEKLY, "Europe/Berlin", "2026-03-25", "2026-03-26");
    root = weekly_json(&r);
    days = json_object_get(root, "totalsByDay");
    CHECK(strcmp(text_at(json_array_get(days, 0), "date"), "2026-03-23") == 0);
    CHECK_INT(day_duration(days, 6), 7200);
    CHECK_INT(day_duration(days, 5), 0);
    json_decref(root);

    /* Project grouping, rounding on, the running timer left out, midnight on its start day. */
    request_init(&r, REPORT_WEEKLY, "UTC", "2026-05-04", "2026-05-05");
    r.weekly.group = WEEKLY_GROUP_PROJECT;
    r.weekly.subgroup = WEEKLY_SUBGROUP_EARNED;
    r.rounding = true;
    root = weekly_json(&r);
    days = json_object_get(root, "totalsByDay");
    CHECK_INT(day_duration(days, 0), 2700 + 3600);
    CHECK_INT(day_duration(days, 1), 7200);
    CHECK_INT(day_duration(days, 2), 0);
    /* Earned: 45 billable minutes and 2 billable hours at 60.00 per hour. */
    CHECK_INT(int_at(json_array_get(days, 0), "amount"), 4500);
    CHECK_INT(int_at(totals_of(root), "totalAmount"), 4500 + 12000);
    json_t *groups = json_object_get(root, "groupOne");
    CHECK_INT(duration_of(groups, "(Without project)"), 900);
    CHECK_INT(duration_of(groups, "Internal"), 3600 + 7200);
    struct report_request whole_week;
    request_init(&whole_week, REPORT_DETAILED, "UTC", "2026-05-04", "2026-05-11");
    whole_week.rounding = true;
    check_totals_match(&whole_week, root);

    struct report_weekly *w = NULL;
    struct api_error err = {0};
    struct membuf buf = {0};
    struct sink sink = membuf_sink(&buf);
    r.weekly.subgroup = WEEKLY_SUBGROUP_TIME;
    r.week_start = 0;
    r.format.date = DATE_FORMAT_DMY_DOT;
    CHECK(report_weekly_run(&db, &r, &w, &err) == 0);
    CHECK(w != NULL && report_weekly_csv(w, &sink) == 0);
    const char *header = "\"Project\",\"User\",\"04.05.2026\",\"05.05.2026\",\"06.05.2026\","
                         "\"07.05.2026\",\"08.05.2026\",\"09.05.2026\",\"10.05.2026\",\"Total\"\r\n";
    CHECK(buf.len > strlen(header) && memcmp(buf.data, header, strlen(header)) == 0);
    const char *total = "\"Total\",\"\",\"01:45:00\",\"02:00:00\",\"00:00:00\",\"00:00:00\","
                        "\"00:00:00\",\"00:00:00\",\"00:00:00\",\"03:45:00\"\r\n";
    CHECK(buf.len > strlen(total) &&
          memcmp(buf.data + buf.len - strlen(total), total, strlen(total)) == 0);
    if (buf.len <= strlen(total) ||
        memcmp(buf.data + buf.len - strlen(total), total, strlen(total)) != 0)
        fprintf(stderr, "weekly CSV:\n%.*s\n", (int)buf.len, buf.data);

    char path[] = "/tmp/aggregates-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0)
        close(fd);
    char message[256] = "";
    CHECK(w != NULL && report_weekly_xlsx(w, path, "/tmp", message, sizeof(message)) == 0);
    unlink(path);
    report_weekly_free(w);
    membuf_free(&buf);
    json_decref(root);
}

int main(void)
{
    const char *path = getenv("REPORTD_CONFIG");
    struct config cfg;
    char err[512];

    if (path == NULL || path[0] == '\0') {
        printf("SKIP: REPORTD_CONFIG is not set (a reportd.conf with a database)\n");
        return 77;
    }
    if (config_load(&cfg, path, 1, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    db_init(&db, &cfg);
    if (db_connect(&db) != 0) {
        fprintf(stderr, "%s\n", db.error);
        return 1;
    }
    create_fixture();
    test_dst_day_berlin();
    test_auckland_day();
    test_week_keys();
    test_rounding_running_member();
    test_midnight();
    test_tags_count_once();
    test_summary_csv();
    test_weekly();
    db_close(&db);
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("summary and weekly reports: all checks passed\n");
    return 0;
}
