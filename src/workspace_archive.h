/* workspace_archive.h - the whole workspace as one restorable ZIP archive (CONTRACT section 5),
 * streamed while it is produced, and the `reportctl archive` command.
 * SPDX-License-Identifier: MIT
 *
 * Contents, all read from one consistent snapshot:
 * - detailed-report.csv: every entry of all time, running ones included (their end is their
 *   start and their duration 0, because a running timer has no end to report yet), in the
 *   workspace's time zone, in the detailed CSV layout with every amount column (PROFIT), ordered
 *   by start time then id;
 * - data/<table>.csv: one lossless CSV per table (format in archive_tables.h): workspaces,
 *   users, memberships, user_groups, user_group_members, clients, projects, project_members,
 *   tasks, tags, time_entries, entry_tags. Not api_keys (secrets) nor export jobs;
 * - manifest.json, written last: {"format": "reportd-archive", "version": 1, "workspace":
 *   {"id", "name"}, "generatedAt": "2026-01-31T12:00:00Z", "files": [{"name", "rows" (data rows,
 *   without the header), "bytes" (uncompressed), "sha256" (lower-case hex)}]}.
 * A MEMBER's archive holds their own entries and only the rows those entries need: themselves,
 * their membership, groups and project memberships, and the projects, clients, tasks and tags
 * their entries use.
 *
 * What "identical" means after `reportctl restore` (restore.h): archiving the restored
 * workspace gives a byte-identical detailed-report.csv. The data/ files are identical once ids
 * are mapped: restore gives the workspace, groups, clients, projects, tasks, tags and entries new
 * ids (assigned in the archived id order, so rows keep their order), and users are matched by
 * email, so a user who already exists keeps their id (and their stored name and status; rows
 * ordered by user id may then come in another order). workspaces.csv also differs in the name
 * when the archive was restored under a new one. manifest.json differs in generatedAt, the
 * workspace id and name, and the sha256 of the data/ files whose ids changed; names, rows and
 * the bytes of detailed-report.csv stay equal.
 */
#ifndef REPORTD_WORKSPACE_ARCHIVE_H
#define REPORTD_WORKSPACE_ARCHIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "api_error.h"
#include "config.h"
#include "db.h"
#include "sink.h"
#include "workspace.h"

#define ARCHIVE_FORMAT_NAME "reportd-archive"
#define ARCHIVE_FORMAT_VERSION 1
#define ARCHIVE_MANIFEST_NAME "manifest.json"
#define ARCHIVE_DETAILED_NAME "detailed-report.csv"

struct archive_job;

/* Starts a read-only consistent snapshot on db, loads workspace_id and its names. member_user_id
 * is 0 for a full archive, else the MEMBER whose entries alone go in. Nothing is written yet, so
 * a caller can still answer with an error status. Returns 0 with *out set; or -1 with err (404
 * when the workspace does not exist, 503 when the database is unreachable, else 500), db->error
 * holding the detail and no transaction left open. */
int archive_job_open(struct db *db, uint64_t workspace_id, uint64_t member_user_id,
                     struct archive_job **out, struct api_error *err);

/* The workspace row read in the snapshot. */
const struct workspace *archive_job_workspace(const struct archive_job *job);

/* Writes the ZIP to out, entry by entry as rows arrive (memory does not grow with the number
 * of rows). Returns 0; or -1 with *out_failed true when out failed (the connection is then
 * dropped with db_abandon so that the server stops the query), or false with db->error set when
 * the database or the ZIP writer failed. Either way the bytes already given to out are not a
 * complete archive. *rows counts the rows of every file. */
int archive_job_write(struct archive_job *job, struct sink *out, uint64_t *rows,
                      bool *out_failed);

/* Ends the snapshot and frees the job; safe with NULL and after db_abandon. */
void archive_job_close(struct archive_job *job);

/* Runs `reportctl archive --workspace ID|NAME --output FILE` (argv[0] is "archive"): writes
 * FILE.tmp-XXXXXX beside FILE, syncs it and renames it to FILE, so FILE is never half written.
 * Returns the exit code: 0 done, 1 unknown workspace or unwritable file, 2 usage, 3 database. */
int archive_main(struct db *db, const struct config *cfg, int argc, char **argv);

#endif
