/* archive_tables.c - lossless CSV dumps of a workspace's tables and their parser.
 * SPDX-License-Identifier: MIT
 */
#include "archive_tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Instants are formatted by the server so that the text never depends on the client. */
#define DT(column) "DATE_FORMAT(" column ", '%Y-%m-%d %H:%i:%s')"

/* The projects a MEMBER's entries use, directly or through their tasks: "wuwu". */
#define MEMBER_PROJECTS                                                                      \
    "SELECT e.project_id FROM time_entries e WHERE e.workspace_id = ? AND e.user_id = ? "   \
    "UNION SELECT k.project_id FROM tasks k JOIN time_entries e ON e.task_id = k.id "        \
    "WHERE e.workspace_id = ? AND e.user_id = ?"

#define TEXT(name) {name, ARCHIVE_COLUMN_TEXT, ARCHIVE_REF_NONE}
#define OWN(name, ref) {name, ARCHIVE_COLUMN_OWN_ID, ref}
#define REF(name, ref) {name, ARCHIVE_COLUMN_REF, ref}

static const struct archive_column workspace_columns[] = {
    OWN("id", ARCHIVE_REF_WORKSPACE), TEXT("name"), TEXT("currency"), TEXT("time_zone"),
    TEXT("week_start"), TEXT("rounding_mode"), TEXT("rounding_minutes"), TEXT("hourly_rate"),
    TEXT("cost_rate"), TEXT("created_at"), TEXT("updated_at"),
};

static const struct archive_column user_columns[] = {
    OWN("id", ARCHIVE_REF_USER), TEXT("email"), TEXT("name"), TEXT("status"),
    TEXT("created_at"), TEXT("updated_at"),
};

static const struct archive_column membership_columns[] = {
    REF("workspace_id", ARCHIVE_REF_WORKSPACE), REF("user_id", ARCHIVE_REF_USER), TEXT("role"),
    TEXT("hourly_rate"), TEXT("cost_rate"), TEXT("status"), TEXT("created_at"),
    TEXT("updated_at"),
};

static const struct archive_column group_columns[] = {
    OWN("id", ARCHIVE_REF_GROUP), REF("workspace_id", ARCHIVE_REF_WORKSPACE), TEXT("name"),
    TEXT("created_at"), TEXT("updated_at"),
};

static const struct archive_column group_member_columns[] = {
    REF("group_id", ARCHIVE_REF_GROUP), REF("user_id", ARCHIVE_REF_USER),
};

static const struct archive_column client_columns[] = {
    OWN("id", ARCHIVE_REF_CLIENT), REF("workspace_id", ARCHIVE_REF_WORKSPACE), TEXT("name"),
    TEXT("archived"), TEXT("created_at"), TEXT("updated_at"),
};

static const struct archive_column project_columns[] = {
    OWN("id", ARCHIVE_REF_PROJECT), REF("workspace_id", ARCHIVE_REF_WORKSPACE),
    REF("client_id", ARCHIVE_REF_CLIENT), TEXT("name"), TEXT("color"), TEXT("billable"),
    TEXT("hourly_rate"), TEXT("cost_rate"), TEXT("archived"), TEXT("created_at"),
    TEXT("updated_at"),
};

static const struct archive_column project_member_columns[] = {
    REF("project_id", ARCHIVE_REF_PROJECT), REF("user_id", ARCHIVE_REF_USER),
    TEXT("hourly_rate"), TEXT("cost_rate"),
};

static const struct archive_column task_columns[] = {
    OWN("id", ARCHIVE_REF_TASK), REF("workspace_id", ARCHIVE_REF_WORKSPACE),
    REF("project_id", ARCHIVE_REF_PROJECT), TEXT("name"), TEXT("hourly_rate"),
    TEXT("cost_rate"), TEXT("status"), TEXT("created_at"), TEXT("updated_at"),
};

