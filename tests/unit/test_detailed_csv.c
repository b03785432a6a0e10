/* test_detailed_csv.c - golden-file tests for the detailed CSV export, one file per format
 * option, plus a throughput measurement.
 * SPDX-License-Identifier: MIT
 *
 * REPORTD_UPDATE_GOLDEN=1 rewrites the golden files from the current output; read the diff
 * before committing it.
 */
#include "export_detailed_csv.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures;
static char golden_dir[4096];

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

static struct tz_local local_time(int year, int month, int day, int hour, int minute, int second)
{
    struct tz_local local = {0};

    local.year = year;
    local.month = month;
    local.day = day;
    local.hour = hour;
    local.minute = minute;
    local.second = second;
    return local;
}

static struct report_row make_row(const char *project, const char *client, const char *description,
                                  const char *task, const char *user, bool billable)
{
    struct report_row row = {0};

    row.project_name = project;
    row.client_name = client;
    row.description = description;
    row.description_len = strlen(description);
    row.task_name = task;
    row.user_name = user;
    row.user_email = "";
    row.group_names = "";
    row.tags_joined = "";
    row.billable = billable;
    return row;
}

/* The fixture: ordinary entries and the hard cases (quotes, delimiters, line breaks, formulas,
 * non-ASCII, emoji, a four-day entry, 1-second entry, negative profit). */
static size_t fixture(struct report_row *rows)
{
    size_t n = 0;

    rows[n] = make_row("Mobile app", "Client A, LLC", "Start working on summary", "Design",
                       "User 1", true);
    rows[n].user_email = "user1@example.com";
    rows[n].group_names = "Team A, Team B";
    rows[n].tags_joined = "focus, review";
    rows[n].start_local = local_time(2025, 4, 20, 22, 51, 36);
    rows[n].end_local = local_time(2025, 4, 21, 0, 58, 6);
    rows[n].duration = 2 * 3600 + 6 * 60 + 30;
    rows[n].hourly_rate = 15000;
    rows[n].cost_rate = 6000;
    rows[n].earned = 31625;
    rows[n].cost = 12650;
    rows[n].profit = 18975;
    n++;

    rows[n] = make_row("", "", "He said \"ship it\"; then left,\r\nsecond line\nthird", "",
                       "User 2", false);
    rows[n].user_email = "user2@example.com";
    rows[n].start_local = local_time(2025, 4, 18, 9, 5, 0);
    rows[n].end_local = local_time(2025, 4, 18, 9, 5, 1);
    rows[n].duration = 1;
    rows[n].cost_rate = 6000;
    rows[n].cost = 2;
    rows[n].profit = -2;
    n++;

    rows[n] = make_row("=HYPERLINK(\"http://x\")", "@client", "-1 + 2", "+task", "User 3", true);
    rows[n].tags_joined = "=tag";
    rows[n].start_local = local_time(2025, 1, 1, 0, 0, 0);
    rows[n].end_local = local_time(2025, 1, 1, 12, 0, 0);
    rows[n].duration = 12 * 3600;
    rows[n].hourly_rate = 10050;
    rows[n].earned = 120600;
    rows[n].profit = 120600;
    n++;

    rows[n] = make_row("Überprüfung", "Société Générale", "Fika ☕ med kollegor 🎉👩‍💻 på Østbanen",
                       "Tâche", "Zoë Æbelø", true);
    rows[n].user_email = "zoe@example.com";
    rows[n].start_local = local_time(2024, 12, 31, 13, 0, 0);
    rows[n].end_local = local_time(2025, 1, 4, 14, 16, 34);
    rows[n].duration = 97 * 3600 + 16 * 60 + 34;
    rows[n].hourly_rate = 999999;
    rows[n].cost_rate = 1000000;
    rows[n].earned = 97276389;
    rows[n].cost = 97276111;
    rows[n].profit = 278;
    n++;

    rows[n] = make_row("Support", "", "\tindented note", "", "User 1", false);
    rows[n].user_email = "user1@example.com";
    rows[n].start_local = local_time(2025, 4, 18, 23, 37, 39);
    rows[n].end_local = local_time(2025, 4, 18, 23, 43, 13);
    rows[n].duration = 5 * 60 + 34;
    n++;
    return n;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *file = fopen(path, "rb");
    char *data = NULL;
    long size;

    if (file == NULL)
        return NULL;
    if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 && fseek(file, 0, SEEK_SET) == 0) {
        data = malloc((size_t)size + 1);
        if (data != NULL && fread(data, 1, (size_t)size, file) != (size_t)size) {
            free(data);
            data = NULL;
        }
        if (data != NULL) {
            data[size] = '\0';
            *len = (size_t)size;
        }
    }
    fclose(file);
    return data;
}

