/* scheduler.c - claims due export runs, runs them into files and records the outcome. The
 * scheduler process repeats that until SIGTERM or SIGINT arrives.
 * SPDX-License-Identifier: MIT
 */
#include "scheduler.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export_file.h"
#include "export_jobs.h"
#include "log.h"
#include "report_request.h"
#include "workspace.h"

/* State of the progress callback that keeps the claim alive during a long export. */
struct scheduler_beat {
    struct db *ctl;
    uint64_t run_id;
    const char *claimer;
    time_t last;
    const volatile sig_atomic_t *stop;
    bool lost; /* another claimer took the run over */
};

static int scheduler_progress(void *ctx, uint64_t rows)
{
    struct scheduler_beat *beat = ctx;
    time_t now = time(NULL);

    (void)rows;
    if (beat->stop != NULL && *beat->stop)
        return 1;
    if (now - beat->last < EXPORT_JOBS_HEARTBEAT_SECONDS)
        return 0;
    beat->last = now;
    int held = export_jobs_heartbeat(beat->ctl, beat->run_id, beat->claimer, (int64_t)now);
    if (held == 0) {
        beat->lost = true;
        return 1;
    }
    if (held < 0)
        log_warn("heartbeat of run %llu failed: %s", (unsigned long long)beat->run_id,
                 beat->ctl->error);
    return 0;
}

static uint64_t scheduler_ms_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ms = (int64_t)(now.tv_sec - start->tv_sec) * 1000 +
                 (now.tv_nsec - start->tv_nsec) / 1000000;
    return ms > 0 ? (uint64_t)ms : 0;
}

/* Loads the workspace into ctx as the job's creator sees it. A job added with reportctl runs
 * as an OWNER. A job added through the API runs only while its creator is still an OWNER or
 * ADMIN, so that a demoted user's job does not keep exporting everyone's entries. */
static int scheduler_context(struct db *db, const struct config *cfg,
                             const struct export_job *job, struct report_context *ctx,
                             char *err, size_t err_size)
{
    struct workspace ws;
    struct db_params params;
    uint64_t allowed = 1;

    int found = workspace_load(db, job->workspace_id, &ws);
    if (found <= 0) {
        snprintf(err, err_size, found < 0 ? "loading the workspace failed: %.300s"
                                          : "the workspace no longer exists%.0s",
                 db->error);
        return -1;
    }
    if (job->created_by != 0) {
        db_params_init(&params);
        db_params_add_u64(&params, job->workspace_id);
        db_params_add_u64(&params, job->created_by);
        found = db_fetch_u64(db,
                             "SELECT role IN ('OWNER', 'ADMIN') AND status = 'ACTIVE' FROM "
                             "memberships WHERE workspace_id = ? AND user_id = ?",
                             &params, &allowed);
        db_params_free(&params);
        if (found < 0) {
            snprintf(err, err_size, "checking the creator's role failed: %.300s", db->error);
            return -1;
        }
        if (found == 0 || allowed == 0) {
            snprintf(err, err_size, "the job's creator is no longer an active OWNER or ADMIN "
                                    "of the workspace; recreate the job as one");
            return -1;
        }
    }
    memset(ctx, 0, sizeof(*ctx));
    ctx->workspace_id = ws.id;
    snprintf(ctx->time_zone, sizeof(ctx->time_zone), "%s", ws.time_zone);
    snprintf(ctx->currency, sizeof(ctx->currency), "%s", ws.currency);
    ctx->week_start = ws.week_start;
    ctx->rounding_mode = (enum report_rounding)ws.rounding_mode;
    ctx->rounding_minutes = ws.rounding_minutes;
    ctx->user_id = job->created_by;
    ctx->role = REPORT_ROLE_OWNER;
    ctx->page_size_max = cfg->page_size_max;
    ctx->ids_max = cfg->ids_max;
    ctx->range_max_days = cfg->range_max_days;
    return 0;
}

/* Names the file of a run after its report, its range in the job's zone, the job and the run:
 * reportd_detailed_2026-03-01_2026-03-31_job4_run17.csv. The run id keeps two runs that cover
 * the same range from replacing each other, which pruning relies on. */
