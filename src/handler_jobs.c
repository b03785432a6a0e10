/* handler_jobs.c - the export-jobs API: list, create, read and delete scheduled exports of a
 * workspace and list their runs. OWNER and ADMIN keys only.
 * SPDX-License-Identifier: MIT
 */
#include "handler.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export_jobs.h"
#include "log.h"

/* Runs listed by GET .../runs, newest first. */
#define HANDLER_JOBS_RUNS_MAX 100

static void jobs_error(struct http_request *req, int status, const char *field,
                       const char *message)
{
    struct api_error err;
    api_error_set(&err, status, field, "%s", message);
    http_send_error(req, &err);
}

static void jobs_list(struct handler_scope *scope, struct http_request *req)
{
    struct export_job *jobs = NULL;
    size_t count = 0;
    json_t *array = NULL;

    if (export_jobs_list(&scope->worker->db, scope->workspace.id, &jobs, &count) != 0) {
        handler_send_db_error(scope->worker, req, "listing export jobs");
        return;
    }
    array = json_array();
    for (size_t i = 0; array != NULL && i < count; i++) {
        if (json_array_append_new(array, export_job_to_json(&jobs[i])) != 0) {
            json_decref(array);
            array = NULL;
        }
    }
    export_jobs_free_list(jobs, count);
    if (array == NULL) {
        jobs_error(req, 500, NULL, "out of memory while listing export jobs");
        return;
    }
    http_send_json(req, 200, array);
}

/* Checks everything about a new job that needs the workspace: its request against the
 * workspace's ids, the folder on disk. Returns 0, or -1 with err set. */
static int jobs_check_new(struct handler_scope *scope, struct export_job *job,
                          struct api_error *err)
{
    struct report_context ctx;
    struct report_request r;
    struct db *db = &scope->worker->db;
    char message[512];
    int result = -1;

    memset(&r, 0, sizeof(r));
    handler_report_context(scope, &ctx);
    if (job->time_zone[0] == '\0')
        snprintf(job->time_zone, sizeof(job->time_zone), "%s",
                 scope->workspace.time_zone[0] ? scope->workspace.time_zone : "UTC");
    int64_t first = export_job_next_run(job, (int64_t)time(NULL));
    if (first < 0) {
        api_error_set(err, 400, "schedule.timeZone", "unknown time zone; use an IANA name");
        goto out;
    }
    /* The stored request is checked as its first run will read it. */
    if (export_job_build_request(job, first, &ctx, &r, err) != 0)
        goto out;
    if (job->report != JOB_REPORT_ARCHIVE && report_request_check_ids(db, &r, err) != 0) {
        if (err->field[0] != '\0' && err->status == 400) {
            char field[sizeof(err->field)];
            snprintf(field, sizeof(field), "%s", err->field);
            snprintf(err->field, sizeof(err->field), "request.%.100s", field);
        }
        goto out;
    }
    if (export_job_open_folder(scope->worker->cfg->export_root, job->folder, true, NULL, message,
                               sizeof(message)) != 0) {
        api_error_set(err, 400, "folder", "%s", message);
        goto out;
    }
    result = 0;
out:
    report_request_free(&r);
    return result;
}

static void jobs_create(struct handler_scope *scope, struct http_request *req)
{
    struct db *db = &scope->worker->db;
    struct export_job job;
    struct api_error err;
    json_error_t parse_error;
    json_t *body = NULL;
    uint64_t existing = 0;
    struct db_params params;

    memset(&job, 0, sizeof(job));
    if (http_read_body(req, scope->worker->cfg->body_limit, &err) != 0) {
        http_send_error(req, &err);
        goto out;
    }
    body = json_loadb(req->body ? req->body : "", req->body_len, 0, &parse_error);
    if (body == NULL) {
        api_error_set(&err, 400, NULL, "the body is not valid JSON (line %d, column %d): %s",
                      parse_error.line, parse_error.column, parse_error.text);
        http_send_error(req, &err);
        goto out;
    }
    if (export_job_from_json(body, &job, &err) != 0) {
        http_send_error(req, &err);
        goto out;
    }
    job.workspace_id = scope->workspace.id;
    job.created_by = scope->who.user_id;
    if (jobs_check_new(scope, &job, &err) != 0) {
        if (err.status >= 500)
            handler_send_db_error(scope->worker, req, "checking the export job");
        else
            http_send_error(req, &err);
        goto out;
    }

    db_params_init(&params);
    db_params_add_u64(&params, job.workspace_id);
    int counted = db_fetch_u64(db, "SELECT COUNT(*) FROM export_jobs WHERE workspace_id = ?",
                               &params, &existing);
    db_params_free(&params);
    if (counted < 0) {
        handler_send_db_error(scope->worker, req, "counting export jobs");
        goto out;
    }
    if (existing >= EXPORT_JOBS_PER_WORKSPACE_MAX) {
        jobs_error(req, 400, NULL, "this workspace has 100 export jobs, the most it may have; "
                                   "delete one first");
        goto out;
    }
    if (export_jobs_insert(db, &job, (int64_t)time(NULL)) != 0) {
        handler_send_db_error(scope->worker, req, "storing the export job");
        goto out;
    }
    log_info("export job %llu created in workspace %llu", (unsigned long long)job.id,
             (unsigned long long)job.workspace_id);
    http_send_json(req, 201, export_job_to_json(&job));
out:
    export_job_free(&job);
    json_decref(body);
}

