/* export_file.c - writes one export to a temporary file, syncs it and renames it into place.
 * SPDX-License-Identifier: MIT
 *
 * Everything goes through the folder's descriptor (openat, renameat, unlinkat), so a folder
 * that is renamed or replaced by a symbolic link after the caller opened it cannot redirect the
 * file elsewhere.
 */
#include "export_file.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export_detailed_csv.h"
#include "report_detailed.h"
#include "report_summary.h"
#include "report_weekly.h"
#include "sink.h"
#include "workspace_archive.h"
#include "xlsx_export.h"


/* Bytes between two progress calls from the sink, so that exports without a row loop (the
 * archive, the aggregate reports) still refresh a scheduler's heartbeat while they write. */
#define EXPORT_FILE_PROGRESS_BYTES (4u << 20)

/* The temporary file: a sink that hashes, counts and writes, and keeps the first errno. */
struct export_out {
    int fd;
    EVP_MD_CTX *sha;
    uint64_t bytes;
    uint64_t bytes_at_progress;
    int error; /* errno of the first failed write (ECANCELED: stopped by progress), 0 if none */
    const struct export_file_spec *spec;
    const struct export_file_result *result;
};

static int export_out_write(void *ctx, const void *data, size_t len)
{
    struct export_out *out = ctx;
    const char *p = data;

    if (out->error != 0)
        return -1;
    while (len > 0) {
        ssize_t n = write(out->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            out->error = n < 0 ? errno : EIO;
            return -1;
        }
        if (EVP_DigestUpdate(out->sha, p, (size_t)n) != 1) {
            out->error = ENOMEM;
            return -1;
        }
        out->bytes += (uint64_t)n;
        p += n;
        len -= (size_t)n;
    }
    if (out->spec->progress != NULL &&
        out->bytes - out->bytes_at_progress >= EXPORT_FILE_PROGRESS_BYTES) {
        out->bytes_at_progress = out->bytes;
        if (out->spec->progress(out->spec->progress_ctx, out->result->rows) != 0) {
            out->error = ECANCELED;
            return -1;
        }
    }
    return 0;
}

/* Counts the records of CSV text (line ends outside quotes) without keeping it, so that
 * aggregate reports can return how many rows they wrote. */
struct export_counter {
    bool in_quotes;
    uint64_t records;
};

static int export_counter_write(void *ctx, const void *data, size_t len)
{
    struct export_counter *c = ctx;
    const char *p = data;

    for (size_t i = 0; i < len; i++) {
        if (p[i] == '"')
            c->in_quotes = !c->in_quotes;
        else if (p[i] == '\n' && !c->in_quotes)
            c->records++;
    }
    return 0;
}

/* Describes errno of a write in the target folder in words an operator can act on. */
static void export_describe(struct export_file_result *result, const struct export_file_spec *spec,
                            const char *step, int error)
{
    if (error == ECANCELED)
        snprintf(result->error, sizeof(result->error), "stopped while %s %s after %llu rows",
                 step, spec->file_name, (unsigned long long)result->rows);
    else if (error == ENOSPC || error == EDQUOT)
        snprintf(result->error, sizeof(result->error),
                 "disk full while %s %s in %s: free space there or lower the job's keep count",
                 step, spec->file_name, spec->folder_name);
    else if (error == ENOENT || error == ESTALE)
        snprintf(result->error, sizeof(result->error),
                 "output folder %s vanished while %s %s: create it again or change the "
                 "job's folder", spec->folder_name, step, spec->file_name);
    else
        snprintf(result->error, sizeof(result->error), "%s %s in %s failed: %s", step,
                 spec->file_name, spec->folder_name, strerror(error));
}

static int export_progress(const struct export_file_spec *spec, uint64_t rows)
{
    if (spec->progress == NULL)
        return 0;
    return spec->progress(spec->progress_ctx, rows);
}

/* Streams the detailed report as CSV into out. Returns 0 or -1 with result->error set. */
static int export_detailed_csv(struct db *db, const struct export_file_spec *spec,
                               struct report_cursor *cursor, struct export_out *out,
                               struct export_file_result *result)
{
    struct sink sink = {export_out_write, out};
    struct detailed_csv *csv = detailed_csv_new(&sink, &spec->request->format,
                                                spec->request->amounts, spec->request->currency);
    const struct report_row *row;
    int next;
    int status = -1;

