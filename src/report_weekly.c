/* report_weekly.c - the weekly report: one GROUP BY (group, subgroup, local day) in MariaDB, a
 * two-level grid in memory, and its JSON, CSV and XLSX writers.
 * SPDX-License-Identifier: MIT
 */
#include "report_weekly.h"

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

#define WEEKLY_DAYS 7

/* Bytes of a fetched name: names are VARCHAR(255) in utf8mb4, at most 1020 bytes. */
#define WEEKLY_NAME_MAX 1024

struct weekly_sums {
    int64_t duration; /* seconds, after rounding when the request sets it */
    int64_t billable;
    int64_t count;
    int64_t earned; /* cents */
    int64_t cost;
};

/* One row of the GROUP BY. */
struct weekly_row {
    uint64_t group_id; /* 0 = without project */
    uint64_t child_id;
    int day; /* 0..6 from the week's first day */
    char *group_name;
    char *child_name;
    struct weekly_sums sums;
};

struct weekly_node {
    char *id; /* decimal id, "" for entries without a project */
    char *name;
    struct weekly_sums days[WEEKLY_DAYS];
    struct weekly_sums total;
    struct weekly_node *children;
    size_t child_count;
};

struct report_weekly {
    enum weekly_group group;
    enum weekly_subgroup subgroup;
    enum amount_kind amounts;
    enum sort_order sort_order;
    char currency[4];
    struct format_options format;
    int64_t first_day; /* local day number of the week's first day */
    struct weekly_sums days[WEEKLY_DAYS];
    struct weekly_sums totals;
    struct weekly_node *top;
    size_t top_count;
};

/* ---- query -------------------------------------------------------------------------------- */

/* Builds
 *   SELECT g.k0, n0.name, g.k1, n1.name, g.day, g.d, g.b, g.c, g.earned, g.cost
 *   FROM (SELECT e.user_id AS k0, e.project_id AS k1, DATEDIFF(<local start>, ?) AS day, sums
 *         FROM time_entries e WHERE <filters> GROUP BY k0, k1, day) g
 *   LEFT JOIN users n0 ON n0.id = g.k0 LEFT JOIN projects n1 ON n1.id = g.k1
 * (k0 and k1 swap for group PROJECT) and binds the zone, the first day and the filters. */
static int build_query(const struct report_request *week, const char *first_date,
                       struct report_sql *sql, struct db_params *params)
{
    struct report_sql duration;
    bool by_user = week->weekly.group == WEEKLY_GROUP_USER;
    const char *zone = report_aggregate_zone(week);
    int result = -1;

    report_sql_init(&duration);
    if (report_query_duration_expr(week, &duration) != 0)
        goto out;
    report_sql_append(sql, "SELECT g.k0, n0.name, g.k1, n1.name, g.day, g.d, g.b, g.c, "
                           "g.earned, g.cost FROM (SELECT ");
    report_sql_append(sql, by_user ? "e.user_id AS k0, e.project_id AS k1, "
                                   : "e.project_id AS k0, e.user_id AS k1, ");
    report_sql_append(sql, "DATEDIFF(CONVERT_TZ(e.start_at, '+00:00', ?), ?) AS day, ");
    if (db_params_add_text(params, zone, strlen(zone)) != 0 ||
        db_params_add_text(params, first_date, strlen(first_date)) != 0)
        goto out;
    report_sql_appendf(sql, "SUM(%s) AS d, SUM(CASE WHEN e.billable = 1 THEN %s ELSE 0 END) AS b,"
                            " COUNT(*) AS c, SUM(",
                       duration.text, duration.text);
    report_query_earned_expr(week, sql);
    report_sql_append(sql, ") AS earned, SUM(");
    report_query_cost_expr(week, sql);
    report_sql_append(sql, ") AS cost FROM time_entries e WHERE ");
    if (report_query_where(week, sql, params) != 0)
        goto out;
    report_sql_append(sql, " GROUP BY k0, k1, day) g");
    report_sql_append(sql, by_user ? " LEFT JOIN users n0 ON n0.id = g.k0"
                                     " LEFT JOIN projects n1 ON n1.id = g.k1"
                                   : " LEFT JOIN projects n0 ON n0.id = g.k0"
                                     " LEFT JOIN users n1 ON n1.id = g.k1");
    result = sql->failed ? -1 : 0;
out:
    report_sql_free(&duration);
    return result;
}

struct weekly_rows {
    struct weekly_row *items;
    size_t count;
    size_t cap;
};