/* Compares the output with golden/<name>, or rewrites it under REPORTD_UPDATE_GOLDEN. */
static void check_golden(const char *name, const struct membuf *got)
{
    char path[4200];
    size_t len = 0;
    char *expected;
    const char *update = getenv("REPORTD_UPDATE_GOLDEN");

    snprintf(path, sizeof path, "%s/%s", golden_dir, name);
    if (update != NULL && strcmp(update, "1") == 0) {
        FILE *file = fopen(path, "wb");
        CHECK(file != NULL);
        if (file != NULL) {
            CHECK(fwrite(got->data, 1, got->len, file) == got->len);
            CHECK(fclose(file) == 0);
        }
        return;
    }
    expected = read_file(path, &len);
    if (expected == NULL) {
        fprintf(stderr, "%s: cannot read the golden file\n", path);
        failures++;
        return;
    }
    if (len != got->len || memcmp(expected, got->data, len) != 0) {
        size_t at = 0;
        while (at < len && at < got->len && expected[at] == got->data[at])
            at++;
        fprintf(stderr, "%s: output differs at byte %zu (got %zu bytes, expected %zu)\n", path,
                at, got->len, len);
        fprintf(stderr, "  got:      %.60s\n  expected: %.60s\n", got->data + at,
                expected + at);
        failures++;
    }
    free(expected);
}

static void run_case(const char *name, const struct format_options *fmt, enum amount_kind amounts,
                     const char *currency)
{
    struct report_row rows[8];
    size_t count = fixture(rows);
    struct membuf buf = {0};
    struct sink out = membuf_sink(&buf);
    struct detailed_csv *csv = detailed_csv_new(&out, fmt, amounts, currency);

    CHECK(csv != NULL);
    if (csv == NULL)
        return;
    CHECK(detailed_csv_write_header(csv) == 0);
    for (size_t i = 0; i < count; i++)
        CHECK(detailed_csv_write_row(csv, &rows[i]) == 0);
    CHECK(detailed_csv_finish(csv) == 0);
    check_golden(name, &buf);
    detailed_csv_free(csv);
    membuf_free(&buf);
}

static void test_golden_files(void)
{
    struct format_options fmt;

    format_options_default(&fmt);
    run_case("detailed_default.csv", &fmt, AMOUNT_EARNED, "USD");

    static const struct {
        enum date_format date;
        const char *name;
    } dates[] = {
        {DATE_FORMAT_DMY_SLASH, "detailed_date_dmy_slash.csv"},
        {DATE_FORMAT_MDY_SLASH, "detailed_date_mdy_slash.csv"},
        {DATE_FORMAT_DMY_DOT, "detailed_date_dmy_dot.csv"},
        {DATE_FORMAT_DMY_DASH, "detailed_date_dmy_dash.csv"},
        {DATE_FORMAT_MDY_DASH, "detailed_date_mdy_dash.csv"},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        format_options_default(&fmt);
        fmt.date = dates[i].date;
        run_case(dates[i].name, &fmt, AMOUNT_EARNED, "USD");
    }

    format_options_default(&fmt);
    fmt.time = TIME_FORMAT_12H;
    run_case("detailed_time_12h.csv", &fmt, AMOUNT_EARNED, "USD");

    format_options_default(&fmt);
    fmt.duration = DURATION_FORMAT_COMPACT;
    run_case("detailed_duration_compact.csv", &fmt, AMOUNT_EARNED, "USD");

    format_options_default(&fmt);
    fmt.duration = DURATION_FORMAT_DECIMAL;
    run_case("detailed_duration_decimal.csv", &fmt, AMOUNT_EARNED, "USD");

    format_options_default(&fmt);
    fmt.delimiter = ';';
    run_case("detailed_semicolon.csv", &fmt, AMOUNT_EARNED, "USD");

    format_options_default(&fmt);
    fmt.delimiter = '\t';
    run_case("detailed_tab.csv", &fmt, AMOUNT_EARNED, "USD");

    format_options_default(&fmt);
    fmt.delimiter = ';';
    fmt.decimal_separator = ',';
    run_case("detailed_decimal_comma.csv", &fmt, AMOUNT_PROFIT, "EUR");

    format_options_default(&fmt);
    fmt.bom = true;
    run_case("detailed_bom.csv", &fmt, AMOUNT_EARNED, "USD");

    format_options_default(&fmt);
    run_case("detailed_cost.csv", &fmt, AMOUNT_COST, "USD");
    run_case("detailed_profit.csv", &fmt, AMOUNT_PROFIT, "USD");
    run_case("detailed_hide.csv", &fmt, AMOUNT_HIDE, "USD");
}