    if (csv == NULL || detailed_csv_write_header(csv) != 0)
        goto out;
    while ((next = report_cursor_next(cursor, &row)) == 1) {
        if (detailed_csv_write_row(csv, row) != 0)
            goto out;
        result->rows++;
        if (result->rows % EXPORT_FILE_PROGRESS_ROWS == 0 && export_progress(spec, result->rows)) {
            snprintf(result->error, sizeof(result->error), "stopped after %llu rows",
                     (unsigned long long)result->rows);
            goto out;
        }
    }
    if (next < 0) {
        snprintf(result->error, sizeof(result->error), "reading entries failed: %.200s", db->error);
        goto out;
    }
    if (detailed_csv_finish(csv) != 0)
        goto out;
    status = 0;
out:
    if (status != 0 && result->error[0] == '\0' && csv == NULL)
        snprintf(result->error, sizeof(result->error), "out of memory");
    detailed_csv_free(csv);
    return status;
}

/* Builds the detailed XLSX at xlsx_path. Returns 0 or -1 with result->error set. */
static int export_detailed_xlsx(struct db *db, const struct export_file_spec *spec,
                                struct report_cursor *cursor, const char *xlsx_path,
                                struct export_file_result *result)
{
    struct xlsx_export *xlsx = NULL;
    const struct report_row *row;
    char message[256] = "";
    int next;
    int status = -1;

    xlsx = xlsx_export_new(xlsx_path, spec->temp_dir, &spec->request->format, message,
                           sizeof(message));
    if (xlsx == NULL ||
        xlsx_export_detailed_columns(xlsx, spec->request->amounts, spec->request->currency) != 0)
        goto out;
    while ((next = report_cursor_next(cursor, &row)) == 1) {
        if (xlsx_export_detailed_row(xlsx, row) != 0)
            goto out;
        result->rows++;
        if (result->rows % EXPORT_FILE_PROGRESS_ROWS == 0 && export_progress(spec, result->rows)) {
            snprintf(message, sizeof(message), "stopped after %llu rows",
                     (unsigned long long)result->rows);
            goto out;
        }
    }
    if (next < 0) {
        snprintf(message, sizeof(message), "reading entries failed: %.200s", db->error);
        goto out;
    }
    if (xlsx_export_close(xlsx, message, sizeof(message)) != 0)
        goto out;
    status = 0;
out:
    if (status != 0)
        snprintf(result->error, sizeof(result->error), "XLSX: %.400s",
                 message[0] ? message : "writer error");
    xlsx_export_free(xlsx);
    return status;
}

/* Copies the finished file at path into out, then deletes it. */
static int export_copy(const char *path, struct export_out *out, const struct export_file_spec *spec,
                       struct export_file_result *result)
{
    char buffer[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int status = -1;

    if (fd < 0) {
        snprintf(result->error, sizeof(result->error), "cannot open the built file %s: %s", path,
                 strerror(errno));
        goto out;
    }
    for (;;) {
        ssize_t got = read(fd, buffer, sizeof(buffer));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            snprintf(result->error, sizeof(result->error), "reading %s failed: %s", path,
                     strerror(errno));
            goto out;
        }
        if (got == 0)
            break;
        if (export_out_write(out, buffer, (size_t)got) != 0) {
            export_describe(result, spec, "writing", out->error);
            goto out;
        }
    }
    status = 0;
out:
    if (fd >= 0)
        close(fd);
    unlink(path);
    return status;
}

static void export_scratch_path(const struct export_file_spec *spec, char *out, size_t size)
{
    static unsigned long counter;
    snprintf(out, size, "%s/reportd-export-%d-%lu.xlsx", spec->temp_dir, (int)getpid(), ++counter);
}

/* Writes the detailed report into out. */
static int export_detailed(struct db *db, const struct export_file_spec *spec,
                           struct export_out *out, struct export_file_result *result)
{
    struct report_cursor *cursor = NULL;
    struct api_error err;
    char scratch[1024];
    int status = -1;

