/* workspace_archive.c - writes a workspace archive: detailed-report.csv, the data/ tables and
 * manifest.json in one ZIP streamed through libarchive, all from one snapshot.
 * SPDX-License-Identifier: MIT
 */
#include "workspace_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin.h"
#include "archive_tables.h"
#include "export_detailed_csv.h"
#include "format.h"
#include "report_dims.h"
#include "report_query.h"
#include "tz.h"

#define ARCHIVE_FILES_MAX (ARCHIVE_TABLE_COUNT + 2) /* detailed, tables, manifest */
#define ENTRY_TEXT_INITIAL 1024

struct archive_file_info {
    const char *name;
    uint64_t rows;
    uint64_t bytes;
    char sha256[65];
};

struct archive_job {
    struct db *db;
    uint64_t member_user_id;
    struct workspace workspace;
    struct report_dims dims;
    bool in_transaction;
    int64_t generated_at; /* UTC seconds */

    /* The ZIP being written and the file currently open in it. */
    struct archive *zip;
    struct sink *out;
    bool out_failed;
    EVP_MD_CTX *digest;
    struct archive_file_info files[ARCHIVE_FILES_MAX];
    size_t file_count;
};

static int job_database_error(struct db *db, struct api_error *err, const char *what)
{
    unsigned int code = db->conn != NULL ? mysql_errno(db->conn) : 0;
    if (db->conn == NULL || db_error_is_connection(code))
        return api_error_set(err, 503, NULL, "database unavailable; retry shortly");
    return api_error_set(err, 500, NULL, "internal error while %s", what);
}

int archive_job_open(struct db *db, uint64_t workspace_id, uint64_t member_user_id,
                     struct archive_job **out, struct api_error *err)
{
    struct archive_job *job = calloc(1, sizeof(*job));
    int result = -1;

