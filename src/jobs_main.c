/* jobs_main.c - `reportctl jobs list|add|remove|run-due` and `reportctl export`.
 * SPDX-License-Identifier: MIT
 */
#include "jobs_main.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "civil.h"
#include "export_file.h"
#include "export_jobs.h"
#include "report_request.h"
#include "scheduler.h"
#include "workspace.h"

/* Returns the value after option name at argv[*i], advancing *i; NULL when argv[*i] is not
 * that option. A missing value sets *missing. */
static const char *jobs_option(int argc, char **argv, int *i, const char *name, bool *missing)
{
    if (strcmp(argv[*i], name) != 0)
        return NULL;
    if (*i + 1 >= argc) {
        fprintf(stderr, "reportctl: %s needs a value\n", name);
        *missing = true;
        return NULL;
    }
    (*i)++;
    return argv[*i];
}

/* An option that takes a value, and where its value goes. */
struct jobs_option_slot {
    const char *name;
    const char **slot;
};

/* Stores the value of option argv[*i] in its slot of table and advances *i. Returns 1 on
 * success, 0 for an option not in table and -1 for a missing value, each with a message. */
static int jobs_take_option(int argc, char **argv, int *i, const struct jobs_option_slot *table,
                            size_t count, const char *command)
{
    bool missing = false;

    for (size_t k = 0; k < count; k++) {
        const char *value = jobs_option(argc, argv, i, table[k].name, &missing);
        if (missing)
            return -1;
        if (value != NULL) {
            *table[k].slot = value;
            return 1;
        }
    }
    fprintf(stderr, "reportctl: unknown option '%s' for %s (see reportctl --help)\n", argv[*i],
            command);
    return 0;
}

/* Loads the workspace named by id or name and fills a context for an operator (OWNER). */
static int jobs_workspace(struct db *db, const struct config *cfg, const char *name,
                          struct workspace *ws, struct report_context *ctx)
{
    uint64_t id = 0;
    int found = admin_workspace_resolve(db, name, &id);

    if (found > 0)
        found = workspace_load(db, id, ws);
    if (found < 0) {
        fprintf(stderr, "reportctl: %s\n", db->error);
        return JOBS_EXIT_DATABASE;
    }
    if (found == 0) {
        fprintf(stderr, "reportctl: workspace '%s' not found\n", name);
        return JOBS_EXIT_BAD_INPUT;
    }
    memset(ctx, 0, sizeof(*ctx));
    ctx->workspace_id = ws->id;
    snprintf(ctx->time_zone, sizeof(ctx->time_zone), "%s", ws->time_zone);
    snprintf(ctx->currency, sizeof(ctx->currency), "%s", ws->currency);
    ctx->week_start = ws->week_start;
    ctx->rounding_mode = (enum report_rounding)ws->rounding_mode;
    ctx->rounding_minutes = ws->rounding_minutes;
    ctx->role = REPORT_ROLE_OWNER;
    ctx->page_size_max = cfg->page_size_max;
    ctx->ids_max = cfg->ids_max;
    ctx->range_max_days = cfg->range_max_days;
    return JOBS_EXIT_OK;
}

static void jobs_print_time(int64_t utc, char *out, size_t size)
{
    int year, month, day;
    int64_t days = civil_floor_div(utc, 86400);
    int64_t second = utc - days * 86400;

    civil_date_from_days(days, &year, &month, &day);
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, (int)(second / 3600),
             (int)(second / 60 % 60), (int)(second % 60));
}

