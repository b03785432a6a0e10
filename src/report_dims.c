/* report_dims.c - loads a workspace's dimension tables into sorted arrays.
 * SPDX-License-Identifier: MIT
 */
#include "report_dims.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIMS_BLOCK_SIZE 65536
#define DIMS_COLUMNS_MAX 5
#define DIMS_VALUE_MAX 2048 /* a VARCHAR(320) utf8mb4 value is at most 1280 bytes */

/* A block of string storage; strings never move once stored. */
struct dims_block {
    struct dims_block *next;
    size_t used;
    size_t cap;
    char data[];
};

static const char *dims_store(struct report_dims *dims, const char *text, size_t len)
{
    struct dims_block *block = dims->blocks;

    if (block == NULL || block->cap - block->used < len + 1) {
        size_t cap = len + 1 > DIMS_BLOCK_SIZE ? len + 1 : DIMS_BLOCK_SIZE;
        block = malloc(sizeof(*block) + cap);
        if (block == NULL)
            return NULL;
        block->next = dims->blocks;
        block->used = 0;
        block->cap = cap;
        dims->blocks = block;
    }
    char *copy = block->data + block->used;
    memcpy(copy, text, len);
    copy[len] = '\0';
    block->used += len + 1;
    return copy;
}

/* Grows *array (of size element bytes) to hold one more than *count. */
static void *dims_grow(void **array, size_t *cap, size_t count, size_t size)
{
    if (count == *cap) {
        size_t grown = *cap ? *cap * 2 : 64;
        void *moved = realloc(*array, grown * size);
        if (moved == NULL)
            return NULL;
        *array = moved;
        *cap = grown;
    }
    return (char *)*array + count * size;
}

/* One fetched row: columns as NUL-terminated text. */
struct dims_row {
    char values[DIMS_COLUMNS_MAX][DIMS_VALUE_MAX];
    unsigned long lengths[DIMS_COLUMNS_MAX];
    my_bool nulls[DIMS_COLUMNS_MAX];
};

typedef int (*dims_row_fn)(struct report_dims *dims, const struct dims_row *row, void *ctx);

/* Runs sql with the workspace id bound to its one placeholder and calls on_row per row. */
static int dims_query(struct db *db, const char *sql, uint64_t workspace_id, int columns,
                      struct report_dims *dims, dims_row_fn on_row, void *ctx)
{
    struct db_params params;
    MYSQL_STMT *stmt = NULL;
    MYSQL_BIND binds[DIMS_COLUMNS_MAX];
    struct dims_row *row = NULL;
    int result = -1;

    db_params_init(&params);
    row = calloc(1, sizeof(*row));
    if (row == NULL || db_params_add_u64(&params, workspace_id) != 0) {
        snprintf(db->error, sizeof(db->error), "load dimensions: out of memory");
        goto out;
    }
    stmt = db_prepare(db, sql, &params);
    if (stmt == NULL)
        goto out;
    memset(binds, 0, sizeof(binds));
    for (int i = 0; i < columns; i++) {
        binds[i].buffer_type = MYSQL_TYPE_STRING;
        binds[i].buffer = row->values[i];
        binds[i].buffer_length = DIMS_VALUE_MAX - 1;
        binds[i].length = &row->lengths[i];
        binds[i].is_null = &row->nulls[i];
    }
    if (mysql_stmt_execute(stmt) != 0 || mysql_stmt_bind_result(stmt, binds) != 0) {
        snprintf(db->error, sizeof(db->error), "load dimensions: %s (%u)",
                 mysql_stmt_error(stmt), mysql_stmt_errno(stmt));
        goto out;
    }
    int fetched = mysql_stmt_fetch(stmt);
    while (fetched == 0 || fetched == MYSQL_DATA_TRUNCATED) {
        for (int i = 0; i < columns; i++) {
            size_t len = row->nulls[i] ? 0 : row->lengths[i];
            if (len > DIMS_VALUE_MAX - 1)
                len = DIMS_VALUE_MAX - 1;
            row->values[i][len] = '\0';
            row->lengths[i] = (unsigned long)len;
        }
        if (on_row(dims, row, ctx) != 0) {
            snprintf(db->error, sizeof(db->error), "load dimensions: out of memory");
            goto out;
        }
        fetched = mysql_stmt_fetch(stmt);
    }
    if (fetched != MYSQL_NO_DATA) {
        snprintf(db->error, sizeof(db->error), "load dimensions: %s (%u)",
                 mysql_stmt_error(stmt), mysql_stmt_errno(stmt));
        goto out;
    }
    result = 0;
out:
    if (stmt != NULL)
        mysql_stmt_close(stmt);
    db_params_free(&params);
    free(row);
    return result;
}

