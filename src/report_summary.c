/* report_summary.c - the summary report: GROUP BY in MariaDB, a group tree in memory, and the
 * JSON, CSV and XLSX writers over that tree.
 * SPDX-License-Identifier: MIT
 *
 * The database sums each leaf group (one row per combination of the group keys), so the worker
 * keeps groups in memory, never entries. A TAG or USER_GROUP level joins a table that can match an entry
 * several times; the leaf groups want that (an entry counts once in each tag's group), but the
 * levels above it and the totals must count each entry once, so they get their own GROUP BY
 * over their keys only. Without such a level every parent is the sum of its children.
 */
#include "report_summary.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "civil.h"
#include "csv_writer.h"
#include "format.h"
#include "log.h"
#include "report_aggregate.h"
#include "report_query.h"
#include "xlsx_export.h"

/* Bytes fetched per text column before a longer value is read again at its full length. */
#define SUMMARY_FETCH_TEXT 512

struct summary_sums {
    int64_t duration; /* seconds, after rounding when the request sets it */
    int64_t billable; /* seconds of billable entries */
    int64_t count;    /* entries */
    int64_t earned;   /* cents */
    int64_t cost;     /* cents */
};

/* A group's key: an id for the dimension tables (0 = entries without one), or a text for
 * DATE, WEEK, MONTH and TIMEENTRY. */
struct summary_key {
    uint64_t id;
    char *text;
};

/* One row of a GROUP BY: the keys and names of its levels and its sums. */
struct summary_row {
    struct summary_key keys[REPORT_GROUPS_MAX];
    char *names[REPORT_GROUPS_MAX];
    struct summary_sums sums;
};

struct summary_rows {
    struct summary_row *items;
    size_t count;
    size_t cap;
};

struct summary_node {
    char *id; /* "_id" in JSON: the decimal id, the key text, or "" for entries without one */
    char *name;
    int64_t day; /* DATE level: local day number, for XLSX date cells */
    struct summary_sums sums;
    struct summary_node *children;
    size_t child_count;
};

struct report_summary {
    enum summary_group groups[REPORT_GROUPS_MAX];
    int group_count;
    enum summary_sort sort_column;
    enum sort_order sort_order;
    enum amount_kind amounts;
    char currency[4];
    struct format_options format;
    struct summary_sums totals;
    struct summary_node *top;
    size_t top_count;
};

/* ---- SQL ---------------------------------------------------------------------------------- */

static bool group_is_text(enum summary_group group)
{
    return group == SUMMARY_GROUP_DATE || group == SUMMARY_GROUP_WEEK ||
           group == SUMMARY_GROUP_MONTH || group == SUMMARY_GROUP_TIMEENTRY;
}

/* True when the level's join can match one entry several times. */
static bool group_fans_out(enum summary_group group)
{
    return group == SUMMARY_GROUP_TAG || group == SUMMARY_GROUP_USER_GROUP;
}

static int add_zone(const struct report_request *r, struct db_params *params)
{
    const char *zone = report_aggregate_zone(r);
    return db_params_add_text(params, zone, strlen(zone));
}

/* Appends the key expression of level i of the inner query and binds its values. */
static int append_key(const struct report_request *r, int i, struct report_sql *sql,
                      struct db_params *params)
{
    const char *local = "CONVERT_TZ(e.start_at, '+00:00', ?)";

    switch (r->summary.groups[i]) {
    case SUMMARY_GROUP_PROJECT:
        return report_sql_append(sql, "e.project_id");
    case SUMMARY_GROUP_CLIENT:
        return report_sql_appendf(sql, "p%d.client_id", i);
    case SUMMARY_GROUP_USER:
        return report_sql_append(sql, "e.user_id");
    case SUMMARY_GROUP_USER_GROUP:
        return report_sql_appendf(sql, "m%d.group_id", i);
    case SUMMARY_GROUP_TASK:
        return report_sql_append(sql, "e.task_id");
    case SUMMARY_GROUP_TAG:
        return report_sql_appendf(sql, "t%d.tag_id", i);
    case SUMMARY_GROUP_DATE:
        report_sql_append(sql, "DATE_FORMAT(");
        report_sql_append(sql, local);
        report_sql_append(sql, ", '%Y-%m-%d')");
        return add_zone(r, params);
    case SUMMARY_GROUP_MONTH:
        report_sql_append(sql, "DATE_FORMAT(");
        report_sql_append(sql, local);
        report_sql_append(sql, ", '%Y-%m')");
        return add_zone(r, params);
    case SUMMARY_GROUP_WEEK:
        if (r->week_start == 0) {
            /* %x-W%v is the ISO 8601 week-based year and week (YEARWEEK mode 3). */
            report_sql_append(sql, "DATE_FORMAT(");
            report_sql_append(sql, local);
            report_sql_append(sql, ", '%x-W%v')");
            return add_zone(r, params);
        }
        /* Other start days: the date of the week's first day. WEEKDAY is 0 on Monday, like
         * week_start. */
        report_sql_append(sql, "DATE_FORMAT(DATE(");
        report_sql_append(sql, local);
        report_sql_append(sql, ") - INTERVAL MOD(WEEKDAY(");
        report_sql_append(sql, local);
        report_sql_append(sql, ") + 7 - ?, 7) DAY, '%Y-%m-%d')");
        if (add_zone(r, params) != 0 || add_zone(r, params) != 0)
            return -1;
        return db_params_add_i64(params, r->week_start);
    case SUMMARY_GROUP_TIMEENTRY:
    default:
        return report_sql_append(sql, "e.description");
    }
}

