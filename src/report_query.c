/* report_query.c - the WHERE clause and the per-entry SQL expressions of every report.
 * SPDX-License-Identifier: MIT
 */
#include "report_query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void report_sql_init(struct report_sql *sql)
{
    memset(sql, 0, sizeof(*sql));
}

void report_sql_free(struct report_sql *sql)
{
    free(sql->text);
    memset(sql, 0, sizeof(*sql));
}

static int report_sql_reserve(struct report_sql *sql, size_t extra)
{
    if (sql->failed)
        return -1;
    if (sql->len + extra + 1 <= sql->cap)
        return 0;
    size_t cap = sql->cap ? sql->cap : 1024;
    while (cap < sql->len + extra + 1)
        cap *= 2;
    char *text = realloc(sql->text, cap);
    if (text == NULL) {
        sql->failed = true;
        return -1;
    }
    sql->text = text;
    sql->cap = cap;
    return 0;
}

int report_sql_append(struct report_sql *sql, const char *fragment)
{
    size_t len = strlen(fragment);

    if (report_sql_reserve(sql, len) != 0)
        return -1;
    memcpy(sql->text + sql->len, fragment, len + 1);
    sql->len += len;
    return 0;
}

int report_sql_appendf(struct report_sql *sql, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    int n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);
    if (n < 0) {
        sql->failed = true;
        return -1;
    }
    if (report_sql_reserve(sql, (size_t)n) != 0)
        return -1;
    va_start(args, fmt);
    vsnprintf(sql->text + sql->len, (size_t)n + 1, fmt, args);
    va_end(args);
    sql->len += (size_t)n;
    return 0;
}

/* Appends "?,?,?" for count values. */
static int append_placeholders(struct report_sql *sql, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (report_sql_append(sql, i ? ",?" : "?") != 0)
            return -1;
    }
    return 0;
}

static int add_ids(struct db_params *params, const struct id_filter *filter)
{
    for (size_t i = 0; i < filter->count; i++) {
        if (db_params_add_u64(params, filter->ids[i]) != 0)
            return -1;
    }
    return 0;
}

/* The status condition on a dimension row aliased d, or NULL when status does not narrow. */
static const char *status_condition(const char *table, enum filter_status status)
{
    bool users = strcmp(table, "memberships") == 0;
    bool tasks = strcmp(table, "tasks") == 0;

    switch (status) {
    case FILTER_STATUS_ACTIVE:
        return users || tasks ? "d.status = 'ACTIVE'" : "d.archived = 0";
    case FILTER_STATUS_ARCHIVED:
        return users || tasks ? NULL : "d.archived = 1";
    case FILTER_STATUS_INACTIVE:
        return users ? "d.status = 'INACTIVE'" : NULL;
    case FILTER_STATUS_DONE:
        return tasks ? "d.status = 'DONE'" : NULL;
    case FILTER_STATUS_ALL:
    default:
        return NULL;
    }
}

/* A filter on a column of e itself (user_id, project_id, task_id). The positive condition is
 * written so that it is never SQL NULL, which lets DOES_NOT_CONTAIN be its plain negation. */
static int where_column(const struct id_filter *filter, const char *column, const char *table,
                        const char *key, struct report_sql *sql, struct db_params *params)
{
    const char *status = status_condition(table, filter->status);
    bool negate = filter->contains == FILTER_DOES_NOT_CONTAIN;

    report_sql_append(sql, negate ? " AND NOT (" : " AND (");
    if (filter->count > 0) {
        report_sql_appendf(sql, "(%s IS NOT NULL AND %s IN (", column, column);
        append_placeholders(sql, filter->count);
        report_sql_append(sql, ")");
        if (add_ids(params, filter) != 0)
            return -1;
        if (status != NULL)
            report_sql_appendf(sql, " AND EXISTS (SELECT 1 FROM %s d WHERE d.%s = %s AND %s)",
                               table, key, column, status);
        report_sql_append(sql, ")");
    }
    if (filter->none)
        report_sql_appendf(sql, "%s%s IS NULL", filter->count > 0 ? " OR " : "", column);
    return report_sql_append(sql, ")");
}