/* Checks a few properties directly, so that a wrong golden file cannot hide them. */
static void test_properties(void)
{
    struct format_options fmt;
    struct report_row rows[8];
    size_t count = fixture(rows);
    struct membuf buf = {0};
    struct sink out = membuf_sink(&buf);
    struct detailed_csv *csv;

    format_options_default(&fmt);
    csv = detailed_csv_new(&out, &fmt, AMOUNT_PROFIT, NULL);
    CHECK(detailed_csv_write_header(csv) == 0);
    for (size_t i = 0; i < count; i++)
        CHECK(detailed_csv_write_row(csv, &rows[i]) == 0);
    CHECK(detailed_csv_finish(csv) == 0);
    const char *start = "\"Project\",\"Client\",\"Description\",";
    CHECK(strncmp(buf.data, start, strlen(start)) == 0);
    CHECK(strstr(buf.data, "\"Billable Rate (USD)\",\"Billable Amount (USD)\",\"Cost Rate (USD)\","
                           "\"Cost Amount (USD)\",\"Profit (USD)\"\r\n") != NULL);
    CHECK(strstr(buf.data, "\"'=HYPERLINK(\"\"http://x\"\")\",\"'@client\",\"'-1 + 2\",\"'+task\"")
          != NULL);
    CHECK(strstr(buf.data, "\"'\tindented note\"") != NULL);
    CHECK(strstr(buf.data, "\"97:16:34\",\"97.28\"") != NULL);
    CHECK(strstr(buf.data, "\"-0.02\"") != NULL);
    CHECK(strstr(buf.data, "\"Fika ☕ med kollegor 🎉👩‍💻 på Østbanen\"") != NULL);
    CHECK(strstr(buf.data, "\"He said \"\"ship it\"\"; then left,\r\nsecond line\nthird\"") != NULL);
    CHECK(strstr(buf.data, "\"No\",\"2025-04-18\",\"09:05:00\",\"2025-04-18\",\"09:05:01\","
                           "\"00:00:01\",\"0.00\"") != NULL);
    detailed_csv_free(csv);
    membuf_free(&buf);
}

static int failing_write(void *ctx, const void *data, size_t len)
{
    return -1;
}

static void test_sink_failure(void)
{
    struct format_options fmt;
    struct report_row rows[8];
    size_t count = fixture(rows);
    struct sink out = {failing_write, NULL};
    struct detailed_csv *csv;
    int result = 0;

    format_options_default(&fmt);
    csv = detailed_csv_new(&out, &fmt, AMOUNT_EARNED, "USD");
    CHECK(detailed_csv_write_header(csv) == 0);
    CHECK(detailed_csv_finish(csv) == -1);
    for (size_t i = 0; i < count; i++)
        result |= detailed_csv_write_row(csv, &rows[i]);
    CHECK(result == -1);
    detailed_csv_free(csv);
}

static int counting_write(void *ctx, const void *data, size_t len)
{
    size_t *total = ctx;

    *total += len;
    return 0;
}

/* Prints rows per second into a sink that only counts; no assertion on time. */
static void measure_throughput(void)
{
    struct format_options fmt;
    struct report_row rows[8];
    size_t count = fixture(rows);
    size_t total = 0;
    struct sink out = {counting_write, &total};
    struct detailed_csv *csv;
    const long row_count = 300000;
    struct timespec begin;
    struct timespec end;
    double seconds;

    format_options_default(&fmt);
    csv = detailed_csv_new(&out, &fmt, AMOUNT_PROFIT, "USD");
    CHECK(detailed_csv_write_header(csv) == 0);
    clock_gettime(CLOCK_MONOTONIC, &begin);
    for (long i = 0; i < row_count; i++)
        CHECK(detailed_csv_write_row(csv, &rows[(size_t)i % count]) == 0);
    CHECK(detailed_csv_finish(csv) == 0);
    clock_gettime(CLOCK_MONOTONIC, &end);
    seconds = (double)(end.tv_sec - begin.tv_sec) + (double)(end.tv_nsec - begin.tv_nsec) / 1e9;
    printf("detailed CSV: %ld rows, %zu bytes in %.3f s: %.0f rows/s (this build's flags)\n",
           row_count, total, seconds, seconds > 0 ? (double)row_count / seconds : 0.0);
    detailed_csv_free(csv);
}

/* Finds tests/unit/golden through REPORTD_SOURCE_DIR, else relative to the test binary in
 * <build>/tests/. */
static void find_golden_dir(const char *argv0)
{
    const char *source = getenv("REPORTD_SOURCE_DIR");
    char binary[4096];

    if (source != NULL && source[0] != '\0') {
        snprintf(golden_dir, sizeof golden_dir, "%s/tests/unit/golden", source);
        return;
    }
    snprintf(binary, sizeof binary, "%s", argv0);
    snprintf(golden_dir, sizeof golden_dir, "%s/../../tests/unit/golden", dirname(binary));
}

int main(int argc, char **argv)
{
    find_golden_dir(argc > 0 ? argv[0] : ".");
    test_golden_files();
    test_properties();
    test_sink_failure();
    measure_throughput();
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("detailed CSV: all checks passed\n");
    return 0;
}
