/* handler.h - what a request handler receives, and the handlers the router calls.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_HANDLER_H
#define REPORTD_HANDLER_H

#include "auth.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "report_request.h"
#include "workspace.h"

/* Per-worker state shared by all requests. */
struct worker_state {
    const struct config *cfg;
    struct db db;
};

/* An authenticated request on one workspace. */
struct handler_scope {
    struct worker_state *worker;
    struct auth_identity who;
    struct workspace workspace;
};

/* GET /healthz */
void handler_health(struct worker_state *worker, struct http_request *req);

/* Fills the report context (workspace settings, caller, limits) of an authenticated request. */
void handler_report_context(const struct handler_scope *scope, struct report_context *ctx);

/* Reports: POST .../reports/{kind} (from_query false) and GET .../reports/{kind}.{ext}. */
void handler_report(struct handler_scope *scope, struct http_request *req, enum report_kind kind,
                    enum export_type type, bool from_query);

/* GET .../archive.zip: the whole workspace as a restorable ZIP, streamed. */
void handler_archive(struct handler_scope *scope, struct http_request *req);

/* Export jobs: rest is the path after /v1/workspaces/{ws}/export-jobs. */
void handler_export_jobs(struct handler_scope *scope, struct http_request *req, const char *rest);

/* Routes req to its handler; every path ends in exactly one response (or a broken transfer). */
void router_handle(struct worker_state *worker, struct http_request *req);

/* Sends err, turning a database failure into 503 when the server is unreachable. */
void handler_send_db_error(struct worker_state *worker, struct http_request *req,
                           const char *what);

#endif