static const struct archive_column tag_columns[] = {
    OWN("id", ARCHIVE_REF_TAG), REF("workspace_id", ARCHIVE_REF_WORKSPACE), TEXT("name"),
    TEXT("archived"), TEXT("created_at"), TEXT("updated_at"),
};

static const struct archive_column entry_columns[] = {
    OWN("id", ARCHIVE_REF_ENTRY), REF("workspace_id", ARCHIVE_REF_WORKSPACE),
    REF("user_id", ARCHIVE_REF_USER), REF("project_id", ARCHIVE_REF_PROJECT),
    REF("task_id", ARCHIVE_REF_TASK), TEXT("description"), TEXT("start_at"), TEXT("end_at"),
    TEXT("billable"), TEXT("hourly_rate"), TEXT("cost_rate"), TEXT("earned_amount"),
    TEXT("cost_amount"), TEXT("approval_state"), TEXT("invoicing_state"),
    {"tag_ids", ARCHIVE_COLUMN_TAG_LIST, ARCHIVE_REF_TAG},
    {"import_key", ARCHIVE_COLUMN_HEX, ARCHIVE_REF_NONE}, TEXT("created_at"),
    TEXT("updated_at"),
};

static const struct archive_column entry_tag_columns[] = {
    REF("entry_id", ARCHIVE_REF_ENTRY), REF("tag_id", ARCHIVE_REF_TAG),
};

#define COLUMNS(array) array, sizeof(array) / sizeof(array[0])

