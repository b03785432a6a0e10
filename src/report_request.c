/* report_request.c - parses and validates report requests from JSON bodies and GET links.
 * SPDX-License-Identifier: MIT
 */
#include "report_request.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "civil.h"

#define REPORT_PAGE_MAX 10000000 /* keeps (page - 1) x pageSize far from overflow */

struct enum_name {
    const char *name;
    int value;
};

#define ENUM_COUNT(table) (sizeof(table) / sizeof((table)[0]))

static const struct enum_name export_names[] = {
    {"JSON", EXPORT_JSON}, {"CSV", EXPORT_CSV}, {"XLSX", EXPORT_XLSX}};
static const struct enum_name contains_names[] = {
    {"CONTAINS", FILTER_CONTAINS}, {"DOES_NOT_CONTAIN", FILTER_DOES_NOT_CONTAIN}};
static const struct enum_name tag_contains_names[] = {{"CONTAINS", FILTER_CONTAINS},
                                                      {"CONTAINS_ONLY", FILTER_CONTAINS_ONLY},
                                                      {"DOES_NOT_CONTAIN",
                                                       FILTER_DOES_NOT_CONTAIN}};
static const struct enum_name status_archived_names[] = {{"ALL", FILTER_STATUS_ALL},
                                                         {"ACTIVE", FILTER_STATUS_ACTIVE},
                                                         {"ARCHIVED", FILTER_STATUS_ARCHIVED}};
static const struct enum_name status_user_names[] = {{"ALL", FILTER_STATUS_ALL},
                                                     {"ACTIVE", FILTER_STATUS_ACTIVE},
                                                     {"INACTIVE", FILTER_STATUS_INACTIVE}};
static const struct enum_name status_task_names[] = {{"ALL", FILTER_STATUS_ALL},
                                                     {"ACTIVE", FILTER_STATUS_ACTIVE},
                                                     {"DONE", FILTER_STATUS_DONE}};
static const struct enum_name approval_names[] = {{"ALL", APPROVAL_ALL},
                                                  {"APPROVED", APPROVAL_APPROVED},
                                                  {"UNAPPROVED", APPROVAL_UNAPPROVED}};
static const struct enum_name invoicing_names[] = {{"ALL", INVOICING_ALL},
                                                   {"INVOICED", INVOICING_INVOICED},
                                                   {"UNINVOICED", INVOICING_UNINVOICED}};
static const struct enum_name amount_names[] = {{"EARNED", AMOUNT_EARNED},
                                                {"COST", AMOUNT_COST},
                                                {"PROFIT", AMOUNT_PROFIT},
                                                {"HIDE_AMOUNT", AMOUNT_HIDE}};
static const struct enum_name order_names[] = {{"ASCENDING", SORT_ASCENDING},
                                               {"DESCENDING", SORT_DESCENDING},
                                               {"ASC", SORT_ASCENDING},
                                               {"DESC", SORT_DESCENDING}};
static const struct enum_name detailed_sort_names[] = {
    {"DATE", DETAILED_SORT_DATE},         {"USER", DETAILED_SORT_USER},
    {"DURATION", DETAILED_SORT_DURATION}, {"DESCRIPTION", DETAILED_SORT_DESCRIPTION},
    {"ID", DETAILED_SORT_ID}};
static const struct enum_name totals_names[] = {{"CALCULATE", 1}, {"EXCLUDE", 0}};
static const struct enum_name group_names[] = {
    {"PROJECT", SUMMARY_GROUP_PROJECT}, {"CLIENT", SUMMARY_GROUP_CLIENT},
    {"USER", SUMMARY_GROUP_USER},       {"USER_GROUP", SUMMARY_GROUP_USER_GROUP},
    {"TASK", SUMMARY_GROUP_TASK},       {"TAG", SUMMARY_GROUP_TAG},
    {"DATE", SUMMARY_GROUP_DATE},       {"WEEK", SUMMARY_GROUP_WEEK},
    {"MONTH", SUMMARY_GROUP_MONTH},     {"TIMEENTRY", SUMMARY_GROUP_TIMEENTRY}};
static const struct enum_name summary_sort_names[] = {{"GROUP", SUMMARY_SORT_GROUP},
                                                      {"DURATION", SUMMARY_SORT_DURATION},
                                                      {"AMOUNT", SUMMARY_SORT_AMOUNT}};
static const struct enum_name weekly_group_names[] = {{"USER", WEEKLY_GROUP_USER},
                                                      {"PROJECT", WEEKLY_GROUP_PROJECT}};
static const struct enum_name weekly_subgroup_names[] = {{"TIME", WEEKLY_SUBGROUP_TIME},
                                                         {"EARNED", WEEKLY_SUBGROUP_EARNED},
                                                         {"COST", WEEKLY_SUBGROUP_COST},
                                                         {"PROFIT", WEEKLY_SUBGROUP_PROFIT}};
static const struct enum_name weekday_names[] = {
    {"MONDAY", 0}, {"TUESDAY", 1}, {"WEDNESDAY", 2}, {"THURSDAY", 3},
    {"FRIDAY", 4}, {"SATURDAY", 5}, {"SUNDAY", 6}};

/* Which end of the range a date or instant gives: a bare date starts or ends its day. */
enum range_edge { EDGE_START, EDGE_END };

/* What a dimension filter accepts, shared by the JSON and the query parsers. */
struct filter_spec {
    const char *name;             /* JSON field and query parameter */
    size_t offset;                /* of the struct id_filter in struct report_request */
    const struct enum_name *statuses;
    size_t status_count;
    bool tags;
};

static const struct filter_spec filter_specs[] = {
    {"users", offsetof(struct report_request, users), status_user_names,
     ENUM_COUNT(status_user_names), false},
    {"userGroups", offsetof(struct report_request, user_groups), status_archived_names,
     ENUM_COUNT(status_archived_names), false},
    {"clients", offsetof(struct report_request, clients), status_archived_names,
     ENUM_COUNT(status_archived_names), false},
    {"projects", offsetof(struct report_request, projects), status_archived_names,
     ENUM_COUNT(status_archived_names), false},
    {"tasks", offsetof(struct report_request, tasks), status_task_names,
     ENUM_COUNT(status_task_names), false},
    {"tags", offsetof(struct report_request, tags), status_archived_names,
     ENUM_COUNT(status_archived_names), true},
};

static struct id_filter *filter_of(struct report_request *r, const struct filter_spec *spec)
{
    return (struct id_filter *)((char *)r + spec->offset);
}

static const struct id_filter *filter_of_const(const struct report_request *r,
                                               const struct filter_spec *spec)
{
    return (const struct id_filter *)((const char *)r + spec->offset);
}