static int jobs_list_command(struct db *db, const struct config *cfg, int argc, char **argv)
{
    struct export_job *jobs = NULL;
    struct workspace ws;
    struct report_context ctx;
    const char *workspace = NULL;
    bool missing = false;
    size_t count = 0;
    char next[32];

    for (int i = 2; i < argc; i++) {
        const char *value = jobs_option(argc, argv, &i, "--workspace", &missing);
        if (missing)
            return JOBS_EXIT_USAGE;
        if (value == NULL) {
            fprintf(stderr, "reportctl: unknown option '%s' for jobs list\n", argv[i]);
            return JOBS_EXIT_USAGE;
        }
        workspace = value;
    }
    ws.id = 0;
    if (workspace != NULL) {
        int status = jobs_workspace(db, cfg, workspace, &ws, &ctx);
        if (status != JOBS_EXIT_OK)
            return status;
    }
    if (export_jobs_list(db, ws.id, &jobs, &count) != 0) {
        fprintf(stderr, "reportctl: %s\n", db->error);
        return JOBS_EXIT_DATABASE;
    }
    printf("%-6s %-9s %-8s %-6s %-8s %-5s %-20s %-14s %-4s %-21s %s\n", "ID", "WORKSPACE",
           "REPORT", "FORMAT", "SCHEDULE", "TIME", "ZONE", "RANGE", "KEEP", "NEXT RUN",
           "NAME / FOLDER");
    for (size_t i = 0; i < count; i++) {
        const struct export_job *job = &jobs[i];
        jobs_print_time(job->next_run_at, next, sizeof(next));
        printf("%-6llu %-9llu %-8s %-6s %-8s %02d:%02d %-20s %-14s %-4d %-21s %s / %s%s\n",
               (unsigned long long)job->id, (unsigned long long)job->workspace_id,
               export_job_report_name(job->report), export_job_format_name(job->format),
               export_job_schedule_name(job->schedule), job->hour, job->minute, job->time_zone,
               export_job_range_name(job->range), job->keep, next, job->name,
               job->folder[0] ? job->folder : ".", job->enabled ? "" : " (disabled)");
    }
    export_jobs_free_list(jobs, count);
    return JOBS_EXIT_OK;
}

/* Reads the request body of --request FILE into a JSON object. */
static json_t *jobs_read_request(const char *path)
{
    json_error_t error;
    json_t *request = json_load_file(path, 0, &error);

    if (request == NULL)
        fprintf(stderr, "reportctl: %s:%d: %s\n", path, error.line, error.text);
    return request;
}

/* The options of `jobs add`, as given. */
struct jobs_add_options {
    const char *workspace, *name, *report, *format, *schedule, *time, *weekday, *day, *zone;
    const char *range, *folder, *keep, *request;
    bool disabled;
};

static int jobs_add_parse(int argc, char **argv, struct jobs_add_options *o)
{
    const struct jobs_option_slot table[] = {
        {"--workspace", &o->workspace}, {"--name", &o->name},       {"--report", &o->report},
        {"--format", &o->format},       {"--schedule", &o->schedule}, {"--time", &o->time},
        {"--weekday", &o->weekday},     {"--day", &o->day},         {"--zone", &o->zone},
        {"--range", &o->range},         {"--folder", &o->folder},   {"--keep", &o->keep},
        {"--request", &o->request},
    };
    memset(o, 0, sizeof(*o));
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--disabled") == 0) {
            o->disabled = true;
            continue;
        }
        if (jobs_take_option(argc, argv, &i, table, sizeof(table) / sizeof(table[0]),
                             "jobs add") != 1)
            return -1;
    }
    if (o->workspace == NULL || o->name == NULL || o->report == NULL || o->format == NULL ||
        o->schedule == NULL || o->time == NULL || o->range == NULL || o->folder == NULL) {
        fprintf(stderr, "reportctl: jobs add needs --workspace, --name, --report, --format, "
                        "--schedule, --time, --range and --folder\n");
        return -1;
    }
    return 0;
}

/* Builds the JSON body the API would receive from the options. */
/* The command-line option behind a field of a job or report body, so that a message names what
 * the user typed ("--weekday", not "schedule.weekday"). Returns field itself when none does. */
static const char *jobs_option_name(const char *field)
{
    static const char *const names[][2] = {
        {"name", "--name"},
        {"report", "--report"},
        {"format", "--format"},
        {"range", "--range"},
        {"folder", "--folder"},
        {"keep", "--keep"},
        {"schedule.kind", "--schedule"},
        {"schedule.time", "--time"},
        {"schedule.weekday", "--weekday"},
        {"schedule.dayOfMonth", "--day"},
        {"schedule.timeZone", "--zone"},
        {"dateRangeStart", "--from"},
        {"dateRangeEnd", "--to"},
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(field, names[i][0]) == 0)
            return names[i][1];
    }
    return field;
}