/* Appends the join level i needs in the inner query and binds its values. */
static int append_join(const struct report_request *r, int i, struct report_sql *sql,
                       struct db_params *params)
{
    switch (r->summary.groups[i]) {
    case SUMMARY_GROUP_CLIENT:
        return report_sql_appendf(sql, " LEFT JOIN projects p%d ON p%d.id = e.project_id", i, i);
    case SUMMARY_GROUP_TAG:
        return report_sql_appendf(sql, " LEFT JOIN entry_tags t%d ON t%d.entry_id = e.id", i, i);
    case SUMMARY_GROUP_USER_GROUP:
        /* Only the groups of this workspace: a user may belong to groups of others. */
        report_sql_appendf(sql,
                           " LEFT JOIN (user_group_members m%d JOIN user_groups g%d"
                           " ON g%d.id = m%d.group_id AND g%d.workspace_id = ?)"
                           " ON m%d.user_id = e.user_id",
                           i, i, i, i, i, i);
        return db_params_add_u64(params, r->workspace_id);
    default:
        return 0;
    }
}

/* The dimension table whose name column names a group's id, or NULL for text keys. */
static const char *name_table(enum summary_group group)
{
    switch (group) {
    case SUMMARY_GROUP_PROJECT:
        return "projects";
    case SUMMARY_GROUP_CLIENT:
        return "clients";
    case SUMMARY_GROUP_USER:
        return "users";
    case SUMMARY_GROUP_USER_GROUP:
        return "user_groups";
    case SUMMARY_GROUP_TASK:
        return "tasks";
    case SUMMARY_GROUP_TAG:
        return "tags";
    default:
        return NULL;
    }
}

/* Builds the GROUP BY over the first `levels` keys of r (0 = the totals):
 *   SELECT g.k0, n0.name, ..., g.d, g.b, g.c, g.earned, g.cost
 *   FROM (SELECT <key> AS k0, ..., SUM(duration) AS d, ... FROM time_entries e <joins>
 *         WHERE <filters> GROUP BY k0, ...) g LEFT JOIN projects n0 ON n0.id = g.k0 ...
 * Names are joined outside, on group rows only. Placeholders appear in the inner select list,
 * then the joins, then the WHERE clause, and the values are bound in that order. */
static int build_query(const struct report_request *r, int levels, struct report_sql *sql,
                       struct db_params *params)
{
    struct report_sql duration;
    int result = -1;

    report_sql_init(&duration);
    if (report_query_duration_expr(r, &duration) != 0)
        goto out;

    report_sql_append(sql, "SELECT ");
    for (int i = 0; i < levels; i++) {
        if (name_table(r->summary.groups[i]) != NULL)
            report_sql_appendf(sql, "g.k%d, n%d.name, ", i, i);
        else
            report_sql_appendf(sql, "g.k%d, NULL, ", i);
    }
    report_sql_append(sql, "COALESCE(g.d, 0), COALESCE(g.b, 0), g.c, COALESCE(g.earned, 0), "
                           "COALESCE(g.cost, 0) FROM (SELECT ");
    for (int i = 0; i < levels; i++) {
        if (append_key(r, i, sql, params) != 0)
            goto out;
        report_sql_appendf(sql, " AS k%d, ", i);
    }
    report_sql_appendf(sql, "SUM(%s) AS d, SUM(CASE WHEN e.billable = 1 THEN %s ELSE 0 END) AS b,"
                            " COUNT(*) AS c, SUM(",
                       duration.text, duration.text);
    report_query_earned_expr(r, sql);
    report_sql_append(sql, ") AS earned, SUM(");
    report_query_cost_expr(r, sql);
    report_sql_append(sql, ") AS cost FROM time_entries e");
    for (int i = 0; i < levels; i++) {
        if (append_join(r, i, sql, params) != 0)
            goto out;
    }
    report_sql_append(sql, " WHERE ");
    if (report_query_where(r, sql, params) != 0)
        goto out;
    for (int i = 0; i < levels; i++)
        report_sql_appendf(sql, i == 0 ? " GROUP BY k%d" : ", k%d", i);
    report_sql_append(sql, ") g");
    for (int i = 0; i < levels; i++) {
        const char *table = name_table(r->summary.groups[i]);
        if (table != NULL)
            report_sql_appendf(sql, " LEFT JOIN %s n%d ON n%d.id = g.k%d", table, i, i, i);
    }
    result = sql->failed ? -1 : 0;
out:
    report_sql_free(&duration);
    return result;
}

/* ---- fetching ----------------------------------------------------------------------------- */

