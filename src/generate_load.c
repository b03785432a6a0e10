/* generate_load.c - bulk loading of a generated model and its entries with LOAD DATA LOCAL
 * INFILE fed from memory, the entry tags through a temporary file, and the day totals.
 * SPDX-License-Identifier: MIT
 */
#include "generate_load.h"

#include <errno.h>
#include <errmsg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "civil.h"
#include "log.h"
#include "report_query.h"

/* Rows of a spill (see struct gen_spill) that collect in memory before they move to its file,
 * in bytes. */
#define GEN_SPILL_BYTES (256 * 1024)

/* ---- LOAD DATA rows ----
 * Fields are separated by tabs and rows end in '\n'; inside a field a backslash escapes tab,
 * newline, carriage return, NUL and itself, and \N alone is SQL NULL. The LOAD DATA statements
 * below spell out exactly these settings. */

static int tsv_put(struct membuf *out, const char *text, size_t len)
{
    return membuf_write(out, text, len);
}

static int tsv_u64(struct membuf *out, uint64_t value, char after)
{
    char digits[24];
    size_t at = sizeof(digits);

    digits[--at] = after;
    do {
        digits[--at] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    return tsv_put(out, digits + at, sizeof(digits) - at);
}

/* A rate or a nullable id: negative values (GEN_RATE_NONE) and id 0 are written as NULL. */
static int tsv_rate(struct membuf *out, int64_t value, char after)
{
    if (value < 0) {
        char null[3] = {'\\', 'N', after};
        return tsv_put(out, null, sizeof(null));
    }
    return tsv_u64(out, (uint64_t)value, after);
}

static int tsv_id_or_null(struct membuf *out, uint64_t id, char after)
{
    return id == 0 ? tsv_rate(out, -1, after) : tsv_u64(out, id, after);
}

static int tsv_text(struct membuf *out, const char *text, size_t len, char after)
{
    size_t run = 0;

    for (size_t i = 0; i < len; i++) {
        char escaped;
        switch (text[i]) {
        case '\\': escaped = '\\'; break;
        case '\t': escaped = 't'; break;
        case '\n': escaped = 'n'; break;
        case '\r': escaped = 'r'; break;
        case '\0': escaped = '0'; break;
        default: continue;
        }
        char pair[2] = {'\\', escaped};
        if (tsv_put(out, text + run, i - run) != 0 || tsv_put(out, pair, 2) != 0)
            return -1;
        run = i + 1;
    }
    if (tsv_put(out, text + run, len - run) != 0)
        return -1;
    return tsv_put(out, &after, 1);
}

static int tsv_str(struct membuf *out, const char *text, char after)
{
    return tsv_text(out, text, strlen(text), after);
}

static int tsv_i64(struct membuf *out, int64_t value, char after)
{
    if (value >= 0)
        return tsv_u64(out, (uint64_t)value, after);
    if (tsv_put(out, "-", 1) != 0)
        return -1;
    return tsv_u64(out, (uint64_t)0 - (uint64_t)value, after);
}

/* Writes a day (days since 1970-01-01) as "YYYY-MM-DD". */
static int tsv_date(struct membuf *out, int64_t days, char after)
{
    int year, month, day;
    char text[16];

    civil_date_from_days(days, &year, &month, &day);
    int len = snprintf(text, sizeof(text), "%04d-%02d-%02d%c", year, month, day, after);
    return tsv_put(out, text, (size_t)len);
}

/* Writes a UTC instant as "YYYY-MM-DD HH:MM:SS". */
static int tsv_datetime(struct membuf *out, int64_t utc, char after)
{
    int64_t days = civil_floor_div(utc, 86400);
    int64_t seconds = utc - days * 86400;
    int year, month, day;
    char text[20];

    civil_date_from_days(days, &year, &month, &day);
    text[0] = (char)('0' + year / 1000 % 10);
    text[1] = (char)('0' + year / 100 % 10);
    text[2] = (char)('0' + year / 10 % 10);
    text[3] = (char)('0' + year % 10);
    text[4] = '-';
    text[5] = (char)('0' + month / 10);
    text[6] = (char)('0' + month % 10);
    text[7] = '-';
    text[8] = (char)('0' + day / 10);
    text[9] = (char)('0' + day % 10);
    text[10] = ' ';
    text[11] = (char)('0' + seconds / 36000);
    text[12] = (char)('0' + seconds / 3600 % 10);
    text[13] = ':';
    text[14] = (char)('0' + seconds / 600 % 6);
    text[15] = (char)('0' + seconds / 60 % 10);
    text[16] = ':';
    text[17] = (char)('0' + seconds % 60 / 10);
    text[18] = (char)('0' + seconds % 10);
    text[19] = after;
    return tsv_put(out, text, sizeof(text));
}

/* Appends one time_entries row and its entry_tags rows. */
static int gen_write_entry(const struct gen_model *model, const struct gen_entry *entry,
                           struct membuf *entries, struct membuf *entry_tags)
{
    const struct gen_user *member = &model->users[entry->user];
    uint64_t project_id = entry->project >= 0 ? model->projects[entry->project].id : 0;
    uint64_t task_id = entry->task >= 0 ? model->tasks[entry->task].id : 0;
    char tag_ids[GEN_ENTRY_TAGS_MAX * 21];
    size_t tag_len = 0;

    for (int t = 0; t < entry->tag_count; t++) {
        int len = snprintf(tag_ids + tag_len, sizeof(tag_ids) - tag_len, "%s%" PRIu64,
                           t > 0 ? "," : "", entry->tag_ids[t]);
        tag_len += (size_t)len;
        if (tsv_u64(entry_tags, entry->id, '\t') != 0 ||
            tsv_u64(entry_tags, entry->tag_ids[t], '\n') != 0)
            return -1;
    }

    if (tsv_u64(entries, entry->id, '\t') != 0 ||
        tsv_u64(entries, model->workspace.id, '\t') != 0 ||
        tsv_u64(entries, member->id, '\t') != 0 || tsv_id_or_null(entries, project_id, '\t') != 0 ||
        tsv_id_or_null(entries, task_id, '\t') != 0 ||
        tsv_text(entries, entry->description, entry->description_len, '\t') != 0 ||
        tsv_datetime(entries, entry->start, '\t') != 0)
        return -1;
    if (entry->running ? tsv_rate(entries, -1, '\t') : tsv_datetime(entries, entry->end, '\t'))
        return -1;
    if (tsv_u64(entries, entry->billable ? 1 : 0, '\t') != 0 ||
        tsv_u64(entries, (uint64_t)entry->hourly_rate, '\t') != 0 ||
        tsv_u64(entries, (uint64_t)entry->cost_rate, '\t') != 0 ||
        tsv_str(entries, entry->approved ? "APPROVED" : "UNAPPROVED", '\t') != 0 ||
        tsv_str(entries, entry->invoiced ? "INVOICED" : "UNINVOICED", '\t') != 0 ||
        tsv_text(entries, tag_ids, tag_len, '\n') != 0)
        return -1;
    return 0;
}

/* ---- rows of the small tables ---- */

static int gen_rows_users(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int i = 0; i < model->user_count; i++) {
        const struct gen_user *user = &model->users[i];
        if (tsv_u64(out, user->id, '\t') != 0 || tsv_str(out, user->email, '\t') != 0 ||
            tsv_str(out, user->name, '\t') != 0 ||
            tsv_str(out, user->active ? "ACTIVE" : "INACTIVE", '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

static int gen_rows_memberships(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int i = 0; i < model->user_count; i++) {
        const struct gen_user *user = &model->users[i];
        if (tsv_u64(out, model->workspace.id, '\t') != 0 || tsv_u64(out, user->id, '\t') != 0 ||
            tsv_str(out, user->role, '\t') != 0 || tsv_rate(out, user->hourly_rate, '\t') != 0 ||
            tsv_rate(out, user->cost_rate, '\t') != 0 ||
            tsv_str(out, user->active ? "ACTIVE" : "INACTIVE", '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

static int gen_rows_groups(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int g = 0; g < model->group_count; g++) {
        const struct gen_group *group = &model->groups[g];
        if (tsv_u64(out, group->id, '\t') != 0 || tsv_u64(out, model->workspace.id, '\t') != 0 ||
            tsv_str(out, group->name, '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

static int gen_rows_group_members(const struct gen_model *model, struct membuf *out,
                                  uint64_t *rows)
{
    for (int g = 0; g < model->group_count; g++) {
        const struct gen_group *group = &model->groups[g];
        for (int m = 0; m < group->member_count; m++) {
            if (tsv_u64(out, group->id, '\t') != 0 ||
                tsv_u64(out, model->users[group->members[m]].id, '\n') != 0)
                return -1;
            (*rows)++;
        }
    }
    return 0;
}

static int gen_rows_clients(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int c = 0; c < model->client_count; c++) {
        const struct gen_client *client = &model->clients[c];
        if (tsv_u64(out, client->id, '\t') != 0 || tsv_u64(out, model->workspace.id, '\t') != 0 ||
            tsv_str(out, client->name, '\t') != 0 || tsv_u64(out, client->archived, '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

static int gen_rows_projects(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int p = 0; p < model->project_count; p++) {
        const struct gen_project *project = &model->projects[p];
        uint64_t client_id = project->client >= 0 ? model->clients[project->client].id : 0;
        if (tsv_u64(out, project->id, '\t') != 0 ||
            tsv_u64(out, model->workspace.id, '\t') != 0 ||
            tsv_id_or_null(out, client_id, '\t') != 0 || tsv_str(out, project->name, '\t') != 0 ||
            tsv_str(out, project->color, '\t') != 0 || tsv_u64(out, project->billable, '\t') != 0 ||
            tsv_rate(out, project->hourly_rate, '\t') != 0 ||
            tsv_rate(out, project->cost_rate, '\t') != 0 ||
            tsv_u64(out, project->archived, '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

static int gen_rows_project_members(const struct gen_model *model, struct membuf *out,
                                    uint64_t *rows)
{
    for (int i = 0; i < model->user_count; i++) {
        const struct gen_user *user = &model->users[i];
        for (int k = 0; k < user->project_count; k++) {
            const struct gen_membership_project *member = &user->projects[k];
            if (tsv_u64(out, model->projects[member->project].id, '\t') != 0 ||
                tsv_u64(out, user->id, '\t') != 0 || tsv_rate(out, member->hourly_rate, '\t') != 0 ||
                tsv_rate(out, member->cost_rate, '\n') != 0)
                return -1;
            (*rows)++;
        }
    }
    return 0;
}

static int gen_rows_tasks(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int t = 0; t < model->task_count; t++) {
        const struct gen_task *task = &model->tasks[t];
        if (tsv_u64(out, task->id, '\t') != 0 || tsv_u64(out, model->workspace.id, '\t') != 0 ||
            tsv_u64(out, model->projects[task->project].id, '\t') != 0 ||
            tsv_str(out, task->name, '\t') != 0 || tsv_rate(out, task->hourly_rate, '\t') != 0 ||
            tsv_rate(out, task->cost_rate, '\t') != 0 ||
            tsv_str(out, task->done ? "DONE" : "ACTIVE", '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

static int gen_rows_tags(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int t = 0; t < model->tag_count; t++) {
        const struct gen_tag *tag = &model->tags[t];
        if (tsv_u64(out, tag->id, '\t') != 0 || tsv_u64(out, model->workspace.id, '\t') != 0 ||
            tsv_str(out, tag->name, '\t') != 0 || tsv_u64(out, tag->archived, '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

struct gen_table {
    const char *name;
    const char *columns;
    int (*write_rows)(const struct gen_model *model, struct membuf *out, uint64_t *rows);
};

/* In dependency order, although foreign key checks are off during the load. */
static const struct gen_table gen_tables[] = {
    {"users", "id, email, name, status", gen_rows_users},
    {"memberships", "workspace_id, user_id, role, hourly_rate, cost_rate, status",
     gen_rows_memberships},
    {"user_groups", "id, workspace_id, name", gen_rows_groups},
    {"user_group_members", "group_id, user_id", gen_rows_group_members},
    {"clients", "id, workspace_id, name, archived", gen_rows_clients},
    {"projects",
     "id, workspace_id, client_id, name, color, billable, hourly_rate, cost_rate, archived",
     gen_rows_projects},
    {"project_members", "project_id, user_id, hourly_rate, cost_rate", gen_rows_project_members},
    {"tasks", "id, workspace_id, project_id, name, hourly_rate, cost_rate, status",
     gen_rows_tasks},
    {"tags", "id, workspace_id, name, archived", gen_rows_tags},
};

/* created_at and updated_at are the end of a finished entry and the start of a running one.
 * The server copies them from end_at and start_at, because sending and parsing two more
 * DATETIME texts per row cost about 7% of the server's CPU time for the load (measured on a
 * 2-CPU virtual machine, MariaDB 10.11). */
#define GEN_ENTRY_COLUMNS                                                                          \
    "id, workspace_id, user_id, project_id, task_id, description, start_at, end_at, billable, "    \
    "hourly_rate, cost_rate, approval_state, invoicing_state, tag_ids"
#define GEN_ENTRY_SET                                                                              \
    " SET created_at = COALESCE(end_at, start_at), updated_at = COALESCE(end_at, start_at)"

double gen_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* ---- LOAD DATA LOCAL INFILE from memory ---- */

/* The "file" that Connector/C reads for one LOAD DATA statement: an open file when file is set,
 * otherwise rows, which contains bytes not yet sent. When fill is set it is called for more whenever
 * rows runs dry, and adding nothing ends the file. */
struct gen_infile {
    FILE *file;
    struct membuf *rows;
    size_t sent;
    int (*fill)(void *ctx);
    void *fill_ctx;
    bool failed;
};

static int gen_infile_init(void **ptr, const char *filename, void *userdata)
{
    *ptr = userdata;
    return 0;
}

static int gen_infile_read(void *ptr, char *buf, unsigned int len)
{
    struct gen_infile *infile = ptr;

    if (infile->file != NULL) {
        size_t got = fread(buf, 1, len, infile->file);
        if (got == 0 && ferror(infile->file)) {
            infile->failed = true;
            return -1;
        }
        return (int)got;
    }
    if (infile->sent == infile->rows->len && infile->fill != NULL) {
        infile->rows->len = 0;
        infile->sent = 0;
        if (infile->fill(infile->fill_ctx) != 0) {
            infile->failed = true;
            return -1;
        }
    }
    size_t available = infile->rows->len - infile->sent;
    size_t count = available < len ? available : len;
    memcpy(buf, infile->rows->data + infile->sent, count);
    infile->sent += count;
    return (int)count;
}

static void gen_infile_end(void *ptr)
{
}

static int gen_infile_error(void *ptr, char *message, unsigned int size)
{
    snprintf(message, size, "generating or reading rows for LOAD DATA failed");
    return CR_UNKNOWN_ERROR;
}

/* Runs LOAD DATA for table from infile into columns, then the SET clause set when not NULL.
 * Checks that the server stored *expected_rows rows, read after the statement because a
 * streamed file counts its rows while it is sent. Any warning fails the load, because LOAD DATA
 * LOCAL turns errors such as duplicate keys or bad values into warnings. Returns 0 or -1 with
 * db->error set. */
static int gen_load(struct db *db, const char *table, const char *columns, const char *set,
                    struct gen_infile *infile, const uint64_t *expected_rows)
{
    char sql[1024];
    int result = -1;
    MYSQL_RES *warnings = NULL;

    snprintf(sql, sizeof(sql),
             "LOAD DATA LOCAL INFILE 'reportctl-generate-%s' INTO TABLE %s CHARACTER SET utf8mb4 "
             "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (%s)%s",
             table, table, columns, set != NULL ? set : "");
    mysql_set_local_infile_handler(db->conn, gen_infile_init, gen_infile_read, gen_infile_end,
                                   gen_infile_error, infile);
    double started = gen_now();
    if (db_exec(db, sql) != 0)
        goto out;
    log_debug("generate: loaded %" PRIu64 " rows into %s in %.3f s", *expected_rows, table,
              gen_now() - started);

    uint64_t stored = mysql_affected_rows(db->conn);
    unsigned int warning_count = mysql_warning_count(db->conn);
    if (warning_count > 0) {
        warnings = db_query(db, "SHOW WARNINGS LIMIT 1");
        MYSQL_ROW row = warnings != NULL ? mysql_fetch_row(warnings) : NULL;
        snprintf(db->error, sizeof(db->error), "loading %s: %u warning(s), first: %s", table,
                 warning_count, row != NULL && row[2] != NULL ? row[2] : "(unavailable)");
        goto out;
    }
    if (stored != *expected_rows) {
        snprintf(db->error, sizeof(db->error),
                 "loading %s: the server stored %" PRIu64 " of %" PRIu64 " rows", table, stored,
                 *expected_rows);
        goto out;
    }
    result = 0;
out:
    if (warnings != NULL)
        mysql_free_result(warnings);
    mysql_set_local_infile_default(db->conn);
    return result;
}

/* Loads a table whose rows fit in memory at once. */
static int gen_load_table(struct db *db, const struct gen_model *model,
                          const struct gen_table *table)
{
    struct membuf rows = {0};
    uint64_t count = 0;
    int result = -1;

    if (table->write_rows(model, &rows, &count) != 0) {
        snprintf(db->error, sizeof(db->error), "building %s rows: out of memory", table->name);
        goto out;
    }
    if (count == 0) {
        result = 0;
        goto out;
    }
    struct gen_infile infile = {.rows = &rows};
    result = gen_load(db, table->name, table->columns, NULL, &infile, &count);
out:
    membuf_free(&rows);
    return result;
}

/* Rows collected in memory and moved to an unlinked temporary file every
 * GEN_SPILL_BYTES, so memory stays flat for any number of entries. */
struct gen_spill {
    struct membuf rows;
    FILE *file;
    uint64_t count;
    bool failed;      /* a write failed, and errno has the cause */
};

/* Opens the spill's unlinked temporary file in $TMPDIR, or /tmp when it is unset. Returns 0,
 * or -1 with errno set. */
static int gen_spill_open(struct gen_spill *spill)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];

    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    int len = snprintf(path, sizeof(path), "%s/reportctl-generate.XXXXXX", dir);
    if (len < 0 || (size_t)len >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    unlink(path);
    spill->file = fdopen(fd, "w+b");
    if (spill->file == NULL) {
        close(fd);
        return -1;
    }
    return 0;
}

/* Moves the collected rows to the file when at least min_bytes wait. Returns 0 or -1. */
static int gen_spill_flush(struct gen_spill *spill, size_t min_bytes)
{
    if (spill->rows.len == 0 || spill->rows.len < min_bytes)
        return 0;
    if (fwrite(spill->rows.data, 1, spill->rows.len, spill->file) != spill->rows.len) {
        spill->failed = true;
        return -1;
    }
    spill->rows.len = 0;
    return 0;
}

/* Writes what is left and rewinds the file for reading. Returns 0 or -1 with errno set. */
static int gen_spill_rewind(struct gen_spill *spill)
{
    if (gen_spill_flush(spill, 0) != 0 || fflush(spill->file) != 0 ||
        fseek(spill->file, 0, SEEK_SET) != 0)
        return -1;
    return 0;
}

static void gen_spill_free(struct gen_spill *spill)
{
    membuf_free(&spill->rows);
    if (spill->file != NULL)
        fclose(spill->file);
    spill->file = NULL;
}

/* Sums of one user's finished entries on one UTC day, as sql/004_entry_totals.sql defines them:
 * seconds is end minus start, and earned and cost are rounded to the cent per entry. */
struct gen_day_sums {
    uint64_t entries;
    int64_t seconds;
    int64_t billable_seconds;
    int64_t earned;
    int64_t cost;
};

/* The rows of entry_totals_by_user_day and entry_totals_by_day for the generated entries. The
 * stream comes in start order, so only the current UTC day is open, with one sum per user. */
struct gen_totals {
    int64_t day;                    /* the open UTC day (days since 1970-01-01) */
    bool started;
    bool out_of_order;              /* an entry started before the open day, so SQL does it */
    struct gen_day_sums *users;     /* one per model user */
    struct gen_spill user_days;
    struct gen_spill days;
};

static void gen_sums_add(struct gen_day_sums *sums, const struct gen_day_sums *add)
{
    sums->entries += add->entries;
    sums->seconds += add->seconds;
    sums->billable_seconds += add->billable_seconds;
    sums->earned += add->earned;
    sums->cost += add->cost;
}

static int tsv_sums(struct membuf *out, const struct gen_day_sums *sums)
{
    if (tsv_u64(out, sums->entries, '\t') != 0 || tsv_i64(out, sums->seconds, '\t') != 0 ||
        tsv_i64(out, sums->billable_seconds, '\t') != 0 ||
        tsv_i64(out, sums->earned, '\t') != 0 || tsv_i64(out, sums->cost, '\n') != 0)
        return -1;
    return 0;
}

/* Writes the rows of the open day and clears its sums. Returns 0 or -1. */
static int gen_totals_close_day(struct gen_totals *totals, const struct gen_model *model)
{
    struct gen_day_sums day_sums = {0};

    for (int u = 0; u < model->user_count; u++) {
        struct gen_day_sums *sums = &totals->users[u];
        if (sums->entries == 0)
            continue;
        if (tsv_u64(&totals->user_days.rows, model->workspace.id, '\t') != 0 ||
            tsv_u64(&totals->user_days.rows, model->users[u].id, '\t') != 0 ||
            tsv_date(&totals->user_days.rows, totals->day, '\t') != 0 ||
            tsv_sums(&totals->user_days.rows, sums) != 0)
            return -1;
        totals->user_days.count++;
        gen_sums_add(&day_sums, sums);
        memset(sums, 0, sizeof(*sums));
    }
    if (day_sums.entries > 0) {
        if (tsv_u64(&totals->days.rows, model->workspace.id, '\t') != 0 ||
            tsv_date(&totals->days.rows, totals->day, '\t') != 0 ||
            tsv_sums(&totals->days.rows, &day_sums) != 0)
            return -1;
        totals->days.count++;
    }
    if (gen_spill_flush(&totals->user_days, GEN_SPILL_BYTES) != 0 ||
        gen_spill_flush(&totals->days, GEN_SPILL_BYTES) != 0)
        return -1;
    return 0;
}

/* Adds a generated entry to the sums of its UTC start day. Running timers count nowhere, as in
 * reports. Returns 0 or -1. */
static int gen_totals_add(struct gen_totals *totals, const struct gen_model *model,
                          const struct gen_entry *entry)
{
    int64_t day = civil_floor_div(entry->start, 86400);

    if (totals->out_of_order)
        return 0;
    if (totals->started && day < totals->day) {
        totals->out_of_order = true;
        return 0;
    }
    if (totals->started && day > totals->day && gen_totals_close_day(totals, model) != 0)
        return -1;
    totals->day = day;
    totals->started = true;
    if (entry->running)
        return 0;

    struct gen_day_sums *sums = &totals->users[entry->user];
    int64_t seconds = entry->end - entry->start;
    sums->entries++;
    sums->seconds += seconds;
    if (entry->billable) {
        sums->billable_seconds += seconds;
        sums->earned += report_money(seconds, entry->hourly_rate);
    }
    sums->cost += report_money(seconds, entry->cost_rate);
    return 0;
}

/* State of the entry load. All entries go to time_entries in one LOAD DATA statement, because
 * InnoDB sorts its way into an empty table only for the first statement that writes to it. One
 * statement per 250,000 entries made a fresh load of 1,000,000 about 10% slower. The entry_tags
 * rows and, for a workspace without entries, the day totals collect on the way for the
 * statements that follow. */
struct gen_entry_load {
    const struct gen_model *model;
    struct gen_stream *stream;
    struct membuf entries;
    struct gen_spill entry_tags;
    struct gen_totals totals;
    bool count_totals;              /* build the day totals here rather than in SQL */
    bool totals_loaded;
    bool stream_done;
    uint64_t entries_total;
    uint64_t running_total;
};

/* Appends entries until about 256 KiB wait to be sent. */
static int gen_fill_entries(void *ctx)
{
    struct gen_entry_load *load = ctx;
    struct gen_entry entry;

    while (!load->stream_done && load->entries.len < 256 * 1024) {
        int got = gen_stream_next(load->stream, &entry);
        if (got < 0)
            return -1;
        if (got == 0) {
            load->stream_done = true;
            break;
        }
        if (gen_write_entry(load->model, &entry, &load->entries, &load->entry_tags.rows) != 0)
            return -1;
        if (load->count_totals && gen_totals_add(&load->totals, load->model, &entry) != 0)
            return -1;
        load->entries_total++;
        load->entry_tags.count += (uint64_t)entry.tag_count;
        load->running_total += entry.running ? 1 : 0;
    }
    return gen_spill_flush(&load->entry_tags, GEN_SPILL_BYTES);
}

/* Loads the rows of a spill file into table. Returns 0 or -1 with db->error set. */
static int gen_load_spill(struct db *db, const char *table, const char *columns,
                          struct gen_spill *spill)
{
    if (spill->count == 0)
        return 0;
    if (gen_spill_rewind(spill) != 0) {
        snprintf(db->error, sizeof(db->error), "writing %s rows to a temporary file failed: %s",
                 table, strerror(errno));
        return -1;
    }
    struct gen_infile infile = {.file = spill->file};
    int loaded = gen_load(db, table, columns, NULL, &infile, &spill->count);
    if (infile.failed) {
        snprintf(db->error, sizeof(db->error), "reading the temporary file of %s rows failed",
                 table);
        return -1;
    }
    return loaded;
}

/* Loads the day totals built while generating. The workspace had no entries, so the only rows
 * it may have are stale ones from entries deleted by hand, and those go first. */
static int gen_load_totals(struct db *db, struct gen_entry_load *load)
{
    struct gen_totals *totals = &load->totals;
    static const char *const columns =
        "entries, seconds, billable_seconds, earned, cost";
    char list[256];

    if (totals->started && gen_totals_close_day(totals, load->model) != 0) {
        snprintf(db->error, sizeof(db->error), "building the day totals: out of memory");
        return -1;
    }
    if (load->model->workspace.existed) {
        struct db_params params;
        db_params_init(&params);
        int deleted = db_params_add_u64(&params, load->model->workspace.id) != 0 ? -1 :
            db_run(db, "DELETE FROM entry_totals_by_user_day WHERE workspace_id = ?", &params,
                   NULL, NULL);
        if (deleted == 0)
            deleted = db_run(db, "DELETE FROM entry_totals_by_day WHERE workspace_id = ?",
                             &params, NULL, NULL);
        db_params_free(&params);
        if (deleted != 0)
            return -1;
    }
    snprintf(list, sizeof(list), "workspace_id, user_id, day, %s", columns);
    if (gen_load_spill(db, "entry_totals_by_user_day", list, &totals->user_days) != 0)
        return -1;
    snprintf(list, sizeof(list), "workspace_id, day, %s", columns);
    if (gen_load_spill(db, "entry_totals_by_day", list, &totals->days) != 0)
        return -1;
    load->totals_loaded = true;
    return 0;
}

static int gen_load_entries(struct db *db, struct gen_entry_load *load)
{
    if (gen_spill_open(&load->entry_tags) != 0 ||
        (load->count_totals && (gen_spill_open(&load->totals.user_days) != 0 ||
                                gen_spill_open(&load->totals.days) != 0))) {
        snprintf(db->error, sizeof(db->error),
                 "creating a temporary file failed: %s (set TMPDIR to a writable folder)",
                 strerror(errno));
        return -1;
    }
    if (load->count_totals) {
        load->totals.users = calloc((size_t)load->model->user_count, sizeof(*load->totals.users));
        if (load->totals.users == NULL) {
            snprintf(db->error, sizeof(db->error), "building the day totals: out of memory");
            return -1;
        }
    }

    struct gen_infile entries = {.rows = &load->entries, .fill = gen_fill_entries,
                                 .fill_ctx = load};
    int loaded = gen_load(db, "time_entries", GEN_ENTRY_COLUMNS, GEN_ENTRY_SET, &entries,
                          &load->entries_total);
    if (load->entry_tags.failed || load->totals.user_days.failed || load->totals.days.failed) {
        snprintf(db->error, sizeof(db->error), "writing rows to a temporary file failed: %s",
                 strerror(errno));
        return -1;
    }
    if (entries.failed) {
        snprintf(db->error, sizeof(db->error), "generating entries failed: out of memory "
                 "or a time zone missing from /usr/share/zoneinfo");
        return -1;
    }
    if (loaded != 0)
        return -1;
    if (gen_load_spill(db, "entry_tags", "entry_id, tag_id", &load->entry_tags) != 0)
        return -1;
    if (load->count_totals && !load->totals.out_of_order)
        return gen_load_totals(db, load);
    return 0;
}


int gen_load_model(struct db *db, const struct gen_model *model)
{
    for (size_t t = 0; t < sizeof(gen_tables) / sizeof(gen_tables[0]); t++) {
        if (gen_load_table(db, model, &gen_tables[t]) != 0)
            return -1;
    }
    return 0;
}

int gen_load_stream(struct db *db, const struct gen_model *model, bool count_totals,
                    struct gen_load_result *result)
{
    struct gen_entry_load load;
    int status = -1;

    memset(&load, 0, sizeof(load));
    memset(result, 0, sizeof(*result));
    load.model = model;
    load.count_totals = count_totals;
    load.stream = gen_stream_new(model);
    if (load.stream == NULL) {
        snprintf(db->error, sizeof(db->error), "starting the entry stream: out of memory or a "
                 "time zone missing from /usr/share/zoneinfo");
        goto out;
    }
    if (gen_load_entries(db, &load) != 0)
        goto out;

    result->entries = load.entries_total;
    result->running = load.running_total;
    result->tag_links = load.entry_tags.count;
    result->totals_loaded = load.totals_loaded;
    status = 0;
out:
    gen_stream_free(load.stream);
    membuf_free(&load.entries);
    gen_spill_free(&load.entry_tags);
    gen_spill_free(&load.totals.user_days);
    gen_spill_free(&load.totals.days);
    free(load.totals.users);
    return status;
}