static uint64_t row_u64(const struct dims_row *row, int column)
{
    return strtoull(row->values[column], NULL, 10);
}

static const char *row_text(struct report_dims *dims, const struct dims_row *row, int column)
{
    return dims_store(dims, row->values[column], row->lengths[column]);
}

/* Capacities while loading; the arrays keep their slack afterwards. */
struct dims_caps {
    size_t users, groups, clients, projects, tasks, tags, memberships;
    /* (user, group) pairs in user order, turned into per-user lists at the end */
    uint64_t *pair_users;
    uint64_t *pair_groups;
    size_t pair_count;
};

static int on_user(struct report_dims *dims, const struct dims_row *row, void *ctx)
{
    struct dims_caps *caps = ctx;
    struct dim_user *user = dims_grow((void **)&dims->users, &caps->users, dims->user_count,
                                      sizeof(*user));
    if (user == NULL)
        return -1;
    user->id = row_u64(row, 0);
    user->name = row_text(dims, row, 1);
    user->email = row_text(dims, row, 2);
    user->group_names = "";
    user->group_ids = NULL;
    user->group_count = 0;
    user->active = strcmp(row->values[3], "ACTIVE") == 0;
    if (user->name == NULL || user->email == NULL)
        return -1;
    dims->user_count++;
    return 0;
}

static int on_group(struct report_dims *dims, const struct dims_row *row, void *ctx)
{
    struct dims_caps *caps = ctx;
    struct dim_group *group = dims_grow((void **)&dims->groups, &caps->groups,
                                        dims->group_count, sizeof(*group));
    if (group == NULL)
        return -1;
    group->id = row_u64(row, 0);
    group->name = row_text(dims, row, 1);
    if (group->name == NULL)
        return -1;
    dims->group_count++;
    return 0;
}

static int on_membership(struct report_dims *dims, const struct dims_row *row, void *ctx)
{
    struct dims_caps *caps = ctx;

    if (caps->pair_count == caps->memberships) {
        size_t users_cap = caps->memberships;
        size_t groups_cap = caps->memberships;
        if (dims_grow((void **)&caps->pair_users, &users_cap, caps->pair_count,
                      sizeof(uint64_t)) == NULL ||
            dims_grow((void **)&caps->pair_groups, &groups_cap, caps->pair_count,
                      sizeof(uint64_t)) == NULL)
            return -1;
        caps->memberships = users_cap;
    }
    caps->pair_users[caps->pair_count] = row_u64(row, 0);
    caps->pair_groups[caps->pair_count] = row_u64(row, 1);
    caps->pair_count++;
    return 0;
}

static int on_client(struct report_dims *dims, const struct dims_row *row, void *ctx)
{
    struct dims_caps *caps = ctx;
    struct dim_client *client = dims_grow((void **)&dims->clients, &caps->clients,
                                          dims->client_count, sizeof(*client));
    if (client == NULL)
        return -1;
    client->id = row_u64(row, 0);
    client->name = row_text(dims, row, 1);
    client->archived = row_u64(row, 2) != 0;
    if (client->name == NULL)
        return -1;
    dims->client_count++;
    return 0;
}

static int on_project(struct report_dims *dims, const struct dims_row *row, void *ctx)
{
    struct dims_caps *caps = ctx;
    struct dim_project *project = dims_grow((void **)&dims->projects, &caps->projects,
                                            dims->project_count, sizeof(*project));
    if (project == NULL)
        return -1;
    project->id = row_u64(row, 0);
    project->name = row_text(dims, row, 1);
    project->color = row_text(dims, row, 2);
    project->client_id = row->nulls[3] ? 0 : row_u64(row, 3);
    project->archived = row_u64(row, 4) != 0;
    if (project->name == NULL || project->color == NULL)
        return -1;
    dims->project_count++;
    return 0;
}

