/* export_jobs.h - scheduled export jobs: validation, next-run computation in the job's zone,
 * storage, claiming due runs across hosts, retries and pruning of old files.
 * SPDX-License-Identifier: MIT
 *
 * A run is claimed inside a transaction that locks the job or run row with
 * SELECT ... FOR UPDATE SKIP LOCKED, so several reportd hosts on one database skip each
 * other's rows instead of waiting for them, and the unique (job_id, scheduled_for) key makes
 * a second record of one run impossible. The claimer refreshes heartbeat_at while the run
 * goes on; a run whose heartbeat is older than EXPORT_JOBS_STALE_SECONDS is taken over.
 */
#ifndef REPORTD_EXPORT_JOBS_H
#define REPORTD_EXPORT_JOBS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api_error.h"
#include "db.h"
#include "report_request.h"
#include "tz.h"

enum export_job_report { JOB_REPORT_DETAILED, JOB_REPORT_SUMMARY, JOB_REPORT_WEEKLY,
                         JOB_REPORT_ARCHIVE };

enum export_job_format { JOB_FORMAT_CSV, JOB_FORMAT_XLSX, JOB_FORMAT_ZIP };

enum export_job_schedule { JOB_SCHEDULE_DAILY, JOB_SCHEDULE_WEEKLY, JOB_SCHEDULE_MONTHLY };

enum export_job_range { JOB_RANGE_PREVIOUS_DAY, JOB_RANGE_PREVIOUS_WEEK,
                        JOB_RANGE_PREVIOUS_MONTH, JOB_RANGE_EVERYTHING };

enum export_run_status { RUN_PENDING, RUN_RUNNING, RUN_SUCCEEDED, RUN_FAILED };

#define EXPORT_JOBS_NAME_MAX 255
#define EXPORT_JOBS_FOLDER_MAX 255    /* bytes of a folder relative to export_root */
#define EXPORT_JOBS_REQUEST_MAX 262144 /* bytes of the stored request body */
#define EXPORT_JOBS_KEEP_MAX 1000
#define EXPORT_JOBS_PER_WORKSPACE_MAX 100

/* Attempts of one run before it is FAILED for good; the wait before attempt n + 1 is
 * EXPORT_JOBS_RETRY_SECONDS * 2^(n - 1). */
#define EXPORT_JOBS_ATTEMPTS_MAX 3
#define EXPORT_JOBS_RETRY_SECONDS 60
/* A RUNNING run whose heartbeat is older than this many seconds belongs to a dead claimer.
 * NOTE: heartbeats are sent between rows and every 4 MiB written, not during one long query
 * (a summary's GROUP BY over a very large workspace). A query longer than this makes a live
 * run look dead, and another host then runs it again; the record stays right because only the
 * current claimer may finish it, but the work is done twice. */
#define EXPORT_JOBS_STALE_SECONDS 120
/* How often a claimer refreshes its heartbeat, in seconds. */
#define EXPORT_JOBS_HEARTBEAT_SECONDS 15

struct export_job {
    uint64_t id;
    uint64_t workspace_id;
    uint64_t created_by; /* 0 for a job added with reportctl */
    char name[EXPORT_JOBS_NAME_MAX + 1];
    enum export_job_report report;
    char *request_json; /* owned; "{}" when the job has no filters */
    enum export_job_format format;
    enum export_job_schedule schedule;
    int hour, minute;   /* local time of the run in time_zone */
    int weekday;        /* WEEKLY: 0 = Monday .. 6 = Sunday */
    int day_of_month;   /* MONTHLY: 1..31; past a month's end means its last day */
    char time_zone[TZ_NAME_MAX + 1];
    enum export_job_range range;
    char folder[EXPORT_JOBS_FOLDER_MAX + 1]; /* relative to export_root, "" for the root */
    int keep;           /* files of this job kept in the folder, 1..EXPORT_JOBS_KEEP_MAX */
    int64_t next_run_at; /* UTC seconds */
    bool enabled;
    int64_t created_at, updated_at;
};

