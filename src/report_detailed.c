/* report_detailed.c - streams a request's entries from MariaDB and resolves them into rows.
 * SPDX-License-Identifier: MIT
 */
#include "report_detailed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "report_day_totals.h"
#include "report_query.h"

#define DESCRIPTION_BIND 4096       /* longer descriptions are fetched with fetch_column */
#define DESCRIPTION_MAX (16u << 20) /* a MEDIUMTEXT value is at most 16 MiB */
#define TAG_IDS_MAX 2048            /* time_entries.tag_ids is VARCHAR(2048) */
#define OFFSET_CACHE_SIZE 1024      /* hours whose zone offset is remembered */

/* Result columns of the entries query, in SELECT order. */
enum entry_column {
    COL_ID,
    COL_USER,
    COL_PROJECT,
    COL_TASK,
    COL_DESCRIPTION,
    COL_START,
    COL_END,
    COL_BILLABLE,
    COL_HOURLY_RATE,
    COL_COST_RATE,
    COL_EARNED_AMOUNT,
    COL_COST_AMOUNT,
    COL_APPROVED,
    COL_INVOICED,
    COL_TAG_IDS,
    COL_COUNT
};

static const char entry_columns[] =
    "e.id, e.user_id, e.project_id, e.task_id, e.description, e.start_at, e.end_at, "
    "e.billable, e.hourly_rate, e.cost_rate, e.earned_amount, e.cost_amount, "
    "e.approval_state = 'APPROVED', e.invoicing_state = 'INVOICED', e.tag_ids";

/* The zone offset of one UTC hour, valid when the offset is the same at both of its ends. */
struct offset_slot {
    int64_t hour;
    int offset;
    bool valid;
};

struct report_cursor {
    struct db *db;
    MYSQL *conn; /* the connection the snapshot was started on */
    MYSQL_STMT *stmt;
    bool in_transaction;
    const struct report_request *r;
    struct report_dims dims;
    struct report_totals totals;
    bool have_totals;

    MYSQL_BIND binds[COL_COUNT];
    my_bool nulls[COL_COUNT];
    unsigned long lengths[COL_COUNT];
    uint64_t id, user_id, project_id, task_id;
    int64_t billable, hourly_rate, cost_rate, earned_amount, cost_amount, approved, invoiced;
    MYSQL_TIME start_at, end_at;
    char description_small[DESCRIPTION_BIND];
    char *description_large; /* grown for descriptions longer than the bound buffer */
    size_t description_large_cap;
    char tag_text[TAG_IDS_MAX + 1];

    struct report_tags tags;

    struct offset_slot offsets[OFFSET_CACHE_SIZE];
    struct report_row row;
};

/* Fills err from a failed database call: 503 when the connection is gone, else 500. */
static int database_error(struct db *db, unsigned int code, const char *what,
                          struct api_error *err)
{
    if (db->conn == NULL || db_error_is_connection(code))
        return api_error_set(err, 503, NULL, "the database is unreachable; try again later");
    return api_error_set(err, 500, NULL, "internal error while %s", what);
}

static int stmt_error(struct db *db, MYSQL_STMT *stmt, const char *what, struct api_error *err)
{
    snprintf(db->error, sizeof(db->error), "%s: %s (%u)", what, mysql_stmt_error(stmt),
             mysql_stmt_errno(stmt));
    return database_error(db, mysql_stmt_errno(stmt), what, err);
}

int report_detailed_db_error(struct db *db, MYSQL_STMT *stmt, const char *what,
                             struct api_error *err)
{
    if (stmt != NULL)
        return stmt_error(db, stmt, what, err);
    return database_error(db, db->conn ? mysql_errno(db->conn) : 0, what, err);
}

/* ---- SQL ---- */

static const char *direction(const struct report_request *r)
{
    return r->sort_order == SORT_ASCENDING ? "ASC" : "DESC";
}

static bool sort_needs_users(const struct report_request *r)
{
    return r->detailed.sort_column == DETAILED_SORT_USER;
}

static int append_order(const struct report_request *r, struct report_sql *sql)
{
    const char *dir = direction(r);

    report_sql_append(sql, " ORDER BY ");
    switch (r->detailed.sort_column) {
    case DETAILED_SORT_USER:
        report_sql_appendf(sql, "u.name %s, e.start_at %s, ", dir, dir);
        break;
    case DETAILED_SORT_DURATION:
        report_query_duration_expr(r, sql);
        report_sql_appendf(sql, " %s, ", dir);
        break;
    case DETAILED_SORT_DESCRIPTION:
        report_sql_appendf(sql, "e.description %s, e.start_at %s, ", dir, dir);
        break;
    case DETAILED_SORT_ID:
        break;
    case DETAILED_SORT_DATE:
    default:
        report_sql_appendf(sql, "e.start_at %s, ", dir);
        break;
    }
    return report_sql_appendf(sql, "e.id %s", dir);
}