static void scheduler_file_name(const struct export_job *job, const struct export_run *run,
                                int week_start, char *out, size_t size)
{
    static const char *const kinds[] = {"detailed", "summary", "weekly", "archive"};
    static const char *const extensions[] = {"csv", "xlsx", "zip"};
    struct tz_local first, last;
    int64_t start = 0, end = 0;

    export_job_range_bounds(job->range, job->time_zone, week_start, run->scheduled_for, &start,
                            &end);
    tz_to_local(start, &first);
    tz_to_local(end, &last);
    if (job->report == JOB_REPORT_ARCHIVE || job->range == JOB_RANGE_EVERYTHING)
        snprintf(out, size, "reportd_%s_until_%04d-%02d-%02d_job%llu_run%llu.%s",
                 kinds[job->report], last.year, last.month, last.day,
                 (unsigned long long)job->id, (unsigned long long)run->id,
                 extensions[job->format]);
    else
        snprintf(out, size, "reportd_%s_%04d-%02d-%02d_%04d-%02d-%02d_job%llu_run%llu.%s",
                 kinds[job->report], first.year, first.month, first.day, last.year, last.month,
                 last.day, (unsigned long long)job->id, (unsigned long long)run->id,
                 extensions[job->format]);
}

/* Runs one claimed run and fills outcome. Returns the folder descriptor (for pruning) or -1. */
static int scheduler_produce(struct db *data, const struct config *cfg,
                             const struct export_job *job, const struct export_run *run,
                             struct scheduler_beat *beat, struct export_run_outcome *outcome)
{
    static const enum export_file_kind kinds[] = {EXPORT_FILE_DETAILED, EXPORT_FILE_SUMMARY,
                                                  EXPORT_FILE_WEEKLY, EXPORT_FILE_ARCHIVE};
    struct report_context ctx;
    struct report_request r;
    struct api_error err;
    struct export_file_result written;
    struct export_file_spec spec;
    int folder_fd = -1;
    int result = -1;

    memset(&r, 0, sizeof(r));
    if (scheduler_context(data, cfg, job, &ctx, outcome->error, sizeof(outcome->error)) != 0)
        goto out;
    if (export_job_build_request(job, run->scheduled_for, &ctx, &r, &err) != 0) {
        snprintf(outcome->error, sizeof(outcome->error), "the stored request is invalid at "
                                                         "%.100s: %.400s", err.field, err.message);
        goto out;
    }
    if (job->report != JOB_REPORT_ARCHIVE && report_request_check_ids(data, &r, &err) != 0) {
        snprintf(outcome->error, sizeof(outcome->error), "%.100s: %.400s", err.field,
                 err.message);
        goto out;
    }
    if (export_job_open_folder(cfg->export_root, job->folder, false, &folder_fd, outcome->error,
                               sizeof(outcome->error)) != 0)
        goto out;
    scheduler_file_name(job, run, ctx.week_start, outcome->file_name, sizeof(outcome->file_name));
    if (job->report != JOB_REPORT_ARCHIVE && tz_use(r.time_zone) != 0) {
        snprintf(outcome->error, sizeof(outcome->error), "unknown time zone %s", r.time_zone);
        goto out;
    }

    memset(&spec, 0, sizeof(spec));
    spec.kind = kinds[job->report];
    spec.request = job->report == JOB_REPORT_ARCHIVE ? NULL : &r;
    spec.workspace_id = job->workspace_id;
    spec.format = job->format == JOB_FORMAT_XLSX ? EXPORT_XLSX : EXPORT_CSV;
    spec.folder_fd = folder_fd;
    spec.folder_name = job->folder[0] ? job->folder : "(export root)";
    spec.file_name = outcome->file_name;
    spec.temp_dir = cfg->temp_dir;
    spec.progress = scheduler_progress;
    spec.progress_ctx = beat;
    if (export_file_write(data, &spec, &written) != 0) {
        snprintf(outcome->error, sizeof(outcome->error), "%s",
                 beat->lost ? "another claimer took the run over" : written.error);
        goto out;
    }
    outcome->ok = true;
    outcome->rows = written.rows;
    outcome->bytes = written.bytes;
    snprintf(outcome->sha256, sizeof(outcome->sha256), "%s", written.sha256);
    result = folder_fd;
    folder_fd = -1;
out:
    if (folder_fd >= 0)
        close(folder_fd);
    report_request_free(&r);
    return result;
}

static int64_t scheduler_now(const struct scheduler_pass *pass)
{
    return pass->now != 0 ? pass->now : (int64_t)time(NULL);
}

/* Runs one claimed run and records it. Returns 1 when it succeeded, 0 when it failed (and is
 * recorded so), -1 when the outcome could not be recorded. */