static json_t *jobs_add_body(const struct jobs_add_options *o)
{
    json_t *body = json_object();
    json_t *schedule = json_object();
    char upper[32];
    int result = -1;

    if (body == NULL || schedule == NULL)
        goto out;
    /* Values such as "previous-day" read better on a command line; the API spells them
     * PREVIOUS_DAY. */
    snprintf(upper, sizeof(upper), "%s", o->range);
    for (char *p = upper; *p; p++)
        *p = *p == '-' ? '_' : *p;
    if (json_object_set_new(body, "name", json_string(o->name)) != 0 ||
        json_object_set_new(body, "report", json_string(o->report)) != 0 ||
        json_object_set_new(body, "format", json_string(o->format)) != 0 ||
        json_object_set_new(body, "range", json_string(upper)) != 0 ||
        json_object_set_new(body, "folder", json_string(o->folder)) != 0 ||
        json_object_set_new(body, "enabled", json_boolean(!o->disabled)) != 0 ||
        json_object_set_new(schedule, "kind", json_string(o->schedule)) != 0 ||
        json_object_set_new(schedule, "time", json_string(o->time)) != 0)
        goto out;
    if (o->weekday && json_object_set_new(schedule, "weekday", json_string(o->weekday)) != 0)
        goto out;
    if (o->zone && json_object_set_new(schedule, "timeZone", json_string(o->zone)) != 0)
        goto out;
    if (o->day != NULL) {
        char *end = NULL;
        long day = strtol(o->day, &end, 10);
        json_t *value = end != o->day && *end == '\0' ? json_integer(day) : json_string(o->day);
        if (json_object_set_new(schedule, "dayOfMonth", value) != 0)
            goto out;
    }
    if (o->keep != NULL) {
        char *end = NULL;
        long keep = strtol(o->keep, &end, 10);
        json_t *value = end != o->keep && *end == '\0' ? json_integer(keep) : json_string(o->keep);
        if (json_object_set_new(body, "keep", value) != 0)
            goto out;
    }
    if (o->request != NULL) {
        json_t *request = jobs_read_request(o->request);
        if (request == NULL || json_object_set_new(body, "request", request) != 0)
            goto out;
    }
    if (json_object_set(body, "schedule", schedule) != 0)
        goto out;
    result = 0;
out:
    json_decref(schedule);
    if (result != 0) {
        json_decref(body);
        body = NULL;
    }
    return body;
}

static int jobs_add_command(struct db *db, const struct config *cfg, int argc, char **argv)
{
    struct jobs_add_options options;
    struct export_job job;
    struct workspace ws;
    struct report_context ctx;
    struct report_request r;
    struct api_error err;
    json_t *body = NULL;
    char message[512];
    int status = JOBS_EXIT_BAD_INPUT;

    memset(&job, 0, sizeof(job));
    memset(&r, 0, sizeof(r));
    if (jobs_add_parse(argc, argv, &options) != 0)
        return JOBS_EXIT_USAGE;
    status = jobs_workspace(db, cfg, options.workspace, &ws, &ctx);
    if (status != JOBS_EXIT_OK)
        goto out;
    status = JOBS_EXIT_BAD_INPUT;
    body = jobs_add_body(&options);
    if (body == NULL)
        goto out;
    if (export_job_from_json(body, &job, &err) != 0) {
        fprintf(stderr, "reportctl: %s%s%s\n", jobs_option_name(err.field),
                err.field[0] ? ": " : "", err.message);
        goto out;
    }
    job.workspace_id = ws.id;
    if (job.time_zone[0] == '\0')
        snprintf(job.time_zone, sizeof(job.time_zone), "%s", ws.time_zone[0] ? ws.time_zone : "UTC");
    int64_t first = export_job_next_run(&job, (int64_t)time(NULL));
    if (first < 0) {
        fprintf(stderr, "reportctl: unknown time zone '%s'\n", job.time_zone);
        goto out;
    }
    if (export_job_build_request(&job, first, &ctx, &r, &err) != 0) {
        fprintf(stderr, "reportctl: %s: %s\n", err.field, err.message);
        goto out;
    }
    if (job.report != JOB_REPORT_ARCHIVE && report_request_check_ids(db, &r, &err) != 0) {
        fprintf(stderr, "reportctl: request.%s: %s\n", err.field, err.message);
        status = err.status >= 500 ? JOBS_EXIT_DATABASE : JOBS_EXIT_BAD_INPUT;
        goto out;
    }
    if (export_job_open_folder(cfg->export_root, job.folder, true, NULL, message,
                               sizeof(message)) != 0) {
        fprintf(stderr, "reportctl: %s\n", message);
        goto out;
    }
    if (export_jobs_insert(db, &job, (int64_t)time(NULL)) != 0) {
        fprintf(stderr, "reportctl: %s\n", db->error);
        status = JOBS_EXIT_DATABASE;
        goto out;
    }
    printf("%llu\n", (unsigned long long)job.id);
    status = JOBS_EXIT_OK;
out:
    report_request_free(&r);
    export_job_free(&job);
    json_decref(body);
    return status;
}