static int on_task(struct report_dims *dims, const struct dims_row *row, void *ctx)
{
    struct dims_caps *caps = ctx;
    struct dim_task *task = dims_grow((void **)&dims->tasks, &caps->tasks, dims->task_count,
                                      sizeof(*task));
    if (task == NULL)
        return -1;
    task->id = row_u64(row, 0);
    task->name = row_text(dims, row, 1);
    task->project_id = row_u64(row, 2);
    task->done = strcmp(row->values[3], "DONE") == 0;
    if (task->name == NULL)
        return -1;
    dims->task_count++;
    return 0;
}

static int on_tag(struct report_dims *dims, const struct dims_row *row, void *ctx)
{
    struct dims_caps *caps = ctx;
    struct dim_tag *tag = dims_grow((void **)&dims->tags, &caps->tags, dims->tag_count,
                                    sizeof(*tag));
    if (tag == NULL)
        return -1;
    tag->id = row_u64(row, 0);
    tag->name = row_text(dims, row, 1);
    tag->archived = row_u64(row, 2) != 0;
    if (tag->name == NULL)
        return -1;
    dims->tag_count++;
    return 0;
}

/* Gives each user its groups. The pairs come ordered by user id, then group name. */
static int dims_link_groups(struct report_dims *dims, const struct dims_caps *caps)
{
    char joined[8192];

    if (caps->pair_count == 0)
        return 0;
    dims->user_group_ids = malloc(caps->pair_count * sizeof(uint64_t));
    if (dims->user_group_ids == NULL)
        return -1;
    memcpy(dims->user_group_ids, caps->pair_groups, caps->pair_count * sizeof(uint64_t));

    size_t i = 0;
    while (i < caps->pair_count) {
        size_t first = i;
        size_t used = 0;
        joined[0] = '\0';
        while (i < caps->pair_count && caps->pair_users[i] == caps->pair_users[first]) {
            const struct dim_group *group = report_dims_group(dims, caps->pair_groups[i]);
            const char *name = group ? group->name : "";
            int n = snprintf(joined + used, sizeof(joined) - used, "%s%s",
                             i > first ? ", " : "", name);
            if (n > 0 && used + (size_t)n < sizeof(joined))
                used += (size_t)n;
            i++;
        }
        /* A user who is in a group but no longer a member keeps no entry here. */
        struct dim_user *user = (struct dim_user *)report_dims_user(dims, caps->pair_users[first]);
        if (user == NULL)
            continue;
        user->group_ids = dims->user_group_ids + first;
        user->group_count = i - first;
        user->group_names = dims_store(dims, joined, used);
        if (user->group_names == NULL)
            return -1;
    }
    return 0;
}

int report_dims_load(struct db *db, uint64_t workspace_id, struct report_dims *dims)
{
    struct dims_caps caps;
    int result = -1;

    memset(dims, 0, sizeof(*dims));
    memset(&caps, 0, sizeof(caps));
    if (dims_query(db,
                   "SELECT u.id, u.name, COALESCE(u.email, ''), m.status FROM memberships m "
                   "JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? ORDER BY u.id",
                   workspace_id, 4, dims, on_user, &caps) != 0)
        goto out;
    if (dims_query(db, "SELECT id, name FROM user_groups WHERE workspace_id = ? ORDER BY id",
                   workspace_id, 2, dims, on_group, &caps) != 0)
        goto out;
    if (dims_query(db,
                   "SELECT gm.user_id, g.id FROM user_group_members gm JOIN user_groups g ON "
                   "g.id = gm.group_id WHERE g.workspace_id = ? ORDER BY gm.user_id, g.name, "
                   "g.id",
                   workspace_id, 2, dims, on_membership, &caps) != 0)
        goto out;
    if (dims_query(db,
                   "SELECT id, name, archived FROM clients WHERE workspace_id = ? ORDER BY id",
                   workspace_id, 3, dims, on_client, &caps) != 0)
        goto out;
    if (dims_query(db,
                   "SELECT id, name, color, client_id, archived FROM projects WHERE "
                   "workspace_id = ? ORDER BY id",
                   workspace_id, 5, dims, on_project, &caps) != 0)
        goto out;
    if (dims_query(db,
                   "SELECT id, name, project_id, status FROM tasks WHERE workspace_id = ? "
                   "ORDER BY id",
                   workspace_id, 4, dims, on_task, &caps) != 0)
        goto out;
    if (dims_query(db, "SELECT id, name, archived FROM tags WHERE workspace_id = ? ORDER BY id",
                   workspace_id, 3, dims, on_tag, &caps) != 0)
        goto out;
    if (dims_link_groups(dims, &caps) != 0) {
        snprintf(db->error, sizeof(db->error), "load dimensions: out of memory");
        goto out;
    }
    result = 0;
out:
    free(caps.pair_users);
    free(caps.pair_groups);
    if (result != 0)
        report_dims_free(dims);
    return result;
}