/* Joins the names of table with ", " into out, for messages. */
static const char *enum_list(const struct enum_name *table, size_t count, char *out, size_t size)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < count && used < size; i++) {
        int n = snprintf(out + used, size - used, "%s%s", i ? ", " : "", table[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return out;
}

/* Looks text up case-insensitively; on failure fills a 400 that lists the allowed values. */
static int enum_parse(const char *text, const struct enum_name *table, size_t count, int *value,
                      const char *field, struct api_error *err)
{
    char allowed[256];

    for (size_t i = 0; i < count; i++) {
        if (strcasecmp(text, table[i].name) == 0) {
            *value = table[i].value;
            return 0;
        }
    }
    return api_error_set(err, 400, field, "%s has an unknown value; use one of %s", field,
                         enum_list(table, count, allowed, sizeof(allowed)));
}

const char *report_amount_name(enum amount_kind kind)
{
    for (size_t i = 0; i < ENUM_COUNT(amount_names); i++) {
        if (amount_names[i].value == (int)kind)
            return amount_names[i].name;
    }
    return "EARNED";
}

/* Parses an unsigned decimal of at most 19 digits without sign or spaces. */
static int parse_u64(const char *text, uint64_t *value)
{
    uint64_t result = 0;
    size_t digits = 0;

    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9' || ++digits > 19)
            return -1;
        result = result * 10 + (uint64_t)(*p - '0');
    }
    if (digits == 0)
        return -1;
    *value = result;
    return 0;
}

static int parse_bool(const char *text, bool *value)
{
    if (strcasecmp(text, "true") == 0 || strcmp(text, "1") == 0) {
        *value = true;
        return 0;
    }
    if (strcasecmp(text, "false") == 0 || strcmp(text, "0") == 0) {
        *value = false;
        return 0;
    }
    return -1;
}

static int digits_at(const char *p, int count, int *value)
{
    int result = 0;

    for (int i = 0; i < count; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        result = result * 10 + (p[i] - '0');
    }
    *value = result;
    return 0;
}

/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with an optional "Z" or offset ("+01:00",
 * "+0100", "+01"; a space stands for '+' because '+' means a space in query strings). Times
 * without an offset are local in the current tz zone. Fractional seconds round toward the
 * inside of the range, so a start of 10:00:00.5 excludes an entry that starts at 10:00:00. */
static int parse_instant_unclamped(const char *text, enum range_edge edge, int64_t *out)
{
    int year, month, day, hour = 0, minute = 0, second = 0;
    const char *p = text;
    bool fraction = false;

    if (strlen(text) < 10 || digits_at(p, 4, &year) || p[4] != '-' ||
        digits_at(p + 5, 2, &month) || p[7] != '-' || digits_at(p + 8, 2, &day))
        return -1;
    if (!civil_date_valid(year, month, day))
        return -1;
    p += 10;
    if (*p == '\0') {
        if (edge == EDGE_START) {
            *out = tz_from_local(year, month, day, 0, 0, 0);
        } else {
            int64_t next = civil_days_from_date(year, month, day) + 1;
            int y, m, d;
            civil_date_from_days(next, &y, &m, &d);
            *out = tz_from_local(y, m, d, 0, 0, 0) - 1;
        }
        return 0;
    }

    if ((*p != 'T' && *p != 't' && *p != ' ') || digits_at(p + 1, 2, &hour) || p[3] != ':' ||
        digits_at(p + 4, 2, &minute))
        return -1;
    p += 6;
    if (*p == ':') {
        if (digits_at(p + 1, 2, &second))
            return -1;
        p += 3;
        if (*p == '.' || *p == ',') {
            p++;
            if (*p < '0' || *p > '9')
                return -1;
            while (*p >= '0' && *p <= '9') {
                if (*p != '0')
                    fraction = true;
                p++;
            }
        }
    }
    if (hour > 23 || minute > 59 || second > 60)
        return -1;
    if (second == 60)
        second = 59; /* a leap second is the last second of its minute */

    int64_t utc;
    if (*p == '\0') {
        utc = tz_from_local(year, month, day, hour, minute, second);
    } else if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        utc = civil_days_from_date(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    } else if (*p == '+' || *p == '-' || *p == ' ') {
        int sign = *p == '-' ? -1 : 1;
        int off_hour, off_minute = 0;
        p++;
        if (digits_at(p, 2, &off_hour))
            return -1;
        p += 2;
        if (*p == ':')
            p++;
        if (*p != '\0') {
            if (digits_at(p, 2, &off_minute) || p[2] != '\0')
                return -1;
        }
        if (off_hour > 18 || off_minute > 59)
            return -1;
        utc = civil_days_from_date(year, month, day) * 86400 + hour * 3600 + minute * 60 +
              second - sign * (off_hour * 3600 + off_minute * 60);
    } else {
        return -1;
    }
    if (fraction && edge == EDGE_START)
        utc += 1;
    *out = utc;
    return 0;
}

/* Parses an instant as parse_instant_unclamped does, then clamps it to what a MariaDB DATETIME
 * holds (1000-01-01 00:00:00 to 9999-12-31 23:59:59 UTC), so "all time" ranges such as
 * 0000-01-01..9999-12-31 keep every entry instead of binding an invalid date. */
static int parse_instant(const char *text, enum range_edge edge, int64_t *out)
{
    const int64_t first = civil_days_from_date(1000, 1, 1) * 86400;
    const int64_t last = civil_days_from_date(9999, 12, 31) * 86400 + 86399;

    if (parse_instant_unclamped(text, edge, out) != 0)
        return -1;
    if (*out < first)
        *out = first;
    if (*out > last)
        *out = last;
    return 0;
}

/* Adds one id token ("123" or "NONE") to a filter; field names it in errors. */
static int filter_add_token(struct id_filter *filter, const char *token, const char *field,
                            int ids_max, struct api_error *err)
{
    uint64_t id;

    if (strcasecmp(token, "NONE") == 0) {
        filter->none = true;
        return 0;
    }
    if (parse_u64(token, &id) != 0 || id == 0)
        return api_error_set(err, 400, field,
                             "%s is not a valid id; ids are positive whole numbers such as "
                             "\"42\", or \"NONE\" for entries without one",
                             field);
    if (filter->count >= (size_t)ids_max)
        return api_error_set(err, 400, field, "too many ids at %s; send at most %d per filter",
                             field, ids_max);
    if (filter->ids == NULL) {
        filter->ids = malloc((size_t)ids_max * sizeof(*filter->ids));
        if (filter->ids == NULL)
            return api_error_set(err, 500, NULL, "out of memory while reading the ids");
    }
    filter->ids[filter->count++] = id;
    return 0;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts and removes duplicates, so SQL lists and CONTAINS_ONLY counts are exact. */
static void filter_normalize(struct id_filter *filter)
{
    size_t kept = 0;

    if (filter->count == 0)
        return;
    qsort(filter->ids, filter->count, sizeof(*filter->ids), compare_u64);
    for (size_t i = 0; i < filter->count; i++) {
        if (kept == 0 || filter->ids[kept - 1] != filter->ids[i])
            filter->ids[kept++] = filter->ids[i];
    }
    filter->count = kept;
}

/* Defaults that depend on the context; run before any field is read. */
static void request_defaults(struct report_request *r, enum report_kind kind,
                             const struct report_context *ctx)
{
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->export_type = EXPORT_JSON;
    r->workspace_id = ctx->workspace_id;
    snprintf(r->currency, sizeof(r->currency), "%s", ctx->currency);
    r->rounding_mode = ctx->rounding_mode;
    r->rounding_minutes = ctx->rounding_minutes;
    if (ctx->role == REPORT_ROLE_MEMBER)
        r->member_user_id = ctx->user_id;
    snprintf(r->time_zone, sizeof(r->time_zone), "%s",
             ctx->time_zone[0] && tz_valid(ctx->time_zone) ? ctx->time_zone : "UTC");
    r->week_start = ctx->week_start >= 0 && ctx->week_start <= 6 ? ctx->week_start : 0;
    r->amounts = AMOUNT_EARNED;
    r->sort_order = SORT_DESCENDING;
    r->detailed.page = 1;
    r->detailed.page_size = 50;
    r->detailed.sort_column = DETAILED_SORT_DATE;
    r->detailed.totals = true;
    r->summary.groups[0] = SUMMARY_GROUP_PROJECT;
    r->summary.group_count = 1;
    r->summary.sort_column = SUMMARY_SORT_GROUP;
    r->weekly.group = WEEKLY_GROUP_USER;
    r->weekly.subgroup = WEEKLY_SUBGROUP_TIME;
    format_options_default(&r->format);
}

/* Checks what involves several fields, once all are read. */
static int request_finish(struct report_request *r, const struct report_context *ctx,
                          const char *start_field, const char *end_field, struct api_error *err)
{
    if (r->end < r->start)
        return api_error_set(err, 400, end_field,
                             "%s is before %s; give an end at or after the start", end_field,
                             start_field);
    if (ctx->range_max_days > 0 && r->end - r->start >= (int64_t)ctx->range_max_days * 86400)
        return api_error_set(err, 400, end_field,
                             "the date range is longer than the %d days this server allows; "
                             "split it into shorter ranges",
                             ctx->range_max_days);
    if (r->without_description && r->description != NULL)
        return api_error_set(err, 400, "withoutDescription",
                             "withoutDescription and description exclude each other; send one");
    for (size_t i = 0; i < ENUM_COUNT(filter_specs); i++)
        filter_normalize(filter_of(r, &filter_specs[i]));
    return 0;
}

static int set_description(struct report_request *r, const char *text, const char *field,
                           struct api_error *err)
{
    size_t len = strlen(text);

    if (len > REPORT_DESCRIPTION_MAX)
        return api_error_set(err, 400, field,
                             "%s is longer than %d bytes; search for a shorter part of it", field,
                             REPORT_DESCRIPTION_MAX);
    free(r->description);
    r->description = NULL;
    if (len == 0)
        return 0;
    r->description = strdup(text);
    if (r->description == NULL)
        return api_error_set(err, 500, NULL, "out of memory while reading the description");
    return 0;
}

static int set_time_zone(struct report_request *r, const char *text, const char *field,
                         struct api_error *err)
{
    if (!tz_valid(text))
        return api_error_set(err, 400, field,
                             "%s is not a known IANA time zone; use a name such as "
                             "\"Europe/Berlin\" or \"UTC\"",
                             field);
    snprintf(r->time_zone, sizeof(r->time_zone), "%s", text);
    return 0;
}

static int set_date(const char *text, enum range_edge edge, int64_t *out, const char *field,
                    struct api_error *err)
{
    if (parse_instant(text, edge, out) != 0)
        return api_error_set(err, 400, field,
                             "%s is not a valid date or instant; use ISO 8601 such as "
                             "\"2026-01-31T23:59:59Z\", \"2026-01-31T23:59:59+01:00\" or "
                             "\"2026-01-31\"",
                             field);
    return 0;
}

/* Format options share their parsers with the export writers (format.h). */
static int set_format_option(struct report_request *r, const char *name, const char *text,
                             struct api_error *err)
{
    int failed = 0;
    const char *allowed = "";

    if (strcmp(name, "dateFormat") == 0) {
        failed = format_parse_date(text, &r->format.date);
        allowed = "YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY, DD-MM-YYYY or MM-DD-YYYY";
    } else if (strcmp(name, "timeFormat") == 0) {
        failed = format_parse_time(text, &r->format.time);
        allowed = "24H or 12H";
    } else if (strcmp(name, "durationFormat") == 0) {
        failed = format_parse_duration(text, &r->format.duration);
        allowed = "FULL, COMPACT or DECIMAL";
    } else if (strcmp(name, "csvDelimiter") == 0) {
        failed = format_parse_delimiter(text, &r->format.delimiter);
        allowed = "\",\", \";\" or TAB";
    } else if (strcmp(name, "decimalSeparator") == 0) {
        failed = format_parse_decimal_separator(text, &r->format.decimal_separator);
        allowed = "\".\" or \",\"";
    }
    if (failed != 0)
        return api_error_set(err, 400, name, "%s has an unknown value; use %s", name, allowed);
    return 0;
}

static const char *const format_option_names[] = {"dateFormat", "timeFormat", "durationFormat",
                                                  "csvDelimiter", "decimalSeparator"};

static int set_export_type(struct report_request *r, const char *text, const char *field,
                           struct api_error *err)
{
    int value = 0;

    if (strcasecmp(text, "PDF") == 0)
        return api_error_set(err, 400, field,
                             "PDF export is not supported yet; use JSON, CSV or XLSX");
    if (enum_parse(text, export_names, ENUM_COUNT(export_names), &value, field, err) != 0)
        return -1;
    r->export_type = (enum export_type)value;
    return 0;
}

static int set_page_size(struct report_request *r, int64_t value, const char *field,
                         const struct report_context *ctx, struct api_error *err)
{
    if (value < 1 || value > ctx->page_size_max)
        return api_error_set(err, 400, field,
                             "%s must be between 1 and %d; ask for further pages with page",
                             field, ctx->page_size_max);
    r->detailed.page_size = (int)value;
    return 0;
}

static int set_page(struct report_request *r, int64_t value, const char *field,
                    struct api_error *err)
{
    if (value < 1 || value > REPORT_PAGE_MAX)
        return api_error_set(err, 400, field, "%s must be between 1 and %d (pages count from 1)",
                             field, REPORT_PAGE_MAX);
    r->detailed.page = (int)value;
    return 0;
}

/* Sets the summary groups from names; field_of(i) names element i in errors. */
static int set_group(struct report_request *r, int index, const char *text, const char *field,
                     struct api_error *err)
{
    int value = 0;

    if (index >= REPORT_GROUPS_MAX)
        return api_error_set(err, 400, field, "at most %d groups are allowed; remove %s",
                             REPORT_GROUPS_MAX, field);
    if (enum_parse(text, group_names, ENUM_COUNT(group_names), &value, field, err) != 0)
        return -1;
    for (int i = 0; i < index; i++) {
        if ((int)r->summary.groups[i] == value)
            return api_error_set(err, 400, field,
                                 "%s repeats group %s; list each group once", field, text);
    }
    r->summary.groups[index] = (enum summary_group)value;
    r->summary.group_count = index + 1;
    return 0;
}

/* ---- JSON bodies ---- */

static void path_join(char *out, size_t size, const char *parent, const char *name)
{
    snprintf(out, size, "%s%s%s", parent ? parent : "", parent && parent[0] ? "." : "", name);
}

/* Returns the string value of key, NULL when absent or null; -1 in *failed for another type. */
static const char *json_string_field(json_t *object, const char *key, const char *parent,
                                     int *failed, struct api_error *err)
{
    char path[128];
    json_t *value = json_object_get(object, key);

    if (value == NULL || json_is_null(value))
        return NULL;
    if (!json_is_string(value)) {
        path_join(path, sizeof(path), parent, key);
        *failed = api_error_set(err, 400, path, "%s must be a string", path);
        return NULL;
    }
    return json_string_value(value);
}

/* Reads an optional boolean; returns 1 when set, 0 when absent or null, -1 on a wrong type. */
static int json_bool_field(json_t *object, const char *key, const char *parent, bool *out,
                           struct api_error *err)
{
    char path[128];
    json_t *value = json_object_get(object, key);

    if (value == NULL || json_is_null(value))
        return 0;
    if (!json_is_boolean(value)) {
        path_join(path, sizeof(path), parent, key);
        return api_error_set(err, 400, path, "%s must be true or false", path);
    }
    *out = json_is_true(value);
    return 1;
}

/* Reads an optional integer; returns 1 when set, 0 when absent or null, -1 on a wrong type. */
static int json_int_field(json_t *object, const char *key, const char *parent, int64_t *out,
                          struct api_error *err)
{
    char path[128];
    json_t *value = json_object_get(object, key);

    if (value == NULL || json_is_null(value))
        return 0;
    if (!json_is_integer(value)) {
        path_join(path, sizeof(path), parent, key);
        return api_error_set(err, 400, path, "%s must be a whole number", path);
    }
    *out = (int64_t)json_integer_value(value);
    return 1;
}

/* Reads an optional enum; returns 1 when set, 0 when absent, -1 on error. */
static int json_enum_field(json_t *object, const char *key, const char *parent,
                           const struct enum_name *table, size_t count, int *out,
                           struct api_error *err)
{
    char path[128];
    int failed = 0;
    const char *text = json_string_field(object, key, parent, &failed, err);

    if (failed)
        return -1;
    if (text == NULL)
        return 0;
    path_join(path, sizeof(path), parent, key);
    if (enum_parse(text, table, count, out, path, err) != 0)
        return -1;
    return 1;
}

/* Reads an object field; returns it, NULL when absent or null, and sets *failed on a wrong type. */
static json_t *json_object_field(json_t *object, const char *key, const char *parent,
                                 int *failed, struct api_error *err)
{
    char path[128];
    json_t *value = json_object_get(object, key);

    if (value == NULL || json_is_null(value))
        return NULL;
    if (!json_is_object(value)) {
        path_join(path, sizeof(path), parent, key);
        *failed = api_error_set(err, 400, path, "%s must be an object", path);
        return NULL;
    }
    return value;
}

static int json_parse_filter(struct report_request *r, json_t *root,
                             const struct filter_spec *spec, const struct report_context *ctx,
                             struct api_error *err)
{
    struct id_filter *filter = filter_of(r, spec);
    char path[128];
    int failed = 0;
    int value = 0;
    json_t *object = json_object_field(root, spec->name, NULL, &failed, err);

    if (failed)
        return -1;
    if (object == NULL)
        return 0;

    json_t *ids = json_object_get(object, "ids");
    if (ids != NULL && !json_is_null(ids)) {
        snprintf(path, sizeof(path), "%s.ids", spec->name);
        if (!json_is_array(ids))
            return api_error_set(err, 400, path, "%s must be an array of id strings", path);
        if (json_array_size(ids) > (size_t)ctx->ids_max)
            return api_error_set(err, 400, path,
                                 "%s lists %zu ids; send at most %d per filter", path,
                                 json_array_size(ids), ctx->ids_max);
        size_t index;
        json_t *item;
        json_array_foreach(ids, index, item)
        {
            char token[32];
            snprintf(path, sizeof(path), "%s.ids[%zu]", spec->name, index);
            if (json_is_null(item)) {
                filter->none = true;
                continue;
            }
            if (json_is_integer(item) && json_integer_value(item) > 0) {
                snprintf(token, sizeof(token), "%lld", (long long)json_integer_value(item));
            } else if (json_is_string(item) && strlen(json_string_value(item)) < sizeof(token)) {
                snprintf(token, sizeof(token), "%s", json_string_value(item));
            } else {
                return api_error_set(err, 400, path,
                                     "%s is not a valid id; ids are positive whole numbers such "
                                     "as \"42\", or \"NONE\" for entries without one",
                                     path);
            }
            if (filter_add_token(filter, token, path, ctx->ids_max, err) != 0)
                return -1;
        }
    }

    const char *key = spec->tags ? "containedInTimeentry" : "contains";
    const struct enum_name *contains = spec->tags ? tag_contains_names : contains_names;
    size_t contains_count = spec->tags ? ENUM_COUNT(tag_contains_names) : ENUM_COUNT(contains_names);
    int got = json_enum_field(object, key, spec->name, contains, contains_count, &value, err);
    if (got < 0)
        return -1;
    if (got > 0)
        filter->contains = (enum filter_contains)value;
    if (spec->tags && got == 0) {
        /* Some clients send "contains" for tags too. */
        got = json_enum_field(object, "contains", spec->name, contains, contains_count, &value,
                              err);
        if (got < 0)
            return -1;
        if (got > 0)
            filter->contains = (enum filter_contains)value;
    }

    got = json_enum_field(object, "status", spec->name, spec->statuses, spec->status_count,
                          &value, err);
    if (got < 0)
        return -1;
    if (got > 0)
        filter->status = (enum filter_status)value;
    return 0;
}

static int json_parse_amounts(struct report_request *r, json_t *root, struct api_error *err)
{
    int value = 0;
    int got = json_enum_field(root, "amountShown", NULL, amount_names, ENUM_COUNT(amount_names),
                              &value, err);
    if (got < 0)
        return -1;
    if (got > 0) {
        r->amounts = (enum amount_kind)value;
        return 0;
    }

    json_t *amounts = json_object_get(root, "amounts");
    if (amounts == NULL || json_is_null(amounts))
        return 0;
    if (json_is_string(amounts))
        return json_enum_field(root, "amounts", NULL, amount_names, ENUM_COUNT(amount_names),
                               (int *)&r->amounts, err) < 0
                   ? -1
                   : 0;
    if (!json_is_array(amounts))
        return api_error_set(err, 400, "amounts",
                             "amounts must be one of EARNED, COST, PROFIT, HIDE_AMOUNT or an "
                             "array of them");

    /* An array lists the amounts to show: EARNED and COST together read as PROFIT. */
    bool earned = false, cost = false, profit = false;
    size_t index;
    json_t *item;
    json_array_foreach(amounts, index, item)
    {
        char path[64];
        snprintf(path, sizeof(path), "amounts[%zu]", index);
        if (!json_is_string(item))
            return api_error_set(err, 400, path, "%s must be a string", path);
        if (enum_parse(json_string_value(item), amount_names, ENUM_COUNT(amount_names), &value,
                       path, err) != 0)
            return -1;
        earned |= value == AMOUNT_EARNED;
        cost |= value == AMOUNT_COST;
        profit |= value == AMOUNT_PROFIT;
    }
    if (profit || (earned && cost))
        r->amounts = AMOUNT_PROFIT;
    else if (cost)
        r->amounts = AMOUNT_COST;
    else if (earned)
        r->amounts = AMOUNT_EARNED;
    else
        r->amounts = AMOUNT_HIDE;
    return 0;
}

static int json_parse_detailed(struct report_request *r, json_t *root,
                               const struct report_context *ctx, struct api_error *err)
{
    int failed = 0;
    int64_t number = 0;
    int value = 0;
    json_t *object = json_object_field(root, "detailedFilter", NULL, &failed, err);

    if (failed)
        return -1;
    if (object == NULL)
        return 0;
    int got = json_int_field(object, "page", "detailedFilter", &number, err);
    if (got < 0 || (got > 0 && set_page(r, number, "detailedFilter.page", err) != 0))
        return -1;
    got = json_int_field(object, "pageSize", "detailedFilter", &number, err);
    if (got < 0 ||
        (got > 0 && set_page_size(r, number, "detailedFilter.pageSize", ctx, err) != 0))
        return -1;
    got = json_enum_field(object, "sortColumn", "detailedFilter", detailed_sort_names,
                          ENUM_COUNT(detailed_sort_names), &value, err);
    if (got < 0)
        return -1;
    if (got > 0)
        r->detailed.sort_column = (enum detailed_sort)value;

    json_t *options = json_object_field(object, "options", "detailedFilter", &failed, err);
    if (failed)
        return -1;
    if (options != NULL) {
        got = json_enum_field(options, "totals", "detailedFilter.options", totals_names,
                              ENUM_COUNT(totals_names), &value, err);
        if (got < 0)
            return -1;
        if (got > 0)
            r->detailed.totals = value != 0;
    }
    return 0;
}

static int json_parse_summary(struct report_request *r, json_t *root, struct api_error *err)
{
    int failed = 0;
    int value = 0;
    json_t *object = json_object_field(root, "summaryFilter", NULL, &failed, err);

    if (failed)
        return -1;
    if (object == NULL)
        return 0;
    json_t *groups = json_object_get(object, "groups");
    if (groups != NULL && !json_is_null(groups)) {
        if (!json_is_array(groups) || json_array_size(groups) == 0)
            return api_error_set(err, 400, "summaryFilter.groups",
                                 "summaryFilter.groups must be an array of 1 to %d groups such "
                                 "as [\"PROJECT\", \"TIMEENTRY\"]",
                                 REPORT_GROUPS_MAX);
        size_t index;
        json_t *item;
        json_array_foreach(groups, index, item)
        {
            char path[64];
            snprintf(path, sizeof(path), "summaryFilter.groups[%zu]", index);
            if (!json_is_string(item))
                return api_error_set(err, 400, path, "%s must be a string", path);
            if (set_group(r, (int)index, json_string_value(item), path, err) != 0)
                return -1;
        }
    }
    int got = json_enum_field(object, "sortColumn", "summaryFilter", summary_sort_names,
                              ENUM_COUNT(summary_sort_names), &value, err);
    if (got < 0)
        return -1;
    if (got > 0)
        r->summary.sort_column = (enum summary_sort)value;
    return 0;
}

static int json_parse_weekly(struct report_request *r, json_t *root, struct api_error *err)
{
    int failed = 0;
    int value = 0;
    json_t *object = json_object_field(root, "weeklyFilter", NULL, &failed, err);

    if (failed)
        return -1;
    if (object == NULL)
        return 0;
    int got = json_enum_field(object, "group", "weeklyFilter", weekly_group_names,
                              ENUM_COUNT(weekly_group_names), &value, err);
    if (got < 0)
        return -1;
    if (got > 0)
        r->weekly.group = (enum weekly_group)value;
    got = json_enum_field(object, "subgroup", "weeklyFilter", weekly_subgroup_names,
                          ENUM_COUNT(weekly_subgroup_names), &value, err);
    if (got < 0)
        return -1;
    if (got > 0)
        r->weekly.subgroup = (enum weekly_subgroup)value;
    return 0;
}

/* Reads the fields every report shares, in the order their checks depend on: the time zone
 * before the dates, because dates without an offset are local. */
static int json_parse_common(struct report_request *r, json_t *root,
                             const struct report_context *ctx, struct api_error *err)
{
    int failed = 0;
    int value = 0;
    bool flag = false;
    const char *text;

    text = json_string_field(root, "timeZone", NULL, &failed, err);
    if (failed || (text != NULL && set_time_zone(r, text, "timeZone", err) != 0))
        return -1;
    if (tz_use(r->time_zone) != 0)
        return api_error_set(err, 500, NULL, "time zone %s cannot be loaded", r->time_zone);

    text = json_string_field(root, "dateRangeStart", NULL, &failed, err);
    if (failed)
        return -1;
    if (text == NULL)
        return api_error_set(err, 400, "dateRangeStart",
                             "dateRangeStart is missing; send an ISO 8601 instant such as "
                             "\"2026-01-01T00:00:00Z\"");
    if (set_date(text, EDGE_START, &r->start, "dateRangeStart", err) != 0)
        return -1;
    text = json_string_field(root, "dateRangeEnd", NULL, &failed, err);
    if (failed)
        return -1;
    if (text == NULL && r->kind == REPORT_WEEKLY) {
        /* The weekly report covers the week that contains dateRangeStart. */
        r->end = r->start;
    } else if (text == NULL) {
        return api_error_set(err, 400, "dateRangeEnd",
                             "dateRangeEnd is missing; send an ISO 8601 instant such as "
                             "\"2026-01-31T23:59:59.999Z\"");
    } else if (set_date(text, EDGE_END, &r->end, "dateRangeEnd", err) != 0) {
        return -1;
    }

    int got = json_enum_field(root, "weekStart", NULL, weekday_names, ENUM_COUNT(weekday_names),
                              &value, err);
    if (got < 0)
        return -1;
    if (got > 0)
        r->week_start = value;

    for (size_t i = 0; i < ENUM_COUNT(filter_specs); i++) {
        if (json_parse_filter(r, root, &filter_specs[i], ctx, err) != 0)
            return -1;
    }

    got = json_bool_field(root, "billable", NULL, &flag, err);
    if (got < 0)
        return -1;
    if (got > 0)
        r->billable = flag ? BILLABLE_YES : BILLABLE_NO;

    text = json_string_field(root, "description", NULL, &failed, err);
    if (failed || (text != NULL && set_description(r, text, "description", err) != 0))
        return -1;
    if (json_bool_field(root, "withoutDescription", NULL, &r->without_description, err) < 0)
        return -1;

    got = json_enum_field(root, "approvalState", NULL, approval_names,
                          ENUM_COUNT(approval_names), &value, err);
    if (got < 0)
        return -1;
    if (got > 0)
        r->approval = (enum approval_filter)value;
    got = json_enum_field(root, "invoicingState", NULL, invoicing_names,
                          ENUM_COUNT(invoicing_names), &value, err);
    if (got < 0)
        return -1;
    if (got > 0)
        r->invoicing = (enum invoicing_filter)value;

    if (json_bool_field(root, "rounding", NULL, &r->rounding, err) < 0)
        return -1;
    if (json_parse_amounts(r, root, err) != 0)
        return -1;
    got = json_enum_field(root, "sortOrder", NULL, order_names, ENUM_COUNT(order_names), &value,
                          err);
    if (got < 0)
        return -1;
    if (got > 0)
        r->sort_order = (enum sort_order)value;

    text = json_string_field(root, "exportType", NULL, &failed, err);
    if (failed || (text != NULL && set_export_type(r, text, "exportType", err) != 0))
        return -1;

    for (size_t i = 0; i < ENUM_COUNT(format_option_names); i++) {
        text = json_string_field(root, format_option_names[i], NULL, &failed, err);
        if (failed || (text != NULL && set_format_option(r, format_option_names[i], text, err)))
            return -1;
    }
    if (json_bool_field(root, "bom", NULL, &r->format.bom, err) < 0)
        return -1;
    return 0;
}

int report_request_parse_json(struct report_request *r, enum report_kind kind, const char *body,
                              size_t len, const struct report_context *ctx,
                              struct api_error *err)
{
    json_error_t json_err;
    json_t *root = NULL;
    int result = -1;

    request_defaults(r, kind, ctx);
    root = json_loadb(body, len, 0, &json_err);
    if (root == NULL) {
        api_error_set(err, 400, NULL,
                      "the request body is not valid JSON (line %d, column %d: %s); send a "
                      "JSON object encoded as UTF-8",
                      json_err.line, json_err.column, json_err.text);
        goto out;
    }
    if (!json_is_object(root)) {
        api_error_set(err, 400, NULL, "the request body must be a JSON object");
        goto out;
    }
    if (json_parse_common(r, root, ctx, err) != 0)
        goto out;
    if (kind == REPORT_DETAILED && json_parse_detailed(r, root, ctx, err) != 0)
        goto out;
    if (kind == REPORT_SUMMARY && json_parse_summary(r, root, err) != 0)
        goto out;
    if (kind == REPORT_WEEKLY && json_parse_weekly(r, root, err) != 0)
        goto out;
    if (request_finish(r, ctx, "dateRangeStart", "dateRangeEnd", err) != 0)
        goto out;
    result = 0;
out:
    json_decref(root);
    if (result != 0)
        report_request_free(r);
    return result;
}

/* ---- GET query strings ---- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes len bytes of a query component into out (len + 1 bytes): "%XX" becomes a byte and
 * '+' a space. Returns -1 on a broken escape or a decoded NUL byte. */
static int percent_decode(const char *text, size_t len, char *out)
{
    size_t used = 0;

    for (size_t i = 0; i < len; i++) {
        if (text[i] == '+') {
            out[used++] = ' ';
            continue;
        }
        if (text[i] != '%') {
            out[used++] = text[i];
            continue;
        }
        if (i + 2 >= len)
            return -1;
        int high = hex_value(text[i + 1]);
        int low = hex_value(text[i + 2]);
        if (high < 0 || low < 0 || (high == 0 && low == 0))
            return -1;
        out[used++] = (char)(high * 16 + low);
        i += 2;
    }
    out[used] = '\0';
    return 0;
}

/* Splits a comma-separated list of ids into filter. */
static int query_ids(struct id_filter *filter, const char *name, const char *value, int ids_max,
                     struct api_error *err)
{
    const char *p = value;

    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char token[32];

        while (len > 0 && *p == ' ') {
            p++;
            len--;
        }
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len == 0 || len >= sizeof(token))
            return api_error_set(err, 400, name,
                                 "%s must be a comma-separated list of ids such as 12,34 or "
                                 "NONE",
                                 name);
        memcpy(token, p, len);
        token[len] = '\0';
        if (filter_add_token(filter, token, name, ids_max, err) != 0)
            return -1;
        if (comma == NULL)
            break;
        p = comma + 1;
        if (*p == '\0')
            return api_error_set(err, 400, name, "%s ends with a comma; remove it", name);
    }
    return 0;
}