/* Builds the entries query. A JSON page selects its ids first and only then reads those rows
 * (a deferred join), so the OFFSET (skip) passes over index entries, not whole rows. */
static int build_entries_sql(const struct report_request *r, int64_t skip, struct report_sql *sql,
                             struct db_params *params)
{
    const char *users_join = sort_needs_users(r) ? " JOIN users u ON u.id = e.user_id" : "";

    if (r->export_type != EXPORT_JSON) {
        report_sql_appendf(sql, "SELECT %s FROM time_entries e%s WHERE ", entry_columns,
                           users_join);
        if (report_query_where(r, sql, params) != 0)
            return -1;
        return append_order(r, sql);
    }

    report_sql_appendf(sql, "SELECT %s FROM (SELECT e.id FROM time_entries e%s WHERE ",
                       entry_columns, users_join);
    if (report_query_where(r, sql, params) != 0)
        return -1;
    append_order(r, sql);
    report_sql_appendf(sql, " LIMIT ? OFFSET ?) page JOIN time_entries e ON e.id = page.id%s",
                       users_join);
    if (db_params_add_i64(params, r->detailed.page_size) != 0 ||
        db_params_add_i64(params, skip) != 0)
        return -1;
    return append_order(r, sql);
}

/* Computes the range and OFFSET of the entries query. A deep JSON page in DATE order starts from
 * the day that contains its first entry (per-day totals count the days before it), so the server
 * skips at most a day of entries instead of every entry before the page. */
static int page_window(struct db *db, const struct report_request *r, struct report_request *scoped,
                       int64_t *skip, struct api_error *err)
{
    *scoped = *r; /* shares r's filters, which neither side frees */
    *skip = 0;
    if (r->export_type != EXPORT_JSON)
        return 0;
    *skip = (int64_t)(r->detailed.page - 1) * r->detailed.page_size;
    if (*skip == 0 || r->detailed.sort_column != DETAILED_SORT_DATE ||
        !report_day_totals_usable(r))
        return 0;
    return report_day_totals_seek(db, r, *skip, &scoped->start, &scoped->end, skip, err);
}

/* ---- cursor ---- */

static void bind_column(struct report_cursor *c, enum entry_column column,
                        enum enum_field_types type, void *buffer, unsigned long size,
                        bool is_unsigned)
{
    MYSQL_BIND *bind = &c->binds[column];

    bind->buffer_type = type;
    bind->buffer = buffer;
    bind->buffer_length = size;
    bind->is_unsigned = is_unsigned;
    bind->is_null = &c->nulls[column];
    bind->length = &c->lengths[column];
}

static void bind_entry_columns(struct report_cursor *c)
{
    memset(c->binds, 0, sizeof(c->binds));
    bind_column(c, COL_ID, MYSQL_TYPE_LONGLONG, &c->id, 0, true);
    bind_column(c, COL_USER, MYSQL_TYPE_LONGLONG, &c->user_id, 0, true);
    bind_column(c, COL_PROJECT, MYSQL_TYPE_LONGLONG, &c->project_id, 0, true);
    bind_column(c, COL_TASK, MYSQL_TYPE_LONGLONG, &c->task_id, 0, true);
    bind_column(c, COL_DESCRIPTION, MYSQL_TYPE_STRING, c->description_small,
                sizeof(c->description_small) - 1, false);
    bind_column(c, COL_START, MYSQL_TYPE_DATETIME, &c->start_at, sizeof(c->start_at), false);
    bind_column(c, COL_END, MYSQL_TYPE_DATETIME, &c->end_at, sizeof(c->end_at), false);
    bind_column(c, COL_BILLABLE, MYSQL_TYPE_LONGLONG, &c->billable, 0, false);
    bind_column(c, COL_HOURLY_RATE, MYSQL_TYPE_LONGLONG, &c->hourly_rate, 0, false);
    bind_column(c, COL_COST_RATE, MYSQL_TYPE_LONGLONG, &c->cost_rate, 0, false);
    bind_column(c, COL_EARNED_AMOUNT, MYSQL_TYPE_LONGLONG, &c->earned_amount, 0, false);
    bind_column(c, COL_COST_AMOUNT, MYSQL_TYPE_LONGLONG, &c->cost_amount, 0, false);
    bind_column(c, COL_APPROVED, MYSQL_TYPE_LONGLONG, &c->approved, 0, false);
    bind_column(c, COL_INVOICED, MYSQL_TYPE_LONGLONG, &c->invoiced, 0, false);
    bind_column(c, COL_TAG_IDS, MYSQL_TYPE_STRING, c->tag_text, TAG_IDS_MAX, false);
}