static void rows_free(struct weekly_rows *rows)
{
    for (size_t i = 0; i < rows->count; i++) {
        free(rows->items[i].group_name);
        free(rows->items[i].child_name);
    }
    free(rows->items);
    memset(rows, 0, sizeof(*rows));
}

static struct weekly_row *rows_push(struct weekly_rows *rows)
{
    if (rows->count == rows->cap) {
        size_t cap = rows->cap ? rows->cap * 2 : 64;
        struct weekly_row *items = realloc(rows->items, cap * sizeof(*items));
        if (items == NULL)
            return NULL;
        rows->items = items;
        rows->cap = cap;
    }
    struct weekly_row *row = &rows->items[rows->count++];
    memset(row, 0, sizeof(*row));
    return row;
}

static char *copy_name(const char *buffer, unsigned long length, my_bool is_null)
{
    char *copy = malloc(is_null ? 1 : (size_t)length + 1);

    if (copy == NULL)
        return NULL;
    if (!is_null)
        memcpy(copy, buffer, length);
    copy[is_null ? 0 : length] = '\0';
    return copy;
}

static int fetch_rows(struct db *db, const struct report_request *week, const char *first_date,
                      struct weekly_rows *rows, struct api_error *err)
{
    struct report_sql sql;
    struct db_params params;
    MYSQL_STMT *stmt = NULL;
    MYSQL_BIND binds[10];
    int64_t numbers[10]; /* k0, -, k1, -, day, five sums */
    my_bool is_null[10];
    char names[2][WEEKLY_NAME_MAX];
    unsigned long name_length[2];
    int result = -1;

    report_sql_init(&sql);
    db_params_init(&params);
    memset(binds, 0, sizeof(binds));
    memset(numbers, 0, sizeof(numbers));
    if (build_query(week, first_date, &sql, &params) != 0) {
        api_error_set(err, 500, NULL, "out of memory while building the weekly query");
        goto out;
    }
    stmt = db_prepare(db, sql.text, &params);
    if (stmt == NULL) {
        report_aggregate_fail(db, NULL, "weekly", err);
        goto out;
    }
    for (int i = 0; i < 10; i++) {
        binds[i].is_null = &is_null[i];
        if (i == 1 || i == 3) {
            int n = i / 2;
            binds[i].buffer_type = MYSQL_TYPE_STRING;
            binds[i].buffer = names[n];
            binds[i].buffer_length = sizeof(names[n]);
            binds[i].length = &name_length[n];
        } else {
            binds[i].buffer_type = MYSQL_TYPE_LONGLONG;
            binds[i].buffer = &numbers[i];
            binds[i].is_unsigned = i == 0 || i == 2;
        }
    }
    if (mysql_stmt_execute(stmt) != 0 || mysql_stmt_bind_result(stmt, binds) != 0) {
        report_aggregate_fail(db, stmt, "weekly", err);
        goto out;
    }
    for (;;) {
        int fetched = mysql_stmt_fetch(stmt);
        if (fetched == MYSQL_NO_DATA)
            break;
        if (fetched != 0) {
            report_aggregate_fail(db, stmt, "weekly", err);
            goto out;
        }
        if (is_null[4] || numbers[4] < 0 || numbers[4] >= WEEKLY_DAYS) {
            /* The range covers exactly the seven local days, so a day outside them (or NULL)
             * means MariaDB's time zone tables lack the zone or disagree with the system's. */
            api_error_set(err, 500, NULL,
                          "the database's time zone data for %s is missing or differs from the "
                          "system's; load it with mariadb-tzinfo-to-sql",
                          report_aggregate_zone(week));
            goto out;
        }
        struct weekly_row *row = rows_push(rows);
        if (row == NULL) {
            api_error_set(err, 500, NULL, "out of memory while reading the weekly groups");
            goto out;
        }
        row->group_id = is_null[0] ? 0 : (uint64_t)numbers[0];
        row->child_id = is_null[2] ? 0 : (uint64_t)numbers[2];
        row->day = (int)numbers[4];
        row->group_name = copy_name(names[0], name_length[0], is_null[1]);
        row->child_name = copy_name(names[1], name_length[1], is_null[3]);
        if (row->group_name == NULL || row->child_name == NULL) {
            api_error_set(err, 500, NULL, "out of memory while reading the weekly groups");
            goto out;
        }
        row->sums.duration = is_null[5] ? 0 : numbers[5];
        row->sums.billable = is_null[6] ? 0 : numbers[6];
        row->sums.count = is_null[7] ? 0 : numbers[7];
        row->sums.earned = is_null[8] ? 0 : numbers[8];
        row->sums.cost = is_null[9] ? 0 : numbers[9];
    }
    result = 0;
out:
    if (stmt != NULL)
        mysql_stmt_close(stmt);
    db_params_free(&params);
    report_sql_free(&sql);
    return result;
}