static int jobs_remove_command(struct db *db, int argc, char **argv)
{
    const char *id_text = NULL;
    bool missing = false;
    char *end = NULL;

    for (int i = 2; i < argc; i++) {
        const char *value = jobs_option(argc, argv, &i, "--id", &missing);
        if (missing)
            return JOBS_EXIT_USAGE;
        if (value == NULL) {
            fprintf(stderr, "reportctl: unknown option '%s' for jobs remove\n", argv[i]);
            return JOBS_EXIT_USAGE;
        }
        id_text = value;
    }
    if (id_text == NULL) {
        fprintf(stderr, "reportctl: jobs remove needs --id N (see reportctl jobs list)\n");
        return JOBS_EXIT_USAGE;
    }
    errno = 0;
    unsigned long long id = strtoull(id_text, &end, 10);
    if (errno != 0 || end == id_text || *end != '\0' || id == 0) {
        fprintf(stderr, "reportctl: --id must be a job id such as 12\n");
        return JOBS_EXIT_USAGE;
    }
    int deleted = export_jobs_delete(db, 0, id);
    if (deleted < 0) {
        fprintf(stderr, "reportctl: %s\n", db->error);
        return JOBS_EXIT_DATABASE;
    }
    if (deleted == 0) {
        fprintf(stderr, "reportctl: no export job %llu\n", id);
        return JOBS_EXIT_BAD_INPUT;
    }
    return JOBS_EXIT_OK;
}

static int jobs_run_due_command(struct db *db, const struct config *cfg, int argc, char **argv)
{
    struct scheduler_tally tally;
    struct scheduler_pass pass;
    struct workspace ws;
    struct report_context ctx;
    struct db data;
    char claimer[128];
    bool missing = false;
    int status = JOBS_EXIT_OK;

    memset(&pass, 0, sizeof(pass));
    for (int i = 2; i < argc; i++) {
        const char *value = jobs_option(argc, argv, &i, "--workspace", &missing);
        if (missing)
            return JOBS_EXIT_USAGE;
        if (value == NULL) {
            fprintf(stderr, "reportctl: unknown option '%s' for jobs run-due\n", argv[i]);
            return JOBS_EXIT_USAGE;
        }
        status = jobs_workspace(db, cfg, value, &ws, &ctx);
        if (status != JOBS_EXIT_OK)
            return status;
        pass.workspace_id = ws.id;
    }
    export_jobs_claimer_name(claimer, sizeof(claimer));
    pass.claimer = claimer;
    db_init(&data, cfg);
    if (db_connect(&data) != 0) {
        fprintf(stderr, "reportctl: %s\n", data.error);
        return JOBS_EXIT_DATABASE;
    }
    if (scheduler_run_due(db, &data, cfg, &pass, &tally) != 0) {
        fprintf(stderr, "reportctl: %s\n", db->error);
        status = JOBS_EXIT_DATABASE;
    } else {
        printf("%u runs succeeded, %u failed\n", tally.succeeded, tally.failed);
        if (tally.failed > 0) {
            fprintf(stderr, "reportctl: %u runs failed; their errors are in export_runs and "
                            "GET /export-jobs/{id}/runs\n", tally.failed);
            status = JOBS_EXIT_BAD_INPUT;
        }
    }
    db_close(&data);
    return status;
}

