/* handler_health.c - GET /healthz: 200 when this worker reaches the database, else 503.
 * SPDX-License-Identifier: MIT
 */
#include "handler.h"

#include "log.h"

void handler_health(struct worker_state *worker, struct http_request *req)
{
    if (db_check(&worker->db) != 0) {
        struct api_error err;
        log_warn("health check: %s", worker->db.error);
        api_error_set(&err, 503, NULL, "database unavailable; retry shortly");
        http_send_error(req, &err);
        return;
    }
    http_send_json(req, 200, json_pack("{s:s}", "status", "ok"));
}