static int run_entries_query(struct report_cursor *c, struct api_error *err)
{
    struct report_request scoped;
    struct report_sql sql;
    struct db_params params;
    int64_t skip;
    int result = -1;

    report_sql_init(&sql);
    db_params_init(&params);
    if (page_window(c->db, c->r, &scoped, &skip, err) != 0)
        goto out;
    if (build_entries_sql(&scoped, skip, &sql, &params) != 0 || sql.failed) {
        api_error_set(err, 500, NULL, "out of memory while building the report query");
        goto out;
    }
    c->stmt = db_prepare(c->db, sql.text, &params);
    if (c->stmt == NULL) {
        database_error(c->db, c->db->conn ? mysql_errno(c->db->conn) : 0,
                       "preparing the report query", err);
        goto out;
    }
    if (mysql_stmt_execute(c->stmt) != 0) {
        stmt_error(c->db, c->stmt, "running the report query", err);
        goto out;
    }
    bind_entry_columns(c);
    if (mysql_stmt_bind_result(c->stmt, c->binds) != 0) {
        stmt_error(c->db, c->stmt, "binding the report columns", err);
        goto out;
    }
    result = 0;
out:
    report_sql_free(&sql);
    db_params_free(&params);
    return result;
}

int report_detailed_open(struct db *db, const struct report_request *r,
                         struct report_cursor **out, struct api_error *err)
{
    struct report_cursor *c = NULL;
    int result = -1;

