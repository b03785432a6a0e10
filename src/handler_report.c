/* handler_report.c - the three reports as JSON, streamed CSV and XLSX downloads.
 * SPDX-License-Identifier: MIT
 *
 * Every check that can fail with a status (parsing, ids, the query itself) runs before the
 * first byte. After it, a failure breaks the transfer so that no short file looks complete.
 */
#include "handler.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export_detailed_csv.h"
#include "log.h"
#include "report_detailed.h"
#include "report_json.h"
#include "report_summary.h"
#include "report_weekly.h"
#include "xlsx_export.h"

static const char *const handler_kind_names[] = {"detailed", "summary", "weekly"};
static const char *const handler_extensions[] = {"json", "csv", "xlsx"};

void handler_report_context(const struct handler_scope *scope, struct report_context *ctx)
{
    const struct workspace *ws = &scope->workspace;
    const struct config *cfg = scope->worker->cfg;

    memset(ctx, 0, sizeof(*ctx));
    ctx->workspace_id = ws->id;
    snprintf(ctx->time_zone, sizeof(ctx->time_zone), "%s", ws->time_zone);
    snprintf(ctx->currency, sizeof(ctx->currency), "%s", ws->currency);
    ctx->week_start = ws->week_start;
    ctx->rounding_mode = (enum report_rounding)ws->rounding_mode;
    ctx->rounding_minutes = ws->rounding_minutes;
    ctx->user_id = scope->who.user_id;
    ctx->role = (enum report_role)scope->who.role;
    ctx->page_size_max = cfg->page_size_max;
    ctx->ids_max = cfg->ids_max;
    ctx->range_max_days = cfg->range_max_days;
}

/* Sends err; a 5xx from the database layer becomes 503 when the server is unreachable. */
static void handler_fail(struct handler_scope *scope, struct http_request *req,
                         struct api_error *err)
{
    if (err->status >= 500) {
        log_error("report failed: %s (%s)", err->message, scope->worker->db.error);
        if (db_check(&scope->worker->db) != 0)
            api_error_set(err, 503, NULL, "database unavailable; retry shortly");
    }
    http_send_error(req, err);
}

/* Builds "reportd_detailed_2026-01-01_2026-01-31.csv" from the request's local dates. */
static void handler_filename(const struct report_request *r, enum report_kind kind,
                             enum export_type type, char *out, size_t size)
{
    struct tz_local first, last;

    tz_to_local(r->start, &first);
    tz_to_local(r->end, &last);
    snprintf(out, size, "reportd_%s_%04d-%02d-%02d_%04d-%02d-%02d.%s", handler_kind_names[kind],
             first.year, first.month, first.day, last.year, last.month, last.day,
             handler_extensions[type]);
}

static int handler_download_headers(struct http_request *req, const struct report_request *r,
                                    enum report_kind kind, enum export_type type,
                                    const char *content_type, long long length)
{
    char filename[128];
    char disposition[512];
    char extra[768];

    handler_filename(r, kind, type, filename, sizeof(filename));
    http_content_disposition(filename, disposition, sizeof(disposition));
    if (length >= 0)
        snprintf(extra, sizeof(extra), "%sContent-Length: %lld\r\n", disposition, length);
    else
        snprintf(extra, sizeof(extra), "%sX-Accel-Buffering: no\r\n", disposition);
    return http_send_headers(req, 200, content_type, extra);
}

/* Streams the detailed CSV row by row as MariaDB sends the rows. */
static void handler_detailed_csv(struct handler_scope *scope, struct http_request *req,
                                 const struct report_request *r)
{
    struct db *db = &scope->worker->db;
    struct report_cursor *cursor = NULL;
    struct detailed_csv *csv = NULL;
    struct api_error err;
    struct sink out = http_sink(req);
    const struct report_row *row;
    int next = 0;

    if (report_detailed_open(db, r, &cursor, &err) != 0) {
        handler_fail(scope, req, &err);
        return;
    }
    if (handler_download_headers(req, r, REPORT_DETAILED, EXPORT_CSV, "text/csv; charset=utf-8",
                                 -1) != 0)
        goto client_gone;
    csv = detailed_csv_new(&out, &r->format, r->amounts, r->currency);
    if (csv == NULL || detailed_csv_write_header(csv) != 0)
        goto client_gone;

    while ((next = report_cursor_next(cursor, &row)) == 1) {
        if (detailed_csv_write_row(csv, row) != 0)
            goto client_gone;
        req->rows++;
    }
    if (next < 0) {
        log_error("detailed export stopped after %llu rows: %s", (unsigned long long)req->rows,
                  db->error);
        /* The statement may still have rows in flight; closing it would read them all. */
        db_abandon(db);
        http_abort(req);
        goto out;
    }
    if (detailed_csv_finish(csv) != 0)
        goto client_gone;
    goto out;

client_gone:
    /* The client left (or nginx closed the connection): stop the query now instead of reading
     * the rest of it, and break the transfer in case only our side failed. */
    log_warn("client gone after %llu rows; stopping the query", (unsigned long long)req->rows);
    db_abandon(db);
    http_abort(req);
out:
    detailed_csv_free(csv);
    report_cursor_close(cursor);
}

