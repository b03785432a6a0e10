/* master.h - the supervising process: owns the socket, starts and replaces workers.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_MASTER_H
#define REPORTD_MASTER_H

#include "config.h"

/* Opens cfg->listen, forks the workers and supervises them until SIGTERM or SIGINT; then
 * forwards the signal, waits up to cfg->shutdown_deadline seconds and returns the exit status.
 * SIGHUP restarts the workers one by one. */
int master_run(const struct config *cfg);

#endif