static int query_int(const char *name, const char *value, int64_t *out, struct api_error *err)
{
    uint64_t number = 0;

    if (parse_u64(value, &number) != 0 || number > INT32_MAX)
        return api_error_set(err, 400, name, "%s must be a positive whole number", name);
    *out = (int64_t)number;
    return 0;
}

static int query_bool(const char *name, const char *value, bool *out, struct api_error *err)
{
    if (parse_bool(value, out) != 0)
        return api_error_set(err, 400, name, "%s must be true or false", name);
    return 0;
}

/* Parses "PROJECT,USER" into the summary groups. */
static int query_groups(struct report_request *r, const char *value, struct api_error *err)
{
    const char *p = value;
    int index = 0;

    while (1) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char token[32];

        if (len == 0 || len >= sizeof(token))
            return api_error_set(err, 400, "groups",
                                 "groups must list 1 to %d groups separated by commas, such as "
                                 "PROJECT,TIMEENTRY",
                                 REPORT_GROUPS_MAX);
        memcpy(token, p, len);
        token[len] = '\0';
        if (set_group(r, index, token, "groups", err) != 0)
            return -1;
        index++;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return 0;
}

/* Applies one decoded parameter. start and end are kept aside because they depend on tz. */
static int query_apply(struct report_request *r, const char *name, const char *value,
                       const struct report_context *ctx, struct api_error *err)
{
    int number;
    int64_t wide = 0;
    bool flag = false;

    for (size_t i = 0; i < ENUM_COUNT(filter_specs); i++) {
        if (strcmp(name, filter_specs[i].name) == 0)
            return query_ids(filter_of(r, &filter_specs[i]), name, value, ctx->ids_max, err);
    }
    for (size_t i = 0; i < ENUM_COUNT(format_option_names); i++) {
        if (strcmp(name, format_option_names[i]) == 0)
            return set_format_option(r, name, value, err);
    }
    if (strcmp(name, "billable") == 0) {
        if (query_bool(name, value, &flag, err) != 0)
            return -1;
        r->billable = flag ? BILLABLE_YES : BILLABLE_NO;
    } else if (strcmp(name, "description") == 0) {
        return set_description(r, value, name, err);
    } else if (strcmp(name, "withoutDescription") == 0) {
        return query_bool(name, value, &r->without_description, err);
    } else if (strcmp(name, "approvalState") == 0) {
        if (enum_parse(value, approval_names, ENUM_COUNT(approval_names), &number, name, err))
            return -1;
        r->approval = (enum approval_filter)number;
    } else if (strcmp(name, "invoicingState") == 0) {
        if (enum_parse(value, invoicing_names, ENUM_COUNT(invoicing_names), &number, name, err))
            return -1;
        r->invoicing = (enum invoicing_filter)number;
    } else if (strcmp(name, "rounding") == 0) {
        return query_bool(name, value, &r->rounding, err);
    } else if (strcmp(name, "bom") == 0) {
        return query_bool(name, value, &r->format.bom, err);
    } else if (strcmp(name, "amounts") == 0 || strcmp(name, "amountShown") == 0) {
        if (enum_parse(value, amount_names, ENUM_COUNT(amount_names), &number, name, err))
            return -1;
        r->amounts = (enum amount_kind)number;
    } else if (strcmp(name, "order") == 0) {
        if (enum_parse(value, order_names, ENUM_COUNT(order_names), &number, name, err))
            return -1;
        r->sort_order = (enum sort_order)number;
    } else if (strcmp(name, "weekStart") == 0) {
        if (enum_parse(value, weekday_names, ENUM_COUNT(weekday_names), &number, name, err))
            return -1;
        r->week_start = number;
    } else if (strcmp(name, "sort") == 0 && r->kind == REPORT_DETAILED) {
        if (enum_parse(value, detailed_sort_names, ENUM_COUNT(detailed_sort_names), &number,
                       name, err))
            return -1;
        r->detailed.sort_column = (enum detailed_sort)number;
    } else if (strcmp(name, "sort") == 0 && r->kind == REPORT_SUMMARY) {
        if (enum_parse(value, summary_sort_names, ENUM_COUNT(summary_sort_names), &number, name,
                       err))
            return -1;
        r->summary.sort_column = (enum summary_sort)number;
    } else if (strcmp(name, "page") == 0) {
        if (query_int(name, value, &wide, err) != 0 || set_page(r, wide, name, err) != 0)
            return -1;
    } else if (strcmp(name, "pageSize") == 0) {
        if (query_int(name, value, &wide, err) != 0 ||
            set_page_size(r, wide, name, ctx, err) != 0)
            return -1;
    } else if (strcmp(name, "totals") == 0) {
        if (enum_parse(value, totals_names, ENUM_COUNT(totals_names), &number, name, err))
            return -1;
        r->detailed.totals = number != 0;
    } else if (strcmp(name, "groups") == 0 && r->kind == REPORT_SUMMARY) {
        return query_groups(r, value, err);
    } else if (strcmp(name, "group") == 0 && r->kind == REPORT_WEEKLY) {
        if (enum_parse(value, weekly_group_names, ENUM_COUNT(weekly_group_names), &number, name,
                       err))
            return -1;
        r->weekly.group = (enum weekly_group)number;
    } else if (strcmp(name, "subgroup") == 0 && r->kind == REPORT_WEEKLY) {
        if (enum_parse(value, weekly_subgroup_names, ENUM_COUNT(weekly_subgroup_names), &number,
                       name, err))
            return -1;
        r->weekly.subgroup = (enum weekly_subgroup)number;
    }
    return 0;
}

