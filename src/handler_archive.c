/* handler_archive.c - GET /v1/workspaces/{ws}/archive.zip: the workspace archive, streamed.
 * SPDX-License-Identifier: MIT
 *
 * The snapshot, the workspace and its names are read before the first byte, so their failures
 * still get a JSON error. After the headers only a broken transfer is left.
 */
#include "handler.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "workspace_archive.h"

/* Sends err, turning a database 5xx into 503 when the server is unreachable. */
static void handler_archive_fail(struct handler_scope *scope, struct http_request *req,
                                 struct api_error *err)
{
    if (err->status >= 500) {
        log_error("archive failed: %s (%s)", err->message, scope->worker->db.error);
        if (db_check(&scope->worker->db) != 0)
            api_error_set(err, 503, NULL, "database unavailable; retry shortly");
    }
    http_send_error(req, err);
}

void handler_archive(struct handler_scope *scope, struct http_request *req)
{
    struct db *db = &scope->worker->db;
    struct archive_job *job = NULL;
    struct api_error err;
    struct sink out = http_sink(req);
    struct tm today;
    time_t now = time(NULL);
    char filename[128];
    char disposition[512];
    char extra[640];
    bool out_failed = false;
    uint64_t member = scope->who.role == AUTH_ROLE_MEMBER ? scope->who.user_id : 0;

    if (archive_job_open(db, scope->workspace.id, member, &job, &err) != 0) {
        handler_archive_fail(scope, req, &err);
        return;
    }
    gmtime_r(&now, &today);
    snprintf(filename, sizeof(filename), "reportd_archive_%llu_%04d-%02d-%02d.zip",
             (unsigned long long)scope->workspace.id, today.tm_year + 1900, today.tm_mon + 1,
             today.tm_mday);
    http_content_disposition(filename, disposition, sizeof(disposition));
    snprintf(extra, sizeof(extra), "%sX-Accel-Buffering: no\r\n", disposition);
    if (http_send_headers(req, 200, "application/zip", extra) != 0) {
        log_warn("client gone before the archive started");
        db_abandon(db);
        http_abort(req);
        goto out;
    }
    if (archive_job_write(job, &out, &req->rows, &out_failed) != 0) {
        if (out_failed)
            log_warn("client gone after %llu rows; the query was stopped",
                     (unsigned long long)req->rows);
        else
            log_error("archive stopped after %llu rows: %s", (unsigned long long)req->rows,
                      db->error);
        /* archive_job_write already dropped the connection when the client left. */
        http_abort(req);
    }
out:
    archive_job_close(job);
}