const struct archive_table archive_tables[ARCHIVE_TABLE_COUNT] = {
    {"workspaces", "data/workspaces.csv", COLUMNS(workspace_columns),
     "SELECT t.id, t.name, t.currency, t.time_zone, t.week_start, t.rounding_mode, "
     "t.rounding_minutes, t.hourly_rate, t.cost_rate, " DT("t.created_at") ", "
     DT("t.updated_at") " FROM workspaces t",
     " WHERE t.id = ?", "w", " WHERE t.id = ?", "w"},
    /* Members, and any other user a row of the workspace points at (a former member's
     * entries), so that every reference resolves when the archive is restored. */
    {"users", "data/users.csv", COLUMNS(user_columns),
     "SELECT t.id, t.email, t.name, t.status, " DT("t.created_at") ", " DT("t.updated_at")
     " FROM users t",
     " WHERE t.id IN (SELECT user_id FROM memberships WHERE workspace_id = ?)"
     " OR t.id IN (SELECT user_id FROM time_entries WHERE workspace_id = ?)"
     " OR t.id IN (SELECT gm.user_id FROM user_group_members gm JOIN user_groups g"
     " ON g.id = gm.group_id WHERE g.workspace_id = ?)"
     " OR t.id IN (SELECT pm.user_id FROM project_members pm JOIN projects p"
     " ON p.id = pm.project_id WHERE p.workspace_id = ?) ORDER BY t.id",
     "wwww", " WHERE t.id = ?", "u"},
    {"memberships", "data/memberships.csv", COLUMNS(membership_columns),
     "SELECT t.workspace_id, t.user_id, t.role, t.hourly_rate, t.cost_rate, t.status, "
     DT("t.created_at") ", " DT("t.updated_at") " FROM memberships t",
     " WHERE t.workspace_id = ? ORDER BY t.user_id", "w",
     " WHERE t.workspace_id = ? AND t.user_id = ?", "wu"},
    {"user_groups", "data/user_groups.csv", COLUMNS(group_columns),
     "SELECT t.id, t.workspace_id, t.name, " DT("t.created_at") ", " DT("t.updated_at")
     " FROM user_groups t",
     " WHERE t.workspace_id = ? ORDER BY t.id", "w",
     " WHERE t.workspace_id = ? AND t.id IN (SELECT group_id FROM user_group_members"
     " WHERE user_id = ?) ORDER BY t.id", "wu"},
    {"user_group_members", "data/user_group_members.csv", COLUMNS(group_member_columns),
     "SELECT t.group_id, t.user_id FROM user_group_members t JOIN user_groups g"
     " ON g.id = t.group_id",
     " WHERE g.workspace_id = ? ORDER BY t.group_id, t.user_id", "w",
     " WHERE g.workspace_id = ? AND t.user_id = ? ORDER BY t.group_id, t.user_id", "wu"},
    {"clients", "data/clients.csv", COLUMNS(client_columns),
     "SELECT t.id, t.workspace_id, t.name, t.archived, " DT("t.created_at") ", "
     DT("t.updated_at") " FROM clients t",
     " WHERE t.workspace_id = ? ORDER BY t.id", "w",
     " WHERE t.workspace_id = ? AND t.id IN (SELECT p.client_id FROM projects p WHERE p.id IN ("
     MEMBER_PROJECTS ")) ORDER BY t.id", "wwuwu"},
    {"projects", "data/projects.csv", COLUMNS(project_columns),
     "SELECT t.id, t.workspace_id, t.client_id, t.name, t.color, t.billable, t.hourly_rate, "
     "t.cost_rate, t.archived, " DT("t.created_at") ", " DT("t.updated_at") " FROM projects t",
     " WHERE t.workspace_id = ? ORDER BY t.id", "w",
     " WHERE t.workspace_id = ? AND t.id IN (" MEMBER_PROJECTS ") ORDER BY t.id", "wwuwu"},
    {"project_members", "data/project_members.csv", COLUMNS(project_member_columns),
     "SELECT t.project_id, t.user_id, t.hourly_rate, t.cost_rate FROM project_members t"
     " JOIN projects p ON p.id = t.project_id",
     " WHERE p.workspace_id = ? ORDER BY t.project_id, t.user_id", "w",
     " WHERE p.workspace_id = ? AND t.user_id = ? AND t.project_id IN (" MEMBER_PROJECTS ")"
     " ORDER BY t.project_id, t.user_id", "wuwuwu"},
    {"tasks", "data/tasks.csv", COLUMNS(task_columns),
     "SELECT t.id, t.workspace_id, t.project_id, t.name, t.hourly_rate, t.cost_rate, t.status, "
     DT("t.created_at") ", " DT("t.updated_at") " FROM tasks t",
     " WHERE t.workspace_id = ? ORDER BY t.id", "w",
     " WHERE t.workspace_id = ? AND t.id IN (SELECT e.task_id FROM time_entries e"
     " WHERE e.workspace_id = ? AND e.user_id = ?) ORDER BY t.id", "wwu"},
    {"tags", "data/tags.csv", COLUMNS(tag_columns),
     "SELECT t.id, t.workspace_id, t.name, t.archived, " DT("t.created_at") ", "
     DT("t.updated_at") " FROM tags t",
     " WHERE t.workspace_id = ? ORDER BY t.id", "w",
     " WHERE t.workspace_id = ? AND t.id IN (SELECT et.tag_id FROM entry_tags et"
     " JOIN time_entries e ON e.id = et.entry_id WHERE e.workspace_id = ? AND e.user_id = ?)"
     " ORDER BY t.id", "wwu"},
    {"time_entries", "data/time_entries.csv", COLUMNS(entry_columns),
     "SELECT t.id, t.workspace_id, t.user_id, t.project_id, t.task_id, t.description, "
     DT("t.start_at") ", " DT("t.end_at") ", t.billable, t.hourly_rate, t.cost_rate, "
     "t.earned_amount, t.cost_amount, t.approval_state, t.invoicing_state, t.tag_ids, "
     "LOWER(HEX(t.import_key)), " DT("t.created_at") ", " DT("t.updated_at")
     " FROM time_entries t",
     " WHERE t.workspace_id = ? ORDER BY t.id", "w",
     " WHERE t.workspace_id = ? AND t.user_id = ? ORDER BY t.id", "wu"},
    {"entry_tags", "data/entry_tags.csv", COLUMNS(entry_tag_columns),
     "SELECT t.entry_id, t.tag_id FROM entry_tags t JOIN time_entries e ON e.id = t.entry_id",
     " WHERE e.workspace_id = ? ORDER BY t.entry_id, t.tag_id", "w",
     " WHERE e.workspace_id = ? AND e.user_id = ? ORDER BY t.entry_id, t.tag_id", "wu"},
};

