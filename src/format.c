/* format.c - dates, times, durations and money as the export format options write them.
 * SPDX-License-Identifier: MIT
 */
#include "format.h"

#include <string.h>
#include <strings.h>

void format_options_default(struct format_options *options)
{
    options->date = DATE_FORMAT_YMD;
    options->time = TIME_FORMAT_24H;
    options->duration = DURATION_FORMAT_FULL;
    options->delimiter = ',';
    options->decimal_separator = '.';
    options->bom = false;
}

static const struct {
    const char *text;
    enum date_format value;
} date_names[] = {
    {"YYYY-MM-DD", DATE_FORMAT_YMD},      {"DD/MM/YYYY", DATE_FORMAT_DMY_SLASH},
    {"MM/DD/YYYY", DATE_FORMAT_MDY_SLASH}, {"DD.MM.YYYY", DATE_FORMAT_DMY_DOT},
    {"DD-MM-YYYY", DATE_FORMAT_DMY_DASH},  {"MM-DD-YYYY", DATE_FORMAT_MDY_DASH},
};

int format_parse_date(const char *text, enum date_format *out)
{
    if (text == NULL)
        return -1;
    for (size_t i = 0; i < sizeof date_names / sizeof date_names[0]; i++) {
        if (strcmp(text, date_names[i].text) == 0) {
            *out = date_names[i].value;
            return 0;
        }
    }
    return -1;
}

int format_parse_time(const char *text, enum time_format *out)
{
    if (text == NULL)
        return -1;
    if (strcasecmp(text, "24H") == 0) {
        *out = TIME_FORMAT_24H;
        return 0;
    }
    if (strcasecmp(text, "12H") == 0) {
        *out = TIME_FORMAT_12H;
        return 0;
    }
    return -1;
}

int format_parse_duration(const char *text, enum duration_format *out)
{
    if (text == NULL)
        return -1;
    if (strcasecmp(text, "FULL") == 0) {
        *out = DURATION_FORMAT_FULL;
        return 0;
    }
    if (strcasecmp(text, "COMPACT") == 0) {
        *out = DURATION_FORMAT_COMPACT;
        return 0;
    }
    if (strcasecmp(text, "DECIMAL") == 0) {
        *out = DURATION_FORMAT_DECIMAL;
        return 0;
    }
    return -1;
}

int format_parse_delimiter(const char *text, char *out)
{
    if (text == NULL)
        return -1;
    if (strcmp(text, ",") == 0 || strcasecmp(text, "COMMA") == 0) {
        *out = ',';
        return 0;
    }
    if (strcmp(text, ";") == 0 || strcasecmp(text, "SEMICOLON") == 0) {
        *out = ';';
        return 0;
    }
    if (strcmp(text, "\t") == 0 || strcasecmp(text, "TAB") == 0) {
        *out = '\t';
        return 0;
    }
    return -1;
}

int format_parse_decimal_separator(const char *text, char *out)
{
    if (text == NULL)
        return -1;
    if (strcmp(text, ".") == 0 || strcasecmp(text, "DOT") == 0) {
        *out = '.';
        return 0;
    }
    if (strcmp(text, ",") == 0 || strcasecmp(text, "COMMA") == 0) {
        *out = ',';
        return 0;
    }
    return -1;
}

/* Writes value (0..99) as two digits. */
static char *put_two(char *p, int value)
{
    p[0] = (char)('0' + value / 10 % 10);
    p[1] = (char)('0' + value % 10);
    return p + 2;
}

/* Writes value in decimal with at least min_digits digits. The callers' buffers hold the 20
 * digits of the largest uint64_t. */
static char *put_unsigned(char *p, uint64_t value, int min_digits)
{
    char digits[20];
    int count = 0;

    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (count < min_digits && count < (int)sizeof digits)
        digits[count++] = '0';
    while (count > 0)
        *p++ = digits[--count];
    return p;
}

/* Magnitude of value as unsigned, without overflow for INT64_MIN. */
static uint64_t magnitude(int64_t value)
{
    return value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
}

static size_t finish(char *out, char *end)
{
    *end = '\0';
    return (size_t)(end - out);
}