    *out = NULL;
    if (job == NULL) {
        snprintf(db->error, sizeof(db->error), "out of memory");
        api_error_set(err, 500, NULL, "internal error: out of memory");
        goto out;
    }
    job->db = db;
    job->member_user_id = member_user_id;
    job->generated_at = (int64_t)time(NULL);
    if (db_exec(db, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY") != 0) {
        job_database_error(db, err, "starting the archive's snapshot");
        goto out;
    }
    job->in_transaction = true;
    int found = workspace_load(db, workspace_id, &job->workspace);
    if (found < 0) {
        job_database_error(db, err, "reading the workspace");
        goto out;
    }
    if (found == 0) {
        snprintf(db->error, sizeof(db->error), "workspace %llu not found",
                 (unsigned long long)workspace_id);
        api_error_set(err, 404, NULL, "workspace not found");
        goto out;
    }
    if (report_dims_load(db, workspace_id, &job->dims) != 0) {
        job_database_error(db, err, "reading the workspace's names");
        goto out;
    }
    *out = job;
    job = NULL;
    result = 0;
out:
    archive_job_close(job);
    return result;
}

const struct workspace *archive_job_workspace(const struct archive_job *job)
{
    return &job->workspace;
}

void archive_job_close(struct archive_job *job)
{
    if (job == NULL)
        return;
    /* A read-only snapshot has nothing to keep; COMMIT just ends it. After db_abandon there is
     * no connection and the server already dropped the transaction. */
    if (job->in_transaction && job->db->conn != NULL)
        db_exec(job->db, "COMMIT");
    report_dims_free(&job->dims);
    if (job->zip != NULL)
        archive_write_free(job->zip);
    EVP_MD_CTX_free(job->digest);
    free(job);
}

/* ---- the ZIP stream ---- */

static la_ssize_t job_zip_write(struct archive *zip, void *ctx, const void *data, size_t len)
{
    struct archive_job *job = ctx;

    if (job->out->write(job->out->ctx, data, len) != 0) {
        job->out_failed = true;
        archive_set_error(zip, EIO, "the reader of the archive is gone");
        return -1;
    }
    return (la_ssize_t)len;
}

static int job_zip_error(struct archive_job *job, const char *what)
{
    snprintf(job->db->error, sizeof(job->db->error), "%s: %s", what,
             archive_error_string(job->zip) ? archive_error_string(job->zip) : "unknown error");
    return -1;
}

static int job_zip_open(struct archive_job *job)
{
    job->zip = archive_write_new();
    if (job->zip == NULL) {
        snprintf(job->db->error, sizeof(job->db->error), "archive_write_new: out of memory");
        return -1;
    }
    /* No blocking: every piece of compressed output goes to the sink as it is made, and no
     * padding follows the central directory. Entries get no size in advance, so libarchive
     * writes each one's sizes and CRC in a data descriptor after its data. */
    if (archive_write_set_format_zip(job->zip) != ARCHIVE_OK ||
        archive_write_zip_set_compression_deflate(job->zip) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(job->zip, 0) != ARCHIVE_OK)
        return job_zip_error(job, "set up the ZIP writer");
    if (archive_write_open2(job->zip, job, NULL, job_zip_write, NULL, NULL) != ARCHIVE_OK)
        return job_zip_error(job, "open the ZIP writer");
    return 0;
}

/* Starts the ZIP entry name; the bytes written through job_file_sink go into it. */
static int job_file_begin(struct archive_job *job, const char *name)
{
    struct archive_entry *entry = archive_entry_new();
    int result = -1;

    if (entry == NULL) {
        snprintf(job->db->error, sizeof(job->db->error), "archive_entry_new: out of memory");
        goto out;
    }
    archive_entry_set_pathname(entry, name);
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_mtime(entry, (time_t)job->generated_at, 0);
    if (archive_write_header(job->zip, entry) != ARCHIVE_OK) {
        job_zip_error(job, name);
        goto out;
    }
    if (job->digest == NULL)
        job->digest = EVP_MD_CTX_new();
    if (job->digest == NULL || EVP_DigestInit_ex(job->digest, EVP_sha256(), NULL) != 1) {
        snprintf(job->db->error, sizeof(job->db->error), "SHA-256: cannot start");
        goto out;
    }
    struct archive_file_info *info = &job->files[job->file_count];
    memset(info, 0, sizeof(*info));
    info->name = name;
    result = 0;
out:
    archive_entry_free(entry);
    return result;
}

static int job_file_write(void *ctx, const void *data, size_t len)
{
    struct archive_job *job = ctx;
    struct archive_file_info *info = &job->files[job->file_count];

    if (len == 0)
        return 0;
    if (EVP_DigestUpdate(job->digest, data, len) != 1) {
        snprintf(job->db->error, sizeof(job->db->error), "SHA-256: update failed");
        return -1;
    }
    info->bytes += len;
    la_ssize_t written = archive_write_data(job->zip, data, len);
    if (written < 0 || (size_t)written != len) {
        job_zip_error(job, info->name);
        return -1;
    }
    return 0;
}

/* Ends the current ZIP entry and records it for the manifest. */
static int job_file_end(struct archive_job *job, uint64_t rows)
{
    static const char hex[] = "0123456789abcdef";
    struct archive_file_info *info = &job->files[job->file_count];
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;

    if (EVP_DigestFinal_ex(job->digest, digest, &digest_len) != 1 || digest_len != 32) {
        snprintf(job->db->error, sizeof(job->db->error), "SHA-256: final failed");
        return -1;
    }
    for (unsigned int i = 0; i < digest_len; i++) {
        info->sha256[2 * i] = hex[digest[i] >> 4];
        info->sha256[2 * i + 1] = hex[digest[i] & 15];
    }
    info->sha256[64] = '\0';
    info->rows = rows;
    if (archive_write_finish_entry(job->zip) != ARCHIVE_OK)
        return job_zip_error(job, info->name);
    job->file_count++;
    return 0;
}

/* ---- detailed-report.csv ---- */

enum entry_col {
    COL_ID, COL_USER, COL_PROJECT, COL_TASK, COL_DESCRIPTION, COL_START, COL_END, COL_BILLABLE,
    COL_HOURLY, COL_COST_RATE, COL_EARNED, COL_COST, COL_APPROVED, COL_INVOICED, COL_TAGS,
    COL__MAX,
};

/* One entry as fetched, then resolved into a report row. */
struct entry_reader {
    struct db *db;
    const struct report_dims *dims;
    MYSQL_STMT *stmt;
    MYSQL_BIND binds[COL__MAX];
    unsigned long lengths[COL__MAX];
    my_bool nulls[COL__MAX];
    my_bool errors[COL__MAX];
    int64_t numbers[COL__MAX];
    MYSQL_TIME start_at;
    MYSQL_TIME end_at;
    char *text[COL__MAX];         /* description and tag_ids */
    unsigned long text_cap[COL__MAX];
    struct report_tags tags;
    struct report_request money; /* rounding off: amounts as recorded */
    struct report_row row;
};

static const char entry_sql_all[] =
    "SELECT id, user_id, project_id, task_id, description, start_at, end_at, billable, "
    "hourly_rate, cost_rate, earned_amount, cost_amount, approval_state = 'APPROVED', "
    "invoicing_state = 'INVOICED', tag_ids FROM time_entries WHERE workspace_id = ? "
    "ORDER BY start_at, id";
static const char entry_sql_member[] =
    "SELECT id, user_id, project_id, task_id, description, start_at, end_at, billable, "
    "hourly_rate, cost_rate, earned_amount, cost_amount, approval_state = 'APPROVED', "
    "invoicing_state = 'INVOICED', tag_ids FROM time_entries WHERE workspace_id = ? "
    "AND user_id = ? ORDER BY start_at, id";

static void entry_reader_free(struct entry_reader *e)
{
    if (e->stmt != NULL)
        mysql_stmt_close(e->stmt);
    e->stmt = NULL;
    free(e->text[COL_DESCRIPTION]);
    free(e->text[COL_TAGS]);
    report_tags_free(&e->tags);
}

static int entry_reader_open(struct entry_reader *e, struct archive_job *job)
{
    struct db *db = job->db;
    struct db_params params;
    int result = -1;

    memset(e, 0, sizeof(*e));
    e->db = db;
    e->dims = &job->dims;
    db_params_init(&params);
    for (int i = 0; i < COL__MAX; i++) {
        MYSQL_BIND *bind = &e->binds[i];
        bind->length = &e->lengths[i];
        bind->is_null = &e->nulls[i];
        bind->error = &e->errors[i];
        if (i == COL_DESCRIPTION || i == COL_TAGS) {
            e->text[i] = malloc(ENTRY_TEXT_INITIAL);
            if (e->text[i] == NULL)
                goto out;
            e->text_cap[i] = ENTRY_TEXT_INITIAL;
            bind->buffer_type = MYSQL_TYPE_STRING;
            bind->buffer = e->text[i];
            bind->buffer_length = ENTRY_TEXT_INITIAL;
        } else if (i == COL_START || i == COL_END) {
            bind->buffer_type = MYSQL_TYPE_DATETIME;
            bind->buffer = i == COL_START ? &e->start_at : &e->end_at;
        } else {
            bind->buffer_type = MYSQL_TYPE_LONGLONG;
            bind->buffer = &e->numbers[i];
        }
    }
    if (db_params_add_u64(&params, job->workspace.id) != 0 ||
        (job->member_user_id != 0 && db_params_add_u64(&params, job->member_user_id) != 0))
        goto out;
    e->stmt = db_prepare(db, job->member_user_id ? entry_sql_member : entry_sql_all, &params);
    if (e->stmt == NULL)
        goto out;
    if (mysql_stmt_execute(e->stmt) != 0 || mysql_stmt_bind_result(e->stmt, e->binds) != 0) {
        snprintf(db->error, sizeof(db->error), "entries: %s (%u)", mysql_stmt_error(e->stmt),
                 mysql_stmt_errno(e->stmt));
        goto out;
    }
    e->money.rounding = false;
    result = 0;
out:
    if (result != 0 && db->error[0] == '\0')
        snprintf(db->error, sizeof(db->error), "entries: out of memory");
    db_params_free(&params);
    return result;
}

/* Fetches the whole of a text column that did not fit its buffer. */
static int entry_text(struct entry_reader *e, int column)
{
    unsigned long length = e->nulls[column] ? 0 : e->lengths[column];

    if (length >= e->text_cap[column]) {
        if (length >= ARCHIVE_FIELD_MAX) {
            snprintf(e->db->error, sizeof(e->db->error), "entry %lld: a text of %lu bytes",
                     (long long)e->numbers[COL_ID], length);
            return -1;
        }
        char *grown = realloc(e->text[column], length + 1);
        if (grown == NULL) {
            snprintf(e->db->error, sizeof(e->db->error), "out of memory for %lu bytes", length);
            return -1;
        }
        e->text[column] = grown;
        e->text_cap[column] = length + 1;
        e->binds[column].buffer = grown;
        e->binds[column].buffer_length = length + 1;
        if (mysql_stmt_fetch_column(e->stmt, &e->binds[column], (unsigned)column, 0) != 0 ||
            mysql_stmt_bind_result(e->stmt, e->binds) != 0) {
            snprintf(e->db->error, sizeof(e->db->error), "fetch text: %s",
                     mysql_stmt_error(e->stmt));
            return -1;
        }
    }
    e->text[column][length] = '\0';
    e->lengths[column] = length;
    return 0;
}

/* Resolves the sorted "3,5,9" tag list into names joined with ", ", in id order as the
 * detailed report does. */
static int entry_tags(struct entry_reader *e)
{
    if (report_tags_resolve(&e->tags, e->dims, e->text[COL_TAGS], &e->row) != 0) {
        snprintf(e->db->error, sizeof(e->db->error), "out of memory for tag names");
        return -1;
    }
    return 0;
}

/* Returns 1 with e->row filled, 0 at the end, -1 on error. */
static int entry_next(struct entry_reader *e)
{
    struct report_row *row = &e->row;

    int fetched = mysql_stmt_fetch(e->stmt);
    if (fetched == MYSQL_NO_DATA)
        return 0;
    if (fetched != 0 && fetched != MYSQL_DATA_TRUNCATED) {
        snprintf(e->db->error, sizeof(e->db->error), "fetch entries: %s (%u)",
                 mysql_stmt_error(e->stmt), mysql_stmt_errno(e->stmt));
        return -1;
    }
    if (entry_text(e, COL_DESCRIPTION) != 0 || entry_text(e, COL_TAGS) != 0 ||
        entry_tags(e) != 0)
        return -1;

    row->id = (uint64_t)e->numbers[COL_ID];
    row->description = e->text[COL_DESCRIPTION];
    row->description_len = e->lengths[COL_DESCRIPTION];
    row->user_id = (uint64_t)e->numbers[COL_USER];
    row->project_id = e->nulls[COL_PROJECT] ? 0 : (uint64_t)e->numbers[COL_PROJECT];
    row->task_id = e->nulls[COL_TASK] ? 0 : (uint64_t)e->numbers[COL_TASK];

    const struct dim_user *user = report_dims_user(e->dims, row->user_id);
    const struct dim_project *project = report_dims_project(e->dims, row->project_id);
    const struct dim_task *task = report_dims_task(e->dims, row->task_id);
    row->user_name = user ? user->name : "";
    row->user_email = user ? user->email : "";
    row->group_names = user ? user->group_names : "";
    row->project_name = project ? project->name : "";
    row->project_color = project ? project->color : "";
    row->client_id = project ? project->client_id : 0;
    const struct dim_client *client = report_dims_client(e->dims, row->client_id);
    row->client_name = client ? client->name : "";
    row->task_name = task ? task->name : "";

    row->billable = e->numbers[COL_BILLABLE] != 0;
    row->running = e->nulls[COL_END] != 0;
    row->start = db_time_to_utc(&e->start_at);
    row->end = row->running ? row->start : db_time_to_utc(&e->end_at);
    tz_to_local(row->start, &row->start_local);
    tz_to_local(row->end, &row->end_local);
    row->duration = row->end - row->start;
    row->hourly_rate = e->numbers[COL_HOURLY];
    row->cost_rate = e->numbers[COL_COST_RATE];
    row->earned = report_money_earned(&e->money, row->billable, row->duration, row->hourly_rate,
                                      !e->nulls[COL_EARNED], e->numbers[COL_EARNED]);
    row->cost = report_money_cost(&e->money, row->duration, row->cost_rate,
                                  !e->nulls[COL_COST], e->numbers[COL_COST]);
    row->profit = row->earned - row->cost;
    row->approved = e->numbers[COL_APPROVED] != 0;
    row->invoiced = e->numbers[COL_INVOICED] != 0;
    return 1;
}

static int job_write_detailed(struct archive_job *job, uint64_t *rows)
{
    struct sink file = {job_file_write, job};
    struct detailed_csv *csv = NULL;
    struct entry_reader reader;
    struct format_options fmt;
    int next = 0;
    int result = -1;

    *rows = 0;
    memset(&reader, 0, sizeof(reader));
    format_options_default(&fmt);
    if (tz_use(job->workspace.time_zone[0] ? job->workspace.time_zone : "UTC") != 0) {
        snprintf(job->db->error, sizeof(job->db->error), "unknown time zone '%s'",
                 job->workspace.time_zone);
        goto out;
    }
    if (entry_reader_open(&reader, job) != 0)
        goto out;
    if (job_file_begin(job, ARCHIVE_DETAILED_NAME) != 0)
        goto out;
    csv = detailed_csv_new(&file, &fmt, AMOUNT_PROFIT, job->workspace.currency);
    if (csv == NULL) {
        snprintf(job->db->error, sizeof(job->db->error), "out of memory");
        goto out;
    }
    if (detailed_csv_write_header(csv) != 0)
        goto out;
    while ((next = entry_next(&reader)) == 1) {
        if (detailed_csv_write_row(csv, &reader.row) != 0)
            goto out;
        (*rows)++;
    }
    if (next < 0 || detailed_csv_finish(csv) != 0)
        goto out;
    result = job_file_end(job, *rows);
out:
    if (result != 0 && job->out_failed) {
        /* Stop the server's query before the statement close would read its remaining rows. */
        db_abandon(job->db);
    }
    detailed_csv_free(csv);
    entry_reader_free(&reader);
    return result;
}

/* ---- manifest.json ---- */

static void job_instant(int64_t utc, char *out, size_t size)
{
    MYSQL_TIME t;
    db_utc_to_time(utc, &t);
    snprintf(out, size, "%04u-%02u-%02uT%02u:%02u:%02uZ", t.year, t.month, t.day, t.hour,
             t.minute, t.second);
}

static int job_write_manifest(struct archive_job *job)
{
    json_t *manifest = NULL;
    json_t *files = NULL;
    char *text = NULL;
    char generated[32];
    int result = -1;

    job_instant(job->generated_at, generated, sizeof(generated));
    files = json_array();
    for (size_t i = 0; files != NULL && i < job->file_count; i++) {
        const struct archive_file_info *info = &job->files[i];
        json_t *item = json_pack("{s:s, s:I, s:I, s:s}", "name", info->name, "rows",
                                 (json_int_t)info->rows, "bytes", (json_int_t)info->bytes,
                                 "sha256", info->sha256);
        if (item == NULL || json_array_append_new(files, item) != 0)
            goto out;
    }
    manifest = json_pack("{s:s, s:i, s:{s:I, s:s}, s:s, s:O}", "format", ARCHIVE_FORMAT_NAME,
                         "version", ARCHIVE_FORMAT_VERSION, "workspace", "id",
                         (json_int_t)job->workspace.id, "name", job->workspace.name,
                         "generatedAt", generated, "files", files);
    if (manifest == NULL)
        goto out;
    text = json_dumps(manifest, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text == NULL)
        goto out;
    if (job_file_begin(job, ARCHIVE_MANIFEST_NAME) != 0 ||
        job_file_write(job, text, strlen(text)) != 0 || job_file_write(job, "\n", 1) != 0)
        goto out;
    /* The manifest does not list itself: undo the slot job_file_end would fill. */
    if (archive_write_finish_entry(job->zip) != ARCHIVE_OK) {
        job_zip_error(job, ARCHIVE_MANIFEST_NAME);
        goto out;
    }
    result = 0;
out:
    if (result != 0 && job->db->error[0] == '\0')
        snprintf(job->db->error, sizeof(job->db->error), "manifest: out of memory");
    free(text);
    json_decref(files);
    json_decref(manifest);
    return result;
}

int archive_job_write(struct archive_job *job, struct sink *out, uint64_t *rows,
                      bool *out_failed)
{
    uint64_t file_rows = 0;
    int result = -1;

    *rows = 0;
    job->out = out;
    job->out_failed = false;
    job->file_count = 0;
    job->db->error[0] = '\0';
    if (job_zip_open(job) != 0)
        goto out;
    if (job_write_detailed(job, &file_rows) != 0)
        goto out;
    *rows += file_rows;

    for (size_t i = 0; i < ARCHIVE_TABLE_COUNT; i++) {
        const struct archive_table *table = &archive_tables[i];
        struct sink file = {job_file_write, job};
        bool sink_failed = false;
        if (job_file_begin(job, table->file) != 0)
            goto out;
        if (archive_table_dump(job->db, table, job->workspace.id, job->member_user_id, &file,
                               &file_rows, &sink_failed) != 0)
            goto out;
        if (job_file_end(job, file_rows) != 0)
            goto out;
        *rows += file_rows;
    }
    if (job_write_manifest(job) != 0)
        goto out;
    if (archive_write_close(job->zip) != ARCHIVE_OK) {
        job_zip_error(job, "close the ZIP");
        goto out;
    }
    result = 0;
out:
    *out_failed = job->out_failed;
    if (result != 0 && job->out_failed && job->db->conn != NULL)
        db_abandon(job->db);
    return result;
}

/* ---- reportctl archive ---- */

static int archive_usage(void)
{
    fprintf(stderr, "usage: reportctl archive --workspace ID|NAME --output FILE\n");
    return 2;
}

/* Writes the archive into the open temporary file fd; returns an exit code. */
static int archive_to_file(struct db *db, uint64_t workspace_id, int fd, const char *path)
{
    struct archive_job *job = NULL;
    struct api_error err;
    FILE *file = fdopen(fd, "wb");
    struct sink out = {sink_file_write, file};
    uint64_t rows = 0;
    bool out_failed = false;
    int status = 3;

    if (file == NULL) {
        fprintf(stderr, "reportctl: %s: %s\n", path, strerror(errno));
        close(fd);
        return 1;
    }
    if (archive_job_open(db, workspace_id, 0, &job, &err) != 0) {
        fprintf(stderr, "reportctl: %s (%s)\n", err.message, db->error);
        status = err.status == 404 ? 1 : 3;
        goto out;
    }
    if (archive_job_write(job, &out, &rows, &out_failed) != 0) {
        if (out_failed) {
            fprintf(stderr, "reportctl: writing %s: %s\n", path, strerror(errno));
            status = 1;
        } else {
            fprintf(stderr, "reportctl: %s\n", db->error);
        }
        goto out;
    }
    if (fflush(file) != 0 || fsync(fileno(file)) != 0) {
        fprintf(stderr, "reportctl: writing %s: %s\n", path, strerror(errno));
        status = 1;
        goto out;
    }
    status = 0;
out:
    archive_job_close(job);
    if (fclose(file) != 0 && status == 0) {
        fprintf(stderr, "reportctl: closing %s: %s\n", path, strerror(errno));
        status = 1;
    }
    return status;
}

int archive_main(struct db *db, const struct config *cfg, int argc, char **argv)
{
    const char *workspace = NULL, *output = NULL;
    char temp[4096];
    uint64_t workspace_id = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--workspace") == 0 && i + 1 < argc)
            workspace = argv[++i];
        else if (strcmp(argv[i], "--output") == 0 && i + 1 < argc)
            output = argv[++i];
        else
            return archive_usage();
    }
    if (workspace == NULL || output == NULL)
        return archive_usage();

    int found = admin_workspace_resolve(db, workspace, &workspace_id);
    if (found < 0) {
        fprintf(stderr, "reportctl: %s\n", db->error);
        return 3;
    }
    if (found == 0) {
        fprintf(stderr, "reportctl: workspace '%s' not found\n", workspace);
        return 1;
    }
    int len = snprintf(temp, sizeof(temp), "%s.tmp-XXXXXX", output);
    if (len < 0 || (size_t)len >= sizeof(temp)) {
        fprintf(stderr, "reportctl: output path too long\n");
        return 2;
    }
    int fd = mkstemp(temp);
    if (fd < 0) {
        fprintf(stderr, "reportctl: cannot create %s: %s\n", temp, strerror(errno));
        return 1;
    }
    int status = archive_to_file(db, workspace_id, fd, temp);
    if (status == 0 && chmod(temp, 0644) != 0)
        status = 1;
    if (status == 0 && rename(temp, output) != 0) {
        fprintf(stderr, "reportctl: cannot rename %s to %s: %s\n", temp, output,
                strerror(errno));
        status = 1;
    }
    if (status != 0)
        unlink(temp);
    (void)cfg;
    return status;
}
