/* master.c - process supervision. Signal handlers only set flags; the loop below acts on them.
 * SPDX-License-Identifier: MIT
 */
#include "master.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "scheduler.h"
#include "worker.h"

#define MASTER_MAX_WORKERS 256

/* Processes besides the worker slots: a worker being retired by a SIGHUP restart, and the
 * export scheduler. */
enum { MASTER_EXTRA_SPARE, MASTER_EXTRA_SCHEDULER, MASTER_EXTRA_SLOTS };

struct master_slot {
    pid_t pid;          /* 0 when the slot is empty */
    bool retiring;      /* asked to stop by a SIGHUP restart; not replaced when it exits */
    time_t started;
};

static volatile sig_atomic_t master_stop_requested;
static volatile sig_atomic_t master_reload_requested;
static volatile sig_atomic_t master_child_exited;

static void master_on_signal(int signo)
{
    if (signo == SIGTERM || signo == SIGINT)
        master_stop_requested = 1;
    else if (signo == SIGHUP)
        master_reload_requested = 1;
    else if (signo == SIGCHLD)
        master_child_exited = 1;
}

static void master_install_signals(void)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    sigemptyset(&action.sa_mask);
    action.sa_handler = master_on_signal;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    sigaction(SIGCHLD, &action, NULL);
    action.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &action, NULL);
}

static int master_worker_count(const struct config *cfg)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int count = cfg->workers > 0 ? cfg->workers : (int)(cpus > 0 ? cpus : 1);
    return count > MASTER_MAX_WORKERS ? MASTER_MAX_WORKERS : count;
}

/* Opens the FastCGI socket. A unix path is recreated (a stale socket from a killed run would
 * make bind fail) and opened to all local users, because nginx's workers may run as
 * another user. */
static int master_open_socket(const char *listen)
{
    bool is_path = strchr(listen, '/') != NULL || strchr(listen, ':') == NULL;

    if (is_path)
        unlink(listen);
    int fd = FCGX_OpenSocket(listen, 1024);
    if (fd < 0)
        return -1;
    if (is_path)
        chmod(listen, 0666);
    return fd;
}