static void rows_free(struct summary_rows *rows)
{
    for (size_t i = 0; i < rows->count; i++) {
        for (int level = 0; level < REPORT_GROUPS_MAX; level++) {
            free(rows->items[i].keys[level].text);
            free(rows->items[i].names[level]);
        }
    }
    free(rows->items);
    memset(rows, 0, sizeof(*rows));
}

static struct summary_row *rows_push(struct summary_rows *rows)
{
    if (rows->count == rows->cap) {
        size_t cap = rows->cap ? rows->cap * 2 : 64;
        struct summary_row *items = realloc(rows->items, cap * sizeof(*items));
        if (items == NULL)
            return NULL;
        rows->items = items;
        rows->cap = cap;
    }
    struct summary_row *row = &rows->items[rows->count++];
    memset(row, 0, sizeof(*row));
    return row;
}

/* Result buffers of one text column. */
struct text_column {
    char buffer[SUMMARY_FETCH_TEXT];
    unsigned long length;
    my_bool is_null;
    my_bool error;
};

/* Copies a fetched text column; reads it again at full length when the buffer cut it. NULL
 * stays NULL. Returns 0, or -1 when memory runs out or the column cannot be read. */
static int column_text(MYSQL_STMT *stmt, unsigned int index, const struct text_column *col,
                       char **out)
{
    MYSQL_BIND bind;
    char *copy;

    *out = NULL;
    if (col->is_null)
        return 0;
    copy = malloc((size_t)col->length + 1);
    if (copy == NULL)
        return -1;
    if (col->length < sizeof(col->buffer)) {
        memcpy(copy, col->buffer, col->length);
    } else {
        memset(&bind, 0, sizeof(bind));
        bind.buffer_type = MYSQL_TYPE_STRING;
        bind.buffer = copy;
        bind.buffer_length = col->length + 1;
        if (mysql_stmt_fetch_column(stmt, &bind, index, 0) != 0) {
            free(copy);
            return -1;
        }
    }
    copy[col->length] = '\0';
    *out = copy;
    return 0;
}

/* Runs the GROUP BY over the first `levels` keys and appends its rows to rows. */
static int fetch_groups(struct db *db, const struct report_request *r, int levels,
                        struct summary_rows *rows, struct api_error *err)
{
    struct report_sql sql;
    struct db_params params;
    MYSQL_STMT *stmt = NULL;
    struct text_column keys[REPORT_GROUPS_MAX];
    struct text_column names[REPORT_GROUPS_MAX];
    MYSQL_BIND binds[REPORT_GROUPS_MAX * 2 + 5];
    int64_t sums[5];
    my_bool sum_null[5];
    int result = -1;

    report_sql_init(&sql);
    db_params_init(&params);
    memset(binds, 0, sizeof(binds));
    memset(keys, 0, sizeof(keys));
    memset(names, 0, sizeof(names));

    if (build_query(r, levels, &sql, &params) != 0) {
        api_error_set(err, 500, NULL, "out of memory while building the summary query");
        goto out;
    }
    stmt = db_prepare(db, sql.text, &params);
    if (stmt == NULL) {
        report_aggregate_fail(db, NULL, "summary", err);
        goto out;
    }
    for (int i = 0; i < levels; i++) {
        struct text_column *cols[2] = {&keys[i], &names[i]};
        for (int j = 0; j < 2; j++) {
            MYSQL_BIND *bind = &binds[i * 2 + j];
            bind->buffer_type = MYSQL_TYPE_STRING;
            bind->buffer = cols[j]->buffer;
            bind->buffer_length = sizeof(cols[j]->buffer);
            bind->length = &cols[j]->length;
            bind->is_null = &cols[j]->is_null;
            bind->error = &cols[j]->error;
        }
    }
    for (int k = 0; k < 5; k++) {
        MYSQL_BIND *bind = &binds[levels * 2 + k];
        bind->buffer_type = MYSQL_TYPE_LONGLONG;
        bind->buffer = &sums[k];
        bind->is_null = &sum_null[k];
    }
    if (mysql_stmt_execute(stmt) != 0 || mysql_stmt_bind_result(stmt, binds) != 0) {
        report_aggregate_fail(db, stmt, "summary", err);
        goto out;
    }

    for (;;) {
        int fetched = mysql_stmt_fetch(stmt);
        if (fetched == MYSQL_NO_DATA)
            break;
        if (fetched != 0 && fetched != MYSQL_DATA_TRUNCATED) {
            report_aggregate_fail(db, stmt, "summary", err);
            goto out;
        }
        struct summary_row *row = rows_push(rows);
        if (row == NULL) {
            api_error_set(err, 500, NULL, "out of memory while reading the summary groups");
            goto out;
        }
        for (int i = 0; i < levels; i++) {
            char *key = NULL;
            if (column_text(stmt, (unsigned int)(i * 2), &keys[i], &key) != 0 ||
                column_text(stmt, (unsigned int)(i * 2 + 1), &names[i], &row->names[i]) != 0) {
                free(key);
                api_error_set(err, 500, NULL, "out of memory while reading the summary groups");
                goto out;
            }
            if (group_is_text(r->summary.groups[i])) {
                row->keys[i].text = key;
            } else {
                row->keys[i].id = key != NULL ? strtoull(key, NULL, 10) : 0;
                free(key);
            }
        }
        row->sums.duration = sum_null[0] ? 0 : sums[0];
        row->sums.billable = sum_null[1] ? 0 : sums[1];
        row->sums.count = sum_null[2] ? 0 : sums[2];
        row->sums.earned = sum_null[3] ? 0 : sums[3];
        row->sums.cost = sum_null[4] ? 0 : sums[4];
    }
    result = 0;
out:
    if (stmt != NULL)
        mysql_stmt_close(stmt);
    db_params_free(&params);
    report_sql_free(&sql);
    return result;
}

