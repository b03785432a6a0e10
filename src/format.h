/* format.h - how dates, times, durations and numbers are written in CSV and XLSX exports.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_FORMAT_H
#define REPORTD_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz.h"

enum date_format {
    DATE_FORMAT_YMD,       /* YYYY-MM-DD (default) */
    DATE_FORMAT_DMY_SLASH, /* DD/MM/YYYY */
    DATE_FORMAT_MDY_SLASH, /* MM/DD/YYYY */
    DATE_FORMAT_DMY_DOT,   /* DD.MM.YYYY */
    DATE_FORMAT_DMY_DASH,  /* DD-MM-YYYY */
    DATE_FORMAT_MDY_DASH,  /* MM-DD-YYYY */
};

enum time_format { TIME_FORMAT_24H, TIME_FORMAT_12H };

enum duration_format {
    DURATION_FORMAT_FULL,    /* 01:05:00 (default) */
    DURATION_FORMAT_COMPACT, /* 1:05: h:mm, hours without a leading zero, seconds dropped */
    DURATION_FORMAT_DECIMAL, /* 1.08: hours, two decimals, rounded half up */
};

struct format_options {
    enum date_format date;
    enum time_format time;
    enum duration_format duration;
    char delimiter;          /* ',' (default), ';' or '\t' */
    char decimal_separator;  /* '.' (default) or ',' */
    bool bom;                /* UTF-8 byte order mark before the header */
};

/* Sets the defaults: YYYY-MM-DD, 24-hour, FULL, ',', '.', no BOM. */
void format_options_default(struct format_options *options);

/* Parsers for the request values. dateFormat is one of the six patterns above, spelled
 * exactly; timeFormat "24H" or "12H"; durationFormat "FULL", "COMPACT" or "DECIMAL";
 * csvDelimiter ",", ";", a tab, "TAB", "COMMA" or "SEMICOLON"; decimalSeparator ".", ",",
 * "DOT" or "COMMA". The words are case-insensitive. Each returns 0 and sets *out, or returns -1
 * and leaves *out alone for a value it does not know (and for NULL). */
int format_parse_date(const char *text, enum date_format *out);
int format_parse_time(const char *text, enum time_format *out);
int format_parse_duration(const char *text, enum duration_format *out);
int format_parse_delimiter(const char *text, char *out);
int format_parse_decimal_separator(const char *text, char *out);

/* Output buffer size that every writer below accepts. */
#define FORMAT_BUFFER_MIN 32

/* Writers into out (size bytes, at least FORMAT_BUFFER_MIN); each writes a NUL-terminated text
 * and returns its length without the NUL. They write digits by hand, without snprintf, because
 * they run for every row of an export. A size below FORMAT_BUFFER_MIN writes "" and returns 0. */
size_t format_date(const struct format_options *options, const struct tz_local *local, char *out,
                   size_t size);
size_t format_time(const struct format_options *options, const struct tz_local *local, char *out,
                   size_t size);
/* Seconds as the duration format asks (the "Duration (h)" column): FULL hh:mm:ss with hours
 * unbounded ("97:16:34"), COMPACT h:mm, DECIMAL hours with two decimals. */
size_t format_duration(const struct format_options *options, int64_t seconds, char *out,
                       size_t size);
/* Seconds as hours with two decimals, rounded half up, with the decimal separator (the
 * "Duration (decimal)" column, whatever the duration format): 3900 -> "1.08". */
size_t format_hours_decimal(const struct format_options *options, int64_t seconds, char *out,
                            size_t size);
/* Cents as units with two decimals and the decimal separator: 12345 -> "123.45",
 * -5 -> "-0.05". */
size_t format_money(const struct format_options *options, int64_t cents, char *out, size_t size);

#endif