/* Finds name in the query string and decodes its value into out; returns 1 when found, 0 when
 * absent, -1 on a broken escape. Parameters are few, so a second scan costs nothing. */
static int query_find(const char *query, const char *name, char *out, size_t size,
                      struct api_error *err)
{
    size_t name_len = strlen(name);
    const char *p = query;

    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq != NULL && (size_t)(eq - p) == name_len && memcmp(p, name, name_len) == 0) {
            size_t value_len = len - name_len - 1;
            if (value_len >= size)
                return api_error_set(err, 400, name, "%s is too long", name);
            if (percent_decode(eq + 1, value_len, out) != 0)
                return api_error_set(err, 400, name,
                                     "%s has a broken percent escape; encode bytes as %%XX", name);
            return 1;
        }
        if (amp == NULL)
            break;
        p = amp + 1;
    }
    return 0;
}

int report_request_parse_query(struct report_request *r, enum report_kind kind,
                               enum export_type type, const char *query_string,
                               const struct report_context *ctx, struct api_error *err)
{
    const char *query = query_string ? query_string : "";
    size_t query_len = strlen(query);
    char *name = NULL;
    char *value = NULL;
    int result = -1;

    request_defaults(r, kind, ctx);
    r->export_type = type;
    if (query_len > REPORT_QUERY_MAX) {
        api_error_set(err, 414, NULL,
                      "the query string is longer than %d bytes; send the report request as a "
                      "JSON body with POST instead",
                      REPORT_QUERY_MAX);
        goto out;
    }
    name = malloc(query_len + 1);
    value = malloc(query_len + 1);
    if (name == NULL || value == NULL) {
        api_error_set(err, 500, NULL, "out of memory while reading the query string");
        goto out;
    }

    /* The zone first: start and end without an offset are local times in it. */
    int found = query_find(query, "tz", value, query_len + 1, err);
    if (found < 0)
        goto out;
    if (found > 0 && set_time_zone(r, value, "tz", err) != 0)
        goto out;
    if (tz_use(r->time_zone) != 0) {
        api_error_set(err, 500, NULL, "time zone %s cannot be loaded", r->time_zone);
        goto out;
    }

    const char *p = query;
    bool have_start = false;
    bool have_end = false;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t name_len = eq ? (size_t)(eq - p) : len;
        size_t value_len = eq ? len - name_len - 1 : 0;

        if (len > 0) {
            if (percent_decode(p, name_len, name) != 0) {
                api_error_set(err, 400, NULL,
                              "a parameter name has a broken percent escape; encode bytes as "
                              "%%XX");
                goto out;
            }
            if (percent_decode(eq ? eq + 1 : "", value_len, value) != 0) {
                api_error_set(err, 400, name,
                              "%s has a broken percent escape; encode bytes as %%XX", name);
                goto out;
            }
            if (strcmp(name, "start") == 0) {
                if (set_date(value, EDGE_START, &r->start, "start", err) != 0)
                    goto out;
                have_start = true;
            } else if (strcmp(name, "end") == 0) {
                if (set_date(value, EDGE_END, &r->end, "end", err) != 0)
                    goto out;
                have_end = true;
            } else if (strcmp(name, "tz") != 0) {
                if (query_apply(r, name, value, ctx, err) != 0)
                    goto out;
            }
        }
        if (amp == NULL)
            break;
        p = amp + 1;
    }
    if (!have_start) {
        api_error_set(err, 400, "start",
                      "start is missing; add start=2026-01-01 (a date or an ISO 8601 instant)");
        goto out;
    }
    /* The weekly report covers the week that contains start, so it needs no end. */
    if (!have_end && kind == REPORT_WEEKLY) {
        r->end = r->start;
        have_end = true;
    }
    if (!have_end) {
        api_error_set(err, 400, "end",
                      "end is missing; add end= with a date on or after start, such as "
                      "end=2026-01-31, or an ISO 8601 instant");
        goto out;
    }
    if (request_finish(r, ctx, "start", "end", err) != 0)
        goto out;
    result = 0;
