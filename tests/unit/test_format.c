/* test_format.c - unit tests for the export format options: parsers and value writers.
 * SPDX-License-Identifier: MIT
 */
#include "format.h"

#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

#define CHECK_TEXT(got, expected)                                                          \
    do {                                                                                   \
        if (strcmp((got), (expected)) != 0) {                                              \
            fprintf(stderr, "%s:%d: got \"%s\", expected \"%s\"\n", __FILE__, __LINE__,    \
                    (got), (expected));                                                    \
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

static void test_dates(void)
{
    struct format_options options;
    struct tz_local day = local_time(2025, 4, 7, 15, 4, 5);
    char out[FORMAT_BUFFER_MIN];
    size_t len;

    format_options_default(&options);
    len = format_date(&options, &day, out, sizeof out);
    CHECK_TEXT(out, "2025-04-07");
    CHECK(len == 10);
    options.date = DATE_FORMAT_DMY_SLASH;
    format_date(&options, &day, out, sizeof out);
    CHECK_TEXT(out, "07/04/2025");
    options.date = DATE_FORMAT_MDY_SLASH;
    format_date(&options, &day, out, sizeof out);
    CHECK_TEXT(out, "04/07/2025");
    options.date = DATE_FORMAT_DMY_DOT;
    format_date(&options, &day, out, sizeof out);
    CHECK_TEXT(out, "07.04.2025");
    options.date = DATE_FORMAT_DMY_DASH;
    format_date(&options, &day, out, sizeof out);
    CHECK_TEXT(out, "07-04-2025");
    options.date = DATE_FORMAT_MDY_DASH;
    format_date(&options, &day, out, sizeof out);
    CHECK_TEXT(out, "04-07-2025");

    /* A buffer below the minimum gets an empty text, never an overflow. */
    len = format_date(&options, &day, out, 8);
    CHECK(len == 0);
    CHECK_TEXT(out, "");
}

static void test_times(void)
{
    struct format_options options;
    char out[FORMAT_BUFFER_MIN];
    struct tz_local afternoon = local_time(2025, 4, 7, 15, 4, 5);
    struct tz_local midnight = local_time(2025, 4, 7, 0, 30, 0);
    struct tz_local noon = local_time(2025, 4, 7, 12, 0, 59);
    struct tz_local morning = local_time(2025, 4, 7, 9, 0, 0);

    format_options_default(&options);
    format_time(&options, &afternoon, out, sizeof out);
    CHECK_TEXT(out, "15:04:05");
    format_time(&options, &midnight, out, sizeof out);
    CHECK_TEXT(out, "00:30:00");

    options.time = TIME_FORMAT_12H;
    format_time(&options, &afternoon, out, sizeof out);
    CHECK_TEXT(out, "03:04:05 PM");
    format_time(&options, &midnight, out, sizeof out);
    CHECK_TEXT(out, "12:30:00 AM");
    format_time(&options, &noon, out, sizeof out);
    CHECK_TEXT(out, "12:00:59 PM");
    format_time(&options, &morning, out, sizeof out);
    CHECK_TEXT(out, "09:00:00 AM");
}

static void test_durations(void)
{
    struct format_options options;
    char out[FORMAT_BUFFER_MIN];

    format_options_default(&options);
    format_duration(&options, 3900, out, sizeof out);
    CHECK_TEXT(out, "01:05:00");
    format_duration(&options, 0, out, sizeof out);
    CHECK_TEXT(out, "00:00:00");
    format_duration(&options, 97 * 3600 + 16 * 60 + 34, out, sizeof out);
    CHECK_TEXT(out, "97:16:34");
    format_duration(&options, 1234 * 3600 + 59, out, sizeof out);
    CHECK_TEXT(out, "1234:00:59");

    options.duration = DURATION_FORMAT_COMPACT;
    format_duration(&options, 3900, out, sizeof out);
    CHECK_TEXT(out, "1:05");
    format_duration(&options, 59, out, sizeof out);
    CHECK_TEXT(out, "0:00");
    format_duration(&options, 36000, out, sizeof out);
    CHECK_TEXT(out, "10:00");

    options.duration = DURATION_FORMAT_DECIMAL;
    format_duration(&options, 3900, out, sizeof out);
    CHECK_TEXT(out, "1.08");
    options.decimal_separator = ',';
    format_duration(&options, 3900, out, sizeof out);
    CHECK_TEXT(out, "1,08");
}

static void test_hours_decimal(void)
{
    struct format_options options;
    char out[FORMAT_BUFFER_MIN];

    format_options_default(&options);
    /* Values checked against Clockify's own export. */
    format_hours_decimal(&options, 2 * 3600 + 6 * 60 + 30, out, sizeof out);
    CHECK_TEXT(out, "2.11");
    format_hours_decimal(&options, 10 * 60 + 59, out, sizeof out);
    CHECK_TEXT(out, "0.18");
    format_hours_decimal(&options, 3600 + 22 * 60 + 30, out, sizeof out);
    CHECK_TEXT(out, "1.38");
    format_hours_decimal(&options, 1, out, sizeof out);
    CHECK_TEXT(out, "0.00");
    /* Half a hundredth (18 seconds) rounds up, one second less rounds down. */
    format_hours_decimal(&options, 18, out, sizeof out);
    CHECK_TEXT(out, "0.01");
    format_hours_decimal(&options, 17, out, sizeof out);
    CHECK_TEXT(out, "0.00");
    format_hours_decimal(&options, 97 * 3600 + 16 * 60 + 34, out, sizeof out);
    CHECK_TEXT(out, "97.28");
    /* The decimal column ignores the duration format. */
    options.duration = DURATION_FORMAT_COMPACT;
    options.decimal_separator = ',';
    format_hours_decimal(&options, 5400, out, sizeof out);
    CHECK_TEXT(out, "1,50");
}

static void test_money(void)
{
    struct format_options options;
    char out[FORMAT_BUFFER_MIN];
    size_t len;

    format_options_default(&options);
    len = format_money(&options, 12345, out, sizeof out);
    CHECK_TEXT(out, "123.45");
    CHECK(len == 6);
    format_money(&options, 0, out, sizeof out);
    CHECK_TEXT(out, "0.00");
    format_money(&options, 7, out, sizeof out);
    CHECK_TEXT(out, "0.07");
    format_money(&options, -5, out, sizeof out);
    CHECK_TEXT(out, "-0.05");
    format_money(&options, -150000, out, sizeof out);
    CHECK_TEXT(out, "-1500.00");
    format_money(&options, INT64_MIN, out, sizeof out);
    CHECK_TEXT(out, "-92233720368547758.08");
    options.decimal_separator = ',';
    format_money(&options, 22500, out, sizeof out);
    CHECK_TEXT(out, "225,00");
}

static void test_parsers(void)
{
    enum date_format date = DATE_FORMAT_YMD;
    enum time_format time = TIME_FORMAT_24H;
    enum duration_format duration = DURATION_FORMAT_FULL;
    char delimiter = 0;
    char separator = 0;

    CHECK(format_parse_date("DD/MM/YYYY", &date) == 0);
    CHECK(date == DATE_FORMAT_DMY_SLASH);
    CHECK(format_parse_date("MM-DD-YYYY", &date) == 0);
    CHECK(date == DATE_FORMAT_MDY_DASH);
    CHECK(format_parse_date("YYYY-MM-DD", &date) == 0);
    CHECK(date == DATE_FORMAT_YMD);
    CHECK(format_parse_date("DD.MM.YYYY", &date) == 0);
    CHECK(date == DATE_FORMAT_DMY_DOT);
    CHECK(format_parse_date("dd/mm/yyyy", &date) == -1);
    CHECK(format_parse_date("YYYY/MM/DD", &date) == -1);
    CHECK(format_parse_date(NULL, &date) == -1);
    CHECK(date == DATE_FORMAT_DMY_DOT);

    CHECK(format_parse_time("12H", &time) == 0);
    CHECK(time == TIME_FORMAT_12H);
    CHECK(format_parse_time("24h", &time) == 0);
    CHECK(time == TIME_FORMAT_24H);
    CHECK(format_parse_time("13H", &time) == -1);

    CHECK(format_parse_duration("COMPACT", &duration) == 0);
    CHECK(duration == DURATION_FORMAT_COMPACT);
    CHECK(format_parse_duration("DECIMAL", &duration) == 0);
    CHECK(duration == DURATION_FORMAT_DECIMAL);
    CHECK(format_parse_duration("FULL", &duration) == 0);
    CHECK(duration == DURATION_FORMAT_FULL);
    CHECK(format_parse_duration("SHORT", &duration) == -1);

    CHECK(format_parse_delimiter(";", &delimiter) == 0);
    CHECK(delimiter == ';');
    CHECK(format_parse_delimiter("\t", &delimiter) == 0);
    CHECK(delimiter == '\t');
    CHECK(format_parse_delimiter(",", &delimiter) == 0);
    CHECK(delimiter == ',');
    CHECK(format_parse_delimiter("TAB", &delimiter) == 0);
    CHECK(delimiter == '\t');
    CHECK(format_parse_delimiter("SEMICOLON", &delimiter) == 0);
    CHECK(delimiter == ';');
    CHECK(format_parse_delimiter("COMMA", &delimiter) == 0);
    CHECK(delimiter == ',');
    CHECK(format_parse_delimiter("|", &delimiter) == -1);
    CHECK(format_parse_delimiter("", &delimiter) == -1);

    CHECK(format_parse_decimal_separator(",", &separator) == 0);
    CHECK(separator == ',');
    CHECK(format_parse_decimal_separator("DOT", &separator) == 0);
    CHECK(separator == '.');
    CHECK(format_parse_decimal_separator("COMMA", &separator) == 0);
    CHECK(separator == ',');
    CHECK(format_parse_decimal_separator(".", &separator) == 0);
    CHECK(separator == '.');
    CHECK(format_parse_decimal_separator(";", &separator) == -1);
}

int main(void)
{
    test_dates();
    test_times();
    test_durations();
    test_hours_decimal();
    test_money();
    test_parsers();
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("format: all checks passed\n");
    return 0;
}