static int where_users(const struct id_filter *filter, struct report_sql *sql,
                       struct db_params *params)
{
    bool negate = filter->contains == FILTER_DOES_NOT_CONTAIN;
    const char *status = status_condition("memberships", filter->status);

    /* Every entry has a user, so NONE alone matches nothing. */
    report_sql_append(sql, negate ? " AND NOT (" : " AND (");
    if (filter->count == 0) {
        report_sql_append(sql, "FALSE");
    } else {
        report_sql_append(sql, "e.user_id IN (");
        append_placeholders(sql, filter->count);
        report_sql_append(sql, ")");
        if (add_ids(params, filter) != 0)
            return -1;
        if (status != NULL)
            report_sql_appendf(sql,
                               " AND EXISTS (SELECT 1 FROM memberships d WHERE d.workspace_id = "
                               "e.workspace_id AND d.user_id = e.user_id AND %s)",
                               status);
    }
    return report_sql_append(sql, ")");
}

static int where_user_groups(const struct id_filter *filter, struct report_sql *sql,
                             struct db_params *params)
{
    bool negate = filter->contains == FILTER_DOES_NOT_CONTAIN;

    report_sql_append(sql, negate ? " AND NOT (" : " AND (");
    if (filter->count > 0) {
        report_sql_append(sql, "EXISTS (SELECT 1 FROM user_group_members gm WHERE gm.user_id = "
                               "e.user_id AND gm.group_id IN (");
        append_placeholders(sql, filter->count);
        report_sql_append(sql, "))");
        if (add_ids(params, filter) != 0)
            return -1;
    }
    if (filter->none)
        report_sql_appendf(sql,
                           "%sNOT EXISTS (SELECT 1 FROM user_group_members gm JOIN user_groups g "
                           "ON g.id = gm.group_id WHERE gm.user_id = e.user_id AND "
                           "g.workspace_id = e.workspace_id)",
                           filter->count > 0 ? " OR " : "");
    return report_sql_append(sql, ")");
}

/* Clients are reached through the entry's project. */
static int where_clients(const struct id_filter *filter, struct report_sql *sql,
                         struct db_params *params)
{
    bool negate = filter->contains == FILTER_DOES_NOT_CONTAIN;
    const char *status = status_condition("clients", filter->status);

    report_sql_append(sql, negate ? " AND NOT (" : " AND (");
    if (filter->count > 0) {
        report_sql_append(sql, "EXISTS (SELECT 1 FROM projects p WHERE p.id = e.project_id AND "
                               "p.client_id IN (");
        append_placeholders(sql, filter->count);
        report_sql_append(sql, ")");
        if (add_ids(params, filter) != 0)
            return -1;
        if (status != NULL)
            report_sql_appendf(sql,
                               " AND EXISTS (SELECT 1 FROM clients d WHERE d.id = p.client_id "
                               "AND %s)",
                               status);
        report_sql_append(sql, ")");
    }
    if (filter->none)
        report_sql_appendf(sql,
                           "%sNOT EXISTS (SELECT 1 FROM projects p WHERE p.id = e.project_id "
                           "AND p.client_id IS NOT NULL)",
                           filter->count > 0 ? " OR " : "");
    return report_sql_append(sql, ")");
}

static int where_tags(const struct id_filter *filter, struct report_sql *sql,
                      struct db_params *params)
{
    const char *status = status_condition("tags", filter->status);
    bool negate = filter->contains == FILTER_DOES_NOT_CONTAIN;