/* ---- writing ---- */

#define DUMP_BUFFER_SIZE 65536
#define DUMP_FIELD_INITIAL 256

/* Output buffered in front of the sink, so that MariaDB rows of a few bytes do not each become
 * a write through libarchive. */
struct dump_out {
    struct sink *sink;
    char buffer[DUMP_BUFFER_SIZE];
    size_t used;
    bool failed;
};

static int dump_flush(struct dump_out *o)
{
    if (o->failed)
        return -1;
    if (o->used > 0 && o->sink->write(o->sink->ctx, o->buffer, o->used) != 0) {
        o->failed = true;
        return -1;
    }
    o->used = 0;
    return 0;
}

static int dump_bytes(struct dump_out *o, const char *data, size_t len)
{
    while (len > 0) {
        if (o->used == DUMP_BUFFER_SIZE && dump_flush(o) != 0)
            return -1;
        size_t room = DUMP_BUFFER_SIZE - o->used;
        size_t take = len < room ? len : room;
        memcpy(o->buffer + o->used, data, take);
        o->used += take;
        data += take;
        len -= take;
    }
    return 0;
}

static bool field_needs_quotes(const char *text, size_t len)
{
    if (len == 0 || (len == 2 && text[0] == '\\' && text[1] == 'N'))
        return true;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == ',' || c == '"' || c == '\r' || c == '\n')
            return true;
    }
    return false;
}

/* Writes one field; text NULL is SQL NULL. */
static int dump_field(struct dump_out *o, const char *text, size_t len)
{
    if (text == NULL)
        return dump_bytes(o, "\\N", 2);
    if (!field_needs_quotes(text, len))
        return dump_bytes(o, text, len);
    if (dump_bytes(o, "\"", 1) != 0)
        return -1;
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '"')
            continue;
        /* Writes up to and including the quote, then the quote again. */
        if (dump_bytes(o, text + start, i + 1 - start) != 0 || dump_bytes(o, "\"", 1) != 0)
            return -1;
        start = i + 1;
    }
    if (dump_bytes(o, text + start, len - start) != 0)
        return -1;
    return dump_bytes(o, "\"", 1);
}

static int dump_header(struct dump_out *o, const struct archive_table *table)
{
    for (size_t i = 0; i < table->column_count; i++) {
        const char *name = table->columns[i].name;
        if ((i > 0 && dump_bytes(o, ",", 1) != 0) || dump_field(o, name, strlen(name)) != 0)
            return -1;
    }
    return dump_bytes(o, "\r\n", 2);
}

/* Result buffers of one column, grown when a value does not fit. */
struct dump_column {
    char *buffer;
    unsigned long cap;
    unsigned long length;
    my_bool is_null;
    my_bool error;
};

static int dump_bind_params(const char *pattern, uint64_t workspace_id, uint64_t user_id,
                            struct db_params *params)
{
    for (const char *p = pattern; *p != '\0'; p++) {
        uint64_t value = *p == 'w' ? workspace_id : user_id;
        if (db_params_add_u64(params, value) != 0)
            return -1;
    }
    return 0;
}

/* Fetches the columns whose values were longer than their buffers. */
static int dump_refetch(struct db *db, MYSQL_STMT *stmt, MYSQL_BIND *binds,
                        struct dump_column *columns, size_t count)
{
    bool rebind = false;