/* Sends the finished file at path with its length, then deletes it. */
static void handler_send_file(struct http_request *req, const struct report_request *r,
                              enum report_kind kind, const char *path)
{
    static const char xlsx_type[] =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    char buffer[65536];
    struct stat info;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    unlink(path);
    if (fd < 0 || fstat(fd, &info) != 0) {
        struct api_error err;
        log_error("cannot open the built file %s: %s", path, strerror(errno));
        api_error_set(&err, 500, NULL, "internal error while sending the file");
        http_send_error(req, &err);
        if (fd >= 0)
            close(fd);
        return;
    }
    if (handler_download_headers(req, r, kind, EXPORT_XLSX, xlsx_type, (long long)info.st_size) !=
        0)
        goto out;
    for (;;) {
        ssize_t got = read(fd, buffer, sizeof(buffer));
        if (got == 0)
            break;
        if (got < 0 || http_sink_write(req, buffer, (size_t)got) != 0) {
            http_abort(req);
            break;
        }
    }
out:
    close(fd);
}

/* Checks that the temp folder can take an XLSX file before any query runs, so that a missing or
 * read-only folder gets an error that names it rather than a failure deep in the writer. */
static int handler_temp_dir_ready(struct handler_scope *scope, struct api_error *err)
{
    const char *dir = scope->worker->cfg->temp_dir;
    struct stat info;

    errno = 0;
    if (stat(dir, &info) == 0 && S_ISDIR(info.st_mode) && access(dir, W_OK | X_OK) == 0)
        return 0;
    log_error("temp_dir %s is not a writable folder: %s", dir,
              errno != 0 ? strerror(errno) : "not a folder");
    return api_error_set(err, 500, NULL,
                         "cannot build the XLSX file: the temporary folder (setting temp_dir) is "
                         "missing or not writable; ask the operator to fix it, or export CSV");
}

static void handler_temp_path(struct handler_scope *scope, char *out, size_t size)
{
    static unsigned long counter;
    snprintf(out, size, "%s/reportd-%d-%lu.xlsx", scope->worker->cfg->temp_dir, (int)getpid(),
             ++counter);
}

/* Builds the detailed XLSX in the temp folder (libxlsxwriter needs a file), then sends it. */
static void handler_detailed_xlsx(struct handler_scope *scope, struct http_request *req,
                                  const struct report_request *r)
{
    struct db *db = &scope->worker->db;
    struct report_cursor *cursor = NULL;
    struct xlsx_export *xlsx = NULL;
    struct api_error err;
    const struct report_row *row;
    char path[1024];
    char message[sizeof(db->error) + 64] = "";
    bool reading_failed = false;
    int next;

    if (handler_temp_dir_ready(scope, &err) != 0) {
        http_send_error(req, &err);
        return;
    }
    handler_temp_path(scope, path, sizeof(path));
    if (report_detailed_open(db, r, &cursor, &err) != 0) {
        handler_fail(scope, req, &err);
        return;
    }
    xlsx = xlsx_export_new(path, scope->worker->cfg->temp_dir, &r->format, message,
                           sizeof(message));
    if (xlsx == NULL || xlsx_export_detailed_columns(xlsx, r->amounts, r->currency) != 0)
        goto failed;
    while ((next = report_cursor_next(cursor, &row)) == 1) {
        if (xlsx_export_detailed_row(xlsx, row) != 0)
            goto failed;
        req->rows++;
    }
    if (next < 0) {
        snprintf(message, sizeof(message), "reading entries: %s", db->error);
        reading_failed = true;
        goto failed;
    }
    if (xlsx_export_close(xlsx, message, sizeof(message)) != 0)
        goto failed;
    xlsx_export_free(xlsx);
    report_cursor_close(cursor);
    handler_send_file(req, r, REPORT_DETAILED, path);
    return;

failed:
    log_error("XLSX export failed: %s", message[0] ? message : "writer error");
    xlsx_export_free(xlsx);
    unlink(path);
    /* Rows may still be in flight; closing the statement would read them all first. */
    db_abandon(db);
    report_cursor_close(cursor);
    if (reading_failed)
        api_error_set(&err, 500, NULL, "internal error while reading the entries");
    else
        api_error_set(&err, 500, NULL,
                      "building the XLSX file in the temporary folder (setting temp_dir) failed; "
                      "check that it has free space, or export CSV");
    handler_fail(scope, req, &err);
}

static void handler_detailed(struct handler_scope *scope, struct http_request *req,
                             const struct report_request *r)
{
    struct membuf body = {0};
    struct sink out = membuf_sink(&body);
    struct api_error err;

    if (r->export_type == EXPORT_CSV) {
        handler_detailed_csv(scope, req, r);
        return;
    }
    if (r->export_type == EXPORT_XLSX) {
        handler_detailed_xlsx(scope, req, r);
        return;
    }
    if (report_json_detailed(&scope->worker->db, r, &out, &err) != 0) {
        handler_fail(scope, req, &err);
    } else if (http_send_headers(req, 200, "application/json", "") == 0) {
        http_sink_write(req, body.data, body.len);
    }
    membuf_free(&body);
}