    report_sql_append(sql, negate ? " AND NOT (" : " AND (");
    if (filter->count > 0 && filter->contains == FILTER_CONTAINS_ONLY) {
        /* Exactly these tags: all of them present and no other. The ids are free of
         * duplicates, so counting the matches is exact. */
        report_sql_append(sql, "((SELECT COUNT(*) FROM entry_tags t WHERE t.entry_id = e.id AND "
                               "t.tag_id IN (");
        append_placeholders(sql, filter->count);
        report_sql_appendf(sql, ")) = %zu AND NOT EXISTS (SELECT 1 FROM entry_tags t WHERE "
                                "t.entry_id = e.id AND t.tag_id NOT IN (",
                           filter->count);
        append_placeholders(sql, filter->count);
        report_sql_append(sql, ")))");
        if (add_ids(params, filter) != 0 || add_ids(params, filter) != 0)
            return -1;
    } else if (filter->count > 0) {
        report_sql_append(sql, "EXISTS (SELECT 1 FROM entry_tags t WHERE t.entry_id = e.id AND "
                               "t.tag_id IN (");
        append_placeholders(sql, filter->count);
        report_sql_append(sql, ")");
        if (add_ids(params, filter) != 0)
            return -1;
        if (status != NULL)
            report_sql_appendf(sql,
                               " AND EXISTS (SELECT 1 FROM tags d WHERE d.id = t.tag_id AND %s)",
                               status);
        report_sql_append(sql, ")");
    }
    if (filter->none)
        report_sql_appendf(sql, "%sNOT EXISTS (SELECT 1 FROM entry_tags t WHERE t.entry_id = e.id)",
                           filter->count > 0 ? " OR " : "");
    return report_sql_append(sql, ")");
}

static bool filter_active(const struct id_filter *filter)
{
    return filter->count > 0 || filter->none;
}

/* Escapes LIKE's wildcards and wraps the text in % so that it matches as a substring. */
static int add_like_pattern(struct db_params *params, const char *text)
{
    size_t len = strlen(text);
    char *pattern = malloc(len * 2 + 3);
    size_t used = 0;

    if (pattern == NULL)
        return -1;
    pattern[used++] = '%';
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '%' || text[i] == '_' || text[i] == '\\')
            pattern[used++] = '\\';
        pattern[used++] = text[i];
    }
    pattern[used++] = '%';
    int result = db_params_add_text(params, pattern, used);
    free(pattern);
    return result;
}

int report_query_where(const struct report_request *r, struct report_sql *sql,
                       struct db_params *params)
{
    report_sql_append(sql, "e.workspace_id = ? AND e.start_at BETWEEN ? AND ? "
                           "AND e.end_at IS NOT NULL");
    if (db_params_add_u64(params, r->workspace_id) != 0 ||
        db_params_add_datetime(params, r->start) != 0 ||
        db_params_add_datetime(params, r->end) != 0)
        return -1;
    if (r->member_user_id != 0) {
        report_sql_append(sql, " AND e.user_id = ?");
        if (db_params_add_u64(params, r->member_user_id) != 0)
            return -1;
    }

    if (filter_active(&r->users) && where_users(&r->users, sql, params) != 0)
        return -1;
    if (filter_active(&r->user_groups) && where_user_groups(&r->user_groups, sql, params) != 0)
        return -1;
    if (filter_active(&r->clients) && where_clients(&r->clients, sql, params) != 0)
        return -1;
    if (filter_active(&r->projects) &&
        where_column(&r->projects, "e.project_id", "projects", "id", sql, params) != 0)
        return -1;
    if (filter_active(&r->tasks) &&
        where_column(&r->tasks, "e.task_id", "tasks", "id", sql, params) != 0)
        return -1;
    if (filter_active(&r->tags) && where_tags(&r->tags, sql, params) != 0)
        return -1;

    if (r->billable != BILLABLE_ANY)
        report_sql_append(sql, r->billable == BILLABLE_YES ? " AND e.billable = 1"
                                                           : " AND e.billable = 0");
    if (r->description != NULL) {
        /* The column collates as binary; general_ci makes the match case-insensitive. */
        report_sql_append(sql, " AND e.description LIKE ? COLLATE utf8mb4_general_ci");
        if (add_like_pattern(params, r->description) != 0)
            return -1;
    }
    if (r->without_description)
        report_sql_append(sql, " AND e.description = ''");
    if (r->approval != APPROVAL_ALL)
        report_sql_append(sql, r->approval == APPROVAL_APPROVED
                                   ? " AND e.approval_state = 'APPROVED'"
                                   : " AND e.approval_state = 'UNAPPROVED'");
    if (r->invoicing != INVOICING_ALL)
        report_sql_append(sql, r->invoicing == INVOICING_INVOICED
                                   ? " AND e.invoicing_state = 'INVOICED'"
                                   : " AND e.invoicing_state = 'UNINVOICED'");
    return sql->failed ? -1 : 0;
}

static bool rounding_on(const struct report_request *r)
{
    return r->rounding && r->rounding_minutes > 0;
}