    for (size_t i = 0; i < count; i++) {
        struct dump_column *column = &columns[i];
        if (column->is_null || column->length < column->cap)
            continue;
        if (column->length >= ARCHIVE_FIELD_MAX) {
            snprintf(db->error, sizeof(db->error), "a value of %lu bytes is over the %u allowed",
                     column->length, ARCHIVE_FIELD_MAX);
            return -1;
        }
        char *grown = realloc(column->buffer, column->length + 1);
        if (grown == NULL) {
            snprintf(db->error, sizeof(db->error), "out of memory for a value of %lu bytes",
                     column->length);
            return -1;
        }
        column->buffer = grown;
        column->cap = column->length + 1;
        binds[i].buffer = column->buffer;
        binds[i].buffer_length = column->cap;
        rebind = true;
        if (mysql_stmt_fetch_column(stmt, &binds[i], (unsigned)i, 0) != 0) {
            snprintf(db->error, sizeof(db->error), "fetch column: %s", mysql_stmt_error(stmt));
            return -1;
        }
    }
    /* Later rows use the grown buffers from the start. */
    if (rebind && mysql_stmt_bind_result(stmt, binds) != 0) {
        snprintf(db->error, sizeof(db->error), "bind result: %s", mysql_stmt_error(stmt));
        return -1;
    }
    return 0;
}

static int dump_row(struct dump_out *o, struct dump_column *columns, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const char *text = columns[i].is_null ? NULL : columns[i].buffer;
        if (i > 0 && dump_bytes(o, ",", 1) != 0)
            return -1;
        if (dump_field(o, text, columns[i].length) != 0)
            return -1;
    }
    return dump_bytes(o, "\r\n", 2);
}

int archive_table_dump(struct db *db, const struct archive_table *table, uint64_t workspace_id,
                       uint64_t member_user_id, struct sink *out, uint64_t *rows,
                       bool *out_failed)
{
    struct dump_out *o = NULL;
    struct db_params params;
    MYSQL_STMT *stmt = NULL;
    MYSQL_BIND binds[ARCHIVE_COLUMNS_MAX];
    struct dump_column columns[ARCHIVE_COLUMNS_MAX];
    char sql[4096];
    size_t count = table->column_count;
    bool member = member_user_id != 0;
    int result = -1;

    *rows = 0;
    *out_failed = false;
    db_params_init(&params);
    memset(columns, 0, sizeof(columns));
    memset(binds, 0, sizeof(binds));

    snprintf(sql, sizeof(sql), "%s%s", table->select,
             member ? table->where_member : table->where_all);
    o = malloc(sizeof(*o));
    if (o == NULL) {
        snprintf(db->error, sizeof(db->error), "out of memory");
        goto out;
    }
    o->sink = out;
    o->used = 0;
    o->failed = false;
    if (dump_bind_params(member ? table->params_member : table->params_all, workspace_id,
                         member_user_id, &params) != 0) {
        snprintf(db->error, sizeof(db->error), "out of memory");
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        columns[i].buffer = malloc(DUMP_FIELD_INITIAL);
        if (columns[i].buffer == NULL) {
            snprintf(db->error, sizeof(db->error), "out of memory");
            goto out;
        }
        columns[i].cap = DUMP_FIELD_INITIAL;
        binds[i].buffer_type = MYSQL_TYPE_STRING;
        binds[i].buffer = columns[i].buffer;
        binds[i].buffer_length = columns[i].cap;
        binds[i].length = &columns[i].length;
        binds[i].is_null = &columns[i].is_null;
        binds[i].error = &columns[i].error;
    }

    stmt = db_prepare(db, sql, &params);
    if (stmt == NULL)
        goto out;
    if (mysql_stmt_field_count(stmt) != count) {
        snprintf(db->error, sizeof(db->error), "%s: the query returns %u columns, not %zu",
                 table->name, mysql_stmt_field_count(stmt), count);
        goto out;
    }
    /* No mysql_stmt_store_result: rows stream from the server as they are fetched. */
    if (mysql_stmt_execute(stmt) != 0 || mysql_stmt_bind_result(stmt, binds) != 0) {
        snprintf(db->error, sizeof(db->error), "%s: %s (%u)", table->name,
                 mysql_stmt_error(stmt), mysql_stmt_errno(stmt));
        goto out;
    }
    if (dump_header(o, table) != 0)
        goto sink_failed;
    for (;;) {
        int fetched = mysql_stmt_fetch(stmt);
        if (fetched == MYSQL_NO_DATA)
            break;
        if (fetched == MYSQL_DATA_TRUNCATED) {
            if (dump_refetch(db, stmt, binds, columns, count) != 0)
                goto out;
        } else if (fetched != 0) {
            snprintf(db->error, sizeof(db->error), "%s: fetch: %s (%u)", table->name,
                     mysql_stmt_error(stmt), mysql_stmt_errno(stmt));
            goto out;
        }
        if (dump_row(o, columns, count) != 0)
            goto sink_failed;
        (*rows)++;
    }
    if (dump_flush(o) != 0)
        goto sink_failed;
    result = 0;
    goto out;

sink_failed:
    *out_failed = true;
out:
    /* When the reader left, closing the statement would read the rest of the rows first:
     * drop the connection so the server stops, then free the detached statement. */
    if (*out_failed)
        db_abandon(db);
    if (stmt != NULL)
        mysql_stmt_close(stmt);
    for (size_t i = 0; i < count; i++)
        free(columns[i].buffer);
    db_params_free(&params);
    free(o);
    return result;
}