void report_dims_free(struct report_dims *dims)
{
    struct dims_block *block = dims->blocks;

    while (block != NULL) {
        struct dims_block *next = block->next;
        free(block);
        block = next;
    }
    free(dims->users);
    free(dims->groups);
    free(dims->clients);
    free(dims->projects);
    free(dims->tasks);
    free(dims->tags);
    free(dims->user_group_ids);
    memset(dims, 0, sizeof(*dims));
}

/* Every dimension struct starts with its uint64_t id, so one search serves them all. */
static const void *dims_find(const void *array, size_t count, size_t size, uint64_t id)
{
    size_t low = 0;
    size_t high = count;

    if (id == 0)
        return NULL;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        uint64_t mid_id = *(const uint64_t *)((const char *)array + mid * size);
        if (mid_id == id)
            return (const char *)array + mid * size;
        if (mid_id < id)
            low = mid + 1;
        else
            high = mid;
    }
    return NULL;
}

const struct dim_user *report_dims_user(const struct report_dims *dims, uint64_t id)
{
    return dims_find(dims->users, dims->user_count, sizeof(*dims->users), id);
}

const struct dim_group *report_dims_group(const struct report_dims *dims, uint64_t id)
{
    return dims_find(dims->groups, dims->group_count, sizeof(*dims->groups), id);
}

const struct dim_client *report_dims_client(const struct report_dims *dims, uint64_t id)
{
    return dims_find(dims->clients, dims->client_count, sizeof(*dims->clients), id);
}

const struct dim_project *report_dims_project(const struct report_dims *dims, uint64_t id)
{
    return dims_find(dims->projects, dims->project_count, sizeof(*dims->projects), id);
}

const struct dim_task *report_dims_task(const struct report_dims *dims, uint64_t id)
{
    return dims_find(dims->tasks, dims->task_count, sizeof(*dims->tasks), id);
}

const struct dim_tag *report_dims_tag(const struct report_dims *dims, uint64_t id)
{
    return dims_find(dims->tags, dims->tag_count, sizeof(*dims->tags), id);
}

static int report_tags_reserve(struct report_tags *tags, size_t need)
{
    if (need <= tags->joined_cap)
        return 0;
    size_t cap = tags->joined_cap ? tags->joined_cap : 1024;
    while (cap < need)
        cap *= 2;
    char *grown = realloc(tags->joined, cap);
    if (grown == NULL)
        return -1;
    tags->joined = grown;
    tags->joined_cap = cap;
    return 0;
}

int report_tags_resolve(struct report_tags *tags, const struct report_dims *dims,
                        const char *list, struct report_row *row)
{
    const char *p = list ? list : "";
    size_t used = 0;

    tags->count = 0;
    if (report_tags_reserve(tags, 1) != 0)
        return -1;
    tags->joined[0] = '\0';

    while (*p != '\0' && tags->count < REPORT_TAGS_MAX) {
        uint64_t id = 0;
        while (*p >= '0' && *p <= '9') {
            id = id * 10 + (uint64_t)(*p - '0');
            p++;
        }
        /* Skips the comma, or a stray byte: reportd alone writes the column. */
        if (*p != '\0')
            p++;
        if (id == 0)
            continue;

        const struct dim_tag *tag = report_dims_tag(dims, id);
        const char *name = tag ? tag->name : "";
        size_t name_len = strlen(name);
        if (report_tags_reserve(tags, used + name_len + 3) != 0)
            return -1;
        if (tags->count > 0) {
            memcpy(tags->joined + used, ", ", 2);
            used += 2;
        }
        memcpy(tags->joined + used, name, name_len + 1);
        used += name_len;
        tags->ids[tags->count] = id;
        tags->names[tags->count] = name;
        tags->count++;
    }

    row->tag_count = tags->count;
    row->tag_ids = tags->ids;
    row->tag_names = tags->names;
    row->tags_joined = tags->joined;
    return 0;
}

void report_tags_free(struct report_tags *tags)
{
    free(tags->joined);
    tags->joined = NULL;
    tags->joined_cap = 0;
    tags->count = 0;
}
