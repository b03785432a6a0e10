/* export_jobs.c - scheduled export jobs: validation, schedules, storage, claims and pruning.
 * SPDX-License-Identifier: MIT
 */
#include "export_jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "civil.h"
#include "log.h"

static const char *const jobs_report_names[] = {"DETAILED", "SUMMARY", "WEEKLY", "ARCHIVE"};
static const char *const jobs_format_names[] = {"CSV", "XLSX", "ZIP"};
static const char *const jobs_schedule_names[] = {"DAILY", "WEEKLY", "MONTHLY"};
static const char *const jobs_range_names[] = {"PREVIOUS_DAY", "PREVIOUS_WEEK", "PREVIOUS_MONTH",
                                               "EVERYTHING"};
static const char *const jobs_status_names[] = {"PENDING", "RUNNING", "SUCCEEDED", "FAILED"};
static const char *const jobs_weekday_names[] = {"MONDAY", "TUESDAY",  "WEDNESDAY", "THURSDAY",
                                                 "FRIDAY", "SATURDAY", "SUNDAY"};

#define JOBS_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int jobs_lookup(const char *const *names, size_t count, const char *text)
{
    if (text == NULL)
        return -1;
    for (size_t i = 0; i < count; i++) {
        if (strcasecmp(names[i], text) == 0)
            return (int)i;
    }
    return -1;
}

const char *export_job_report_name(enum export_job_report report)
{
    return jobs_report_names[report];
}
const char *export_job_format_name(enum export_job_format format)
{
    return jobs_format_names[format];
}
const char *export_job_schedule_name(enum export_job_schedule schedule)
{
    return jobs_schedule_names[schedule];
}
const char *export_job_range_name(enum export_job_range range)
{
    return jobs_range_names[range];
}
const char *export_run_status_name(enum export_run_status status)
{
    return jobs_status_names[status];
}

int export_job_report_parse(const char *text, enum export_job_report *out)
{
    int found = jobs_lookup(jobs_report_names, JOBS_COUNT(jobs_report_names), text);
    if (found < 0)
        return -1;
    *out = (enum export_job_report)found;
    return 0;
}

int export_job_format_parse(const char *text, enum export_job_format *out)
{
    int found = jobs_lookup(jobs_format_names, JOBS_COUNT(jobs_format_names), text);
    if (found < 0)
        return -1;
    *out = (enum export_job_format)found;
    return 0;
}

int export_job_schedule_parse(const char *text, enum export_job_schedule *out)
{
    int found = jobs_lookup(jobs_schedule_names, JOBS_COUNT(jobs_schedule_names), text);
    if (found < 0)
        return -1;
    *out = (enum export_job_schedule)found;
    return 0;
}

int export_job_range_parse(const char *text, enum export_job_range *out)
{
    int found = jobs_lookup(jobs_range_names, JOBS_COUNT(jobs_range_names), text);
    if (found < 0)
        return -1;
    *out = (enum export_job_range)found;
    return 0;
}

void export_job_free(struct export_job *job)
{
    free(job->request_json);
    memset(job, 0, sizeof(*job));
}

/* ---- schedules ---- */

static int jobs_days_in_month(int year, int month)
{
    int next_year = month == 12 ? year + 1 : year;
    int next_month = month == 12 ? 1 : month + 1;
    return (int)(civil_days_from_date(next_year, next_month, 1) -
                 civil_days_from_date(year, month, 1));
}

static bool jobs_day_matches(const struct export_job *job, int64_t days)
{
    int year, month, day;

    if (job->schedule == JOB_SCHEDULE_DAILY)
        return true;
    if (job->schedule == JOB_SCHEDULE_WEEKLY)
        return civil_weekday(days) == job->weekday;
    civil_date_from_days(days, &year, &month, &day);
    int last = jobs_days_in_month(year, month);
    int wanted = job->day_of_month < last ? job->day_of_month : last;
    return day == wanted;
}

int64_t export_job_next_run(const struct export_job *job, int64_t after)
{
    struct tz_local local;
    int year, month, day;

    if (tz_use(job->time_zone) != 0)
        return -1;
    tz_to_local(after, &local);
    /* One candidate per matching local day: tz_from_local maps a repeated time to its first
     * occurrence, so a day never yields two runs, and a skipped time to the moment of the
     * change. The day before is included because a candidate on it can still lie after
     * `after` when the zone's offset changes. A monthly schedule matches within 31 days, so
     * 400 days bound the search with room to spare. */
    for (int64_t days = local.days - 1; days <= local.days + 400; days++) {
        if (!jobs_day_matches(job, days))
            continue;
        civil_date_from_days(days, &year, &month, &day);
        int64_t when = tz_from_local(year, month, day, job->hour, job->minute, 0);
        if (when > after)
            return when;
    }
    return -1;
}

static int64_t jobs_local_midnight(int64_t days)
{
    int year, month, day;
    civil_date_from_days(days, &year, &month, &day);
    return tz_from_local(year, month, day, 0, 0, 0);
}

int export_job_range_bounds(enum export_job_range range, const char *zone, int week_start,
                            int64_t scheduled, int64_t *start, int64_t *end)
{
    struct tz_local local;
    int64_t first = 0, next = 0;

    if (tz_use(zone) != 0)
        return -1;
    tz_to_local(scheduled, &local);
    switch (range) {
    case JOB_RANGE_PREVIOUS_DAY:
        first = local.days - 1;
        next = local.days;
        break;
    case JOB_RANGE_PREVIOUS_WEEK:
        next = local.days - (local.weekday - week_start + 7) % 7;
        first = next - 7;
        break;
    case JOB_RANGE_PREVIOUS_MONTH:
        next = civil_days_from_date(local.year, local.month, 1);
        first = local.month == 1 ? civil_days_from_date(local.year - 1, 12, 1)
                                 : civil_days_from_date(local.year, local.month - 1, 1);
        break;
    case JOB_RANGE_EVERYTHING:
        *start = 0;
        *end = scheduled - 1;
        return 0;
    }
    *start = jobs_local_midnight(first);
    *end = jobs_local_midnight(next) - 1;
    return 0;
}

/* ---- validation ---- */

static int jobs_bad(struct api_error *err, const char *field, const char *message)
{
    return api_error_set(err, 400, field, "%s", message);
}