/* ---- reading ---- */

enum csv_state {
    CSV_FIELD_START, /* at the start of a field */
    CSV_BARE,        /* inside an unquoted field */
    CSV_QUOTED,      /* inside quotes */
    CSV_QUOTE,       /* a quote inside quotes: the end, or the first of a doubled quote */
    CSV_CR,          /* a CR outside quotes: LF must follow */
};

struct archive_csv_reader {
    archive_csv_row_fn on_row;
    void *ctx;
    enum csv_state state;
    bool quoted; /* the current field was quoted */
    char *text;  /* the fields of the current row, each NUL-terminated */
    size_t text_len;
    size_t text_cap;
    size_t *starts; /* offset of each field in text */
    size_t *lengths;
    bool *nulls;
    char **fields;
    size_t count;
    size_t cap;
    uint64_t line;
    uint64_t row_line;
    char error[512];
};

struct archive_csv_reader *archive_csv_reader_new(archive_csv_row_fn on_row, void *ctx)
{
    struct archive_csv_reader *r = calloc(1, sizeof(*r));

    if (r == NULL)
        return NULL;
    r->on_row = on_row;
    r->ctx = ctx;
    r->state = CSV_FIELD_START;
    r->line = 1;
    r->row_line = 1;
    return r;
}

void archive_csv_reader_free(struct archive_csv_reader *r)
{
    if (r == NULL)
        return;
    free(r->text);
    free(r->starts);
    free(r->lengths);
    free(r->nulls);
    free(r->fields);
    free(r);
}

char *archive_csv_reader_error(struct archive_csv_reader *r, size_t *size)
{
    *size = sizeof(r->error);
    return r->error;
}

static int csv_fail(struct archive_csv_reader *r, const char *what)
{
    snprintf(r->error, sizeof(r->error), "line %llu: %s", (unsigned long long)r->line, what);
    return -1;
}

static int csv_byte(struct archive_csv_reader *r, char c)
{
    if (r->text_len + 1 >= r->text_cap) {
        size_t cap = r->text_cap ? r->text_cap * 2 : 4096;
        if (r->text_len - r->starts[r->count] >= ARCHIVE_FIELD_MAX)
            return csv_fail(r, "a field is longer than 16 MiB");
        char *grown = realloc(r->text, cap);
        if (grown == NULL)
            return csv_fail(r, "out of memory");
        r->text = grown;
        r->text_cap = cap;
    }
    r->text[r->text_len++] = c;
    return 0;
}

