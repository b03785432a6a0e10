/* import_detect.h - recognises an export from its header (tool, columns, currency) and parses
 * its localized values: dates, times, durations, money and yes/no flags.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_IMPORT_DETECT_H
#define REPORTD_IMPORT_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum import_tool { IMPORT_TOOL_AUTO, IMPORT_TOOL_CLOCKIFY, IMPORT_TOOL_TOGGL, IMPORT_TOOL_KIMAI };

/* Column role in an export. Kimai's Date, From and To map to START_DATE, START_TIME and
 * END_TIME, and Kimai has no END_DATE. */
enum import_column {
    IMPORT_COL_PROJECT,
    IMPORT_COL_CLIENT,
    IMPORT_COL_DESCRIPTION,
    IMPORT_COL_TASK,
    IMPORT_COL_USER,          /* display name (Clockify User, Toggl User, Kimai Name) */
    IMPORT_COL_USERNAME,      /* Kimai's login name (User) */
    IMPORT_COL_GROUP,
    IMPORT_COL_EMAIL,
    IMPORT_COL_TAGS,
    IMPORT_COL_BILLABLE,
    IMPORT_COL_START_DATE,
    IMPORT_COL_START_TIME,
    IMPORT_COL_END_DATE,
    IMPORT_COL_END_TIME,
    IMPORT_COL_DURATION,      /* h:mm:ss, h:mm or seconds */
    IMPORT_COL_DURATION_DECIMAL, /* hours with a decimal point or comma */
    IMPORT_COL_RATE,          /* billable rate per hour */
    IMPORT_COL_AMOUNT,        /* billable amount of the entry */
    IMPORT_COL_COST_AMOUNT,   /* Kimai's Internal price */
    IMPORT_COL_CURRENCY,      /* Kimai's Currency column */
    IMPORT_COL__MAX
};

struct import_columns {
    enum import_tool tool;
    int index[IMPORT_COL__MAX];   /* column number, or -1 when the file lacks it */
    char currency[4];             /* ISO code from a header such as "Amount (USD)", or "" */
};

/* Name of a tool for messages: "Clockify", "Toggl Track", "Kimai" or "unknown". */
const char *import_tool_name(enum import_tool tool);

/* Maps the header fields (count of them) to columns and recognises the tool, unless forced
 * names one. Header names are matched without regard to ASCII case or surrounding spaces, in
 * English and in the languages of Clockify's interface that the table in import_detect.c
 * lists. Returns 0, or -1 with a message in err: a summary report (a header with durations but
 * no start time), or a header that lacks a start date, start time or duration. */
int import_detect_columns(char *const *header, size_t count, enum import_tool forced,
                          struct import_columns *columns, char *err, size_t err_size);

/* Day and month order of slash dates (03/04/2024); ISO and dotted dates need none. */
enum import_date_order { IMPORT_ORDER_UNKNOWN, IMPORT_ORDER_DMY, IMPORT_ORDER_MDY };

/* Parses a --date-format value: DD/MM/YYYY, D/M/YY and the like give DMY; MM/DD/YYYY, M/D/YY
 * give MDY; YYYY-MM-DD and DD.MM.YYYY give UNKNOWN (those shapes carry their own order).
 * Returns 0, or -1 for any other text. */
int import_date_format_parse(const char *text, enum import_date_order *order);

/* Returns in *hint the order of slash dates that a date value implies: DMY when the first number is
 * over 12, MDY when the second is, UNKNOWN for a slash date that could be either and for ISO and
 * dotted dates. Returns 0, or -1 when text is no date of a known shape. */
int import_date_hint(const char *text, enum import_date_order *hint);

/* Parses a date: YYYY-MM-DD, DD.MM.YYYY, or A/B/YYYY and A/B/YY read in order (two-digit
 * years below 70 are 20yy, others 19yy). Returns 0, -1 for an invalid date, 1 for a slash date
 * that order UNKNOWN cannot read because both numbers are 12 or less. */
int import_parse_date(const char *text, enum import_date_order order, int *year, int *month,
                      int *day);

/* Parses a time of day: H:MM or H:MM:SS, 24-hour or followed by AM/PM. has_seconds is
 * set when the text carried seconds. Returns 0 or -1. */
int import_parse_time(const char *text, int *hour, int *minute, int *second, bool *has_seconds);

/* Parses a duration into seconds: H:MM:SS or H:MM (hours may exceed 24), whole seconds
 * ("5400"), or decimal hours with `.` or `,` ("1.5", "3,5"). decimal_hours makes a whole number
 * hours, as in a "Duration (decimal)" column. exact is false for decimal hours, which are rounded
 * to the second. Returns 0, or -1 for text of another shape or a negative duration. */
int import_parse_duration(const char *text, bool decimal_hours, int64_t *seconds, bool *exact);

/* Parses an amount or a rate into cents: "150.00", "3,5", "1,234.56", "1.234,56", "-2".
 * Digits after the second decimal are rounded half away from zero. Returns 0 or -1. */
int import_parse_money(const char *text, int64_t *cents);

/* Parses a billable flag: Yes/No, 1/0, true/false and their Portuguese, Spanish, Italian,
 * German, French, Danish, Norwegian and Polish words. Returns 0 or -1. */
int import_parse_bool(const char *text, bool *value);

#endif
