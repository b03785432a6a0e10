/* test_export_jobs.c - unit tests for export jobs without a database: next runs across DST
 * changes, weekly and monthly schedules, relative ranges, validation and output folders.
 * SPDX-License-Identifier: MIT
 */
#include "export_jobs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "civil.h"

static int failures;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

#define CHECK_TIME(got, expected)                                                          \
    do {                                                                                   \
        long long g_ = (long long)(got), e_ = (long long)(expected);                       \
        if (g_ != e_) {                                                                    \
            fprintf(stderr, "%s:%d: got %lld, expected %lld (off by %lld s)\n", __FILE__,  \
                    __LINE__, g_, e_, g_ - e_);                                            \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

static int64_t utc(int year, int month, int day, int hour, int minute, int second)
{
    return civil_days_from_date(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

static struct export_job job_at(enum export_job_schedule schedule, const char *zone, int hour,
                                int minute)
{
    struct export_job job;

    memset(&job, 0, sizeof(job));
    job.schedule = schedule;
    job.hour = hour;
    job.minute = minute;
    snprintf(job.time_zone, sizeof(job.time_zone), "%s", zone);
    return job;
}

static void test_dst_gap(void)
{
    struct export_job job = job_at(JOB_SCHEDULE_DAILY, "Europe/Berlin", 2, 30);

    /* 2026-03-29: clocks jump from 02:00 CET to 03:00 CEST; 02:30 does not exist, so the run
     * is at 03:00 local, 01:00 UTC. */
    int64_t after = utc(2026, 3, 28, 2, 0, 0);
    int64_t next = export_job_next_run(&job, after);
    CHECK_TIME(next, utc(2026, 3, 29, 1, 0, 0));
    /* The day after is a normal CEST day: 02:30 local is 00:30 UTC. */
    CHECK_TIME(export_job_next_run(&job, next), utc(2026, 3, 30, 0, 30, 0));
    /* The day before is CET: 01:30 UTC. */
    CHECK_TIME(export_job_next_run(&job, utc(2026, 3, 27, 2, 0, 0)), utc(2026, 3, 28, 1, 30, 0));
}

static void test_dst_overlap(void)
{
    struct export_job job = job_at(JOB_SCHEDULE_DAILY, "Europe/Berlin", 2, 30);

    /* 2026-10-25: 02:00-03:00 happens twice; the run is at the first 02:30 (CEST, 00:30 UTC)
     * and not again at the second (CET, 01:30 UTC). */
    int64_t next = export_job_next_run(&job, utc(2026, 10, 24, 1, 0, 0));
    CHECK_TIME(next, utc(2026, 10, 25, 0, 30, 0));
    CHECK_TIME(export_job_next_run(&job, next), utc(2026, 10, 26, 1, 30, 0));
    /* Between the two occurrences the next run is still the next day's. */
    CHECK_TIME(export_job_next_run(&job, utc(2026, 10, 25, 1, 0, 0)), utc(2026, 10, 26, 1, 30, 0));
    CHECK_TIME(export_job_next_run(&job, utc(2026, 10, 25, 1, 30, 0)), utc(2026, 10, 26, 1, 30, 0));
}

static void test_daily_exact(void)
{
    struct export_job job = job_at(JOB_SCHEDULE_DAILY, "UTC", 6, 0);

    /* Strictly after: a run at exactly 06:00 moves to the next day. */
    CHECK_TIME(export_job_next_run(&job, utc(2026, 5, 1, 6, 0, 0)), utc(2026, 5, 2, 6, 0, 0));
    CHECK_TIME(export_job_next_run(&job, utc(2026, 5, 1, 5, 59, 59)), utc(2026, 5, 1, 6, 0, 0));
    /* Across the year's end. */
    CHECK_TIME(export_job_next_run(&job, utc(2026, 12, 31, 7, 0, 0)), utc(2027, 1, 1, 6, 0, 0));
}

static void test_weekly(void)
{
    struct export_job job = job_at(JOB_SCHEDULE_WEEKLY, "UTC", 9, 0);

    job.weekday = 0; /* Monday */
    /* Wednesday 2026-12-02 -> Monday 2026-12-07. */
    CHECK_TIME(export_job_next_run(&job, utc(2026, 12, 2, 12, 0, 0)), utc(2026, 12, 7, 9, 0, 0));
    CHECK_TIME(export_job_next_run(&job, utc(2026, 12, 7, 9, 0, 0)), utc(2026, 12, 14, 9, 0, 0));
    CHECK_TIME(export_job_next_run(&job, utc(2026, 12, 7, 8, 0, 0)), utc(2026, 12, 7, 9, 0, 0));

    /* Sunday 23:30 in New York is Monday 04:30 UTC (EST). */
    struct export_job ny = job_at(JOB_SCHEDULE_WEEKLY, "America/New_York", 23, 30);
    ny.weekday = 6;
    CHECK_TIME(export_job_next_run(&ny, utc(2026, 12, 2, 0, 0, 0)), utc(2026, 12, 7, 4, 30, 0));
}

static void test_monthly(void)
{
    struct export_job job = job_at(JOB_SCHEDULE_MONTHLY, "UTC", 9, 0);

    /* Day 31 runs on the last day of shorter months. */
    job.day_of_month = 31;
    CHECK_TIME(export_job_next_run(&job, utc(2026, 1, 31, 12, 0, 0)), utc(2026, 2, 28, 9, 0, 0));
    CHECK_TIME(export_job_next_run(&job, utc(2026, 2, 28, 9, 0, 0)), utc(2026, 3, 31, 9, 0, 0));
    CHECK_TIME(export_job_next_run(&job, utc(2026, 4, 1, 0, 0, 0)), utc(2026, 4, 30, 9, 0, 0));
    /* A leap year's February has 29 days. */
    CHECK_TIME(export_job_next_run(&job, utc(2028, 2, 1, 0, 0, 0)), utc(2028, 2, 29, 9, 0, 0));
    job.day_of_month = 30;
    CHECK_TIME(export_job_next_run(&job, utc(2026, 2, 1, 0, 0, 0)), utc(2026, 2, 28, 9, 0, 0));
    job.day_of_month = 1;
    CHECK_TIME(export_job_next_run(&job, utc(2026, 12, 1, 9, 0, 0)), utc(2027, 1, 1, 9, 0, 0));

    /* In Berlin, the first of the month at 00:15 is the evening before in UTC. */
    struct export_job berlin = job_at(JOB_SCHEDULE_MONTHLY, "Europe/Berlin", 0, 15);
    berlin.day_of_month = 1;
    CHECK_TIME(export_job_next_run(&berlin, utc(2026, 6, 15, 0, 0, 0)),
               utc(2026, 6, 30, 22, 15, 0));
}

static void test_unknown_zone(void)
{
    struct export_job job = job_at(JOB_SCHEDULE_DAILY, "Mars/Olympus", 1, 0);
    CHECK(export_job_next_run(&job, 0) == -1);
}

static void test_ranges(void)
{
    int64_t start = 0, end = 0;

    /* The day before a run on the 30th in Berlin is the 23-hour day of the change. */
    CHECK(export_job_range_bounds(JOB_RANGE_PREVIOUS_DAY, "Europe/Berlin", 0,
                                  utc(2026, 3, 30, 0, 30, 0), &start, &end) == 0);
    CHECK_TIME(start, utc(2026, 3, 28, 23, 0, 0));
    CHECK_TIME(end, utc(2026, 3, 29, 22, 0, 0) - 1);

    /* Monday-based weeks: a run on Wednesday 2026-12-02 covers 11-23 .. 11-29. */
    CHECK(export_job_range_bounds(JOB_RANGE_PREVIOUS_WEEK, "UTC", 0, utc(2026, 12, 2, 6, 0, 0),
                                  &start, &end) == 0);
    CHECK_TIME(start, utc(2026, 11, 23, 0, 0, 0));
    CHECK_TIME(end, utc(2026, 11, 30, 0, 0, 0) - 1);
    /* A run on the first day of the week covers the whole week before. */
    CHECK(export_job_range_bounds(JOB_RANGE_PREVIOUS_WEEK, "UTC", 0, utc(2026, 11, 30, 0, 0, 0),
                                  &start, &end) == 0);
    CHECK_TIME(start, utc(2026, 11, 23, 0, 0, 0));
    /* Sunday-based weeks: the week before Sunday 11-29 is 11-22 .. 11-28. */
    CHECK(export_job_range_bounds(JOB_RANGE_PREVIOUS_WEEK, "UTC", 6, utc(2026, 12, 2, 6, 0, 0),
                                  &start, &end) == 0);
    CHECK_TIME(start, utc(2026, 11, 22, 0, 0, 0));
    CHECK_TIME(end, utc(2026, 11, 29, 0, 0, 0) - 1);

    /* January's previous month is the year before's December. */
    CHECK(export_job_range_bounds(JOB_RANGE_PREVIOUS_MONTH, "UTC", 0, utc(2026, 1, 1, 5, 0, 0),
                                  &start, &end) == 0);
    CHECK_TIME(start, utc(2025, 12, 1, 0, 0, 0));
    CHECK_TIME(end, utc(2026, 1, 1, 0, 0, 0) - 1);
    /* March in Berlin: February CET throughout. */
    CHECK(export_job_range_bounds(JOB_RANGE_PREVIOUS_MONTH, "Europe/Berlin", 0,
                                  utc(2026, 3, 1, 8, 0, 0), &start, &end) == 0);
    CHECK_TIME(start, utc(2026, 1, 31, 23, 0, 0));
    CHECK_TIME(end, utc(2026, 2, 28, 23, 0, 0) - 1);

    CHECK(export_job_range_bounds(JOB_RANGE_EVERYTHING, "UTC", 0, utc(2026, 5, 1, 0, 0, 0),
                                  &start, &end) == 0);
    CHECK_TIME(start, 0);
    CHECK_TIME(end, utc(2026, 5, 1, 0, 0, 0) - 1);
}

/* Parses text as a job body; returns the status (0 when valid) and the failing field. */
static int parse(const char *text, char *field, size_t size)
{
    struct export_job job;
    struct api_error err;
    json_t *body = json_loads(text, 0, NULL);
    int status = 0;

    memset(&err, 0, sizeof(err));
    if (body == NULL) {
        fprintf(stderr, "bad test JSON: %s\n", text);
        failures++;
        return -1;
    }
    if (export_job_from_json(body, &job, &err) != 0)
        status = err.status;
    snprintf(field, size, "%s", status ? err.field : "");
    if (status == 400 && strlen(err.message) < 10) {
        fprintf(stderr, "message too short for %s: %s\n", text, err.message);
        failures++;
    }
    export_job_free(&job);
    json_decref(body);
    return status;
}

#define BODY(extra, schedule, folder)                                                           \
    "{\"name\":\"n\",\"report\":\"DETAILED\",\"format\":\"CSV\",\"range\":\"PREVIOUS_DAY\"," \
    "\"schedule\":" schedule ",\"folder\":" folder extra "}"
#define DAILY "{\"kind\":\"DAILY\",\"time\":\"02:30\",\"timeZone\":\"Europe/Berlin\"}"

static void test_validation(void)
{
    char field[128];

    CHECK(parse(BODY("", DAILY, "\"team/a\""), field, sizeof(field)) == 0);
    CHECK(parse(BODY("", DAILY, "\"\""), field, sizeof(field)) == 0);
    CHECK(parse(BODY("", DAILY, "\"../escape\""), field, sizeof(field)) == 400);
    CHECK(strcmp(field, "folder") == 0);
    CHECK(parse(BODY("", DAILY, "\"a/../../b\""), field, sizeof(field)) == 400);
    CHECK(parse(BODY("", DAILY, "\"/etc\""), field, sizeof(field)) == 400);
    CHECK(parse(BODY("", DAILY, "\"a//b\""), field, sizeof(field)) == 400);
    CHECK(parse(BODY("", DAILY, "\"a/\""), field, sizeof(field)) == 400);
    CHECK(parse(BODY("", DAILY, "\"a\\\\b\""), field, sizeof(field)) == 400);
    CHECK(parse(BODY("", DAILY, "\"a\\nb\""), field, sizeof(field)) == 400);
    CHECK(parse(BODY("", DAILY, "7"), field, sizeof(field)) == 400);

    CHECK(parse(BODY(",\"keep\":0", DAILY, "\"a\""), field, sizeof(field)) == 400);
    CHECK(strcmp(field, "keep") == 0);
    CHECK(parse(BODY(",\"keep\":1001", DAILY, "\"a\""), field, sizeof(field)) == 400);
    CHECK(parse(BODY(",\"keep\":30", DAILY, "\"a\""), field, sizeof(field)) == 0);
    CHECK(parse(BODY(",\"enabled\":\"yes\"", DAILY, "\"a\""), field, sizeof(field)) == 400);
    CHECK(strcmp(field, "enabled") == 0);
    CHECK(parse(BODY(",\"request\":[1]", DAILY, "\"a\""), field, sizeof(field)) == 400);
    CHECK(strcmp(field, "request") == 0);

    CHECK(parse(BODY("", "{\"kind\":\"DAILY\",\"time\":\"24:00\"}", "\"a\""), field,
                sizeof(field)) == 400);
    CHECK(strcmp(field, "schedule.time") == 0);
    CHECK(parse(BODY("", "{\"kind\":\"DAILY\",\"time\":\"2:30\"}", "\"a\""), field,
                sizeof(field)) == 400);
    CHECK(parse(BODY("", "{\"kind\":\"HOURLY\",\"time\":\"02:30\"}", "\"a\""), field,
                sizeof(field)) == 400);
    CHECK(strcmp(field, "schedule.kind") == 0);
    CHECK(parse(BODY("", "{\"kind\":\"WEEKLY\",\"time\":\"02:30\"}", "\"a\""), field,
                sizeof(field)) == 400);
    CHECK(strcmp(field, "schedule.weekday") == 0);
    CHECK(parse(BODY("", "{\"kind\":\"WEEKLY\",\"time\":\"02:30\",\"weekday\":\"FRIDAY\"}",
                     "\"a\""),
                field, sizeof(field)) == 0);
    CHECK(parse(BODY("", "{\"kind\":\"DAILY\",\"time\":\"02:30\",\"weekday\":\"FRIDAY\"}",
                     "\"a\""),
                field, sizeof(field)) == 400);
    CHECK(parse(BODY("", "{\"kind\":\"MONTHLY\",\"time\":\"02:30\",\"dayOfMonth\":32}", "\"a\""),
                field, sizeof(field)) == 400);
    CHECK(strcmp(field, "schedule.dayOfMonth") == 0);
    CHECK(parse(BODY("", "{\"kind\":\"MONTHLY\",\"time\":\"02:30\",\"dayOfMonth\":31}", "\"a\""),
                field, sizeof(field)) == 0);
    CHECK(parse(BODY("", "{\"kind\":\"DAILY\",\"time\":\"02:30\",\"timeZone\":\"Nowhere/X\"}",
                     "\"a\""),
                field, sizeof(field)) == 400);
    CHECK(strcmp(field, "schedule.timeZone") == 0);

    CHECK(parse("{\"name\":\"n\",\"report\":\"DETAILED\",\"format\":\"ZIP\",\"range\":"
                "\"EVERYTHING\",\"schedule\":" DAILY ",\"folder\":\"a\"}",
                field, sizeof(field)) == 400);
    CHECK(strcmp(field, "format") == 0);
    CHECK(parse("{\"name\":\"n\",\"report\":\"ARCHIVE\",\"format\":\"ZIP\",\"range\":"
                "\"EVERYTHING\",\"schedule\":" DAILY ",\"folder\":\"a\"}",
                field, sizeof(field)) == 0);
    CHECK(parse("{\"report\":\"DETAILED\",\"format\":\"CSV\",\"range\":\"PREVIOUS_DAY\","
                "\"schedule\":" DAILY ",\"folder\":\"a\"}",
                field, sizeof(field)) == 400);
    CHECK(strcmp(field, "name") == 0);
    CHECK(parse("{\"name\":\"n\",\"report\":\"MONTHLY\",\"format\":\"CSV\",\"range\":"
                "\"PREVIOUS_DAY\",\"schedule\":" DAILY ",\"folder\":\"a\"}",
                field, sizeof(field)) == 400);
    CHECK(strcmp(field, "report") == 0);
    CHECK(parse("{\"name\":\"n\",\"report\":\"DETAILED\",\"format\":\"CSV\",\"range\":"
                "\"LAST_YEAR\",\"schedule\":" DAILY ",\"folder\":\"a\"}",
                field, sizeof(field)) == 400);
    CHECK(strcmp(field, "range") == 0);
}

static void test_json_out(void)
{
    struct export_job job;
    struct api_error err;
    json_t *body = json_loads(BODY(",\"keep\":3", DAILY, "\"x/y\""), 0, NULL);

    CHECK(export_job_from_json(body, &job, &err) == 0);
    job.id = 9;
    job.next_run_at = utc(2026, 3, 29, 1, 0, 0);
    json_t *out = export_job_to_json(&job);
    CHECK(out != NULL);
    CHECK(strcmp(json_string_value(json_object_get(out, "nextRunAt")), "2026-03-29T01:00:00Z") ==
          0);
    json_t *schedule = json_object_get(out, "schedule");
    CHECK(strcmp(json_string_value(json_object_get(schedule, "time")), "02:30") == 0);
    CHECK(strcmp(json_string_value(json_object_get(schedule, "timeZone")), "Europe/Berlin") == 0);
    CHECK(json_integer_value(json_object_get(out, "keep")) == 3);
    CHECK(strcmp(json_string_value(json_object_get(out, "folder")), "x/y") == 0);
    json_decref(out);
    json_decref(body);
    export_job_free(&job);
}

static void test_folders(void)
{
    char root[] = "/tmp/reportd-jobs-test.XXXXXX";
    char path[256], err[512];
    int fd = -1;

    if (mkdtemp(root) == NULL) {
        fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
        failures++;
        return;
    }
    CHECK(export_job_open_folder(root, "a/b", false, NULL, err, sizeof(err)) == -1);
    CHECK(strstr(err, "does not exist") != NULL);
    CHECK(export_job_open_folder(root, "a/b", true, &fd, err, sizeof(err)) == 0);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    snprintf(path, sizeof(path), "%s/a/b", root);
    struct stat info;
    CHECK(stat(path, &info) == 0);
    CHECK(S_ISDIR(info.st_mode));
    CHECK(export_job_open_folder(root, "", false, NULL, err, sizeof(err)) == 0);

    /* A symbolic link below the root is refused, as the last part and in the middle. */
    snprintf(path, sizeof(path), "%s/link", root);
    CHECK(symlink("/tmp", path) == 0);
    CHECK(export_job_open_folder(root, "link", true, NULL, err, sizeof(err)) == -1);
    CHECK(strstr(err, "symbolic link") != NULL);
    CHECK(export_job_open_folder(root, "link/x", true, NULL, err, sizeof(err)) == -1);
    snprintf(path, sizeof(path), "%s/a/up", root);
    CHECK(symlink("..", path) == 0);
    CHECK(export_job_open_folder(root, "a/up/a", false, NULL, err, sizeof(err)) == -1);
    CHECK(export_job_open_folder(root, "a/../..", true, NULL, err, sizeof(err)) == -1);

    snprintf(path, sizeof(path), "rm -rf '%s'", root);
    CHECK(system(path) == 0);
}

int main(void)
{
    test_dst_gap();
    test_dst_overlap();
    test_daily_exact();
    test_weekly();
    test_monthly();
    test_unknown_zone();
    test_ranges();
    test_validation();
    test_json_out();
    test_folders();
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("test_export_jobs: all checks passed\n");
    return 0;
}