    if (report_detailed_open(db, spec->request, &cursor, &err) != 0) {
        snprintf(result->error, sizeof(result->error), "report failed: %.200s (%.200s)", err.message,
                 db->error);
        goto out;
    }
    if (spec->format == EXPORT_CSV) {
        status = export_detailed_csv(db, spec, cursor, out, result);
        goto out;
    }
    export_scratch_path(spec, scratch, sizeof(scratch));
    if (export_detailed_xlsx(db, spec, cursor, scratch, result) != 0) {
        unlink(scratch);
        goto out;
    }
    status = export_copy(scratch, out, spec, result);
out:
    report_cursor_close(cursor);
    return status;
}

/* The aggregate reports share one shape: run, write CSV or XLSX, free. */
struct export_aggregate {
    int (*csv)(const void *report, struct sink *out);
    int (*xlsx)(const void *report, const char *path, const char *tmp, char *err, size_t size);
};

static int export_summary_csv(const void *s, struct sink *out)
{
    return report_summary_csv(s, out);
}
static int export_summary_xlsx(const void *s, const char *path, const char *tmp, char *err,
                               size_t size)
{
    return report_summary_xlsx(s, path, tmp, err, size);
}
static int export_weekly_csv(const void *w, struct sink *out)
{
    return report_weekly_csv(w, out);
}
static int export_weekly_xlsx(const void *w, const char *path, const char *tmp, char *err,
                              size_t size)
{
    return report_weekly_xlsx(w, path, tmp, err, size);
}

static int export_aggregate_write(const struct export_file_spec *spec, const void *report,
                                  const struct export_aggregate *writers, struct export_out *out,
                                  struct export_file_result *result)
{
    struct export_counter counter = {false, 0};
    struct sink counting = {export_counter_write, &counter};
    struct sink file = {export_out_write, out};
    char scratch[1024];
    char message[256] = "";

    /* The row count comes from the CSV form in both formats: records minus the header and the
     * Total row. It is computed in memory and costs little next to the query. */
    writers->csv(report, &counting);
    result->rows = counter.records >= 2 ? counter.records - 2 : 0;

    if (spec->format == EXPORT_CSV) {
        if (writers->csv(report, &file) != 0) {
            export_describe(result, spec, "writing", out->error ? out->error : EIO);
            return -1;
        }
        return 0;
    }
    export_scratch_path(spec, scratch, sizeof(scratch));
    if (writers->xlsx(report, scratch, spec->temp_dir, message, sizeof(message)) != 0) {
        snprintf(result->error, sizeof(result->error), "XLSX: %.400s", message);
        unlink(scratch);
        return -1;
    }
    return export_copy(scratch, out, spec, result);
}

static int export_aggregate(struct db *db, const struct export_file_spec *spec,
                            struct export_out *out, struct export_file_result *result)
{
    static const struct export_aggregate summary = {export_summary_csv, export_summary_xlsx};
    static const struct export_aggregate weekly = {export_weekly_csv, export_weekly_xlsx};
    struct report_summary *s = NULL;
    struct report_weekly *w = NULL;
    struct api_error err;
    int status = -1;

    if (spec->kind == EXPORT_FILE_SUMMARY) {
        if (report_summary_run(db, spec->request, &s, &err) != 0)
            goto failed;
        status = export_aggregate_write(spec, s, &summary, out, result);
    } else {
        if (report_weekly_run(db, spec->request, &w, &err) != 0)
            goto failed;
        status = export_aggregate_write(spec, w, &weekly, out, result);
    }
    goto out;
failed:
    snprintf(result->error, sizeof(result->error), "report failed: %.200s (%.200s)", err.message,
             db->error);
out:
    report_summary_free(s);
    report_weekly_free(w);
    return status;
}

/* Writes the whole-workspace ZIP into out; rows counts the rows of every file in it. */
static int export_archive(struct db *db, const struct export_file_spec *spec,
                          struct export_out *out, struct export_file_result *result)
{
    struct sink file = {export_out_write, out};
    struct archive_job *job = NULL;
    struct api_error err;
    bool out_failed = false;
    int status = -1;