static int jobs_enum_field(json_t *body, const char *field, const char *const *names,
                           size_t count, bool required, int *out, struct api_error *err)
{
    json_t *value = json_object_get(body, field);
    char hint[160];
    size_t used = 0;

    if (value == NULL && !required)
        return 0;
    int found = json_is_string(value) ? jobs_lookup(names, count, json_string_value(value)) : -1;
    if (found >= 0) {
        *out = found;
        return 0;
    }
    hint[0] = '\0';
    for (size_t i = 0; i < count && used < sizeof(hint); i++) {
        int n = snprintf(hint + used, sizeof(hint) - used, "%s%s", i ? ", " : "", names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return api_error_set(err, 400, field, "%s %s; use one of %s",
                         value == NULL ? "missing" : "unknown value for", field, hint);
}

/* A folder is "" or plain names joined by '/': no empty, "." or ".." part, no leading '/',
 * no backslash and no control character, so that it cannot name anything outside the root
 * by itself. Symbolic links are checked when the folder is opened. */
static int jobs_check_folder(const char *folder, struct api_error *err)
{
    size_t len = strlen(folder);

    if (len > EXPORT_JOBS_FOLDER_MAX)
        return jobs_bad(err, "folder", "folder is too long; use at most 255 bytes");
    if (folder[0] == '/')
        return jobs_bad(err, "folder",
                        "folder must be relative to the export root; remove the leading '/'");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)folder[i];
        if (c < 0x20 || c == 0x7f || c == '\\')
            return jobs_bad(err, "folder",
                            "folder contains a control character or a backslash; use plain "
                            "names separated by '/'");
    }
    const char *part = folder;
    while (len > 0) {
        const char *slash = strchr(part, '/');
        size_t n = slash ? (size_t)(slash - part) : strlen(part);
        if (n == 0)
            return jobs_bad(err, "folder",
                            "folder has an empty part ('//' or a trailing '/'); remove it");
        if ((n == 1 && part[0] == '.') || (n == 2 && part[0] == '.' && part[1] == '.'))
            return jobs_bad(err, "folder",
                            "folder may not contain '.' or '..' parts; name a folder inside "
                            "the export root");
        if (slash == NULL)
            break;
        part = slash + 1;
    }
    return 0;
}

/* Parses "HH:MM" (24-hour). */
static int jobs_parse_time(const char *text, int *hour, int *minute)
{
    if (text == NULL || strlen(text) != 5 || text[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++) {
        if (i != 2 && (text[i] < '0' || text[i] > '9'))
            return -1;
    }
    *hour = (text[0] - '0') * 10 + (text[1] - '0');
    *minute = (text[3] - '0') * 10 + (text[4] - '0');
    return *hour < 24 && *minute < 60 ? 0 : -1;
}

static int jobs_schedule_from_json(json_t *schedule, struct export_job *job,
                                   struct api_error *err)
{
    int value = 0;

    if (!json_is_object(schedule))
        return jobs_bad(err, "schedule",
                        "schedule must be an object such as {\"kind\": \"DAILY\", \"time\": "
                        "\"02:30\", \"timeZone\": \"Europe/Berlin\"}");
    if (jobs_enum_field(schedule, "kind", jobs_schedule_names, JOBS_COUNT(jobs_schedule_names),
                        true, &value, err) != 0) {
        snprintf(err->field, sizeof(err->field), "schedule.kind");
        return -1;
    }
    job->schedule = (enum export_job_schedule)value;

    json_t *time = json_object_get(schedule, "time");
    if (jobs_parse_time(json_string_value(time), &job->hour, &job->minute) != 0)
        return jobs_bad(err, "schedule.time",
                        "schedule.time must be a 24-hour local time HH:MM, e.g. \"02:30\"");

    json_t *weekday = json_object_get(schedule, "weekday");
    if (job->schedule == JOB_SCHEDULE_WEEKLY) {
        if (jobs_enum_field(schedule, "weekday", jobs_weekday_names, 7, true, &value, err) != 0) {
            snprintf(err->field, sizeof(err->field), "schedule.weekday");
            return -1;
        }
        job->weekday = value;
    } else if (weekday != NULL && !json_is_null(weekday)) {
        return jobs_bad(err, "schedule.weekday",
                        "schedule.weekday applies to WEEKLY schedules only; remove it");
    }

    json_t *dom = json_object_get(schedule, "dayOfMonth");
    if (job->schedule == JOB_SCHEDULE_MONTHLY) {
        if (!json_is_integer(dom) || json_integer_value(dom) < 1 || json_integer_value(dom) > 31)
            return jobs_bad(err, "schedule.dayOfMonth",
                            "schedule.dayOfMonth must be 1 to 31 (a day past the end of a "
                            "month runs on its last day)");
        job->day_of_month = (int)json_integer_value(dom);
    } else if (dom != NULL && !json_is_null(dom)) {
        return jobs_bad(err, "schedule.dayOfMonth",
                        "schedule.dayOfMonth applies to MONTHLY schedules only; remove it");
    }

    json_t *zone = json_object_get(schedule, "timeZone");
    if (zone != NULL && !json_is_null(zone)) {
        const char *name = json_string_value(zone);
        if (name == NULL || strlen(name) > TZ_NAME_MAX || !tz_valid(name))
            return jobs_bad(err, "schedule.timeZone",
                            "schedule.timeZone must be an IANA zone name such as "
                            "\"Europe/Berlin\"");
        snprintf(job->time_zone, sizeof(job->time_zone), "%s", name);
    }
    return 0;
}

int export_job_from_json(json_t *body, struct export_job *job, struct api_error *err)
{
    int value = 0;
    int result = -1;

    memset(job, 0, sizeof(*job));
    if (!json_is_object(body)) {
        jobs_bad(err, NULL, "the body must be a JSON object describing the job");
        goto out;
    }

    json_t *name = json_object_get(body, "name");
    const char *name_text = json_string_value(name);
    if (name_text == NULL || name_text[0] == '\0' || strlen(name_text) > EXPORT_JOBS_NAME_MAX) {
        jobs_bad(err, "name", "name must be a non-empty string of at most 255 bytes");
        goto out;
    }
    snprintf(job->name, sizeof(job->name), "%s", name_text);

    if (jobs_enum_field(body, "report", jobs_report_names, JOBS_COUNT(jobs_report_names), true,
                        &value, err) != 0)
        goto out;
    job->report = (enum export_job_report)value;
    if (jobs_enum_field(body, "format", jobs_format_names, JOBS_COUNT(jobs_format_names), true,
                        &value, err) != 0)
        goto out;
    job->format = (enum export_job_format)value;
    if (job->report == JOB_REPORT_ARCHIVE && job->format != JOB_FORMAT_ZIP) {
        jobs_bad(err, "format", "an ARCHIVE job writes a ZIP file; set format to ZIP");
        goto out;
    }
    if (job->report != JOB_REPORT_ARCHIVE && job->format == JOB_FORMAT_ZIP) {
        jobs_bad(err, "format", "reports are written as CSV or XLSX; ZIP is for ARCHIVE jobs");
        goto out;
    }

    json_t *request = json_object_get(body, "request");
    if (request != NULL && !json_is_null(request) && !json_is_object(request)) {
        jobs_bad(err, "request",
                 "request must be a report request object (the body of POST /reports/...)");
        goto out;
    }
    if (job->report == JOB_REPORT_ARCHIVE && json_is_object(request) && json_object_size(request)) {
        jobs_bad(err, "request", "an ARCHIVE job takes no request; remove it");
        goto out;
    }
    job->request_json = json_is_object(request) ? json_dumps(request, JSON_COMPACT)
                                                : strdup("{}");
    if (job->request_json == NULL) {
        api_error_set(err, 500, NULL, "out of memory");
        goto out;
    }
    if (strlen(job->request_json) > EXPORT_JOBS_REQUEST_MAX) {
        jobs_bad(err, "request", "request is larger than 256 KiB; use fewer ids");
        goto out;
    }

    if (jobs_schedule_from_json(json_object_get(body, "schedule"), job, err) != 0)
        goto out;
    if (jobs_enum_field(body, "range", jobs_range_names, JOBS_COUNT(jobs_range_names), true,
                        &value, err) != 0)
        goto out;
    job->range = (enum export_job_range)value;

    json_t *folder = json_object_get(body, "folder");
    if (!json_is_string(folder)) {
        jobs_bad(err, "folder", "folder must be a path relative to the export root, e.g. "
                                "\"finance/monthly\" (\"\" for the root itself)");
        goto out;
    }
    if (jobs_check_folder(json_string_value(folder), err) != 0)
        goto out;
    snprintf(job->folder, sizeof(job->folder), "%s", json_string_value(folder));

    json_t *keep = json_object_get(body, "keep");
    job->keep = 7;
    if (keep != NULL) {
        if (!json_is_integer(keep) || json_integer_value(keep) < 1 ||
            json_integer_value(keep) > EXPORT_JOBS_KEEP_MAX) {
            jobs_bad(err, "keep", "keep must be the number of files to keep, 1 to 1000");
            goto out;
        }
        job->keep = (int)json_integer_value(keep);
    }

    json_t *enabled = json_object_get(body, "enabled");
    job->enabled = true;
    if (enabled != NULL) {
        if (!json_is_boolean(enabled)) {
            jobs_bad(err, "enabled", "enabled must be true or false");
            goto out;
        }
        job->enabled = json_is_true(enabled);
    }
    result = 0;
out:
    if (result != 0)
        export_job_free(job);
    return result;
}

/* ---- JSON out ---- */

static void jobs_iso(int64_t utc, char *out, size_t size)
{
    int year, month, day;
    int64_t days = civil_floor_div(utc, 86400);
    int64_t second = utc - days * 86400;

    civil_date_from_days(days, &year, &month, &day);
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, (int)(second / 3600),
             (int)(second / 60 % 60), (int)(second % 60));
}