/* ---- the group tree ----------------------------------------------------------------------- */

static int compare_key(const struct summary_key *a, const struct summary_key *b)
{
    if (a->text != NULL || b->text != NULL) {
        if (a->text == NULL)
            return -1;
        if (b->text == NULL)
            return 1;
        return strcmp(a->text, b->text);
    }
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return 0;
}

/* qsort_r context: how many leading keys to compare. */
static int compare_rows(const void *pa, const void *pb, void *context)
{
    const struct summary_row *a = pa;
    const struct summary_row *b = pb;
    int levels = *(const int *)context;

    for (int i = 0; i < levels; i++) {
        int c = compare_key(&a->keys[i], &b->keys[i]);
        if (c != 0)
            return c;
    }
    return 0;
}

static void sums_add(struct summary_sums *to, const struct summary_sums *from)
{
    to->duration += from->duration;
    to->billable += from->billable;
    to->count += from->count;
    to->earned += from->earned;
    to->cost += from->cost;
}

static const char *without_name(enum summary_group group)
{
    switch (group) {
    case SUMMARY_GROUP_PROJECT:
        return "(Without project)";
    case SUMMARY_GROUP_CLIENT:
        return "(Without client)";
    case SUMMARY_GROUP_USER:
        return "(Without user)";
    case SUMMARY_GROUP_USER_GROUP:
        return "(Without group)";
    case SUMMARY_GROUP_TASK:
        return "(Without task)";
    case SUMMARY_GROUP_TAG:
        return "(Without tag)";
    case SUMMARY_GROUP_TIMEENTRY:
        return "(Without description)";
    default:
        return "";
    }
}

static void nodes_free(struct summary_node *nodes, size_t count)
{
    for (size_t i = 0; nodes != NULL && i < count; i++) {
        free(nodes[i].id);
        free(nodes[i].name);
        nodes_free(nodes[i].children, nodes[i].child_count);
    }
    free(nodes);
}

/* Fills a node's id, name and day from the key of level of row. Returns 0 or -1. */
static int node_label(struct summary_node *node, enum summary_group group,
                      const struct summary_row *row, int level)
{
    const struct summary_key *key = &row->keys[level];
    char number[24];
    const char *name;

    if (group_is_text(group)) {
        node->id = strdup(key->text != NULL ? key->text : "");
        bool empty = key->text == NULL || key->text[0] == '\0';
        name = empty ? without_name(group) : key->text;
    } else if (key->id == 0) {
        node->id = strdup("");
        name = without_name(group);
    } else {
        snprintf(number, sizeof(number), "%llu", (unsigned long long)key->id);
        node->id = strdup(number);
        name = row->names[level] != NULL ? row->names[level] : "";
    }
    node->name = strdup(name);
    if (group == SUMMARY_GROUP_DATE && key->text != NULL) {
        int year = 0, month = 0, day = 0;
        if (sscanf(key->text, "%4d-%2d-%2d", &year, &month, &day) == 3)
            node->day = civil_days_from_date(year, month, day);
    }
    return node->id != NULL && node->name != NULL ? 0 : -1;
}