/* ---- grid --------------------------------------------------------------------------------- */

static void sums_add(struct weekly_sums *to, const struct weekly_sums *from)
{
    to->duration += from->duration;
    to->billable += from->billable;
    to->count += from->count;
    to->earned += from->earned;
    to->cost += from->cost;
}

static int compare_rows(const void *pa, const void *pb)
{
    const struct weekly_row *a = pa;
    const struct weekly_row *b = pb;

    if (a->group_id != b->group_id)
        return a->group_id < b->group_id ? -1 : 1;
    if (a->child_id != b->child_id)
        return a->child_id < b->child_id ? -1 : 1;
    return a->day - b->day;
}

static void nodes_free(struct weekly_node *nodes, size_t count)
{
    for (size_t i = 0; nodes != NULL && i < count; i++) {
        free(nodes[i].id);
        free(nodes[i].name);
        nodes_free(nodes[i].children, nodes[i].child_count);
    }
    free(nodes);
}

/* Appends a node for id/name to *nodes; a zero id is a project-less group. */
static struct weekly_node *nodes_push(struct weekly_node **nodes, size_t *count, uint64_t id,
                                      const char *name)
{
    char number[24] = "";
    struct weekly_node *grown = realloc(*nodes, (*count + 1) * sizeof(**nodes));

    if (grown == NULL)
        return NULL;
    *nodes = grown;
    struct weekly_node *node = &grown[(*count)++];
    memset(node, 0, sizeof(*node));
    if (id != 0)
        snprintf(number, sizeof(number), "%llu", (unsigned long long)id);
    node->id = strdup(number);
    node->name = strdup(id != 0 ? name : "(Without project)");
    if (node->id == NULL || node->name == NULL)
        return NULL;
    return node;
}

static int compare_nodes(const void *pa, const void *pb, void *context)
{
    const struct weekly_node *a = pa;
    const struct weekly_node *b = pb;
    const enum sort_order *order = context;
    int c = strcasecmp(a->name, b->name);

    if (c == 0)
        c = strcmp(a->name, b->name);
    if (c == 0)
        c = strcmp(a->id, b->id);
    return *order == SORT_DESCENDING ? -c : c;
}

/* Builds the group and child nodes from rows sorted by (group, child, day). */
static int build_grid(struct report_weekly *w, const struct weekly_rows *rows)
{
    for (size_t i = 0; i < rows->count;) {
        const struct weekly_row *first = &rows->items[i];
        struct weekly_node *group = nodes_push(&w->top, &w->top_count, first->group_id,
                                               first->group_name);
        if (group == NULL)
            return -1;
        while (i < rows->count && rows->items[i].group_id == first->group_id) {
            const struct weekly_row *child_first = &rows->items[i];
            struct weekly_node *child = nodes_push(&group->children, &group->child_count,
                                                   child_first->child_id, child_first->child_name);
            if (child == NULL)
                return -1;
            while (i < rows->count && rows->items[i].group_id == first->group_id &&
                   rows->items[i].child_id == child_first->child_id) {
                const struct weekly_row *row = &rows->items[i];
                sums_add(&child->days[row->day], &row->sums);
                sums_add(&child->total, &row->sums);
                sums_add(&group->days[row->day], &row->sums);
                sums_add(&group->total, &row->sums);
                sums_add(&w->days[row->day], &row->sums);
                sums_add(&w->totals, &row->sums);
                i++;
            }
        }
    }
    if (w->top_count > 1)
        qsort_r(w->top, w->top_count, sizeof(*w->top), compare_nodes, &w->sort_order);
    for (size_t i = 0; i < w->top_count; i++) {
        struct weekly_node *group = &w->top[i];
        if (group->child_count > 1)
            qsort_r(group->children, group->child_count, sizeof(*group->children), compare_nodes,
                    &w->sort_order);
    }
    return 0;
}

/* ---- run ---------------------------------------------------------------------------------- */

