/* scheduler.h - runs due export jobs: the scheduler process the master supervises, and the
 * one pass over due runs that `reportctl jobs run-due` also uses.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_SCHEDULER_H
#define REPORTD_SCHEDULER_H

#include <signal.h>

#include "config.h"
#include "db.h"

/* Seconds the scheduler sleeps when nothing is due. */
#define SCHEDULER_IDLE_SECONDS 5

/* Counts of one pass. */
struct scheduler_tally {
    unsigned succeeded;
    unsigned failed;
};

/* Options of one pass. */
struct scheduler_pass {
    const char *claimer;                 /* "host:pid" */
    uint64_t workspace_id;               /* only this workspace's jobs; 0 for all */
    int64_t now;                         /* the clock for claims and outcomes; 0 = time() */
    const volatile sig_atomic_t *stop;   /* may be NULL */
};

/* Claims and runs due runs one after the other until none is due or *pass->stop becomes
 * non-zero. ctl records claims and heartbeats, and data runs the reports. Two connections
 * are needed because a streaming report keeps its connection busy while heartbeats go on. Each
 * file goes to its job's folder below cfg->export_root. A fixed pass->now lets tests run jobs
 * scheduled far from today without touching anyone else's. Failed runs are
 * recorded (with a retry when attempts remain) and counted, not returned as errors. Returns 0,
 * or -1 when the database fails (ctl->error says why). */
int scheduler_run_due(struct db *ctl, struct db *data, const struct config *cfg,
                      const struct scheduler_pass *pass, struct scheduler_tally *tally);

/* The scheduler process: installs a SIGTERM and SIGINT handler that only sets a flag, opens
 * its own two database connections and loops (claim due runs, run them, sleep
 * SCHEDULER_IDLE_SECONDS) until the flag is set. A database outage is logged and retried.
 * A run in progress when SIGTERM arrives is stopped and recorded as failed, so it is retried.
 * Returns the exit status for the master (0 after a requested stop). */
int scheduler_process_run(const struct config *cfg);

#endif