out:
    free(name);
    free(value);
    if (result != 0)
        report_request_free(r);
    return result;
}

void report_request_free(struct report_request *r)
{
    for (size_t i = 0; i < ENUM_COUNT(filter_specs); i++)
        free(filter_of(r, &filter_specs[i])->ids);
    free(r->description);
    memset(r, 0, sizeof(*r));
}

/* ---- id checks ---- */

/* SQL that counts how many of a list of ids exist in the workspace, per filter. */
static const char *check_sql(const struct filter_spec *spec)
{
    if (strcmp(spec->name, "users") == 0)
        return "SELECT user_id FROM memberships WHERE workspace_id = ? AND user_id IN (";
    if (strcmp(spec->name, "userGroups") == 0)
        return "SELECT id FROM user_groups WHERE workspace_id = ? AND id IN (";
    if (strcmp(spec->name, "clients") == 0)
        return "SELECT id FROM clients WHERE workspace_id = ? AND id IN (";
    if (strcmp(spec->name, "projects") == 0)
        return "SELECT id FROM projects WHERE workspace_id = ? AND id IN (";
    if (strcmp(spec->name, "tasks") == 0)
        return "SELECT id FROM tasks WHERE workspace_id = ? AND id IN (";
    return "SELECT id FROM tags WHERE workspace_id = ? AND id IN (";
}