    *out = NULL;
    if (tz_use(r->time_zone) != 0) {
        api_error_set(err, 400, "timeZone", "time zone %s is not known", r->time_zone);
        goto out;
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL) {
        api_error_set(err, 500, NULL, "out of memory while starting the report");
        goto out;
    }
    c->db = db;
    c->r = r;
    if (db_connect(db) != 0) {
        database_error(db, 0, "connecting to the database", err);
        goto out;
    }
    c->conn = db->conn;
    if (db_exec(db, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY") != 0) {
        database_error(db, db->conn ? mysql_errno(db->conn) : 0, "starting a snapshot", err);
        goto out;
    }
    c->in_transaction = true;
    if (report_dims_load(db, r->workspace_id, &c->dims) != 0) {
        database_error(db, db->conn ? mysql_errno(db->conn) : 0, "loading the workspace", err);
        goto out;
    }
    if (r->kind == REPORT_DETAILED && r->export_type == EXPORT_JSON && r->detailed.totals) {
        if (report_detailed_totals(db, r, &c->totals, err) != 0)
            goto out;
        c->have_totals = true;
    }
    if (run_entries_query(c, err) != 0)
        goto out;
    *out = c;
    c = NULL;
    result = 0;
out:
    report_cursor_close(c);
    return result;
}

void report_cursor_close(struct report_cursor *c)
{
    if (c == NULL)
        return;
    /* After db_abandon the statement's connection is gone; closing it only frees memory. */
    if (c->stmt != NULL)
        mysql_stmt_close(c->stmt);
    if (c->in_transaction && c->db->conn != NULL && c->db->conn == c->conn) {
        if (db_exec(c->db, "ROLLBACK") != 0)
            db_abandon(c->db);
    }
    report_dims_free(&c->dims);
    free(c->description_large);
    report_tags_free(&c->tags);
    free(c);
}

const struct report_totals *report_cursor_totals(const struct report_cursor *c)
{
    return c->have_totals ? &c->totals : NULL;
}

const struct report_dims *report_cursor_dims(const struct report_cursor *c)
{
    return &c->dims;
}

/* ---- rows ---- */

/* tz_to_local with a cache per UTC hour: rows come in time order, so most hours repeat. An hour
 * is cached only when its first and last second share one offset.
 * NOTE: this assumes a zone never changes its offset twice within one hour, which is true of
 * the tz database as far as known, but not checked. */
static void cursor_to_local(struct report_cursor *c, int64_t utc, struct tz_local *local)
{
    int64_t hour = civil_floor_div(utc, 3600);
    struct offset_slot *slot = &c->offsets[(uint64_t)hour % OFFSET_CACHE_SIZE];

    if (!slot->valid || slot->hour != hour) {
        struct tz_local last;
        tz_to_local(hour * 3600, local);
        tz_to_local(hour * 3600 + 3599, &last);
        if (local->offset != last.offset) {
            slot->valid = false;
            tz_to_local(utc, local);
            return;
        }
        slot->hour = hour;
        slot->offset = local->offset;
        slot->valid = true;
    }

    int64_t wall = utc + slot->offset;
    int64_t days = civil_floor_div(wall, 86400);
    int64_t seconds = wall - days * 86400;
    civil_date_from_days(days, &local->year, &local->month, &local->day);
    local->hour = (int)(seconds / 3600);
    local->minute = (int)(seconds / 60 % 60);
    local->second = (int)(seconds % 60);
    local->offset = slot->offset;
    local->days = days;
    local->weekday = civil_weekday(days);
}

/* Makes row->description point at the whole description, fetching the rest when the bound
 * buffer was too small. */
static int cursor_description(struct report_cursor *c)
{
    unsigned long length = c->lengths[COL_DESCRIPTION];

    if (length < sizeof(c->description_small)) {
        c->description_small[length] = '\0';
        c->row.description = c->description_small;
        c->row.description_len = length;
        return 0;
    }
    if (length > DESCRIPTION_MAX) {
        snprintf(c->db->error, sizeof(c->db->error),
                 "entry %llu has a description of %lu bytes, over the %u allowed",
                 (unsigned long long)c->id, length, DESCRIPTION_MAX);
        return -1;
    }
    if (length + 1 > c->description_large_cap) {
        char *grown = realloc(c->description_large, length + 1);
        if (grown == NULL) {
            snprintf(c->db->error, sizeof(c->db->error), "out of memory for a description");
            return -1;
        }
        c->description_large = grown;
        c->description_large_cap = length + 1;
    }
    MYSQL_BIND bind;
    unsigned long fetched_length = 0;
    memset(&bind, 0, sizeof(bind));
    bind.buffer_type = MYSQL_TYPE_STRING;
    bind.buffer = c->description_large;
    bind.buffer_length = length + 1;
    bind.length = &fetched_length;
    if (mysql_stmt_fetch_column(c->stmt, &bind, COL_DESCRIPTION, 0) != 0) {
        snprintf(c->db->error, sizeof(c->db->error), "fetch description: %s",
                 mysql_stmt_error(c->stmt));
        return -1;
    }
    c->description_large[length] = '\0';
    c->row.description = c->description_large;
    c->row.description_len = length;
    return 0;
}

/* Parses the sorted "3,5,9" tag list and resolves the names. */
static int cursor_tags(struct report_cursor *c)
{
    unsigned long length = c->nulls[COL_TAG_IDS] ? 0 : c->lengths[COL_TAG_IDS];

    if (length > TAG_IDS_MAX)
        length = TAG_IDS_MAX;
    c->tag_text[length] = '\0';
    if (report_tags_resolve(&c->tags, &c->dims, c->tag_text, &c->row) != 0) {
        snprintf(c->db->error, sizeof(c->db->error), "out of memory for tag names");
        return -1;
    }
    return 0;
}

static void cursor_names(struct report_cursor *c)
{
    struct report_row *row = &c->row;
    const struct dim_user *user = report_dims_user(&c->dims, row->user_id);
    const struct dim_project *project = report_dims_project(&c->dims, row->project_id);
    const struct dim_task *task = report_dims_task(&c->dims, row->task_id);

    row->user_name = user ? user->name : "";
    row->user_email = user ? user->email : "";
    row->group_names = user ? user->group_names : "";
    row->project_name = project ? project->name : "";
    row->project_color = project ? project->color : "";
    row->client_id = project ? project->client_id : 0;
    const struct dim_client *client = report_dims_client(&c->dims, row->client_id);
    row->client_name = client ? client->name : "";
    row->task_name = task ? task->name : "";
}

int report_cursor_next(struct report_cursor *c, const struct report_row **row_out)
{
    const struct report_request *r = c->r;
    struct report_row *row = &c->row;

    int fetched = mysql_stmt_fetch(c->stmt);
    if (fetched == MYSQL_NO_DATA)
        return 0;
    if (fetched != 0 && fetched != MYSQL_DATA_TRUNCATED) {
        snprintf(c->db->error, sizeof(c->db->error), "fetch entries: %s (%u)",
                 mysql_stmt_error(c->stmt), mysql_stmt_errno(c->stmt));
        return -1;
    }

    row->id = c->id;
    row->user_id = c->user_id;
    row->project_id = c->nulls[COL_PROJECT] ? 0 : c->project_id;
    row->task_id = c->nulls[COL_TASK] ? 0 : c->task_id;
    if (cursor_description(c) != 0 || cursor_tags(c) != 0)
        return -1;
    cursor_names(c);

    row->billable = c->billable != 0;
    row->running = false; /* the WHERE clause leaves running entries out */
    row->start = db_time_to_utc(&c->start_at);
    row->end = db_time_to_utc(&c->end_at);
    cursor_to_local(c, row->start, &row->start_local);
    cursor_to_local(c, row->end, &row->end_local);
    row->duration = report_round_duration(r, row->end - row->start);
    row->hourly_rate = c->hourly_rate;
    row->cost_rate = c->cost_rate;
    row->earned = report_money_earned(r, row->billable, row->duration, c->hourly_rate,
                                      !c->nulls[COL_EARNED_AMOUNT], c->earned_amount);
    row->cost = report_money_cost(r, row->duration, c->cost_rate, !c->nulls[COL_COST_AMOUNT],
                                  c->cost_amount);
    row->profit = row->earned - row->cost;
    row->approved = c->approved != 0;
    row->invoiced = c->invoiced != 0;
    *row_out = row;
    return 1;
}

/* ---- totals ---- */

int report_detailed_totals(struct db *db, const struct report_request *r,
                           struct report_totals *t, struct api_error *err)
{
    if (report_day_totals_usable(r))
        return report_day_totals_sum(db, r, t, err);
    return report_detailed_totals_scan(db, r, t, err);
}

int report_detailed_totals_fetch(struct db *db, const char *sql, struct db_params *params,
                                 struct report_totals *t, struct api_error *err)
{
    MYSQL_STMT *stmt = NULL;
    MYSQL_BIND binds[5];
    int64_t values[5] = {0};
    my_bool nulls[5] = {0};
    int result = -1;