/* Makes room for field number r->count + 1 and records where the next field starts. */
static int csv_reserve_field(struct archive_csv_reader *r)
{
    if (r->count + 1 >= r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        if (cap > 4096)
            return csv_fail(r, "a row has more than 4096 fields");
        size_t *starts = realloc(r->starts, cap * sizeof(*starts));
        if (starts != NULL)
            r->starts = starts;
        size_t *lengths = realloc(r->lengths, cap * sizeof(*lengths));
        if (lengths != NULL)
            r->lengths = lengths;
        bool *nulls = realloc(r->nulls, cap * sizeof(*nulls));
        if (nulls != NULL)
            r->nulls = nulls;
        char **fields = realloc(r->fields, cap * sizeof(*fields));
        if (fields != NULL)
            r->fields = fields;
        if (starts == NULL || lengths == NULL || nulls == NULL || fields == NULL)
            return csv_fail(r, "out of memory");
        r->cap = cap;
    }
    return 0;
}

/* Closes the current field. */
static int csv_end_field(struct archive_csv_reader *r)
{
    size_t start = r->starts[r->count];
    size_t len = r->text_len - start;

    r->nulls[r->count] = !r->quoted && len == 2 && r->text[start] == '\\' &&
                         r->text[start + 1] == 'N';
    if (csv_byte(r, '\0') != 0)
        return -1;
    r->lengths[r->count] = len;
    r->count++;
    if (csv_reserve_field(r) != 0)
        return -1;
    r->starts[r->count] = r->text_len;
    r->quoted = false;
    return 0;
}

static int csv_end_row(struct archive_csv_reader *r)
{
    struct archive_csv_row row;

    if (csv_end_field(r) != 0)
        return -1;
    for (size_t i = 0; i < r->count; i++)
        r->fields[i] = r->text + r->starts[i];
    row.count = r->count;
    row.fields = r->fields;
    row.lengths = r->lengths;
    row.nulls = r->nulls;
    row.line = r->row_line;
    if (r->on_row(r->ctx, &row) != 0)
        return -1;
    r->count = 0;
    r->text_len = 0;
    r->starts[0] = 0;
    r->row_line = r->line + 1;
    return 0;
}

int archive_csv_reader_feed(struct archive_csv_reader *r, const char *data, size_t len)
{
    if (r->cap == 0) {
        if (csv_reserve_field(r) != 0)
            return -1;
        r->starts[0] = 0;
    }
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        switch (r->state) {
        case CSV_FIELD_START:
            if (c == '"') {
                r->quoted = true;
                r->state = CSV_QUOTED;
                break;
            }
            r->state = CSV_BARE;
            /* The byte is the field's first: handle it as CSV_BARE does. */
            __attribute__((fallthrough));
        case CSV_BARE:
            if (c == ',') {
                if (csv_end_field(r) != 0)
                    return -1;
                r->state = CSV_FIELD_START;
            } else if (c == '\r') {
                r->state = CSV_CR;
            } else if (c == '\n' || c == '"') {
                return csv_fail(r, c == '"' ? "a quote inside an unquoted field"
                                            : "a line ends without CR");
            } else if (csv_byte(r, c) != 0) {
                return -1;
            }
            break;
        case CSV_QUOTED:
            if (c == '"')
                r->state = CSV_QUOTE;
            else if (csv_byte(r, c) != 0)
                return -1;
            if (c == '\n')
                r->line++;
            break;
        case CSV_QUOTE:
            if (c == '"') {
                if (csv_byte(r, '"') != 0)
                    return -1;
                r->state = CSV_QUOTED;
            } else if (c == ',') {
                if (csv_end_field(r) != 0)
                    return -1;
                r->state = CSV_FIELD_START;
            } else if (c == '\r') {
                r->state = CSV_CR;
            } else {
                return csv_fail(r, "text after a closing quote");
            }
            break;
        case CSV_CR:
            if (c != '\n')
                return csv_fail(r, "a CR outside quotes that does not end the line");
            if (csv_end_row(r) != 0)
                return -1;
            r->line++;
            r->state = CSV_FIELD_START;
            break;
        }
    }
    return 0;
}

int archive_csv_reader_finish(struct archive_csv_reader *r)
{
    if (r->state != CSV_FIELD_START || r->count != 0 ||
        (r->cap > 0 && r->text_len != 0))
        return csv_fail(r, "the file ends inside a row (truncated?)");
    return 0;
}