static json_t *jobs_time_json(int64_t utc)
{
    char text[32];

    if (utc == 0)
        return json_null();
    jobs_iso(utc, text, sizeof(text));
    return json_string(text);
}

json_t *export_job_to_json(const struct export_job *job)
{
    char time[8];
    json_t *request = json_loads(job->request_json ? job->request_json : "{}", 0, NULL);

    snprintf(time, sizeof(time), "%02d:%02d", job->hour % 100, job->minute % 100);
    json_t *schedule = json_pack(
        "{s:s, s:s, s:o, s:o, s:s}", "kind", export_job_schedule_name(job->schedule), "time",
        time, "weekday",
        job->schedule == JOB_SCHEDULE_WEEKLY ? json_string(jobs_weekday_names[job->weekday % 7])
                                             : json_null(),
        "dayOfMonth",
        job->schedule == JOB_SCHEDULE_MONTHLY ? json_integer(job->day_of_month) : json_null(),
        "timeZone", job->time_zone);
    return json_pack("{s:I, s:I, s:o, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:i, s:b, s:o, s:o, "
                     "s:o}",
                     "id", (json_int_t)job->id, "workspaceId", (json_int_t)job->workspace_id,
                     "createdBy",
                     job->created_by ? json_integer((json_int_t)job->created_by) : json_null(),
                     "name", job->name, "report", export_job_report_name(job->report), "format",
                     export_job_format_name(job->format), "request",
                     request ? request : json_object(), "schedule",
                     schedule ? schedule : json_object(), "range",
                     export_job_range_name(job->range), "folder", job->folder, "keep", job->keep,
                     "enabled", job->enabled, "nextRunAt", jobs_time_json(job->next_run_at),
                     "createdAt", jobs_time_json(job->created_at), "updatedAt",
                     jobs_time_json(job->updated_at));
}

static json_t *jobs_text_or_null(const char *text)
{
    return text[0] ? json_string(text) : json_null();
}

json_t *export_run_to_json(const struct export_run *run)
{
    bool done = run->status == RUN_SUCCEEDED;

    return json_pack(
        "{s:I, s:I, s:o, s:s, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
        (json_int_t)run->id, "jobId", (json_int_t)run->job_id, "scheduledFor",
        jobs_time_json(run->scheduled_for), "status", export_run_status_name(run->status),
        "attempt", run->attempt, "claimedBy", jobs_text_or_null(run->claimed_by), "startedAt",
        jobs_time_json(run->started_at), "finishedAt", jobs_time_json(run->finished_at), "rows",
        done ? json_integer((json_int_t)run->rows) : json_null(), "bytes",
        done ? json_integer((json_int_t)run->bytes) : json_null(), "sha256",
        jobs_text_or_null(run->sha256), "fileName", jobs_text_or_null(run->file_name),
        "durationMs", done ? json_integer((json_int_t)run->duration_ms) : json_null(), "error",
        jobs_text_or_null(run->error), "nextRetryAt", jobs_time_json(run->next_retry_at),
        "heartbeatAt", jobs_time_json(run->heartbeat_at));
}

/* ---- the request of a run ---- */

int export_job_build_request(const struct export_job *job, int64_t scheduled,
                             const struct report_context *ctx, struct report_request *r,
                             struct api_error *err)
{
    static const enum report_kind kinds[] = {REPORT_DETAILED, REPORT_SUMMARY, REPORT_WEEKLY};
    json_t *body = NULL;
    char *text = NULL;
    char start_text[32], end_text[32];
    int64_t start = 0, end = 0;
    int result = -1;

