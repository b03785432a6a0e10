/* worker.h - a worker process: accepts FastCGI requests one at a time until told to stop.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_WORKER_H
#define REPORTD_WORKER_H

#include "config.h"

/* Serves requests on listen_fd until SIGTERM; returns the process exit status. */
int worker_run(const struct config *cfg, int listen_fd);

#endif
