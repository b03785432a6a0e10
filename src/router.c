/* router.c - maps method and path to a handler, after authentication.
 * SPDX-License-Identifier: MIT
 */
#include "handler.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define ROUTER_WORKSPACES "/v1/workspaces/"

struct report_route {
    const char *name;
    enum report_kind kind;
};

static const struct report_route router_reports[] = {
    {"detailed", REPORT_DETAILED},
    {"summary", REPORT_SUMMARY},
    {"weekly", REPORT_WEEKLY},
};

static void router_error(struct http_request *req, int status, const char *message)
{
    struct api_error err;
    api_error_set(&err, status, NULL, "%s", message);
    http_send_error(req, &err);
}

void handler_send_db_error(struct worker_state *worker, struct http_request *req,
                           const char *what)
{
    struct api_error err;

    log_error("%s: %s", what, worker->db.error);
    if (db_check(&worker->db) != 0)
        api_error_set(&err, 503, NULL, "database unavailable; retry shortly");
    else
        api_error_set(&err, 500, NULL, "internal error while %s", what);
    http_send_error(req, &err);
}

/* Parses the workspace id at the start of rest; returns the text after it or NULL. */
static const char *router_workspace_id(const char *rest, uint64_t *id)
{
    char *end = NULL;

    if (*rest < '0' || *rest > '9')
        return NULL;
    errno = 0;
    unsigned long long value = strtoull(rest, &end, 10);
    if (errno != 0 || value == 0 || (*end != '/' && *end != '\0'))
        return NULL;
    *id = value;
    return end;
}

static bool router_is(const struct http_request *req, const char *method)
{
    return strcmp(req->method, method) == 0;
}

/* Maps a file extension to its export type; returns -1 for an unknown one. */
static int router_export_type(const char *extension, enum export_type *type)
{
    static const char *const extensions[] = {"json", "csv", "xlsx"};
    static const enum export_type types[] = {EXPORT_JSON, EXPORT_CSV, EXPORT_XLSX};

    for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++) {
        if (strcmp(extension, extensions[i]) == 0) {
            *type = types[i];
            return 0;
        }
    }
    return -1;
}

static void router_reports_path(struct handler_scope *scope, struct http_request *req,
                                const char *rest)
{
    for (size_t i = 0; i < sizeof(router_reports) / sizeof(router_reports[0]); i++) {
        size_t len = strlen(router_reports[i].name);
        if (strncmp(rest, router_reports[i].name, len) != 0)
            continue;
        const char *suffix = rest + len;
        if (*suffix == '\0') {
            if (!router_is(req, "POST")) {
                http_send_method_not_allowed(req, "POST");
                return;
            }
            handler_report(scope, req, router_reports[i].kind, EXPORT_JSON, false);
            return;
        }
        enum export_type type;
        if (suffix[0] != '.')
            break;
        if (router_export_type(suffix + 1, &type) != 0) {
            router_error(req, 404, "no such format; use .json, .csv or .xlsx");
            return;
        }
        if (!router_is(req, "GET")) {
            http_send_method_not_allowed(req, "GET");
            return;
        }
        handler_report(scope, req, router_reports[i].kind, type, true);
        return;
    }
    router_error(req, 404, "no such report; use detailed, summary or weekly");
}

static void router_workspace(struct worker_state *worker, struct http_request *req)
{
    struct handler_scope scope;
    struct api_error err;
    uint64_t ws_id = 0;
    const char *rest = router_workspace_id(req->path + strlen(ROUTER_WORKSPACES), &ws_id);

    memset(&scope, 0, sizeof(scope));
    scope.worker = worker;
    if (auth_check(&worker->db, req->api_key, &scope.who, &err) != 0) {
        if (err.status >= 500)
            log_error("api key check failed: %s", worker->db.error);
        http_send_error(req, &err);
        return;
    }
    /* A workspace the key does not belong to is "not found", so ids do not leak. */
    if (rest == NULL || ws_id != scope.who.workspace_id) {
        router_error(req, 404, "workspace not found");
        return;
    }
    int found = workspace_load(&worker->db, ws_id, &scope.workspace);
    if (found < 0) {
        handler_send_db_error(worker, req, "loading the workspace");
        return;
    }
    if (found == 0) {
        router_error(req, 404, "workspace not found");
        return;
    }

    if (strcmp(rest, "/archive.zip") == 0) {
        if (!router_is(req, "GET")) {
            http_send_method_not_allowed(req, "GET");
            return;
        }
        handler_archive(&scope, req);
        return;
    }
    if (strncmp(rest, "/export-jobs", 12) == 0 && (rest[12] == '\0' || rest[12] == '/')) {
        handler_export_jobs(&scope, req, rest + 12);
        return;
    }
    if (strncmp(rest, "/reports/", 9) == 0) {
        router_reports_path(&scope, req, rest + 9);
        return;
    }
    router_error(req, 404, "no such resource in this workspace");
}

void router_handle(struct worker_state *worker, struct http_request *req)
{
    if (strcmp(req->path, "/healthz") == 0) {
        if (!router_is(req, "GET") && !router_is(req, "HEAD")) {
            http_send_method_not_allowed(req, "GET");
            return;
        }
        handler_health(worker, req);
        return;
    }
    if (strncmp(req->path, ROUTER_WORKSPACES, strlen(ROUTER_WORKSPACES)) == 0) {
        router_workspace(worker, req);
        return;
    }
    router_error(req, 404, "no such path; reports live under /v1/workspaces/{id}/reports/");
}