/* Parses "/{id}" at the start of rest; returns the text after the id or NULL. */
static const char *jobs_parse_id(const char *rest, uint64_t *id)
{
    char *end = NULL;

    if (rest[0] != '/' || rest[1] < '0' || rest[1] > '9')
        return NULL;
    errno = 0;
    unsigned long long value = strtoull(rest + 1, &end, 10);
    if (errno != 0 || value == 0 || (*end != '\0' && *end != '/'))
        return NULL;
    *id = value;
    return end;
}

static void jobs_get(struct handler_scope *scope, struct http_request *req, uint64_t id)
{
    struct export_job job;

    int found = export_jobs_load(&scope->worker->db, scope->workspace.id, id, &job);
    if (found < 0) {
        handler_send_db_error(scope->worker, req, "loading the export job");
        return;
    }
    if (found == 0) {
        jobs_error(req, 404, NULL, "export job not found in this workspace");
        return;
    }
    http_send_json(req, 200, export_job_to_json(&job));
    export_job_free(&job);
}

static void jobs_delete(struct handler_scope *scope, struct http_request *req, uint64_t id)
{
    int deleted = export_jobs_delete(&scope->worker->db, scope->workspace.id, id);

    if (deleted < 0) {
        handler_send_db_error(scope->worker, req, "deleting the export job");
        return;
    }
    if (deleted == 0) {
        jobs_error(req, 404, NULL, "export job not found in this workspace");
        return;
    }
    log_info("export job %llu deleted", (unsigned long long)id);
    http_send_headers(req, 204, "application/json", "");
}

static void jobs_runs(struct handler_scope *scope, struct http_request *req, uint64_t id)
{
    struct export_job job;
    struct export_run *runs = NULL;
    size_t count = 0;

    int found = export_jobs_load(&scope->worker->db, scope->workspace.id, id, &job);
    if (found < 0) {
        handler_send_db_error(scope->worker, req, "loading the export job");
        return;
    }
    if (found == 0) {
        jobs_error(req, 404, NULL, "export job not found in this workspace");
        return;
    }
    export_job_free(&job);
    if (export_jobs_runs(&scope->worker->db, id, HANDLER_JOBS_RUNS_MAX, &runs, &count) != 0) {
        handler_send_db_error(scope->worker, req, "listing the job's runs");
        return;
    }
    json_t *array = json_array();
    for (size_t i = 0; array != NULL && i < count; i++) {
        if (json_array_append_new(array, export_run_to_json(&runs[i])) != 0) {
            json_decref(array);
            array = NULL;
        }
    }
    free(runs);
    if (array == NULL) {
        jobs_error(req, 500, NULL, "out of memory while listing runs");
        return;
    }
    http_send_json(req, 200, array);
}

static bool jobs_is(const struct http_request *req, const char *method)
{
    return strcmp(req->method, method) == 0;
}

/* Serves /v1/workspaces/{ws}/export-jobs. rest is the path after it: "" (GET lists, POST
 * creates), "/{id}" (GET, DELETE) or "/{id}/runs" (GET). scope is authenticated and contains
 * the workspace. A MEMBER key gets 403. Sends exactly one response. */
void handler_export_jobs(struct handler_scope *scope, struct http_request *req, const char *rest)
{
    uint64_t id = 0;

    if (scope->who.role == AUTH_ROLE_MEMBER) {
        jobs_error(req, 403, NULL,
                   "export jobs need an OWNER or ADMIN key; ask a workspace admin to create "
                   "the job");
        return;
    }
    if (rest[0] == '\0') {
        if (jobs_is(req, "GET"))
            jobs_list(scope, req);
        else if (jobs_is(req, "POST"))
            jobs_create(scope, req);
        else
            http_send_method_not_allowed(req, "GET, POST");
        return;
    }
    const char *after = jobs_parse_id(rest, &id);
    if (after == NULL) {
        jobs_error(req, 404, NULL, "no such export job path; use /export-jobs/{id} or "
                                   "/export-jobs/{id}/runs");
        return;
    }
    if (after[0] == '\0') {
        if (jobs_is(req, "GET"))
            jobs_get(scope, req, id);
        else if (jobs_is(req, "DELETE"))
            jobs_delete(scope, req, id);
        else
            http_send_method_not_allowed(req, "GET, DELETE");
        return;
    }
    if (strcmp(after, "/runs") == 0) {
        if (jobs_is(req, "GET"))
            jobs_runs(scope, req, id);
        else
            http_send_method_not_allowed(req, "GET");
        return;
    }
    jobs_error(req, 404, NULL, "no such export job path; use /export-jobs/{id} or "
                               "/export-jobs/{id}/runs");
}