int report_query_duration_expr(const struct report_request *r, struct report_sql *sql)
{
    const char *raw = "TIMESTAMPDIFF(SECOND, e.start_at, e.end_at)";
    int step = r->rounding_minutes * 60;

    if (!rounding_on(r))
        return report_sql_append(sql, raw);
    switch (r->rounding_mode) {
    case REPORT_ROUNDING_UP:
        return report_sql_appendf(sql, "((%s + %d) DIV %d * %d)", raw, step - 1, step, step);
    case REPORT_ROUNDING_DOWN:
        return report_sql_appendf(sql, "(%s DIV %d * %d)", raw, step, step);
    case REPORT_ROUNDING_NEAREST:
    default:
        return report_sql_appendf(sql, "((%s + %d) DIV %d * %d)", raw, step / 2, step, step);
    }
}

/* Appends seconds x rate / 3600 rounded half away from zero; product is an SQL expression. */
static int append_money(struct report_sql *sql, const char *rate_column,
                        const struct report_request *r)
{
    struct report_sql duration;

    report_sql_init(&duration);
    report_query_duration_expr(r, &duration);
    if (duration.failed) {
        report_sql_free(&duration);
        sql->failed = true;
        return -1;
    }
    const char *d = duration.text;
    report_sql_appendf(sql,
                       "(CASE WHEN %s * %s >= 0 THEN (%s * %s + 1800) DIV 3600 "
                       "ELSE -((-(%s * %s) + 1800) DIV 3600) END)",
                       d, rate_column, d, rate_column, d, rate_column);
    report_sql_free(&duration);
    return sql->failed ? -1 : 0;
}

int report_query_earned_expr(const struct report_request *r, struct report_sql *sql)
{
    report_sql_append(sql, "(CASE WHEN e.billable = 0 THEN 0");
    if (!rounding_on(r))
        report_sql_append(sql, " WHEN e.earned_amount IS NOT NULL THEN e.earned_amount");
    report_sql_append(sql, " ELSE ");
    append_money(sql, "e.hourly_rate", r);
    return report_sql_append(sql, " END)");
}

int report_query_cost_expr(const struct report_request *r, struct report_sql *sql)
{
    report_sql_append(sql, "(CASE");
    if (!rounding_on(r))
        report_sql_append(sql, " WHEN e.cost_amount IS NOT NULL THEN e.cost_amount");
    else
        report_sql_append(sql, " WHEN FALSE THEN 0");
    report_sql_append(sql, " ELSE ");
    append_money(sql, "e.cost_rate", r);
    return report_sql_append(sql, " END)");
}

int report_query_profit_expr(const struct report_request *r, struct report_sql *sql)
{
    report_sql_append(sql, "(");
    report_query_earned_expr(r, sql);
    report_sql_append(sql, " - ");
    report_query_cost_expr(r, sql);
    return report_sql_append(sql, ")");
}

int64_t report_round_duration(const struct report_request *r, int64_t seconds)
{
    int64_t step = (int64_t)r->rounding_minutes * 60;

    if (!rounding_on(r))
        return seconds;
    switch (r->rounding_mode) {
    case REPORT_ROUNDING_UP:
        return (seconds + step - 1) / step * step;
    case REPORT_ROUNDING_DOWN:
        return seconds / step * step;
    case REPORT_ROUNDING_NEAREST:
    default:
        return (seconds + step / 2) / step * step;
    }
}

int64_t report_money(int64_t seconds, int64_t rate_per_hour)
{
    int64_t product = seconds * rate_per_hour;

    if (product >= 0)
        return (product + 1800) / 3600;
    return -((-product + 1800) / 3600);
}

int64_t report_money_earned(const struct report_request *r, bool billable, int64_t duration,
                            int64_t hourly_rate, bool have_earned_amount, int64_t earned_amount)
{
    if (!billable)
        return 0;
    if (have_earned_amount && !rounding_on(r))
        return earned_amount;
    return report_money(duration, hourly_rate);
}

int64_t report_money_cost(const struct report_request *r, int64_t duration, int64_t cost_rate,
                          bool have_cost_amount, int64_t cost_amount)
{
    if (have_cost_amount && !rounding_on(r))
        return cost_amount;
    return report_money(duration, cost_rate);
}
