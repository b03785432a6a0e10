/* worker.c - the request loop: accept, route, log one line, free the request's state.
 * SPDX-License-Identifier: MIT
 */
#include "worker.h"

#include <errno.h>
#include <fcgiapp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "handler.h"
#include "log.h"

/* Seconds a stopping worker keeps serving queued connections. */
#define WORKER_DRAIN_SECONDS 2

static volatile sig_atomic_t worker_stop_requested;

static void worker_on_sigterm(int signo)
{
    (void)signo;
    worker_stop_requested = 1;
}

/* While idle, SIGTERM must interrupt accept() (no SA_RESTART) so the worker exits at once.
 * While busy, it must not interrupt the socket reads and writes of the request (SA_RESTART),
 * or a stopping worker would cut the response it is sending. */
static void worker_set_sigterm_restart(bool restart)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    sigemptyset(&action.sa_mask);
    action.sa_handler = worker_on_sigterm;
    action.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
}

static void worker_install_signals(void)
{
    struct sigaction action;

    worker_set_sigterm_restart(false);
    memset(&action, 0, sizeof(action));
    sigemptyset(&action.sa_mask);

    action.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &action, NULL);
    sigaction(SIGHUP, &action, NULL);

    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGTERM);
    sigaddset(&unblock, SIGINT);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
}

/* True when a connection waits on the listening socket (another worker may still take it). */
static bool worker_connection_pending(int listen_fd)
{
    struct pollfd wait = {.fd = listen_fd, .events = POLLIN};
    return poll(&wait, 1, 0) > 0 && (wait.revents & POLLIN) != 0;
}

static void worker_log_request(struct http_request *req)
{
    struct timespec now;
    char path[512];

    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (long)((now.tv_sec - req->started.tv_sec) * 1000 +
                     (now.tv_nsec - req->started.tv_nsec) / 1000000);
    log_escape(req->path, path, sizeof(path));
    log_info("request method=%s path=\"%s\" status=%d rows=%llu bytes=%llu ms=%ld%s",
             req->method[0] ? req->method : "-", path, req->status,
             (unsigned long long)req->rows, (unsigned long long)req->bytes, ms,
             req->aborted ? " aborted" : "");
}

int worker_run(const struct config *cfg, int listen_fd)
{
    struct worker_state state;
    FCGX_Request fcgx;
    unsigned long long counter = 0;
    time_t stop_seen = 0;
    char id[24];

    worker_install_signals();
    memset(&state, 0, sizeof(state));
    state.cfg = cfg;
    db_init(&state.db, cfg);
    if (db_connect(&state.db) != 0)
        log_warn("database not reachable at start (%s); will retry per request", state.db.error);

    if (FCGX_Init() != 0 || FCGX_InitRequest(&fcgx, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
        log_error("cannot initialise libfcgi");
        return 1;
    }
    log_info("worker started");

    for (;;) {
        /* A stopping worker still serves the connections queued on the socket, so a SIGTERM
         * drops no request that nginx has already sent. It exits once the queue is empty, or
         * after WORKER_DRAIN_SECONDS under a steady stream of new ones. */
        if (worker_stop_requested) {
            if (stop_seen == 0)
                stop_seen = time(NULL);
            if (!worker_connection_pending(listen_fd) ||
                time(NULL) - stop_seen >= WORKER_DRAIN_SECONDS)
                break;
        }
        if (FCGX_Accept_r(&fcgx) < 0) {
            /* EINTR is how SIGTERM ends an idle wait; anything else (EMFILE, say) would spin,
             * so it is logged and the worker pauses. */
            if (errno != EINTR && !worker_stop_requested) {
                log_error("accept failed: %s; retrying in 1 s", strerror(errno));
                sleep(1);
            }
            continue;
        }
        worker_set_sigterm_restart(true);

        struct http_request req;
        snprintf(id, sizeof(id), "%x-%llx", (unsigned)getpid(), ++counter);
        http_request_init(&req, &fcgx, id);
        log_set_request_id(id);

        router_handle(&state, &req);

        worker_log_request(&req);
        log_set_request_id(NULL);
        http_request_free(&req);
        FCGX_Finish_r(&fcgx);
        worker_set_sigterm_restart(false);
    }

    log_info("worker stopping");
    FCGX_Free(&fcgx, 1);
    db_close(&state.db);
    return 0;
}
