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
    DURATION_FORMAT_COMPACT, /* 1:05 */
    DURATION_FORMAT_DECIMAL, /* 1.08 */
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

/* Parsers for the request values ("DD/MM/YYYY", "12H", "COMPACT", ";" or "\t" or "TAB",
 * "," ...). Each returns 0, or -1 for a value it does not know. */
int format_parse_date(const char *text, enum date_format *out);
int format_parse_time(const char *text, enum time_format *out);
int format_parse_duration(const char *text, enum duration_format *out);
int format_parse_delimiter(const char *text, char *out);
int format_parse_decimal_separator(const char *text, char *out);

/* Writers into out (size bytes, at least 32); each returns the length written. */
size_t format_date(const struct format_options *options, const struct tz_local *local, char *out,
                   size_t size);
size_t format_time(const struct format_options *options, const struct tz_local *local, char *out,
                   size_t size);
/* Seconds as the duration format asks; DECIMAL is hours with two decimals. */
size_t format_duration(const struct format_options *options, int64_t seconds, char *out,
                       size_t size);
/* Seconds as hh:mm:ss with hours unbounded (the "Duration (h)" column); FULL unless the
 * options ask for COMPACT or DECIMAL. */
size_t format_hours_decimal(const struct format_options *options, int64_t seconds, char *out,
                            size_t size);
/* Cents as units with two decimals and the decimal separator: 12345 -> "123.45". */
size_t format_money(const struct format_options *options, int64_t cents, char *out, size_t size);

#endif