    memset(t, 0, sizeof(*t));
    stmt = db_prepare(db, sql, params);
    if (stmt == NULL) {
        database_error(db, db->conn ? mysql_errno(db->conn) : 0, "preparing the totals", err);
        goto out;
    }
    memset(binds, 0, sizeof(binds));
    for (int i = 0; i < 5; i++) {
        binds[i].buffer_type = MYSQL_TYPE_LONGLONG;
        binds[i].buffer = &values[i];
        binds[i].is_null = &nulls[i];
    }
    if (mysql_stmt_execute(stmt) != 0 || mysql_stmt_bind_result(stmt, binds) != 0) {
        stmt_error(db, stmt, "computing the totals", err);
        goto out;
    }
    int fetched = mysql_stmt_fetch(stmt);
    if (fetched != 0) {
        stmt_error(db, stmt, "reading the totals", err);
        goto out;
    }
    t->entries = (uint64_t)values[0];
    t->total_time = values[1];
    t->billable_time = values[2];
    t->earned = values[3];
    t->cost = values[4];
    t->profit = t->earned - t->cost;
    /* Reads the end-of-rows packet so the connection is free for the next statement. */
    while (mysql_stmt_fetch(stmt) == 0)
        ;
    result = 0;
out:
    if (stmt != NULL)
        mysql_stmt_close(stmt);
    return result;
}

int report_detailed_totals_scan(struct db *db, const struct report_request *r,
                                struct report_totals *t, struct api_error *err)
{
    struct report_sql sql;
    struct db_params params;
    int result = -1;

    memset(t, 0, sizeof(*t));
    report_sql_init(&sql);
    db_params_init(&params);

    /* One pass over the entries; the money sums use the same per-entry rounding as rows. */
    report_sql_append(&sql, "SELECT COUNT(*), COALESCE(SUM(");
    report_query_duration_expr(r, &sql);
    report_sql_append(&sql, "), 0), COALESCE(SUM(CASE WHEN e.billable = 1 THEN ");
    report_query_duration_expr(r, &sql);
    report_sql_append(&sql, " ELSE 0 END), 0), COALESCE(SUM(");
    report_query_earned_expr(r, &sql);
    report_sql_append(&sql, "), 0), COALESCE(SUM(");
    report_query_cost_expr(r, &sql);
    report_sql_append(&sql, "), 0) FROM time_entries e WHERE ");
    if (report_query_where(r, &sql, &params) != 0 || sql.failed) {
        api_error_set(err, 500, NULL, "out of memory while building the totals query");
        goto out;
    }
    result = report_detailed_totals_fetch(db, sql.text, &params, t, err);
out:
    report_sql_free(&sql);
    db_params_free(&params);
    return result;
}