static pid_t master_spawn(const struct config *cfg, int listen_fd, struct master_slot *slot)
{
    pid_t pid = fork();

    if (pid < 0) {
        log_error("fork failed: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int status = worker_run(cfg, listen_fd);
        _exit(status);
    }
    slot->pid = pid;
    slot->retiring = false;
    slot->started = time(NULL);
    return pid;
}

/* Forks the export scheduler. The child closes the FastCGI socket (it serves no requests)
 * and installs its own signal handlers. */
static pid_t master_spawn_scheduler(const struct config *cfg, int listen_fd,
                                    struct master_slot *slot)
{
    pid_t pid = fork();

    if (pid < 0) {
        log_error("fork of the scheduler failed: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        struct sigaction action;
        memset(&action, 0, sizeof(action));
        sigemptyset(&action.sa_mask);
        action.sa_handler = SIG_DFL;
        sigaction(SIGCHLD, &action, NULL);
        close(listen_fd);
        _exit(scheduler_process_run(cfg));
    }
    slot->pid = pid;
    slot->retiring = false;
    slot->started = time(NULL);
    return pid;
}

static void master_describe_exit(int status, char *out, size_t size)
{
    if (WIFSIGNALED(status))
        snprintf(out, size, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(out, size, "exited with status %d", WEXITSTATUS(status));
}

/* Collects exited workers; replaces those that died unless the master is stopping or the
 * worker was retired by a restart. */
static void master_reap(const struct config *cfg, int listen_fd, struct master_slot *slots,
                        int count, struct master_slot *scheduler, bool replace)
{
    int status;
    pid_t pid;
    char why[96];

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == scheduler->pid) {
            scheduler->pid = 0;
            master_describe_exit(status, why, sizeof(why));
            log_warn("scheduler %d %s%s", (int)pid, why, replace ? "; starting another" : "");
            if (replace) {
                if (time(NULL) - scheduler->started < 1)
                    sleep(1);
                master_spawn_scheduler(cfg, listen_fd, scheduler);
            }
            continue;
        }
        for (int i = 0; i < count; i++) {
            if (slots[i].pid != pid)
                continue;
            bool retired = slots[i].retiring;
            slots[i].pid = 0;
            master_describe_exit(status, why, sizeof(why));
            if (retired || !replace) {
                log_info("worker %d %s", (int)pid, why);
                break;
            }
            log_warn("worker %d %s; starting a replacement", (int)pid, why);
            /* A worker that dies within a second of its start would otherwise be restarted
             * in a tight loop. */
            if (time(NULL) - slots[i].started < 1)
                sleep(1);
            master_spawn(cfg, listen_fd, &slots[i]);
            break;
        }
    }
}

static int master_live_count(const struct master_slot *slots, int count)
{
    int live = 0;
    for (int i = 0; i < count; i++)
        live += slots[i].pid > 0;
    return live;
}

/* One step of a rolling restart: when no retiring worker is still running, start a fresh
 * worker next to the oldest unrestarted one and ask that one to stop. */
static void master_restart_step(const struct config *cfg, int listen_fd,
                                struct master_slot *slots, int count, int *pending,
                                struct master_slot *spare)
{
    if (spare->pid > 0 && kill(spare->pid, 0) == 0)
        return;
    if (*pending >= count)
        return;

    struct master_slot *old = &slots[*pending];
    (*pending)++;
    if (old->pid <= 0)
        return;

    pid_t old_pid = old->pid;
    *spare = *old;
    spare->retiring = true;
    if (master_spawn(cfg, listen_fd, old) < 0) {
        *old = *spare;
        old->retiring = false;
        return;
    }
    log_info("restarting worker %d as %d", (int)old_pid, (int)old->pid);
    kill(old_pid, SIGTERM);
}

static void master_sleep_ms(long ms)
{
    struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
}

static void master_signal_all(const struct master_slot *slots, int count,
                              const struct master_slot *extras, int signo)
{
    for (int i = 0; i < count; i++) {
        if (slots[i].pid > 0)
            kill(slots[i].pid, signo);
    }
    for (int i = 0; i < MASTER_EXTRA_SLOTS; i++) {
        if (extras[i].pid > 0)
            kill(extras[i].pid, signo);
    }
}

static void master_forget(struct master_slot *slots, int count, struct master_slot *extras,
                          pid_t pid)
{
    for (int i = 0; i < count; i++) {
        if (slots[i].pid == pid)
            slots[i].pid = 0;
    }
    for (int i = 0; i < MASTER_EXTRA_SLOTS; i++) {
        if (extras[i].pid == pid)
            extras[i].pid = 0;
    }
}

static void master_shutdown(struct master_slot *slots, int count, struct master_slot *extras,
                            int deadline)
{
    master_signal_all(slots, count, extras, SIGTERM);

    /* A worker that got the signal just before it entered accept() would sleep there until
     * the next connection, so idle workers are reminded once a second. */
    time_t give_up = time(NULL) + deadline;
    time_t last_reminder = time(NULL);
    while (time(NULL) < give_up) {
        pid_t pid;
        while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
            master_forget(slots, count, extras, pid);
        if (pid < 0 && errno == ECHILD)
            return;
        if (time(NULL) > last_reminder) {
            last_reminder = time(NULL);
            master_signal_all(slots, count, extras, SIGTERM);
        }
        master_sleep_ms(50);
    }
    log_warn("workers still busy after %d s; killing them", deadline);
    master_signal_all(slots, count, extras, SIGKILL);
    while (waitpid(-1, NULL, 0) > 0)
        continue;
}

int master_run(const struct config *cfg)
{
    struct master_slot slots[MASTER_MAX_WORKERS];
    struct master_slot extras[MASTER_EXTRA_SLOTS];
    struct master_slot *spare = &extras[MASTER_EXTRA_SPARE];
    struct master_slot *scheduler = &extras[MASTER_EXTRA_SCHEDULER];
    int count = master_worker_count(cfg);
    int restart_pending = count;

    memset(slots, 0, sizeof(slots));
    memset(extras, 0, sizeof(extras));
    int listen_fd = master_open_socket(cfg->listen);
    if (listen_fd < 0) {
        log_error("cannot listen on %s: %s", cfg->listen, strerror(errno));
        return 1;
    }
    master_install_signals();
    log_info("reportd listening on %s with %d workers", cfg->listen, count);

    for (int i = 0; i < count; i++)
        master_spawn(cfg, listen_fd, &slots[i]);
    master_spawn_scheduler(cfg, listen_fd, scheduler);

    while (!master_stop_requested) {
        if (master_reload_requested) {
            master_reload_requested = 0;
            log_info("SIGHUP: restarting workers one by one");
            restart_pending = 0;
            /* The scheduler stops at its next progress check (a run cut short is recorded as
             * failed and retried) and master_reap starts a new one. */
            if (scheduler->pid > 0)
                kill(scheduler->pid, SIGTERM);
        }
        if (master_child_exited) {
            master_child_exited = 0;
            master_reap(cfg, listen_fd, slots, count, scheduler, true);
            if (spare->pid > 0 && kill(spare->pid, 0) != 0)
                spare->pid = 0;
        }
        master_restart_step(cfg, listen_fd, slots, count, &restart_pending, spare);
        master_sleep_ms(100);
    }

    log_info("stopping: waiting up to %d s for %d workers", cfg->shutdown_deadline,
             master_live_count(slots, count));
    if (scheduler->pid > 0)
        kill(scheduler->pid, SIGTERM);
    /* The workers keep the socket open while they serve what is queued; once they are gone
     * nginx gets connection refused rather than a connection nobody accepts. */
    close(listen_fd);
    master_shutdown(slots, count, extras, cfg->shutdown_deadline);
    if (strchr(cfg->listen, ':') == NULL)
        unlink(cfg->listen);
    log_info("reportd stopped");
    return 0;
}