static void jobs_usage(FILE *out)
{
    fprintf(out, "usage: reportctl jobs list [--workspace W]\n"
                    "       reportctl jobs add --workspace W --name N --report "
                    "detailed|summary|weekly|archive\n"
                    "           --format csv|xlsx|zip --schedule daily|weekly|monthly --time "
                    "HH:MM\n"
                    "           [--weekday MONDAY..SUNDAY] [--day 1..31] [--zone ZONE]\n"
                    "           --range previous-day|previous-week|previous-month|everything\n"
                    "           --folder DIR [--keep N] [--request FILE.json] [--disabled]\n"
                    "       reportctl jobs remove --id N\n"
                    "       reportctl jobs run-due [--workspace W]\n");
}

int jobs_main(struct db *db, const struct config *cfg, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            jobs_usage(stdout);
            return 0;
        }
    }

    if (strcmp(sub, "list") == 0)
        return jobs_list_command(db, cfg, argc, argv);
    if (strcmp(sub, "add") == 0)
        return jobs_add_command(db, cfg, argc, argv);
    if (strcmp(sub, "remove") == 0)
        return jobs_remove_command(db, argc, argv);
    if (strcmp(sub, "run-due") == 0)
        return jobs_run_due_command(db, cfg, argc, argv);
    jobs_usage(stderr);
    return JOBS_EXIT_USAGE;
}

/* ---- reportctl export ---- */

/* The progress line on a terminal: rows done, rate and elapsed time, redrawn in place at most
 * ten times a second. */
struct export_progress {
    struct timespec started;
    struct timespec drawn;
    bool any;
};

static double export_seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void export_progress_draw(struct export_progress *p, uint64_t rows)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double elapsed = export_seconds_between(&p->started, &now);
    double rate = elapsed > 0 ? (double)rows / elapsed : 0;
    int whole = (int)elapsed;

    fprintf(stderr, "\r%12llu rows  %10.0f rows/s  %02d:%02d:%02d elapsed ",
            (unsigned long long)rows, rate, whole / 3600, whole / 60 % 60, whole % 60);
    p->drawn = now;
    p->any = true;
}

static int export_progress_tick(void *ctx, uint64_t rows)
{
    struct export_progress *p = ctx;
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!p->any || export_seconds_between(&p->drawn, &now) >= 0.1)
        export_progress_draw(p, rows);
    return 0;
}

/* Checks that text is a real date YYYY-MM-DD. */
static bool export_is_date(const char *text)
{
    if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return false;
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            return false;
    }
    int year = (int)strtol(text, NULL, 10);
    int month = (int)strtol(text + 5, NULL, 10);
    int day = (int)strtol(text + 8, NULL, 10);
    return civil_date_valid(year, month, day) != 0;
}

struct export_options {
    const char *workspace, *report, *format, *from, *to, *output;
};

static int export_parse(int argc, char **argv, struct export_options *o)
{
    const struct jobs_option_slot table[] = {
        {"--workspace", &o->workspace}, {"--report", &o->report}, {"--format", &o->format},
        {"--from", &o->from},           {"--to", &o->to},         {"--output", &o->output},
    };
    memset(o, 0, sizeof(*o));
    for (int i = 1; i < argc; i++) {
        if (jobs_take_option(argc, argv, &i, table, sizeof(table) / sizeof(table[0]),
                             "export") != 1)
            return -1;
    }
    if (o->workspace == NULL || o->report == NULL || o->format == NULL || o->from == NULL ||
        o->to == NULL || o->output == NULL) {
        fprintf(stderr, "usage: reportctl export --workspace W --report detailed|summary|weekly "
                        "--format csv|xlsx --from YYYY-MM-DD --to YYYY-MM-DD --output FILE\n");
        return -1;
    }
    return 0;
}

/* Splits output into its folder (opened) and file name. */
static int export_open_output(const char *output, int *folder_fd, const char **name,
                              char *folder, size_t size)
{
    const char *slash = strrchr(output, '/');

    *name = slash ? slash + 1 : output;
    if (**name == '\0' || strcmp(*name, ".") == 0 || strcmp(*name, "..") == 0) {
        fprintf(stderr, "reportctl: --output must name a file, e.g. out/report.csv\n");
        return -1;
    }
    if (slash == NULL)
        snprintf(folder, size, ".");
    else if (slash == output)
        snprintf(folder, size, "/");
    else
        snprintf(folder, size, "%.*s", (int)(slash - output), output);
    *folder_fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*folder_fd < 0) {
        fprintf(stderr, "reportctl: cannot open the output folder %s: %s\n", folder,
                strerror(errno));
        return -1;
    }
    return 0;
}