    memset(r, 0, sizeof(*r));
    if (job->report == JOB_REPORT_ARCHIVE)
        return 0;
    if (export_job_range_bounds(job->range, job->time_zone, ctx->week_start, scheduled, &start,
                                &end) != 0) {
        jobs_bad(err, "schedule.timeZone", "unknown time zone; use an IANA name");
        goto out;
    }
    body = json_loads(job->request_json, 0, NULL);
    if (!json_is_object(body)) {
        jobs_bad(err, "request", "the stored request is not a JSON object");
        goto out;
    }
    jobs_iso(start, start_text, sizeof(start_text));
    jobs_iso(end, end_text, sizeof(end_text));
    if (json_object_get(body, "timeZone") == NULL &&
        json_object_set_new(body, "timeZone", json_string(job->time_zone)) != 0)
        goto oom;
    if (json_object_set_new(body, "dateRangeStart", json_string(start_text)) != 0 ||
        json_object_set_new(body, "dateRangeEnd", json_string(end_text)) != 0 ||
        json_object_set_new(body, "exportType",
                            json_string(job->format == JOB_FORMAT_XLSX ? "XLSX" : "CSV")) != 0)
        goto oom;
    text = json_dumps(body, JSON_COMPACT);
    if (text == NULL)
        goto oom;
    if (report_request_parse_json(r, kinds[job->report], text, strlen(text), ctx, err) != 0) {
        char field[sizeof(err->field)];
        snprintf(field, sizeof(field), "%s", err->field);
        snprintf(err->field, sizeof(err->field), "request%s%.100s", field[0] ? "." : "", field);
        goto out;
    }
    result = 0;
    goto out;
oom:
    api_error_set(err, 500, NULL, "out of memory");
out:
    free(text);
    json_decref(body);
    return result;
}

/* ---- folders ---- */

int export_job_open_folder(const char *export_root, const char *folder, bool create,
                           int *fd_out, char *err, size_t err_size)
{
    char part[EXPORT_JOBS_FOLDER_MAX + 1];
    int fd = open(export_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int result = -1;

    if (fd < 0 && errno == ENOENT && create && mkdir(export_root, 0755) == 0)
        fd = open(export_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_size, "export root %s cannot be opened: %s; check the export_root "
                                "setting", export_root, strerror(errno));
        goto out;
    }
    for (const char *p = folder; *p != '\0';) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || n >= sizeof(part)) {
            snprintf(err, err_size, "output folder '%s' is not a valid relative path", folder);
            goto out;
        }
        memcpy(part, p, n);
        part[n] = '\0';
        if (strcmp(part, ".") == 0 || strcmp(part, "..") == 0) {
            snprintf(err, err_size, "output folder '%s' may not contain '.' or '..'", folder);
            goto out;
        }
        /* O_NOFOLLOW refuses a symbolic link in the last position of each step, and each step
         * is relative to the descriptor of the one before: no link anywhere below the root is
         * followed, so the folder cannot lead outside it. */
        int next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT && create) {
            if (mkdirat(fd, part, 0755) != 0 && errno != EEXIST) {
                snprintf(err, err_size, "cannot create output folder '%s' (at '%s'): %s", folder,
                         part, strerror(errno));
                goto out;
            }
            next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (next < 0) {
            if (errno == ELOOP || errno == ENOTDIR)
                snprintf(err, err_size, "output folder '%s' has a symbolic link or a file at "
                                        "'%s'; use a real folder inside the export root",
                         folder, part);
            else if (errno == ENOENT)
                snprintf(err, err_size, "output folder '%s' does not exist (it was removed or "
                                        "renamed); create it below the export root again or "
                                        "change the job's folder", folder);
            else
                snprintf(err, err_size, "cannot open output folder '%s' at '%s': %s", folder,
                         part, strerror(errno));
            goto out;
        }
        close(fd);
        fd = next;
        p = slash ? slash + 1 : p + n;
    }
    if (fd_out != NULL) {
        *fd_out = fd;
        fd = -1;
    }
    result = 0;
out:
    if (fd >= 0)
        close(fd);
    return result;
}

/* ---- reading rows ---- */

#define JOBS_COLUMNS_MAX 24
#define JOBS_CELL 512

/* One fetched row as NUL-terminated texts; a SQL NULL is a NULL pointer. */
struct jobs_row {
    const char *cell[JOBS_COLUMNS_MAX];
};

typedef int (*jobs_row_fn)(void *ctx, const struct jobs_row *row);

/* Runs a SELECT of `columns` columns and calls fn for each row, every value as text. Longer
 * values than the fixed buffers are fetched again in full. Returns 0, or -1 with db->error. */
static int jobs_select(struct db *db, const char *sql, struct db_params *params, size_t columns,
                       jobs_row_fn fn, void *ctx)
{
    MYSQL_BIND bind[JOBS_COLUMNS_MAX];
    unsigned long lengths[JOBS_COLUMNS_MAX];
    my_bool nulls[JOBS_COLUMNS_MAX];
    my_bool errors[JOBS_COLUMNS_MAX];
    char *long_cells[JOBS_COLUMNS_MAX] = {0};
    char *buffers = NULL;
    struct jobs_row row;
    MYSQL_STMT *stmt = NULL;
    int result = -1;

    buffers = malloc(columns * JOBS_CELL);
    stmt = buffers ? db_prepare(db, sql, params) : NULL;
    if (stmt == NULL) {
        if (buffers == NULL)
            snprintf(db->error, sizeof(db->error), "out of memory");
        goto out;
    }
    memset(bind, 0, sizeof(bind));
    for (size_t i = 0; i < columns; i++) {
        bind[i].buffer_type = MYSQL_TYPE_STRING;
        bind[i].buffer = buffers + i * JOBS_CELL;
        bind[i].buffer_length = JOBS_CELL - 1;
        bind[i].length = &lengths[i];
        bind[i].is_null = &nulls[i];
        bind[i].error = &errors[i];
    }
    if (mysql_stmt_execute(stmt) != 0 || mysql_stmt_store_result(stmt) != 0 ||
        mysql_stmt_bind_result(stmt, bind) != 0) {
        snprintf(db->error, sizeof(db->error), "%s", mysql_stmt_error(stmt));
        goto out;
    }
    for (;;) {
        int fetched = mysql_stmt_fetch(stmt);
        if (fetched == MYSQL_NO_DATA)
            break;
        if (fetched == 1) {
            snprintf(db->error, sizeof(db->error), "%s", mysql_stmt_error(stmt));
            goto out;
        }
        for (size_t i = 0; i < columns; i++) {
            char *cell = buffers + i * JOBS_CELL;
            row.cell[i] = NULL;
            if (nulls[i])
                continue;
            if (lengths[i] < JOBS_CELL) {
                cell[lengths[i]] = '\0';
                row.cell[i] = cell;
                continue;
            }
            /* Truncated: fetch the whole value into its own buffer. */
            MYSQL_BIND whole;
            long_cells[i] = malloc(lengths[i] + 1);
            if (long_cells[i] == NULL) {
                snprintf(db->error, sizeof(db->error), "out of memory");
                goto out;
            }
            memset(&whole, 0, sizeof(whole));
            whole.buffer_type = MYSQL_TYPE_STRING;
            whole.buffer = long_cells[i];
            whole.buffer_length = lengths[i] + 1;
            if (mysql_stmt_fetch_column(stmt, &whole, (unsigned int)i, 0) != 0) {
                snprintf(db->error, sizeof(db->error), "%s", mysql_stmt_error(stmt));
                goto out;
            }
            long_cells[i][lengths[i]] = '\0';
            row.cell[i] = long_cells[i];
        }
        int stop = fn(ctx, &row);
        for (size_t i = 0; i < columns; i++) {
            free(long_cells[i]);
            long_cells[i] = NULL;
        }
        if (stop != 0) {
            snprintf(db->error, sizeof(db->error), "out of memory");
            goto out;
        }
    }
    result = 0;
out:
    for (size_t i = 0; i < JOBS_COLUMNS_MAX; i++)
        free(long_cells[i]);
    if (stmt != NULL)
        mysql_stmt_close(stmt);
    free(buffers);
    return result;
}