/* Finds the row of prefix (sorted by the first `levels` keys) whose keys equal row's. */
static const struct summary_row *prefix_find(const struct summary_rows *prefix, int levels,
                                             const struct summary_row *row)
{
    size_t low = 0;
    size_t high = prefix->count;

    while (low < high) {
        size_t mid = low + (high - low) / 2;
        int c = compare_rows(&prefix->items[mid], row, &levels);
        if (c == 0)
            return &prefix->items[mid];
        if (c < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return NULL;
}

/* Builds the nodes of one level from rows[0..count) (sorted, equal keys above level). parents
 * contains per level the rows of its own GROUP BY, or NULL where the sum of the children
 * is right. */
static int build_level(const struct report_request *r, const struct summary_row *rows,
                       size_t count, int level, const struct summary_rows *const *parents,
                       struct summary_node **out, size_t *out_count)
{
    struct summary_node *nodes = NULL;
    size_t node_count = 0;
    int result = -1;

    *out = NULL;
    *out_count = 0;
    if (level < 0 || level >= REPORT_GROUPS_MAX)
        return -1;
    enum summary_group group = r->summary.groups[level];

    for (size_t start = 0; start < count;) {
        size_t end = start + 1;
        while (end < count && compare_key(&rows[start].keys[level], &rows[end].keys[level]) == 0)
            end++;

        struct summary_node *grown = realloc(nodes, (node_count + 1) * sizeof(*nodes));
        if (grown == NULL)
            goto out;
        nodes = grown;
        struct summary_node *node = &nodes[node_count++];
        memset(node, 0, sizeof(*node));
        if (node_label(node, group, &rows[start], level) != 0)
            goto out;

        if (level + 1 < r->summary.group_count) {
            if (build_level(r, &rows[start], end - start, level + 1, parents, &node->children,
                            &node->child_count) != 0)
                goto out;
        }
        const struct summary_rows *own = parents[level + 1];
        const struct summary_row *found = own != NULL ? prefix_find(own, level + 1, &rows[start])
                                                      : NULL;
        if (found != NULL) {
            node->sums = found->sums;
        } else {
            /* NOTE: a parent missing from its own GROUP BY (a description that differs only
             * in trailing spaces, which the PAD SPACE collation groups together) falls back
             * to the sum of its children. */
            for (size_t i = start; i < end; i++)
                sums_add(&node->sums, &rows[i].sums);
        }
        start = end;
    }
    result = 0;
out:
    if (result != 0) {
        nodes_free(nodes, node_count);
        nodes = NULL;
        node_count = 0;
    }
    *out = nodes;
    *out_count = node_count;
    return result;
}

static int64_t shown_amount(enum amount_kind amounts, const struct summary_sums *sums)
{
    switch (amounts) {
    case AMOUNT_EARNED:
        return sums->earned;
    case AMOUNT_COST:
        return sums->cost;
    case AMOUNT_PROFIT:
        return sums->earned - sums->cost;
    case AMOUNT_HIDE:
    default:
        return 0;
    }
}

static int compare_names(const char *a, const char *b)
{
    int c = strcasecmp(a, b);
    return c != 0 ? c : strcmp(a, b);
}

static int compare_nodes(const void *pa, const void *pb, void *context)
{
    const struct summary_node *a = pa;
    const struct summary_node *b = pb;
    const struct report_summary *s = context;
    int c = 0;

    if (s->sort_column == SUMMARY_SORT_GROUP) {
        c = compare_names(a->name, b->name);
        return s->sort_order == SORT_DESCENDING ? -c : c;
    }
    int64_t x = a->sums.duration;
    int64_t y = b->sums.duration;
    if (s->sort_column == SUMMARY_SORT_AMOUNT) {
        x = shown_amount(s->amounts, &a->sums);
        y = shown_amount(s->amounts, &b->sums);
    }
    if (x != y) {
        c = x < y ? -1 : 1;
        return s->sort_order == SORT_DESCENDING ? -c : c;
    }
    /* Equal values keep a stable, readable order: by name, ascending. */
    return compare_names(a->name, b->name);
}

static void sort_nodes(struct report_summary *s, struct summary_node *nodes, size_t count)
{
    if (count > 1)
        qsort_r(nodes, count, sizeof(*nodes), compare_nodes, s);
    for (size_t i = 0; i < count; i++)
        sort_nodes(s, nodes[i].children, nodes[i].child_count);
}

/* ---- run ---------------------------------------------------------------------------------- */

/* Checks that MariaDB's time zone tables know the request's zone: CONVERT_TZ returns NULL for
 * an unknown one, which would put every entry in a NULL date group. */
static int check_zone(struct db *db, const struct report_request *r, struct api_error *err)
{
    struct db_params params;
    uint64_t known = 0;
    int found;

    db_params_init(&params);
    if (add_zone(r, &params) != 0) {
        db_params_free(&params);
        return api_error_set(err, 500, NULL, "out of memory while checking the time zone");
    }
    found = db_fetch_u64(db, "SELECT CONVERT_TZ('2000-01-01 00:00:00', '+00:00', ?) IS NOT NULL",
                         &params, &known);
    db_params_free(&params);
    if (found < 0)
        return report_aggregate_fail(db, NULL, "summary", err);
    if (found == 0 || known == 0)
        return api_error_set(err, 500, NULL,
                             "the database has no time zone data for %s; load it with "
                             "mariadb-tzinfo-to-sql",
                             report_aggregate_zone(r));
    return 0;
}

static bool uses_local_time(const struct report_request *r)
{
    for (int i = 0; i < r->summary.group_count; i++) {
        enum summary_group group = r->summary.groups[i];
        if (group == SUMMARY_GROUP_DATE || group == SUMMARY_GROUP_WEEK ||
            group == SUMMARY_GROUP_MONTH)
            return true;
    }
    return false;
}

/* Runs every query of the report inside the caller's transaction. */
static int run_queries(struct db *db, const struct report_request *r, struct report_summary *s,
                       struct api_error *err)
{
    struct summary_rows leaves = {0};
    struct summary_rows prefix[REPORT_GROUPS_MAX] = {{0}};
    const struct summary_rows *parents[REPORT_GROUPS_MAX + 1] = {NULL};
    int levels = r->summary.group_count;
    int result = -1;

    if (uses_local_time(r) && check_zone(db, r, err) != 0)
        goto out;
    if (fetch_groups(db, r, levels, &leaves, err) != 0)
        goto out;
    if (leaves.count > 1)
        qsort_r(leaves.items, leaves.count, sizeof(*leaves.items), compare_rows, &levels);

    /* Prefix depth d (0 = totals) needs its own GROUP BY when a level at d or below fans out. */
    for (int depth = levels - 1; depth >= 0; depth--) {
        bool fans_out = false;
        for (int i = depth; i < levels; i++)
            fans_out = fans_out || group_fans_out(r->summary.groups[i]);
        if (!fans_out)
            continue;
        if (fetch_groups(db, r, depth, &prefix[depth], err) != 0)
            goto out;
        int depth_levels = depth;
        if (prefix[depth].count > 1)
            qsort_r(prefix[depth].items, prefix[depth].count, sizeof(*prefix[depth].items),
                    compare_rows, &depth_levels);
        if (depth > 0)
            parents[depth] = &prefix[depth];
    }

    if (prefix[0].count > 0) {
        s->totals = prefix[0].items[0].sums;
    } else {
        for (size_t i = 0; i < leaves.count; i++)
            sums_add(&s->totals, &leaves.items[i].sums);
    }
    if (build_level(r, leaves.items, leaves.count, 0, parents, &s->top, &s->top_count) != 0) {
        api_error_set(err, 500, NULL, "out of memory while building the summary groups");
        goto out;
    }
    sort_nodes(s, s->top, s->top_count);
    result = 0;
out:
    rows_free(&leaves);
    for (int i = 0; i < REPORT_GROUPS_MAX; i++)
        rows_free(&prefix[i]);
    return result;
}

int report_summary_run(struct db *db, const struct report_request *r,
                       struct report_summary **out, struct api_error *err)
{
    struct report_summary *s = NULL;
    bool in_transaction = false;
    int result = -1;

    *out = NULL;
    if (r->summary.group_count < 1 || r->summary.group_count > REPORT_GROUPS_MAX) {
        api_error_set(err, 400, "summaryFilter.groups", "give 1 to 3 groups");
        goto out;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL) {
        api_error_set(err, 500, NULL, "out of memory while starting the summary report");
        goto out;
    }
    memcpy(s->groups, r->summary.groups, sizeof(s->groups));
    s->group_count = r->summary.group_count;
    s->sort_column = r->summary.sort_column;
    s->sort_order = r->sort_order;
    s->amounts = r->amounts;
    memcpy(s->currency, r->currency, sizeof(s->currency));
    s->currency[sizeof(s->currency) - 1] = '\0';
    s->format = r->format;

    if (db_exec(db, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY") != 0) {
        report_aggregate_fail(db, NULL, "summary", err);
        goto out;
    }
    in_transaction = true;
    if (run_queries(db, r, s, err) != 0)
        goto out;
    in_transaction = false;
    if (db_exec(db, "COMMIT") != 0) {
        report_aggregate_fail(db, NULL, "summary", err);
        goto out;
    }
    *out = s;
    s = NULL;
    result = 0;
out:
    if (in_transaction && db_exec(db, "ROLLBACK") != 0)
        log_warn("summary report: rollback failed: %s", db->error);
    report_summary_free(s);
    return result;
}

void report_summary_free(struct report_summary *s)
{
    if (s == NULL)
        return;
    nodes_free(s->top, s->top_count);
    free(s);
}

/* ---- JSON --------------------------------------------------------------------------------- */

static int sink_text(struct sink *out, const char *text)
{
    return out->write(out->ctx, text, strlen(text));
}

static json_t *node_json(const struct report_summary *s, const struct summary_node *node)
{
    json_t *object = json_pack("{s:s,s:s,s:I,s:I,s:o}", "_id", node->id, "name", node->name,
                               "duration", (json_int_t)node->sums.duration, "amount",
                               (json_int_t)shown_amount(s->amounts, &node->sums), "amounts",
                               report_aggregate_amounts(s->amounts, node->sums.earned,
                                                        node->sums.cost));
    if (object == NULL || node->child_count == 0)
        return object;

    json_t *children = json_array();
    for (size_t i = 0; children != NULL && i < node->child_count; i++) {
        if (json_array_append_new(children, node_json(s, &node->children[i])) != 0) {
            json_decref(children);
            children = NULL;
        }
    }
    if (children == NULL || json_object_set_new(object, "children", children) != 0) {
        json_decref(object);
        return NULL;
    }
    return object;
}

int report_summary_json(const struct report_summary *s, struct sink *out)
{
    json_t *totals = NULL;
    int result = -1;

    totals = json_pack("{s:s,s:I,s:I,s:I,s:I,s:o}", "_id", "", "totalTime",
                       (json_int_t)s->totals.duration, "totalBillableTime",
                       (json_int_t)s->totals.billable, "entriesCount",
                       (json_int_t)s->totals.count, "totalAmount",
                       (json_int_t)shown_amount(s->amounts, &s->totals), "amounts",
                       report_aggregate_amounts(s->amounts, s->totals.earned, s->totals.cost));
    if (totals == NULL)
        goto out;
    if (sink_text(out, "{\"totals\":[") != 0 ||
        report_aggregate_send_json(totals, out) != 0 ||
        sink_text(out, "],\"groupOne\":[") != 0)
        goto out;
    /* One top-level group at a time, so a large report never exists as one JSON tree. */
    for (size_t i = 0; i < s->top_count; i++) {
        json_t *group = node_json(s, &s->top[i]);
        int dumped = group != NULL ? report_aggregate_send_json(group, out) : -1;
        json_decref(group);
        if (dumped != 0)
            goto out;
        if (i + 1 < s->top_count && sink_text(out, ",") != 0)
            goto out;
    }
    if (sink_text(out, "]}") != 0)
        goto out;
    result = 0;
out:
    json_decref(totals);
    return result;
}

/* ---- CSV ---------------------------------------------------------------------------------- */

static const char *level_header(enum summary_group group)
{
    static const char *const headers[] = {
        [SUMMARY_GROUP_PROJECT] = "Project", [SUMMARY_GROUP_CLIENT] = "Client",
        [SUMMARY_GROUP_USER] = "User",       [SUMMARY_GROUP_USER_GROUP] = "Group",
        [SUMMARY_GROUP_TASK] = "Task",       [SUMMARY_GROUP_TAG] = "Tag",
        [SUMMARY_GROUP_DATE] = "Date",       [SUMMARY_GROUP_WEEK] = "Week",
        [SUMMARY_GROUP_MONTH] = "Month",     [SUMMARY_GROUP_TIMEENTRY] = "Description",
    };
    if ((size_t)group >= sizeof(headers) / sizeof(headers[0]))
        return "";
    return headers[group];
}

/* Money columns of an amount kind: up to three headers such as "Amount (EUR)", and which sum
 * each shows (0 earned, 1 cost, 2 profit). Returns the number of columns. */
static size_t money_columns(enum amount_kind amounts, const char *currency, char headers[3][32],
                            int kinds[3])
{
    const char *code = currency != NULL && currency[0] != '\0' ? currency : "USD";
    size_t n = 0;

    if (amounts == AMOUNT_EARNED || amounts == AMOUNT_PROFIT) {
        snprintf(headers[n], 32, "Amount (%s)", code);
        kinds[n++] = 0;
    }
    if (amounts == AMOUNT_COST || amounts == AMOUNT_PROFIT) {
        snprintf(headers[n], 32, "Cost (%s)", code);
        kinds[n++] = 1;
    }
    if (amounts == AMOUNT_PROFIT) {
        snprintf(headers[n], 32, "Profit (%s)", code);
        kinds[n++] = 2;
    }
    return n;
}

static int64_t money_of(const struct summary_sums *sums, int kind)
{
    if (kind == 0)
        return sums->earned;
    if (kind == 1)
        return sums->cost;
    return sums->earned - sums->cost;
}

struct csv_state {
    const struct report_summary *s;
    struct csv_writer *w;
    const char *names[REPORT_GROUPS_MAX]; /* the current path's group names */
    char dates[REPORT_GROUPS_MAX][FORMAT_BUFFER_MIN]; /* DATE levels in the dateFormat */
    char money_headers[3][32];
    int money_kinds[3];
    size_t money_count;
};

static int csv_sums(struct csv_state *st, const struct summary_sums *sums)
{
    char text[FORMAT_BUFFER_MIN * 2];

    format_duration(&st->s->format, sums->duration, text, sizeof(text));
    csv_writer_number(st->w, text);
    format_hours_decimal(&st->s->format, sums->duration, text, sizeof(text));
    csv_writer_number(st->w, text);
    for (size_t i = 0; i < st->money_count; i++) {
        format_money(&st->s->format, money_of(sums, st->money_kinds[i]), text, sizeof(text));
        csv_writer_number(st->w, text);
    }
    return csv_writer_end_row(st->w);
}

static int csv_nodes(struct csv_state *st, const struct summary_node *nodes, size_t count,
                     int level)
{
    if (level < 0 || level >= REPORT_GROUPS_MAX)
        return -1;
    for (size_t i = 0; i < count; i++) {
        st->names[level] = nodes[i].name;
        if (st->s->groups[level] == SUMMARY_GROUP_DATE && nodes[i].id[0] != '\0') {
            struct tz_local local;
            memset(&local, 0, sizeof(local));
            local.days = nodes[i].day;
            civil_date_from_days(local.days, &local.year, &local.month, &local.day);
            format_date(&st->s->format, &local, st->dates[level], sizeof(st->dates[level]));
            st->names[level] = st->dates[level];
        }
        if (nodes[i].child_count > 0) {
            if (csv_nodes(st, nodes[i].children, nodes[i].child_count, level + 1) != 0)
                return -1;
            continue;
        }
        for (int j = 0; j < st->s->group_count; j++) {
            const char *name = j <= level ? st->names[j] : "";
            csv_writer_field(st->w, name, strlen(name));
        }
        if (csv_sums(st, &nodes[i].sums) != 0)
            return -1;
    }
    return 0;
}

int report_summary_csv(const struct report_summary *s, struct sink *out)
{
    struct csv_state st;
    int result = -1;

    memset(&st, 0, sizeof(st));
    st.s = s;
    st.money_count = money_columns(s->amounts, s->currency, st.money_headers, st.money_kinds);
    st.w = csv_writer_new(out, s->format.delimiter, true);
    if (st.w == NULL)
        goto out;
    if (s->format.bom)
        csv_writer_write_bom(st.w);
    for (int i = 0; i < s->group_count; i++) {
        const char *header = level_header(s->groups[i]);
        csv_writer_field(st.w, header, strlen(header));
    }
    csv_writer_field(st.w, "Time (h)", strlen("Time (h)"));
    csv_writer_field(st.w, "Time (decimal)", strlen("Time (decimal)"));
    for (size_t i = 0; i < st.money_count; i++)
        csv_writer_field(st.w, st.money_headers[i], strlen(st.money_headers[i]));
    if (csv_writer_end_row(st.w) != 0)
        goto out;

    if (csv_nodes(&st, s->top, s->top_count, 0) != 0)
        goto out;
    csv_writer_field(st.w, "Total", strlen("Total"));
    for (int i = 1; i < s->group_count; i++)
        csv_writer_field(st.w, "", 0);
    if (csv_sums(&st, &s->totals) != 0 || csv_writer_flush(st.w) != 0)
        goto out;
    result = 0;
out:
    csv_writer_free(st.w);
    return result;
}

/* ---- XLSX --------------------------------------------------------------------------------- */

struct xlsx_state {
    const struct report_summary *s;
    struct xlsx_export *x;
    int money_kinds[3];
    size_t money_count;
};

/* Writes the sums of one row from column first on. */
static int xlsx_sums(struct xlsx_state *st, size_t first, const struct summary_sums *sums)
{
    int failed = 0;

    failed |= xlsx_export_duration(st->x, first, sums->duration);
    failed |= xlsx_export_number(st->x, first + 1, (double)sums->duration / 3600.0);
    for (size_t i = 0; i < st->money_count; i++)
        failed |= xlsx_export_money(st->x, first + 2 + i, money_of(sums, st->money_kinds[i]));
    return failed != 0 ? -1 : 0;
}

/* Writes each node as a row, parents above their children, nested by outline level. */
static int xlsx_nodes(struct xlsx_state *st, const struct summary_node *nodes, size_t count,
                      int level)
{
    size_t first = (size_t)st->s->group_count;

    if (level < 0 || level >= REPORT_GROUPS_MAX)
        return -1;
    for (size_t i = 0; i < count; i++) {
        const struct summary_node *node = &nodes[i];
        if (xlsx_export_begin_row(st->x) != 0 || xlsx_export_set_row_level(st->x, level) != 0)
            return -1;
        int written;
        if (st->s->groups[level] == SUMMARY_GROUP_DATE && node->id[0] != '\0')
            written = xlsx_export_date(st->x, (size_t)level, node->day);
        else
            written = xlsx_export_text(st->x, (size_t)level, node->name, strlen(node->name));
        if (written != 0 || xlsx_sums(st, first, &node->sums) != 0)
            return -1;
        if (xlsx_nodes(st, node->children, node->child_count, level + 1) != 0)
            return -1;
    }
    return 0;
}

int report_summary_xlsx(const struct report_summary *s, const char *path, const char *tmp_dir,
                        char *err, size_t err_size)
{
    struct xlsx_state st;
    const char *headers[REPORT_GROUPS_MAX + 5];
    enum xlsx_cell_type types[REPORT_GROUPS_MAX + 5];
    char money_headers[3][32];
    size_t columns = 0;
    int result = -1;

    memset(&st, 0, sizeof(st));
    st.s = s;
    st.money_count = money_columns(s->amounts, s->currency, money_headers, st.money_kinds);
    for (int i = 0; i < s->group_count; i++) {
        headers[columns] = level_header(s->groups[i]);
        types[columns++] = s->groups[i] == SUMMARY_GROUP_DATE ? XLSX_CELL_DATE : XLSX_CELL_TEXT;
    }
    headers[columns] = "Time (h)";
    types[columns++] = XLSX_CELL_DURATION;
    headers[columns] = "Time (decimal)";
    types[columns++] = XLSX_CELL_NUMBER;
    for (size_t i = 0; i < st.money_count; i++) {
        headers[columns] = money_headers[i];
        types[columns++] = XLSX_CELL_MONEY;
    }

    st.x = xlsx_export_new(path, tmp_dir, &s->format, err, err_size);
    if (st.x == NULL)
        goto out;
    if (xlsx_export_set_columns(st.x, headers, types, columns) != 0 ||
        xlsx_nodes(&st, s->top, s->top_count, 0) != 0 || xlsx_export_begin_row(st.x) != 0 ||
        xlsx_export_text(st.x, 0, "Total", strlen("Total")) != 0 ||
        xlsx_sums(&st, (size_t)s->group_count, &s->totals) != 0) {
        /* The export keeps the first error; close reports it and deletes the partial file. */
        if (xlsx_export_close(st.x, err, err_size) == 0) {
            snprintf(err, err_size, "writing the summary XLSX failed");
            unlink(path);
        }
        goto out;
    }
    if (xlsx_export_close(st.x, err, err_size) != 0)
        goto out;
    result = 0;
out:
    xlsx_export_free(st.x);
    return result;
}