/* Fills a 503 when the connection is gone and a 500 otherwise; db->error keeps the detail. */
static void check_db_error(struct db *db, MYSQL_STMT *stmt, struct api_error *err)
{
    unsigned int code = stmt != NULL ? mysql_stmt_errno(stmt) : 0;

    if (stmt != NULL)
        snprintf(db->error, sizeof(db->error), "check ids: %s (%u)", mysql_stmt_error(stmt), code);
    if (db->conn == NULL || db_error_is_connection(code))
        api_error_set(err, 503, NULL, "the database is unreachable; try again later");
    else
        api_error_set(err, 500, NULL, "the database failed while checking the filter ids");
}

/* Runs one filter's check; the ids come back sorted, so the first gap is the unknown id. */
static int check_filter(struct db *db, const struct report_request *r,
                        const struct filter_spec *spec, const struct id_filter *filter,
                        struct api_error *err)
{
    struct db_params params;
    MYSQL_STMT *stmt = NULL;
    char *sql = NULL;
    const char *head = check_sql(spec);
    size_t head_len = strlen(head);
    size_t sql_len = head_len + filter->count * 2 + 32;
    uint64_t id = 0;
    MYSQL_BIND bind;
    size_t matched = 0;
    int result = -1;

    db_params_init(&params);
    sql = malloc(sql_len);
    if (sql == NULL) {
        api_error_set(err, 500, NULL, "out of memory while checking ids");
        goto out;
    }
    memcpy(sql, head, head_len);
    size_t used = head_len;
    for (size_t i = 0; i < filter->count; i++) {
        sql[used++] = i ? ',' : '?';
        if (i)
            sql[used++] = '?';
    }
    memcpy(sql + used, ") ORDER BY 1", 13);