static uint64_t jobs_u64(const char *text)
{
    return text ? strtoull(text, NULL, 10) : 0;
}

/* "YYYY-MM-DD HH:MM:SS" (UTC) to seconds; NULL is 0. */
static int64_t jobs_datetime(const char *text)
{
    int v[6] = {0};
    const int widths[6] = {4, 2, 2, 2, 2, 2};
    const char *p = text;

    if (text == NULL || strlen(text) < 19)
        return 0;
    for (int i = 0; i < 6; i++) {
        for (int k = 0; k < widths[i]; k++, p++)
            v[i] = v[i] * 10 + (*p - '0');
        p++;
    }
    return civil_days_from_date(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
}

static void jobs_copy(char *out, size_t size, const char *text)
{
    snprintf(out, size, "%s", text ? text : "");
}

#define JOBS_JOB_COLUMNS                                                                         \
    "id, workspace_id, created_by, name, report_kind, request_json, format, schedule_kind, "     \
    "schedule_hour, schedule_minute, weekday, day_of_month, time_zone, range_kind, folder, "     \
    "keep_count, next_run_at, enabled, created_at, updated_at"

struct jobs_list {
    struct export_job *jobs;
    size_t count;
    size_t cap;
};

static int jobs_job_row(void *ctx, const struct jobs_row *row)
{
    struct jobs_list *list = ctx;
    const char *const *c = row->cell;

    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        struct export_job *grown = realloc(list->jobs, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        list->jobs = grown;
        list->cap = cap;
    }
    struct export_job *job = &list->jobs[list->count];
    memset(job, 0, sizeof(*job));
    job->request_json = strdup(c[5] ? c[5] : "{}");
    if (job->request_json == NULL)
        return -1;
    list->count++;
    job->id = jobs_u64(c[0]);
    job->workspace_id = jobs_u64(c[1]);
    job->created_by = jobs_u64(c[2]);
    jobs_copy(job->name, sizeof(job->name), c[3]);
    int v = jobs_lookup(jobs_report_names, JOBS_COUNT(jobs_report_names), c[4]);
    job->report = v < 0 ? JOB_REPORT_DETAILED : (enum export_job_report)v;
    v = jobs_lookup(jobs_format_names, JOBS_COUNT(jobs_format_names), c[6]);
    job->format = v < 0 ? JOB_FORMAT_CSV : (enum export_job_format)v;
    v = jobs_lookup(jobs_schedule_names, JOBS_COUNT(jobs_schedule_names), c[7]);
    job->schedule = v < 0 ? JOB_SCHEDULE_DAILY : (enum export_job_schedule)v;
    job->hour = (int)jobs_u64(c[8]);
    job->minute = (int)jobs_u64(c[9]);
    job->weekday = (int)jobs_u64(c[10]);
    job->day_of_month = (int)jobs_u64(c[11]);
    jobs_copy(job->time_zone, sizeof(job->time_zone), c[12]);
    v = jobs_lookup(jobs_range_names, JOBS_COUNT(jobs_range_names), c[13]);
    job->range = v < 0 ? JOB_RANGE_PREVIOUS_DAY : (enum export_job_range)v;
    jobs_copy(job->folder, sizeof(job->folder), c[14]);
    job->keep = (int)jobs_u64(c[15]);
    job->next_run_at = jobs_datetime(c[16]);
    job->enabled = jobs_u64(c[17]) != 0;
    job->created_at = jobs_datetime(c[18]);
    job->updated_at = jobs_datetime(c[19]);
    return 0;
}

void export_jobs_free_list(struct export_job *jobs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        export_job_free(&jobs[i]);
    free(jobs);
}

int export_jobs_list(struct db *db, uint64_t workspace_id, struct export_job **jobs,
                     size_t *count)
{
    struct jobs_list list = {NULL, 0, 0};
    struct db_params params;
    int result;

    db_params_init(&params);
    db_params_add_u64(&params, workspace_id);
    db_params_add_u64(&params, workspace_id);
    result = jobs_select(db,
                         "SELECT " JOBS_JOB_COLUMNS " FROM export_jobs WHERE (? = 0 OR "
                         "workspace_id = ?) ORDER BY id",
                         &params, 20, jobs_job_row, &list);
    db_params_free(&params);
    if (result != 0) {
        export_jobs_free_list(list.jobs, list.count);
        return -1;
    }
    *jobs = list.jobs;
    *count = list.count;
    return 0;
}

int export_jobs_load(struct db *db, uint64_t workspace_id, uint64_t id, struct export_job *job)
{
    struct jobs_list list = {NULL, 0, 0};
    struct db_params params;
    int result;

    db_params_init(&params);
    db_params_add_u64(&params, id);
    db_params_add_u64(&params, workspace_id);
    db_params_add_u64(&params, workspace_id);
    result = jobs_select(db,
                         "SELECT " JOBS_JOB_COLUMNS " FROM export_jobs WHERE id = ? AND (? = 0 "
                         "OR workspace_id = ?)",
                         &params, 20, jobs_job_row, &list);
    db_params_free(&params);
    if (result != 0) {
        export_jobs_free_list(list.jobs, list.count);
        return -1;
    }
    if (list.count == 0) {
        free(list.jobs);
        return 0;
    }
    *job = list.jobs[0];
    free(list.jobs);
    return 1;
}

int export_jobs_insert(struct db *db, struct export_job *job, int64_t now)
{
    struct db_params params;
    uint64_t id = 0;
    int result;

    job->next_run_at = export_job_next_run(job, now);
    if (job->next_run_at < 0) {
        snprintf(db->error, sizeof(db->error), "unknown time zone %s", job->time_zone);
        return -1;
    }
    db_params_init(&params);
    db_params_add_u64(&params, job->workspace_id);
    if (job->created_by)
        db_params_add_u64(&params, job->created_by);
    else
        db_params_add_null(&params);
    db_params_add_text(&params, job->name, strlen(job->name));
    db_params_add_text(&params, export_job_report_name(job->report),
                       strlen(export_job_report_name(job->report)));
    db_params_add_text(&params, job->request_json, strlen(job->request_json));
    db_params_add_text(&params, export_job_format_name(job->format),
                       strlen(export_job_format_name(job->format)));
    db_params_add_text(&params, export_job_schedule_name(job->schedule),
                       strlen(export_job_schedule_name(job->schedule)));
    db_params_add_i64(&params, job->hour);
    db_params_add_i64(&params, job->minute);
    if (job->schedule == JOB_SCHEDULE_WEEKLY)
        db_params_add_i64(&params, job->weekday);
    else
        db_params_add_null(&params);
    if (job->schedule == JOB_SCHEDULE_MONTHLY)
        db_params_add_i64(&params, job->day_of_month);
    else
        db_params_add_null(&params);
    db_params_add_text(&params, job->time_zone, strlen(job->time_zone));
    db_params_add_text(&params, export_job_range_name(job->range),
                       strlen(export_job_range_name(job->range)));
    db_params_add_text(&params, job->folder, strlen(job->folder));
    db_params_add_i64(&params, job->keep);
    db_params_add_datetime(&params, job->next_run_at);
    db_params_add_i64(&params, job->enabled ? 1 : 0);
    db_params_add_datetime(&params, now);
    db_params_add_datetime(&params, now);
    result = db_run(db,
                    "INSERT INTO export_jobs (workspace_id, created_by, name, report_kind, "
                    "request_json, format, schedule_kind, schedule_hour, schedule_minute, "
                    "weekday, day_of_month, time_zone, range_kind, folder, keep_count, "
                    "next_run_at, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &params, NULL, &id);
    db_params_free(&params);
    if (result != 0)
        return -1;
    job->id = id;
    job->created_at = now;
    job->updated_at = now;
    return 0;
}

int export_jobs_delete(struct db *db, uint64_t workspace_id, uint64_t id)
{
    struct db_params params;
    uint64_t affected = 0;
    int result;

    db_params_init(&params);
    db_params_add_u64(&params, id);
    db_params_add_u64(&params, workspace_id);
    db_params_add_u64(&params, workspace_id);
    result = db_run(db, "DELETE FROM export_jobs WHERE id = ? AND (? = 0 OR workspace_id = ?)",
                    &params, &affected, NULL);
    db_params_free(&params);
    if (result != 0)
        return -1;
    return affected > 0 ? 1 : 0;
}

#define JOBS_RUN_COLUMNS                                                                         \
    "id, job_id, scheduled_for, status, attempt, claimed_by, claimed_at, heartbeat_at, "         \
    "started_at, finished_at, rows_written, bytes_written, sha256, file_name, duration_ms, "     \
    "error_text, next_retry_at"

struct jobs_runs {
    struct export_run *runs;
    size_t count;
    size_t cap;
};

static int jobs_run_row(void *ctx, const struct jobs_row *row)
{
    struct jobs_runs *list = ctx;
    const char *const *c = row->cell;

    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        struct export_run *grown = realloc(list->runs, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        list->runs = grown;
        list->cap = cap;
    }
    struct export_run *run = &list->runs[list->count++];
    memset(run, 0, sizeof(*run));
    run->id = jobs_u64(c[0]);
    run->job_id = jobs_u64(c[1]);
    run->scheduled_for = jobs_datetime(c[2]);
    int v = jobs_lookup(jobs_status_names, JOBS_COUNT(jobs_status_names), c[3]);
    run->status = v < 0 ? RUN_PENDING : (enum export_run_status)v;
    run->attempt = (int)jobs_u64(c[4]);
    jobs_copy(run->claimed_by, sizeof(run->claimed_by), c[5]);
    run->claimed_at = jobs_datetime(c[6]);
    run->heartbeat_at = jobs_datetime(c[7]);
    run->started_at = jobs_datetime(c[8]);
    run->finished_at = jobs_datetime(c[9]);
    run->rows = jobs_u64(c[10]);
    run->bytes = jobs_u64(c[11]);
    jobs_copy(run->sha256, sizeof(run->sha256), c[12]);
    jobs_copy(run->file_name, sizeof(run->file_name), c[13]);
    run->duration_ms = jobs_u64(c[14]);
    jobs_copy(run->error, sizeof(run->error), c[15]);
    run->next_retry_at = jobs_datetime(c[16]);
    return 0;
}

int export_jobs_runs(struct db *db, uint64_t job_id, size_t limit, struct export_run **runs,
                     size_t *count)
{
    struct jobs_runs list = {NULL, 0, 0};
    struct db_params params;
    int result;

    db_params_init(&params);
    db_params_add_u64(&params, job_id);
    db_params_add_u64(&params, limit);
    result = jobs_select(db,
                         "SELECT " JOBS_RUN_COLUMNS " FROM export_runs WHERE job_id = ? "
                         "ORDER BY scheduled_for DESC, id DESC LIMIT ?",
                         &params, 17, jobs_run_row, &list);
    db_params_free(&params);
    if (result != 0) {
        free(list.runs);
        return -1;
    }
    *runs = list.runs;
    *count = list.count;
    return 0;
}

static int jobs_load_run(struct db *db, uint64_t id, struct export_run *run)
{
    struct jobs_runs list = {NULL, 0, 0};
    struct db_params params;
    int result;

    db_params_init(&params);
    db_params_add_u64(&params, id);
    result = jobs_select(db, "SELECT " JOBS_RUN_COLUMNS " FROM export_runs WHERE id = ?",
                         &params, 17, jobs_run_row, &list);
    db_params_free(&params);
    if (result == 0 && list.count == 1)
        *run = list.runs[0];
    else if (result == 0)
        snprintf(db->error, sizeof(db->error), "run %llu vanished", (unsigned long long)id);
    free(list.runs);
    return result == 0 && list.count == 1 ? 0 : -1;
}

/* ---- claims ---- */

/* Claims the earliest due job, if any, inside the caller's transaction. Returns 1 with
 * *run_id set, 0 when no job is due, 2 when a due job was only moved on (its run exists
 * already), -1 on error. */
static int jobs_claim_due_job(struct db *db, const char *claimer, uint64_t workspace_id,
                              int64_t now, uint64_t *run_id)
{
    struct export_job job;
    struct db_params params;
    uint64_t job_id = 0;
    int result = -1;

    memset(&job, 0, sizeof(job));
    db_params_init(&params);
    db_params_add_datetime(&params, now);
    db_params_add_u64(&params, workspace_id);
    db_params_add_u64(&params, workspace_id);
    int found = db_fetch_u64(db,
                             "SELECT id FROM export_jobs WHERE enabled = 1 AND next_run_at <= ? "
                             "AND (? = 0 OR workspace_id = ?) "
                             "ORDER BY next_run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
                             &params, &job_id);
    db_params_free(&params);
    if (found <= 0)
        return found;
    if (export_jobs_load(db, 0, job_id, &job) != 1)
        goto out;

    int64_t scheduled = job.next_run_at;
    /* Moving on from now, not from the missed time, makes a long outage produce one run. */
    int64_t next = export_job_next_run(&job, scheduled > now ? scheduled : now);
    if (next < 0) {
        snprintf(db->error, sizeof(db->error), "job %llu has an unknown time zone %s",
                 (unsigned long long)job.id, job.time_zone);
        goto out;
    }
    db_params_init(&params);
    db_params_add_u64(&params, job.id);
    db_params_add_datetime(&params, scheduled);
    db_params_add_text(&params, claimer, strlen(claimer));
    db_params_add_datetime(&params, now);
    db_params_add_datetime(&params, now);
    db_params_add_datetime(&params, now);
    int inserted = db_run(db,
                          "INSERT INTO export_runs (job_id, scheduled_for, status, attempt, "
                          "claimed_by, claimed_at, heartbeat_at, started_at) VALUES (?, ?, "
                          "'RUNNING', 1, ?, ?, ?, ?)",
                          &params, NULL, run_id);
    db_params_free(&params);
    bool duplicate = inserted != 0 && db->conn != NULL && mysql_errno(db->conn) == ER_DUP_ENTRY;
    if (inserted != 0 && !duplicate)
        goto out;

    db_params_init(&params);
    db_params_add_datetime(&params, next);
    db_params_add_datetime(&params, now);
    db_params_add_u64(&params, job.id);
    int moved = db_run(db, "UPDATE export_jobs SET next_run_at = ?, updated_at = ? WHERE id = ?",
                       &params, NULL, NULL);
    db_params_free(&params);
    if (moved != 0)
        goto out;
    result = duplicate ? 2 : 1;
out:
    export_job_free(&job);
    return result;
}

/* Takes over a run that waits for its retry or whose claimer stopped heartbeating, inside the
 * caller's transaction. Returns 1 with *run_id, 0 when none, 2 when a stale run was given up,
 * -1 on error. */
static int jobs_claim_retry(struct db *db, const char *claimer, uint64_t workspace_id,
                            int64_t now, uint64_t *run_id)
{
    struct db_params params;
    struct export_run run;
    uint64_t id = 0;
    int found;
    char error[1024];

    db_params_init(&params);
    db_params_add_datetime(&params, now);
    db_params_add_datetime(&params, now - EXPORT_JOBS_STALE_SECONDS);
    if (workspace_id != 0)
        db_params_add_u64(&params, workspace_id);
    /* The workspace filter needs the job row. The join locks that row as well, so a claimer
     * of the same workspace skips the job for that moment, which is harmless. */
    found = db_fetch_u64(db,
                         workspace_id == 0
                             ? "SELECT id FROM export_runs WHERE ((status = 'PENDING' AND "
                               "next_retry_at <= ?) OR (status = 'RUNNING' AND heartbeat_at < ?)) "
                               "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
                             : "SELECT r.id FROM export_runs r JOIN export_jobs j ON j.id = "
                               "r.job_id WHERE ((r.status = 'PENDING' AND r.next_retry_at <= ?) "
                               "OR (r.status = 'RUNNING' AND r.heartbeat_at < ?)) AND "
                               "j.workspace_id = ? ORDER BY r.id LIMIT 1 FOR UPDATE SKIP LOCKED",
                         &params, &id);
    db_params_free(&params);
    if (found <= 0)
        return found;
    if (jobs_load_run(db, id, &run) != 0)
        return -1;

    error[0] = '\0';
    if (run.status == RUN_RUNNING)
        snprintf(error, sizeof(error), "claimer %s stopped heartbeating during attempt %d",
                 run.claimed_by, run.attempt);
    else
        snprintf(error, sizeof(error), "%s", run.error);
    if (run.status == RUN_RUNNING && run.attempt >= EXPORT_JOBS_ATTEMPTS_MAX) {
        db_params_init(&params);
        db_params_add_datetime(&params, now);
        db_params_add_text(&params, error, strlen(error));
        db_params_add_u64(&params, id);
        int given_up = db_run(db,
                              "UPDATE export_runs SET status = 'FAILED', finished_at = ?, "
                              "error_text = ?, next_retry_at = NULL WHERE id = ?",
                              &params, NULL, NULL);
        db_params_free(&params);
        return given_up == 0 ? 2 : -1;
    }
    db_params_init(&params);
    db_params_add_text(&params, claimer, strlen(claimer));
    db_params_add_datetime(&params, now);
    db_params_add_datetime(&params, now);
    db_params_add_datetime(&params, now);
    db_params_add_text(&params, error, strlen(error));
    db_params_add_u64(&params, id);
    int taken = db_run(db,
                       "UPDATE export_runs SET status = 'RUNNING', attempt = attempt + 1, "
                       "claimed_by = ?, claimed_at = ?, heartbeat_at = ?, started_at = ?, "
                       "finished_at = NULL, next_retry_at = NULL, error_text = NULLIF(?, '') "
                       "WHERE id = ?",
                       &params, NULL, NULL);
    db_params_free(&params);
    if (taken != 0)
        return -1;
    *run_id = id;
    return 1;
}

int export_jobs_claim(struct db *db, const char *claimer, uint64_t workspace_id, int64_t now,
                      struct export_run *run)
{
    uint64_t run_id = 0;
    int claimed;

    /* Each attempt is its own short transaction, so locks last only while one row is
     * examined. A job moved on without a run (2) or a run given up (2) lets the loop look
     * again. The bound keeps a burst of such rows from keeping this claimer busy forever. */
    for (int round = 0; round < 100; round++) {
        if (db_exec(db, "START TRANSACTION") != 0)
            return -1;
        claimed = jobs_claim_due_job(db, claimer, workspace_id, now, &run_id);
        if (claimed == 0)
            claimed = jobs_claim_retry(db, claimer, workspace_id, now, &run_id);
        if (claimed < 0) {
            char saved[sizeof(db->error)];
            memcpy(saved, db->error, sizeof(saved));
            db_exec(db, "ROLLBACK");
            memcpy(db->error, saved, sizeof(saved));
            return -1;
        }
        if (db_exec(db, "COMMIT") != 0)
            return -1;
        if (claimed == 0)
            return 0;
        if (claimed == 1)
            return jobs_load_run(db, run_id, run) == 0 ? 1 : -1;
    }
    return 0;
}

int export_jobs_heartbeat(struct db *db, uint64_t run_id, const char *claimer, int64_t now)
{
    struct db_params params;
    uint64_t affected = 0;
    int result;

    db_params_init(&params);
    db_params_add_datetime(&params, now);
    db_params_add_u64(&params, run_id);
    db_params_add_text(&params, claimer, strlen(claimer));
    result = db_run(db,
                    "UPDATE export_runs SET heartbeat_at = ? WHERE id = ? AND claimed_by = ? "
                    "AND status = 'RUNNING'",
                    &params, &affected, NULL);
    db_params_free(&params);
    if (result != 0)
        return -1;
    /* affected is 0 also when the heartbeat did not change within the same second; check the
     * claim itself then. */
    if (affected > 0)
        return 1;
    struct export_run run;
    if (jobs_load_run(db, run_id, &run) != 0)
        return -1;
    return run.status == RUN_RUNNING && strcmp(run.claimed_by, claimer) == 0 ? 1 : 0;
}

int export_jobs_finish(struct db *db, const struct export_run *run, const char *claimer,
                       int64_t now, const struct export_run_outcome *outcome)
{
    struct db_params params;
    uint64_t affected = 0;
    int result;

    db_params_init(&params);
    if (outcome->ok) {
        db_params_add_datetime(&params, now);
        db_params_add_u64(&params, outcome->rows);
        db_params_add_u64(&params, outcome->bytes);
        db_params_add_text(&params, outcome->sha256, strlen(outcome->sha256));
        db_params_add_text(&params, outcome->file_name, strlen(outcome->file_name));
        db_params_add_u64(&params, outcome->duration_ms);
        db_params_add_u64(&params, run->id);
        db_params_add_text(&params, claimer, strlen(claimer));
        result = db_run(db,
                        "UPDATE export_runs SET status = 'SUCCEEDED', finished_at = ?, "
                        "rows_written = ?, bytes_written = ?, sha256 = ?, file_name = ?, "
                        "duration_ms = ?, error_text = NULL, next_retry_at = NULL WHERE id = ? "
                        "AND claimed_by = ? AND status = 'RUNNING'",
                        &params, &affected, NULL);
    } else {
        bool retry = run->attempt < EXPORT_JOBS_ATTEMPTS_MAX;
        int64_t wait = (int64_t)EXPORT_JOBS_RETRY_SECONDS << (run->attempt > 0 ? run->attempt - 1 : 0);
        db_params_add_text(&params, retry ? "PENDING" : "FAILED", retry ? 7 : 6);
        db_params_add_datetime(&params, now);
        db_params_add_u64(&params, outcome->duration_ms);
        db_params_add_text(&params, outcome->error, strlen(outcome->error));
        if (retry)
            db_params_add_datetime(&params, now + wait);
        else
            db_params_add_null(&params);
        db_params_add_u64(&params, run->id);
        db_params_add_text(&params, claimer, strlen(claimer));
        result = db_run(db,
                        "UPDATE export_runs SET status = ?, finished_at = ?, duration_ms = ?, "
                        "error_text = ?, next_retry_at = ? WHERE id = ? AND claimed_by = ? AND "
                        "status = 'RUNNING'",
                        &params, &affected, NULL);
    }
    db_params_free(&params);
    if (result != 0)
        return -1;
    if (affected == 0) {
        snprintf(db->error, sizeof(db->error), "run %llu was taken over by another claimer",
                 (unsigned long long)run->id);
        return -1;
    }
    return 0;
}

/* ---- pruning ---- */

struct jobs_prune_list {
    uint64_t ids[64];
    char names[64][256];
    size_t count;
};

static int jobs_prune_row(void *ctx, const struct jobs_row *row)
{
    struct jobs_prune_list *list = ctx;

    if (list->count >= 64)
        return 0;
    list->ids[list->count] = jobs_u64(row->cell[0]);
    jobs_copy(list->names[list->count], sizeof(list->names[0]), row->cell[1]);
    list->count++;
    return 0;
}

int export_jobs_prune(struct db *db, uint64_t job_id, int keep, int folder_fd)
{
    struct jobs_prune_list *list = calloc(1, sizeof(*list));
    struct db_params params;
    int deleted = 0;
    int result = -1;

    if (list == NULL) {
        snprintf(db->error, sizeof(db->error), "out of memory");
        goto out;
    }
    /* At most 64 files per call; a later run prunes the rest. */
    db_params_init(&params);
    db_params_add_u64(&params, job_id);
    db_params_add_u64(&params, (uint64_t)keep);
    int selected = jobs_select(db,
                               "SELECT id, file_name FROM export_runs WHERE job_id = ? AND "
                               "status = 'SUCCEEDED' AND file_name IS NOT NULL AND pruned_at IS "
                               "NULL ORDER BY scheduled_for DESC, id DESC LIMIT 64 OFFSET ?",
                               &params, 2, jobs_prune_row, list);
    db_params_free(&params);
    if (selected != 0)
        goto out;
    for (size_t i = 0; i < list->count; i++) {
        const char *name = list->names[i];
        /* Names come from this module, but a row edited by hand must not reach outside. */
        if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL)
            continue;
        if (unlinkat(folder_fd, name, 0) == 0) {
            deleted++;
        } else if (errno != ENOENT) {
            /* Left for the next run to try again; the file is only one too many. */
            log_warn("cannot prune %s of job %llu: %s", name, (unsigned long long)job_id,
                     strerror(errno));
            continue;
        }
        db_params_init(&params);
        db_params_add_u64(&params, list->ids[i]);
        int marked = db_run(db, "UPDATE export_runs SET pruned_at = UTC_TIMESTAMP() WHERE id = ?",
                            &params, NULL, NULL);
        db_params_free(&params);
        if (marked != 0)
            goto out;
    }
    result = deleted;
out:
    free(list);
    return result;
}

void export_jobs_claimer_name(char *out, size_t size)
{
    char host[64];

    if (gethostname(host, sizeof(host)) != 0)
        snprintf(host, sizeof(host), "unknown");
    host[sizeof(host) - 1] = '\0';
    snprintf(out, size, "%s:%d", host, (int)getpid());
}