size_t format_date(const struct format_options *options, const struct tz_local *local, char *out,
                   size_t size)
{
    char *p = out;
    char sep = '-';
    bool day_first = false;

    if (size < FORMAT_BUFFER_MIN) {
        if (size > 0)
            out[0] = '\0';
        return 0;
    }
    switch (options->date) {
    case DATE_FORMAT_YMD:
        p = put_unsigned(p, (uint64_t)(local->year < 0 ? 0 : local->year), 4);
        *p++ = '-';
        p = put_two(p, local->month);
        *p++ = '-';
        p = put_two(p, local->day);
        return finish(out, p);
    case DATE_FORMAT_DMY_SLASH:
        sep = '/';
        day_first = true;
        break;
    case DATE_FORMAT_MDY_SLASH:
        sep = '/';
        break;
    case DATE_FORMAT_DMY_DOT:
        sep = '.';
        day_first = true;
        break;
    case DATE_FORMAT_DMY_DASH:
        day_first = true;
        break;
    case DATE_FORMAT_MDY_DASH:
        break;
    }
    p = put_two(p, day_first ? local->day : local->month);
    *p++ = sep;
    p = put_two(p, day_first ? local->month : local->day);
    *p++ = sep;
    p = put_unsigned(p, (uint64_t)(local->year < 0 ? 0 : local->year), 4);
    return finish(out, p);
}

size_t format_time(const struct format_options *options, const struct tz_local *local, char *out,
                   size_t size)
{
    char *p = out;
    int hour = local->hour;

    if (size < FORMAT_BUFFER_MIN) {
        if (size > 0)
            out[0] = '\0';
        return 0;
    }
    if (options->time == TIME_FORMAT_12H) {
        /* 00:30 is 12:30 AM and 12:30 is 12:30 PM. */
        hour = hour % 12;
        if (hour == 0)
            hour = 12;
    }
    p = put_two(p, hour);
    *p++ = ':';
    p = put_two(p, local->minute);
    *p++ = ':';
    p = put_two(p, local->second);
    if (options->time == TIME_FORMAT_12H) {
        *p++ = ' ';
        *p++ = local->hour < 12 ? 'A' : 'P';
        *p++ = 'M';
    }
    return finish(out, p);
}

/* Writes a number of hundredths as units, the separator and two decimals. */
static char *put_hundredths(char *p, int64_t hundredths, char separator)
{
    uint64_t value = magnitude(hundredths);

    if (hundredths < 0)
        *p++ = '-';
    p = put_unsigned(p, value / 100, 1);
    *p++ = separator;
    return put_two(p, (int)(value % 100));
}

size_t format_hours_decimal(const struct format_options *options, int64_t seconds, char *out,
                            size_t size)
{
    uint64_t value = magnitude(seconds);
    /* Hundredths of an hour are 36 seconds; adding half of it rounds half up (away from zero
     * for negative values, which a duration never is). */
    int64_t hundredths = (int64_t)((value + 18) / 36);

    if (size < FORMAT_BUFFER_MIN) {
        if (size > 0)
            out[0] = '\0';
        return 0;
    }
    if (seconds < 0)
        hundredths = -hundredths;
    return finish(out, put_hundredths(out, hundredths, options->decimal_separator));
}

size_t format_duration(const struct format_options *options, int64_t seconds, char *out,
                       size_t size)
{
    char *p = out;
    uint64_t value = magnitude(seconds);

    if (options->duration == DURATION_FORMAT_DECIMAL)
        return format_hours_decimal(options, seconds, out, size);
    if (size < FORMAT_BUFFER_MIN) {
        if (size > 0)
            out[0] = '\0';
        return 0;
    }
    if (seconds < 0)
        *p++ = '-';
    p = put_unsigned(p, value / 3600, options->duration == DURATION_FORMAT_FULL ? 2 : 1);
    *p++ = ':';
    p = put_two(p, (int)(value / 60 % 60));
    /* COMPACT is h:mm and drops the seconds (truncated), as Clockify's compact format does. */
    if (options->duration == DURATION_FORMAT_COMPACT)
        return finish(out, p);
    *p++ = ':';
    p = put_two(p, (int)(value % 60));
    return finish(out, p);
}

size_t format_money(const struct format_options *options, int64_t cents, char *out, size_t size)
{
    if (size < FORMAT_BUFFER_MIN) {
        if (size > 0)
            out[0] = '\0';
        return 0;
    }
    return finish(out, put_hundredths(out, cents, options->decimal_separator));
}