int export_main(struct db *db, const struct config *cfg, int argc, char **argv)
{
    static const char *const kinds[] = {"detailed", "summary", "weekly"};
    struct export_options o;
    struct workspace ws;
    struct report_context ctx;
    struct report_request r;
    struct api_error err;
    struct export_file_spec spec;
    struct export_file_result written;
    struct export_progress progress;
    char body[256];
    char folder[1024];
    const char *name = NULL;
    int folder_fd = -1;
    int kind = -1;
    int status = JOBS_EXIT_USAGE;

    memset(&r, 0, sizeof(r));
    if (export_parse(argc, argv, &o) != 0)
        goto out;
    for (int i = 0; i < 3; i++) {
        if (strcmp(o.report, kinds[i]) == 0)
            kind = i;
    }
    bool xlsx = strcmp(o.format, "xlsx") == 0;
    if (kind < 0 || (!xlsx && strcmp(o.format, "csv") != 0)) {
        fprintf(stderr, "reportctl: --report must be detailed, summary or weekly and --format "
                        "csv or xlsx\n");
        goto out;
    }
    if (!export_is_date(o.from) || !export_is_date(o.to)) {
        fprintf(stderr, "reportctl: --from and --to must be dates YYYY-MM-DD\n");
        goto out;
    }
    status = jobs_workspace(db, cfg, o.workspace, &ws, &ctx);
    if (status != JOBS_EXIT_OK)
        goto out;
    status = JOBS_EXIT_BAD_INPUT;
    /* Instants without an offset are local times in the workspace's zone. */
    snprintf(body, sizeof(body),
             "{\"dateRangeStart\":\"%sT00:00:00\",\"dateRangeEnd\":\"%sT23:59:59\","
             "\"exportType\":\"%s\"}",
             o.from, o.to, xlsx ? "XLSX" : "CSV");
    if (report_request_parse_json(&r, (enum report_kind)kind, body, strlen(body), &ctx, &err) !=
        0) {
        fprintf(stderr, "reportctl: %s: %s\n", jobs_option_name(err.field), err.message);
        goto out;
    }
    if (tz_use(r.time_zone) != 0) {
        fprintf(stderr, "reportctl: unknown time zone '%s'\n", r.time_zone);
        goto out;
    }
    if (report_request_check_ids(db, &r, &err) != 0) {
        fprintf(stderr, "reportctl: %s (%s)\n", err.message, db->error);
        status = err.status >= 500 ? JOBS_EXIT_DATABASE : JOBS_EXIT_BAD_INPUT;
        goto out;
    }
    if (export_open_output(o.output, &folder_fd, &name, folder, sizeof(folder)) != 0)
        goto out;

    memset(&spec, 0, sizeof(spec));
    memset(&progress, 0, sizeof(progress));
    clock_gettime(CLOCK_MONOTONIC, &progress.started);
    spec.kind = (enum export_file_kind)kind;
    spec.request = &r;
    spec.workspace_id = ws.id;
    spec.format = xlsx ? EXPORT_XLSX : EXPORT_CSV;
    spec.folder_fd = folder_fd;
    spec.folder_name = folder;
    spec.file_name = name;
    spec.temp_dir = cfg->temp_dir;
    if (isatty(STDERR_FILENO)) {
        spec.progress = export_progress_tick;
        spec.progress_ctx = &progress;
    }
    int written_ok = export_file_write(db, &spec, &written);
    if (progress.any) {
        export_progress_draw(&progress, written.rows);
        fputc('\n', stderr);
    }
    if (written_ok != 0) {
        fprintf(stderr, "reportctl: export failed: %s\n", written.error);
        goto out;
    }
    printf("%s: %llu rows, %llu bytes, sha256 %s\n", o.output, (unsigned long long)written.rows,
           (unsigned long long)written.bytes, written.sha256);
    status = JOBS_EXIT_OK;
out:
    if (folder_fd >= 0)
        close(folder_fd);
    report_request_free(&r);
    return status;
}
