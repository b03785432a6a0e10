/* export_file.h - one export of a report or the workspace archive into a file, written under a
 * temporary name, synced and renamed into place so that a reader never sees half a file.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_EXPORT_FILE_H
#define REPORTD_EXPORT_FILE_H

#include <stdint.h>

#include "db.h"
#include "report_request.h"

enum export_file_kind { EXPORT_FILE_DETAILED, EXPORT_FILE_SUMMARY, EXPORT_FILE_WEEKLY,
                        EXPORT_FILE_ARCHIVE };

/* Called after every EXPORT_FILE_PROGRESS_ROWS rows and once at the end with the rows done so
 * far. Returning non-zero stops the export (it then fails with "stopped"). */
typedef int (*export_file_progress_fn)(void *ctx, uint64_t rows);

#define EXPORT_FILE_PROGRESS_ROWS 1000

struct export_file_spec {
    enum export_file_kind kind;
    const struct report_request *request; /* the report (borrowed); NULL for ARCHIVE */
    uint64_t workspace_id;                /* ARCHIVE: the workspace */
    enum export_type format;              /* CSV or XLSX; ignored for ARCHIVE (ZIP) */
    int folder_fd;                        /* the target folder, opened by the caller */
    const char *folder_name;              /* for messages */
    const char *file_name;                /* a plain name inside the folder */
    const char *temp_dir;                 /* libxlsxwriter's scratch folder */
    export_file_progress_fn progress;     /* may be NULL */
    void *progress_ctx;
};

struct export_file_result {
    uint64_t rows;   /* report rows written (entries for DETAILED, groups otherwise) */
    uint64_t bytes;  /* size of the file */
    char sha256[65]; /* lower-case hex of the file's SHA-256 */
    char error[512]; /* why it failed; "" on success */
};

/* Writes the export spec describes to file_name inside folder_fd: first to a hidden temporary
 * name in the same folder, then fsync of the file, rename over file_name and fsync of the
 * folder. The report must be validated and its ids checked. On any failure the temporary file
 * is deleted, an older file_name is left as it was, and result->error describes the failure.
 * A full disk and a folder removed meanwhile get their own messages. Returns 0 or -1. */
int export_file_write(struct db *db, const struct export_file_spec *spec,
                      struct export_file_result *result);

#endif
