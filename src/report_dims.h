/* report_dims.h - a workspace's users, groups, clients, projects, tasks and tags in memory, so
 * that reports read entries alone and resolve names by id without a join per row.
 * SPDX-License-Identifier: MIT
 *
 * A workspace has at most a few thousand of each; entries are streamed and never held here.
 */
#ifndef REPORTD_REPORT_DIMS_H
#define REPORTD_REPORT_DIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "report_row.h"

struct dim_user {
    uint64_t id;
    const char *name;
    const char *email;       /* "" when unknown */
    const char *group_names; /* names of the user's groups in this workspace, ", " joined */
    const uint64_t *group_ids; /* sorted by group name, like group_names */
    size_t group_count;
    bool active; /* membership status in the workspace */
};

struct dim_group {
    uint64_t id;
    const char *name;
};

struct dim_client {
    uint64_t id;
    const char *name;
    bool archived;
};

struct dim_project {
    uint64_t id;
    const char *name;
    const char *color; /* "#RRGGBB" */
    uint64_t client_id; /* 0 when none */
    bool archived;
};

struct dim_task {
    uint64_t id;
    const char *name;
    uint64_t project_id;
    bool done;
};

struct dim_tag {
    uint64_t id;
    const char *name;
    bool archived;
};

/* Every array is sorted by id. Strings live in blocks owned by the struct. */
struct report_dims {
    struct dim_user *users;
    size_t user_count;
    struct dim_group *groups;
    size_t group_count;
    struct dim_client *clients;
    size_t client_count;
    struct dim_project *projects;
    size_t project_count;
    struct dim_task *tasks;
    size_t task_count;
    struct dim_tag *tags;
    size_t tag_count;
    uint64_t *user_group_ids; /* storage behind dim_user.group_ids */
    struct dims_block *blocks;
};

/* Loads the dimensions of workspace_id, within whatever transaction db is in (call it inside
 * the report's snapshot). Users are the workspace's members. Returns 0, or -1 with db->error
 * set; dims is then empty and safe to free. */
int report_dims_load(struct db *db, uint64_t workspace_id, struct report_dims *dims);

/* Releases everything and zeroes dims; safe on a zeroed struct. */
void report_dims_free(struct report_dims *dims);

/* Binary searches by id; NULL when id is 0 or unknown. */
const struct dim_user *report_dims_user(const struct report_dims *dims, uint64_t id);
const struct dim_group *report_dims_group(const struct report_dims *dims, uint64_t id);
const struct dim_client *report_dims_client(const struct report_dims *dims, uint64_t id);
const struct dim_project *report_dims_project(const struct report_dims *dims, uint64_t id);
const struct dim_task *report_dims_task(const struct report_dims *dims, uint64_t id);
const struct dim_tag *report_dims_tag(const struct report_dims *dims, uint64_t id);

/* time_entries.tag_ids is VARCHAR(2048), so it lists at most 1024 ids. */
#define REPORT_TAGS_MAX 1024

/* The tags of one entry, resolved from its tag_ids list; reused from row to row. */
struct report_tags {
    uint64_t ids[REPORT_TAGS_MAX];
    const char *names[REPORT_TAGS_MAX]; /* borrowed from the dims */
    size_t count;
    char *joined;                       /* names joined with ", "; owned */
    size_t joined_cap;
};

/* Resolves a "3,5,9" tag_ids list into tags (names of unknown ids are "") and points the tag
 * fields of row at them. Returns 0, or -1 when memory runs out. */
int report_tags_resolve(struct report_tags *tags, const struct report_dims *dims,
                        const char *list, struct report_row *row);

/* Releases the joined names; tags can be resolved again afterwards. */
void report_tags_free(struct report_tags *tags);

#endif