/* One run as stored; text fields are "" when NULL, numbers 0. */
struct export_run {
    uint64_t id;
    uint64_t job_id;
    int64_t scheduled_for;
    enum export_run_status status;
    int attempt;
    char claimed_by[128];
    int64_t claimed_at, heartbeat_at, started_at, finished_at, next_retry_at; /* 0 = NULL */
    uint64_t rows, bytes, duration_ms;
    char sha256[65];
    char file_name[256];
    char error[1024];
};

/* Names of the enums as stored and sent in JSON ("DETAILED", "PREVIOUS_WEEK" ...). */
const char *export_job_report_name(enum export_job_report report);
const char *export_job_format_name(enum export_job_format format);
const char *export_job_schedule_name(enum export_job_schedule schedule);
const char *export_job_range_name(enum export_job_range range);
const char *export_run_status_name(enum export_run_status status);

/* Parse the names above, case-insensitively. Each returns 0 and sets *out, or -1. */
int export_job_report_parse(const char *text, enum export_job_report *out);
int export_job_format_parse(const char *text, enum export_job_format *out);
int export_job_schedule_parse(const char *text, enum export_job_schedule *out);
int export_job_range_parse(const char *text, enum export_job_range *out);

/* Frees what job owns and zeroes it. Safe on a zeroed job. */
void export_job_free(struct export_job *job);

/* Returns the first scheduled instant of job strictly after `after` (UTC seconds), computed in
 * job->time_zone (which becomes the process zone). A local time that falls in a DST gap runs
 * at the first valid instant after it. A local time that occurs twice runs once, at its first
 * occurrence. A MONTHLY day past a month's end runs on that month's last day. Returns -1 when
 * the zone is unknown. */
int64_t export_job_next_run(const struct export_job *job, int64_t after);

/* Computes the report range [*start, *end] (UTC seconds, both inclusive) of a run scheduled for
 * `scheduled` in `zone` (which becomes the process zone): the local day, week (starting on
 * week_start, 0 = Monday) or month before the one that contains `scheduled`, or everything
 * from 1970 up to the second before `scheduled`. Returns 0, or -1 for an unknown zone. */
int export_job_range_bounds(enum export_job_range range, const char *zone, int week_start,
                            int64_t scheduled, int64_t *start, int64_t *end);

/* Fills job from a JSON object (the body of POST /export-jobs or the options of
 * `reportctl jobs add`): name, report, format, request (object, optional), schedule {kind,
 * time "HH:MM", weekday, dayOfMonth, timeZone}, range, folder, keep, enabled. Checks every
 * value and their combinations. ZIP goes only with ARCHIVE, and CSV or XLSX with the reports.
 * WEEKLY needs a weekday and MONTHLY a dayOfMonth, and other kinds take neither. A folder is
 * plain names without "..", a leading '/' or control characters. Touches neither the file
 * system nor the database. Returns 0; or -1 with a 400 in err naming the JSON path and the
 * fix. job owns request_json on success. schedule.timeZone is optional: time_zone stays ""
 * then, and the caller fills in the workspace's zone. */
int export_job_from_json(json_t *body, struct export_job *job, struct api_error *err);

/* Builds the JSON the API returns for job. Returns a new reference or NULL. */
json_t *export_job_to_json(const struct export_job *job);

/* Builds the JSON the API returns for run. Returns a new reference or NULL. */
json_t *export_run_to_json(const struct export_run *run);

/* Turns job's stored request into a validated request for a run scheduled at `scheduled`: the
 * range replaces dateRangeStart and dateRangeEnd, the job's zone fills timeZone when the
 * stored body has none, and the job's format sets exportType. ctx describes the workspace.
 * ARCHIVE jobs have no request: returns 0 and leaves r zeroed. Returns 0 with r to be freed
 * with report_request_free, or -1 with err (400 naming "request.<field>"). */