/* Sets week->start/end to the seven local days from the one that contains r->start, beginning
 * on r->week_start; stores the first day's number and its YYYY-MM-DD text. The current zone
 * must be r->time_zone. */
static void week_range(const struct report_request *r, struct report_request *week,
                       int64_t *first_day, char first_date[16])
{
    struct tz_local local;
    int year, month, day;

    tz_to_local(r->start, &local);
    *first_day = local.days - (local.weekday - r->week_start + 7) % 7;
    civil_date_from_days(*first_day, &year, &month, &day);
    week->start = tz_from_local(year, month, day, 0, 0, 0);
    snprintf(first_date, 16, "%04d-%02d-%02d", year, month, day);
    civil_date_from_days(*first_day + WEEKLY_DAYS, &year, &month, &day);
    week->end = tz_from_local(year, month, day, 0, 0, 0) - 1;
}

int report_weekly_run(struct db *db, const struct report_request *r, struct report_weekly **out,
                      struct api_error *err)
{
    struct report_weekly *w = NULL;
    struct report_request week;
    struct weekly_rows rows = {0};
    char first_date[16];
    bool in_transaction = false;
    int result = -1;

    *out = NULL;
    w = calloc(1, sizeof(*w));
    if (w == NULL) {
        api_error_set(err, 500, NULL, "out of memory while starting the weekly report");
        goto out;
    }
    w->group = r->weekly.group;
    w->subgroup = r->weekly.subgroup;
    w->amounts = r->amounts;
    w->sort_order = r->sort_order;
    memcpy(w->currency, r->currency, sizeof(w->currency));
    w->currency[sizeof(w->currency) - 1] = '\0';
    w->format = r->format;

    /* A shallow copy that only changes the range: it borrows r's filters and is not freed. */
    week = *r;
    week_range(r, &week, &w->first_day, first_date);