static int scheduler_execute(struct db *ctl, struct db *data, const struct config *cfg,
                             const struct scheduler_pass *pass, const struct export_run *run)
{
    struct export_job job;
    struct export_run_outcome outcome;
    struct scheduler_beat beat = {ctl, run->id, pass->claimer, time(NULL), pass->stop, false};
    struct timespec started;
    int folder_fd = -1;
    int result = -1;

    memset(&job, 0, sizeof(job));
    memset(&outcome, 0, sizeof(outcome));
    clock_gettime(CLOCK_MONOTONIC, &started);
    int found = export_jobs_load(ctl, 0, run->job_id, &job);
    if (found < 0)
        goto out;
    if (found == 0) {
        /* Deleted after the claim; its runs went with it. */
        result = 0;
        goto out;
    }
    log_info("export job %llu run %llu attempt %d started", (unsigned long long)job.id,
             (unsigned long long)run->id, run->attempt);
    folder_fd = scheduler_produce(data, cfg, &job, run, &beat, &outcome);
    outcome.duration_ms = scheduler_ms_since(&started);
    if (beat.lost) {
        log_warn("run %llu was taken over by another claimer; not recording it here",
                 (unsigned long long)run->id);
        result = 0;
        goto out;
    }
    if (export_jobs_finish(ctl, run, pass->claimer, scheduler_now(pass), &outcome) != 0) {
        /* A run taken over while this host still worked on it is the new claimer's to
         * record; only a database failure stops the pass. */
        if (export_jobs_heartbeat(ctl, run->id, pass->claimer, scheduler_now(pass)) == 0) {
            log_warn("run %llu was taken over by another claimer before it finished here",
                     (unsigned long long)run->id);
            result = 0;
        }
        goto out;
    }
    if (outcome.ok) {
        log_info("export job %llu run %llu wrote %s: %llu rows, %llu bytes in %llu ms",
                 (unsigned long long)job.id, (unsigned long long)run->id, outcome.file_name,
                 (unsigned long long)outcome.rows, (unsigned long long)outcome.bytes,
                 (unsigned long long)outcome.duration_ms);
        if (export_jobs_prune(ctl, job.id, job.keep, folder_fd) < 0)
            log_warn("pruning job %llu failed: %s", (unsigned long long)job.id, ctl->error);
        result = 1;
    } else {
        log_warn("export job %llu run %llu attempt %d failed: %s", (unsigned long long)job.id,
                 (unsigned long long)run->id, run->attempt, outcome.error);
        result = 0;
    }
out:
    if (folder_fd >= 0)
        close(folder_fd);
    export_job_free(&job);
    return result;
}

int scheduler_run_due(struct db *ctl, struct db *data, const struct config *cfg,
                      const struct scheduler_pass *pass, struct scheduler_tally *tally)
{
    struct export_run run;

    memset(tally, 0, sizeof(*tally));
    while (pass->stop == NULL || !*pass->stop) {
        int claimed = export_jobs_claim(ctl, pass->claimer, pass->workspace_id,
                                        scheduler_now(pass), &run);
        if (claimed < 0)
            return -1;
        if (claimed == 0)
            return 0;
        int done = scheduler_execute(ctl, data, cfg, pass, &run);
        if (done < 0)
            return -1;
        if (done > 0)
            tally->succeeded++;
        else
            tally->failed++;
    }
    return 0;
}

static volatile sig_atomic_t scheduler_stop_requested;

static void scheduler_on_signal(int signo)
{
    (void)signo;
    scheduler_stop_requested = 1;
}

/* Sleeps up to seconds, waking early when a stop is requested. */
static void scheduler_nap(int seconds)
{
    for (int i = 0; i < seconds * 10 && !scheduler_stop_requested; i++) {
        struct timespec tenth = {0, 100000000L};
        nanosleep(&tenth, NULL);
    }
}

int scheduler_process_run(const struct config *cfg)
{
    struct sigaction action;
    struct scheduler_tally tally;
    struct scheduler_pass pass;
    struct db ctl, data;
    char claimer[128];

    memset(&action, 0, sizeof(action));
    sigemptyset(&action.sa_mask);
    action.sa_handler = scheduler_on_signal;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    action.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &action, NULL);
    sigaction(SIGHUP, &action, NULL);

    export_jobs_claimer_name(claimer, sizeof(claimer));
    memset(&pass, 0, sizeof(pass));
    pass.claimer = claimer;
    pass.stop = &scheduler_stop_requested;
    db_init(&ctl, cfg);
    db_init(&data, cfg);
    log_info("scheduler %s started", claimer);
    while (!scheduler_stop_requested) {
        if (db_check(&ctl) != 0 || db_check(&data) != 0) {
            log_warn("scheduler: database unavailable (%s%s); retrying", ctl.error, data.error);
            scheduler_nap(SCHEDULER_IDLE_SECONDS);
            continue;
        }
        if (scheduler_run_due(&ctl, &data, cfg, &pass, &tally) != 0)
            log_error("scheduler: %s", ctl.error);
        else if (tally.succeeded + tally.failed > 0)
            log_info("scheduler: %u runs succeeded, %u failed", tally.succeeded, tally.failed);
        scheduler_nap(SCHEDULER_IDLE_SECONDS);
    }
    log_info("scheduler %s stopping", claimer);
    db_close(&data);
    db_close(&ctl);
    return 0;
}