    bool params_ok = db_params_add_u64(&params, r->workspace_id) == 0;
    for (size_t i = 0; i < filter->count && params_ok; i++)
        params_ok = db_params_add_u64(&params, filter->ids[i]) == 0;
    if (!params_ok) {
        api_error_set(err, 500, NULL, "out of memory while checking ids");
        goto out;
    }
    stmt = db_prepare(db, sql, &params);
    if (stmt == NULL || mysql_stmt_execute(stmt) != 0) {
        check_db_error(db, stmt, err);
        goto out;
    }
    memset(&bind, 0, sizeof(bind));
    bind.buffer_type = MYSQL_TYPE_LONGLONG;
    bind.buffer = &id;
    bind.is_unsigned = 1;
    if (mysql_stmt_bind_result(stmt, &bind) != 0) {
        check_db_error(db, stmt, err);
        goto out;
    }
    int fetched = mysql_stmt_fetch(stmt);
    while (fetched == 0) {
        if (matched < filter->count && filter->ids[matched] == id)
            matched++;
        fetched = mysql_stmt_fetch(stmt);
    }
    if (fetched != MYSQL_NO_DATA) {
        check_db_error(db, stmt, err);
        goto out;
    }
    if (matched < filter->count) {
        char field[64];
        snprintf(field, sizeof(field), "%s.ids", spec->name);
        api_error_set(err, 400, field,
                      "%s contains id %llu, which is not in this workspace; remove it or use "
                      "an id from this workspace",
                      field, (unsigned long long)filter->ids[matched]);
        goto out;
    }
    result = 0;
out:
    if (stmt != NULL)
        mysql_stmt_close(stmt);
    free(sql);
    db_params_free(&params);
    return result;
}

int report_request_check_ids(struct db *db, const struct report_request *r,
                             struct api_error *err)
{
    for (size_t i = 0; i < ENUM_COUNT(filter_specs); i++) {
        const struct id_filter *filter = filter_of_const(r, &filter_specs[i]);
        if (filter->count > 0 && check_filter(db, r, &filter_specs[i], filter, err) != 0)
            return -1;
    }
    return 0;
}