    if (archive_job_open(db, spec->workspace_id, 0, &job, &err) != 0) {
        snprintf(result->error, sizeof(result->error), "archive failed: %.200s (%.200s)",
                 err.message, db->error);
        goto out;
    }
    if (archive_job_write(job, &file, &result->rows, &out_failed) != 0) {
        if (!out_failed)
            snprintf(result->error, sizeof(result->error), "archive failed: %.400s", db->error);
        goto out;
    }
    status = 0;
out:
    archive_job_close(job);
    return status;
}

static void export_hex(const unsigned char *digest, unsigned int len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned int i = 0; i < len; i++) {
        out[2 * i] = digits[digest[i] >> 4];
        out[2 * i + 1] = digits[digest[i] & 15];
    }
    out[2 * len] = '\0';
}

/* Runs the export into out. On failure result->error describes why. */
static int export_produce(struct db *db, const struct export_file_spec *spec,
                          struct export_out *out, struct export_file_result *result)
{
    int status;

    if (spec->kind == EXPORT_FILE_ARCHIVE)
        status = export_archive(db, spec, out, result);
    else if (spec->kind == EXPORT_FILE_DETAILED)
        status = export_detailed(db, spec, out, result);
    else
        status = export_aggregate(db, spec, out, result);
    /* A sink failure shows first as a writer error; name the real cause. */
    if (out->error != 0)
        export_describe(result, spec, "writing", out->error);
    else if (status != 0 && result->error[0] == '\0')
        snprintf(result->error, sizeof(result->error), "writing %s failed", spec->file_name);
    if (status == 0 && out->error != 0)
        status = -1;
    return status;
}

int export_file_write(struct db *db, const struct export_file_spec *spec,
                      struct export_file_result *result)
{
    static unsigned long counter;
    struct export_out out = {-1, NULL, 0, 0, 0, spec, result};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    char temp[512];
    bool temp_exists = false;
    int status = -1;

    memset(result, 0, sizeof(*result));
    snprintf(temp, sizeof(temp), ".%s.%d-%lu.tmp", spec->file_name, (int)getpid(), ++counter);
    out.sha = EVP_MD_CTX_new();
    if (out.sha == NULL || EVP_DigestInit_ex(out.sha, EVP_sha256(), NULL) != 1) {
        snprintf(result->error, sizeof(result->error), "cannot start SHA-256");
        goto out;
    }
    out.fd = openat(spec->folder_fd, temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                    0644);
    if (out.fd < 0) {
        export_describe(result, spec, "creating a temporary file for", errno);
        goto out;
    }
    temp_exists = true;

    if (export_produce(db, spec, &out, result) != 0)
        goto out;
    if (export_progress(spec, result->rows) != 0) {
        snprintf(result->error, sizeof(result->error), "stopped");
        goto out;
    }
    /* The data must be on disk before the rename makes it visible; otherwise a crash could
     * leave a complete-looking name with missing blocks. */
    if (fsync(out.fd) != 0) {
        export_describe(result, spec, "syncing", errno);
        goto out;
    }
    if (close(out.fd) != 0) {
        out.fd = -1;
        export_describe(result, spec, "closing", errno);
        goto out;
    }
    out.fd = -1;
    if (renameat(spec->folder_fd, temp, spec->folder_fd, spec->file_name) != 0) {
        export_describe(result, spec, "renaming into place", errno);
        goto out;
    }
    temp_exists = false;
    /* The rename itself lives in the folder's metadata. */
    if (fsync(spec->folder_fd) != 0) {
        export_describe(result, spec, "syncing the folder of", errno);
        goto out;
    }
    if (EVP_DigestFinal_ex(out.sha, digest, &digest_len) != 1) {
        snprintf(result->error, sizeof(result->error), "cannot finish SHA-256");
        goto out;
    }
    export_hex(digest, digest_len, result->sha256);
    result->bytes = out.bytes;
    status = 0;
out:
    if (out.fd >= 0)
        close(out.fd);
    if (temp_exists)
        unlinkat(spec->folder_fd, temp, 0);
    EVP_MD_CTX_free(out.sha);
    return status;
}