int export_job_build_request(const struct export_job *job, int64_t scheduled,
                             const struct report_context *ctx, struct report_request *r,
                             struct api_error *err);

/* Checks that folder (validated by export_job_from_json) stays inside export_root and creates
 * the missing parts of it, opening each component with O_NOFOLLOW so that a symbolic link
 * anywhere below the root is refused. When fd_out is not NULL it receives an open descriptor
 * of the folder (the caller closes it). Returns 0, or -1 with a message in err naming the
 * folder and the fix. create false fails on a missing folder instead. */
int export_job_open_folder(const char *export_root, const char *folder, bool create,
                           int *fd_out, char *err, size_t err_size);

/* Stores a new job (id, next_run_at and timestamps are set here, next_run_at from now).
 * Returns 0, or -1 with db->error set. */
int export_jobs_insert(struct db *db, struct export_job *job, int64_t now);

/* Loads job id of workspace_id (0 means any workspace). Returns 1 when found, 0 when not,
 * -1 on a database error. job owns memory on 1. */
int export_jobs_load(struct db *db, uint64_t workspace_id, uint64_t id, struct export_job *job);

/* Loads every job of workspace_id (0 means all), oldest first, into a new array of *count
 * jobs that the caller frees with export_jobs_free_list. Returns 0 or -1. */
int export_jobs_list(struct db *db, uint64_t workspace_id, struct export_job **jobs,
                     size_t *count);
void export_jobs_free_list(struct export_job *jobs, size_t count);

/* Deletes job id of workspace_id with its runs (files stay). Returns 1 when deleted, 0 when
 * not found, -1 on error. */
int export_jobs_delete(struct db *db, uint64_t workspace_id, uint64_t id);

/* Loads the newest `limit` runs of job id into a new array (caller frees it with free).
 * Returns 0 or -1. */
int export_jobs_runs(struct db *db, uint64_t job_id, size_t limit, struct export_run **runs,
                     size_t *count);

/* Claims one run for claimer ("host:pid") at `now`. The first choice is a job whose
 * next_run_at is due: it gets a new RUNNING run and its next_run_at moves past now, so missed
 * runs collapse into one. Next comes a PENDING run whose retry time has come, then a RUNNING
 * run whose heartbeat is stale. workspace_id limits the claim to one workspace's jobs (0: every
 * workspace). Rows another transaction has locked are skipped, not waited for. Returns 1 with
 * *run filled, 0 when nothing is due, -1 on a database error. */
int export_jobs_claim(struct db *db, const char *claimer, uint64_t workspace_id, int64_t now,
                      struct export_run *run);

/* Refreshes the heartbeat of run_id if claimer still owns the claim. Returns 1 when it does, 0 when
 * another claimer took the run over, -1 on error. */
int export_jobs_heartbeat(struct db *db, uint64_t run_id, const char *claimer, int64_t now);

/* The result of one run, recorded by export_jobs_finish. */
struct export_run_outcome {
    bool ok;
    uint64_t rows, bytes, duration_ms;
    char sha256[65];
    char file_name[256];
    char error[1024];
};

/* Records the end of run (claimed by claimer) at `now`: SUCCEEDED, or for a failure PENDING
 * with a retry time when attempts remain and FAILED otherwise. Returns 0, or -1 on error (also
 * when another claimer took the run over meanwhile). */
int export_jobs_finish(struct db *db, const struct export_run *run, const char *claimer,
                       int64_t now, const struct export_run_outcome *outcome);

/* Deletes, through folder_fd, the files of job_id's succeeded runs beyond the newest `keep`,
 * marking them pruned. A file already gone counts as pruned. Returns the number of files
 * deleted, or -1 on error with db->error set. */
int export_jobs_prune(struct db *db, uint64_t job_id, int keep, int folder_fd);

/* Writes "host:pid" of this process into out. */
void export_jobs_claimer_name(char *out, size_t size);

#endif