/* Writes an aggregate report (already computed in memory) in the requested format. */
static void handler_aggregate(struct handler_scope *scope, struct http_request *req,
                              const struct report_request *r, const void *result,
                              int (*write_json)(const void *, struct sink *),
                              int (*write_csv)(const void *, struct sink *),
                              int (*write_xlsx)(const void *, const char *, const char *, char *,
                                                size_t))
{
    struct membuf body = {0};
    struct sink memory = membuf_sink(&body);
    struct sink stream = http_sink(req);
    struct api_error err;
    char path[1024];
    char message[512] = "";

    if (r->export_type == EXPORT_JSON) {
        if (write_json(result, &memory) != 0) {
            api_error_set(&err, 500, NULL, "internal error while writing the report");
            handler_fail(scope, req, &err);
        } else if (http_send_headers(req, 200, "application/json", "") == 0) {
            http_sink_write(req, body.data, body.len);
        }
        membuf_free(&body);
        return;
    }
    if (r->export_type == EXPORT_CSV) {
        if (handler_download_headers(req, r, r->kind, EXPORT_CSV, "text/csv; charset=utf-8",
                                     -1) == 0 &&
            write_csv(result, &stream) != 0)
            http_abort(req);
        return;
    }
    if (handler_temp_dir_ready(scope, &err) != 0) {
        http_send_error(req, &err);
        return;
    }
    handler_temp_path(scope, path, sizeof(path));
    if (write_xlsx(result, path, scope->worker->cfg->temp_dir, message, sizeof(message)) != 0) {
        log_error("XLSX export failed: %s", message);
        unlink(path);
        api_error_set(&err, 500, NULL,
                  "building the XLSX file in the temporary folder (setting temp_dir) failed; "
                  "check that it has free space, or export CSV");
        handler_fail(scope, req, &err);
        return;
    }
    handler_send_file(req, r, r->kind, path);
}

/* Adapters from the typed writers to handler_aggregate's generic callbacks. */
static int summary_json(const void *s, struct sink *out)
{
    return report_summary_json(s, out);
}
static int summary_csv(const void *s, struct sink *out)
{
    return report_summary_csv(s, out);
}
static int summary_xlsx(const void *s, const char *path, const char *tmp, char *err, size_t size)
{
    return report_summary_xlsx(s, path, tmp, err, size);
}
static int weekly_json(const void *w, struct sink *out)
{
    return report_weekly_json(w, out);
}
static int weekly_csv(const void *w, struct sink *out)
{
    return report_weekly_csv(w, out);
}
static int weekly_xlsx(const void *w, const char *path, const char *tmp, char *err, size_t size)
{
    return report_weekly_xlsx(w, path, tmp, err, size);
}

static void handler_summary(struct handler_scope *scope, struct http_request *req,
                            const struct report_request *r)
{
    struct report_summary *summary = NULL;
    struct api_error err;

    if (report_summary_run(&scope->worker->db, r, &summary, &err) != 0) {
        handler_fail(scope, req, &err);
        return;
    }
    handler_aggregate(scope, req, r, summary, summary_json, summary_csv, summary_xlsx);
    report_summary_free(summary);
}

static void handler_weekly(struct handler_scope *scope, struct http_request *req,
                           const struct report_request *r)
{
    struct report_weekly *weekly = NULL;
    struct api_error err;

    if (report_weekly_run(&scope->worker->db, r, &weekly, &err) != 0) {
        handler_fail(scope, req, &err);
        return;
    }
    handler_aggregate(scope, req, r, weekly, weekly_json, weekly_csv, weekly_xlsx);
    report_weekly_free(weekly);
}

void handler_report(struct handler_scope *scope, struct http_request *req, enum report_kind kind,
                    enum export_type type, bool from_query)
{
    struct report_context ctx;
    struct report_request r;
    struct api_error err;
    int parsed;

    memset(&r, 0, sizeof(r));
    handler_report_context(scope, &ctx);
    if (from_query) {
        parsed = report_request_parse_query(&r, kind, type, req->query, &ctx, &err);
    } else {
        parsed = http_read_body(req, scope->worker->cfg->body_limit, &err);
        if (parsed == 0)
            parsed = report_request_parse_json(&r, kind, req->body, req->body_len, &ctx, &err);
    }
    if (parsed != 0) {
        http_send_error(req, &err);
        goto out;
    }
    if (tz_use(r.time_zone) != 0) {
        api_error_set(&err, 400, "timeZone", "unknown time zone; use an IANA name");
        http_send_error(req, &err);
        goto out;
    }
    if (report_request_check_ids(&scope->worker->db, &r, &err) != 0) {
        handler_fail(scope, req, &err);
        goto out;
    }

    if (kind == REPORT_DETAILED)
        handler_detailed(scope, req, &r);
    else if (kind == REPORT_SUMMARY)
        handler_summary(scope, req, &r);
    else
        handler_weekly(scope, req, &r);
out:
    report_request_free(&r);
}