    if (db_exec(db, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY") != 0) {
        report_aggregate_fail(db, NULL, "weekly", err);
        goto out;
    }
    in_transaction = true;
    if (fetch_rows(db, &week, first_date, &rows, err) != 0)
        goto out;
    in_transaction = false;
    if (db_exec(db, "COMMIT") != 0) {
        report_aggregate_fail(db, NULL, "weekly", err);
        goto out;
    }
    if (rows.count > 1)
        qsort(rows.items, rows.count, sizeof(*rows.items), compare_rows);
    if (build_grid(w, &rows) != 0) {
        api_error_set(err, 500, NULL, "out of memory while building the weekly grid");
        goto out;
    }
    *out = w;
    w = NULL;
    result = 0;
out:
    if (in_transaction && db_exec(db, "ROLLBACK") != 0)
        log_warn("weekly report: rollback failed: %s", db->error);
    rows_free(&rows);
    report_weekly_free(w);
    return result;
}

void report_weekly_free(struct report_weekly *w)
{
    if (w == NULL)
        return;
    nodes_free(w->top, w->top_count);
    free(w);
}

/* ---- values ------------------------------------------------------------------------------- */

static int64_t amount_of(enum amount_kind kind, const struct weekly_sums *sums)
{
    switch (kind) {
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

/* The money a cell shows: the subgroup's kind, or the request's amounts for subgroup TIME. */
static int64_t cell_amount(const struct report_weekly *w, const struct weekly_sums *sums)
{
    switch (w->subgroup) {
    case WEEKLY_SUBGROUP_EARNED:
        return sums->earned;
    case WEEKLY_SUBGROUP_COST:
        return sums->cost;
    case WEEKLY_SUBGROUP_PROFIT:
        return sums->earned - sums->cost;
    case WEEKLY_SUBGROUP_TIME:
    default:
        return amount_of(w->amounts, sums);
    }
}

static void day_date(const struct report_weekly *w, int day, char out[16])
{
    int year, month, mday;

    civil_date_from_days(w->first_day + day, &year, &month, &mday);
    snprintf(out, 16, "%04d-%02d-%02d", year, month, mday);
}

/* ---- JSON --------------------------------------------------------------------------------- */

static json_t *days_json(const struct report_weekly *w, const struct weekly_sums *days)
{
    json_t *array = json_array();
    char date[16];

    for (int i = 0; array != NULL && i < WEEKLY_DAYS; i++) {
        day_date(w, i, date);
        json_t *item = json_pack("{s:s,s:I,s:I}", "date", date, "duration",
                                 (json_int_t)days[i].duration, "amount",
                                 (json_int_t)cell_amount(w, &days[i]));
        if (json_array_append_new(array, item) != 0) {
            json_decref(array);
            array = NULL;
        }
    }
    return array;
}

static json_t *node_json(const struct report_weekly *w, const struct weekly_node *node)
{
    json_t *object = json_pack("{s:s,s:s,s:I,s:I,s:o}", "_id", node->id, "name", node->name,
                               "duration", (json_int_t)node->total.duration, "amount",
                               (json_int_t)cell_amount(w, &node->total), "days",
                               days_json(w, node->days));
    if (object == NULL || node->children == NULL)
        return object;
    json_t *children = json_array();
    for (size_t i = 0; children != NULL && i < node->child_count; i++) {
        if (json_array_append_new(children, node_json(w, &node->children[i])) != 0) {
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

int report_weekly_json(const struct report_weekly *w, struct sink *out)
{
    json_t *root = NULL;
    json_t *groups = NULL;
    int result = -1;

    json_t *totals = json_pack("{s:s,s:I,s:I,s:I,s:I,s:o}", "_id", "", "totalTime",
                               (json_int_t)w->totals.duration, "totalBillableTime",
                               (json_int_t)w->totals.billable, "entriesCount",
                               (json_int_t)w->totals.count, "totalAmount",
                               (json_int_t)cell_amount(w, &w->totals), "amounts",
                               report_aggregate_amounts(w->amounts, w->totals.earned,
                                                        w->totals.cost));
    groups = json_array();
    for (size_t i = 0; groups != NULL && i < w->top_count; i++) {
        if (json_array_append_new(groups, node_json(w, &w->top[i])) != 0) {
            json_decref(groups);
            groups = NULL;
        }
    }
    /* "o" steals its arguments even when json_pack fails, so nothing leaks either way. */
    root = json_pack("{s:[o],s:o,s:o}", "totals", totals, "totalsByDay",
                     days_json(w, w->days), "groupOne", groups);
    if (root == NULL)
        goto out;
    if (report_aggregate_send_json(root, out) != 0)
        goto out;
    result = 0;
out:
    json_decref(root);
    return result;
}

/* ---- CSV ---------------------------------------------------------------------------------- */

static const char *group_header(enum weekly_group group)
{
    return group == WEEKLY_GROUP_USER ? "User" : "Project";
}

static const char *child_header(enum weekly_group group)
{
    return group == WEEKLY_GROUP_USER ? "Project" : "User";
}

static bool shows_time(const struct report_weekly *w)
{
    return w->subgroup == WEEKLY_SUBGROUP_TIME;
}

static void csv_value(const struct report_weekly *w, struct csv_writer *cw,
                      const struct weekly_sums *sums)
{
    char text[FORMAT_BUFFER_MIN * 2];

    if (shows_time(w))
        format_duration(&w->format, sums->duration, text, sizeof(text));
    else
        format_money(&w->format, cell_amount(w, sums), text, sizeof(text));
    csv_writer_number(cw, text);
}

static int csv_row(const struct report_weekly *w, struct csv_writer *cw, const char *group,
                   const char *child, const struct weekly_sums *days,
                   const struct weekly_sums *total)
{
    csv_writer_field(cw, group, strlen(group));
    csv_writer_field(cw, child, strlen(child));
    for (int i = 0; i < WEEKLY_DAYS; i++)
        csv_value(w, cw, &days[i]);
    csv_value(w, cw, total);
    return csv_writer_end_row(cw);
}

/* The header of day i in the request's dateFormat. */
static void day_header(const struct report_weekly *w, int day, char *out, size_t size)
{
    struct tz_local local;

    memset(&local, 0, sizeof(local));
    local.days = w->first_day + day;
    civil_date_from_days(local.days, &local.year, &local.month, &local.day);
    local.weekday = civil_weekday(local.days);
    format_date(&w->format, &local, out, size);
}

int report_weekly_csv(const struct report_weekly *w, struct sink *out)
{
    struct csv_writer *cw = csv_writer_new(out, w->format.delimiter, true);
    char date[FORMAT_BUFFER_MIN];
    int result = -1;

    if (cw == NULL)
        goto out;
    if (w->format.bom)
        csv_writer_write_bom(cw);
    csv_writer_field(cw, group_header(w->group), strlen(group_header(w->group)));
    csv_writer_field(cw, child_header(w->group), strlen(child_header(w->group)));
    for (int i = 0; i < WEEKLY_DAYS; i++) {
        day_header(w, i, date, sizeof(date));
        csv_writer_field(cw, date, strlen(date));
    }
    csv_writer_field(cw, "Total", strlen("Total"));
    if (csv_writer_end_row(cw) != 0)
        goto out;

    /* A group row (subgroup column empty), then one row per child that repeats the group's
     * name so that each row is complete in a spreadsheet filter. */
    for (size_t i = 0; i < w->top_count; i++) {
        const struct weekly_node *group = &w->top[i];
        if (csv_row(w, cw, group->name, "", group->days, &group->total) != 0)
            goto out;
        for (size_t j = 0; j < group->child_count; j++) {
            const struct weekly_node *child = &group->children[j];
            if (csv_row(w, cw, group->name, child->name, child->days, &child->total) != 0)
                goto out;
        }
    }
    if (csv_row(w, cw, "Total", "", w->days, &w->totals) != 0 || csv_writer_flush(cw) != 0)
        goto out;
    result = 0;
out:
    csv_writer_free(cw);
    return result;
}

/* ---- XLSX --------------------------------------------------------------------------------- */

static int xlsx_row(const struct report_weekly *w, struct xlsx_export *x, int level,
                    const char *group, const char *child, const struct weekly_sums *days,
                    const struct weekly_sums *total)
{
    int failed = 0;

    failed |= xlsx_export_begin_row(x);
    failed |= xlsx_export_set_row_level(x, level);
    failed |= xlsx_export_text(x, 0, group, strlen(group));
    failed |= xlsx_export_text(x, 1, child, strlen(child));
    for (int i = 0; i <= WEEKLY_DAYS; i++) {
        const struct weekly_sums *sums = i < WEEKLY_DAYS ? &days[i] : total;
        size_t col = 2 + (size_t)i;
        if (shows_time(w))
            failed |= xlsx_export_duration(x, col, sums->duration);
        else
            failed |= xlsx_export_money(x, col, cell_amount(w, sums));
    }
    return failed != 0 ? -1 : 0;
}

int report_weekly_xlsx(const struct report_weekly *w, const char *path, const char *tmp_dir,
                       char *err, size_t err_size)
{
    struct xlsx_export *x = NULL;
    char dates[WEEKLY_DAYS][FORMAT_BUFFER_MIN];
    const char *headers[WEEKLY_DAYS + 3];
    enum xlsx_cell_type types[WEEKLY_DAYS + 3];
    enum xlsx_cell_type value_type = shows_time(w) ? XLSX_CELL_DURATION : XLSX_CELL_MONEY;
    int failed = 0;
    int result = -1;

    headers[0] = group_header(w->group);
    types[0] = XLSX_CELL_TEXT;
    headers[1] = child_header(w->group);
    types[1] = XLSX_CELL_TEXT;
    for (int i = 0; i < WEEKLY_DAYS; i++) {
        day_header(w, i, dates[i], sizeof(dates[i]));
        headers[2 + i] = dates[i];
        types[2 + i] = value_type;
    }
    headers[WEEKLY_DAYS + 2] = "Total";
    types[WEEKLY_DAYS + 2] = value_type;

    x = xlsx_export_new(path, tmp_dir, &w->format, err, err_size);
    if (x == NULL)
        goto out;
    failed |= xlsx_export_set_columns(x, headers, types, WEEKLY_DAYS + 3);
    /* Children sit one outline level below their group and leave the group column empty, so
     * the sheet reads as nested and collapses per group. */
    for (size_t i = 0; failed == 0 && i < w->top_count; i++) {
        const struct weekly_node *group = &w->top[i];
        failed |= xlsx_row(w, x, 0, group->name, "", group->days, &group->total);
        for (size_t j = 0; failed == 0 && j < group->child_count; j++) {
            const struct weekly_node *child = &group->children[j];
            failed |= xlsx_row(w, x, 1, "", child->name, child->days, &child->total);
        }
    }
    if (failed == 0)
        failed |= xlsx_row(w, x, 0, "Total", "", w->days, &w->totals);
    if (failed != 0) {
        /* The export keeps the first error; close reports it and deletes the partial file. */
        if (xlsx_export_close(x, err, err_size) == 0) {
            snprintf(err, err_size, "writing the weekly XLSX failed");
            unlink(path);
        }
        goto out;
    }
    if (xlsx_export_close(x, err, err_size) != 0)
        goto out;
    result = 0;
out:
    xlsx_export_free(x);
    return result;
}
