/* import_load.h - writes parsed import entries into a workspace: users, memberships, groups,
 * clients, projects, tasks, tags and time entries, skipping entries imported before.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_IMPORT_LOAD_H
#define REPORTD_IMPORT_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* One time entry of a file, resolved to UTC. Strings are borrowed; NULL means the file left
 * the field empty (a description is "" rather than NULL). */
struct import_entry {
    long line;                  /* line where the record starts, for messages */
    const char *user_name;
    const char *email;
    const char *group;          /* the raw Group field; see import_load for how it splits */
    const char *client;
    const char *project;
    const char *task;
    const char *description;
    const char **tags;          /* tag_count names, unique within the entry */
    size_t tag_count;
    int64_t start;              /* UTC seconds */
    int64_t end;                /* UTC seconds, >= start */
    bool billable;
    int64_t hourly_rate;        /* cents per hour */
    int64_t cost_rate;          /* cents per hour */
    bool has_earned;            /* true when earned_amount differs from rate * duration */
    int64_t earned_amount;      /* cents */
    bool has_cost;
    int64_t cost_amount;        /* cents */
};

struct import_stats {
    uint64_t added;
    uint64_t duplicates;        /* entries whose import key the workspace already had */
    uint64_t users;             /* rows created in each table */
    uint64_t projects;
    uint64_t clients;
    uint64_t tasks;
    uint64_t tags;
    uint64_t groups;
};

/* Finds the workspace called name, or creates it with time_zone (an IANA name) and the
 * defaults of the schema. Runs inside the caller's transaction, if any. Returns 0 with
 * *workspace_id set, or -1 with db->error set. */
int import_ensure_workspace(struct db *db, const char *name, const char *time_zone,
                            uint64_t *workspace_id);

/* Same as import_ensure_workspace, and sets *created when this call made the workspace. */
int import_ensure_workspace_ex(struct db *db, const char *name, const char *time_zone,
                               uint64_t *workspace_id, bool *created);

/* Reads the time zone of a workspace into zone (size bytes). Returns 0 or -1. */
int import_workspace_zone(struct db *db, uint64_t workspace_id, char *zone, size_t size);

/* Writes count entries of one file into the workspace, within the caller's transaction.
 *
 * Users are matched by e-mail, or without one by name among the workspace's members, and are
 * created otherwise (e-mail NULL when the file has none). Every user of the file becomes a
 * MEMBER of the workspace. The exception is a workspace without members before the import: the
 * first user of the file becomes its OWNER, so that the workspace has one. Clients match by name, projects by name and client,
 * tasks by name within their project, tags and groups by name. A Group field names the whole
 * value when a group of that name exists or when some comma-separated part does not exist yet;
 * otherwise, every part exists and the user joins each ("Dev, Member" stays one new group).
 *
 * Each entry gets import_key = SHA-256 of its normalised content and its occurrence number among
 * identical entries of the file, so a repeated import adds nothing while identical rows of one
 * file are all kept. Returns 0 with stats filled, or -1 with db->error set; the caller then
 * rolls back. */
int import_load_entries(struct db *db, uint64_t workspace_id, const struct import_entry *entries,
                        size_t count, struct import_stats *stats);

#endif
