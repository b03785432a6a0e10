/* import_load.c - writes the entries of one imported file into MariaDB.
 * SPDX-License-Identifier: MIT
 */
#include "import_load.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows per multi-row INSERT: 14 parameters each stays far below the server's 65535. */
#define LOAD_BATCH_ROWS 500
#define LOAD_KEY_HEX 65

/* A string-keyed hash map with open addressing; it owns copies of its keys. */
struct load_map {
    char **keys;
    uint64_t *values;
    size_t cap;
    size_t count;
};

static uint64_t load_hash(const char *text)
{
    uint64_t hash = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        hash ^= *p;
        hash *= 1099511628211ULL;
    }
    return hash;
}

static void load_map_free(struct load_map *map)
{
    for (size_t i = 0; i < map->cap; i++)
        free(map->keys[i]);
    free(map->keys);
    free(map->values);
    memset(map, 0, sizeof(*map));
}

static bool load_map_get(const struct load_map *map, const char *key, uint64_t *value)
{
    if (map->cap == 0)
        return false;
    for (size_t i = load_hash(key) & (map->cap - 1);; i = (i + 1) & (map->cap - 1)) {
        if (map->keys[i] == NULL)
            return false;
        if (strcmp(map->keys[i], key) == 0) {
            *value = map->values[i];
            return true;
        }
    }
}

static int load_map_put(struct load_map *map, const char *key, uint64_t value);

static int load_map_grow(struct load_map *map)
{
    struct load_map bigger = {0};
    bigger.cap = map->cap ? map->cap * 2 : 64;
    bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
    bigger.values = calloc(bigger.cap, sizeof(*bigger.values));
    if (bigger.keys == NULL || bigger.values == NULL) {
        load_map_free(&bigger);
        return -1;
    }
    for (size_t i = 0; i < map->cap; i++) {
        if (map->keys[i] == NULL)
            continue;
        size_t j = load_hash(map->keys[i]) & (bigger.cap - 1);
        while (bigger.keys[j] != NULL)
            j = (j + 1) & (bigger.cap - 1);
        bigger.keys[j] = map->keys[i];
        bigger.values[j] = map->values[i];
        bigger.count++;
        map->keys[i] = NULL;
    }
    load_map_free(map);
    *map = bigger;
    return 0;
}

/* Inserts or replaces key. Returns 0 or -1 when out of memory. */
static int load_map_put(struct load_map *map, const char *key, uint64_t value)
{
    if ((map->count + 1) * 2 > map->cap && load_map_grow(map) != 0)
        return -1;
    size_t i = load_hash(key) & (map->cap - 1);
    while (map->keys[i] != NULL && strcmp(map->keys[i], key) != 0)
        i = (i + 1) & (map->cap - 1);
    if (map->keys[i] == NULL) {
        map->keys[i] = strdup(key);
        if (map->keys[i] == NULL)
            return -1;
        map->count++;
    }
    map->values[i] = value;
    return 0;
}

/* A growable string for SQL text and map keys. */
struct load_text {
    char *data;
    size_t len;
    size_t cap;
};

static int load_text_add(struct load_text *text, const char *bytes, size_t len)
{
    if (text->len + len + 1 > text->cap) {
        size_t cap = text->cap ? text->cap : 256;
        while (text->len + len + 1 > cap)
            cap *= 2;
        char *data = realloc(text->data, cap);
        if (data == NULL)
            return -1;
        text->data = data;
        text->cap = cap;
    }
    memcpy(text->data + text->len, bytes, len);
    text->len += len;
    text->data[text->len] = '\0';
    return 0;
}

static int load_text_str(struct load_text *text, const char *str)
{
    return load_text_add(text, str, strlen(str));
}

/* Builds the map key "<id>\x1f<name>" into text (replacing its content). */
static int load_text_key(struct load_text *text, uint64_t id, const char *name)
{
    char number[32];
    text->len = 0;
    snprintf(number, sizeof(number), "%" PRIu64 "\x1f", id);
    if (load_text_str(text, number) != 0)
        return -1;
    return load_text_str(text, name);
}

struct load_state {
    struct db *db;
    uint64_t workspace_id;
    struct import_stats *stats;
    struct load_map users;      /* "e\x1f<email>" or "n\x1f<name>" -> user id */
    struct load_map clients;    /* "0\x1f<name>" -> client id */
    struct load_map projects;   /* "<client id>\x1f<name>" -> project id */
    struct load_map tasks;      /* "<project id>\x1f<name>" -> task id */
    struct load_map tags;       /* "0\x1f<name>" -> tag id */
    struct load_map groups;     /* "0\x1f<name>" -> group id (0 while only planned) */
    struct load_map keys;       /* hex import key -> 1 for keys already stored */
    struct load_text scratch;
    bool had_members;
};

static void load_state_free(struct load_state *state)
{
    load_map_free(&state->users);
    load_map_free(&state->clients);
    load_map_free(&state->projects);
    load_map_free(&state->tasks);
    load_map_free(&state->tags);
    load_map_free(&state->groups);
    load_map_free(&state->keys);
    free(state->scratch.data);
}

/* Runs a query built only from numbers (no file data) and puts "<column 1>\x1f<column 2>" ->
 * column 0 into map for every row; a NULL in column 1 reads as 0. */
static int load_read_map(struct load_state *state, const char *sql, struct load_map *map)
{
    int result = -1;
    MYSQL_RES *res = db_query(state->db, sql);
    MYSQL_ROW row;

    if (res == NULL)
        return -1;
    while ((row = mysql_fetch_row(res)) != NULL) {
        uint64_t owner = row[1] != NULL ? strtoull(row[1], NULL, 10) : 0;
        if (load_text_key(&state->scratch, owner, row[2]) != 0)
            goto out;
        if (load_map_put(map, state->scratch.data, strtoull(row[0], NULL, 10)) != 0)
            goto out;
    }
    result = 0;
out:
    if (result != 0)
        snprintf(state->db->error, sizeof(state->db->error), "out of memory");
    mysql_free_result(res);
    return result;
}

static int load_read_existing(struct load_state *state)
{
    char sql[256];
    uint64_t ws = state->workspace_id;
    uint64_t members = 0;
    struct db_params params;

    snprintf(sql, sizeof(sql), "SELECT id, 0, name FROM clients WHERE workspace_id = %" PRIu64,
             ws);
    if (load_read_map(state, sql, &state->clients) != 0)
        return -1;
    snprintf(sql, sizeof(sql),
             "SELECT id, client_id, name FROM projects WHERE workspace_id = %" PRIu64, ws);
    if (load_read_map(state, sql, &state->projects) != 0)
        return -1;
    snprintf(sql, sizeof(sql),
             "SELECT id, project_id, name FROM tasks WHERE workspace_id = %" PRIu64, ws);
    if (load_read_map(state, sql, &state->tasks) != 0)
        return -1;
    snprintf(sql, sizeof(sql), "SELECT id, 0, name FROM tags WHERE workspace_id = %" PRIu64, ws);
    if (load_read_map(state, sql, &state->tags) != 0)
        return -1;
    snprintf(sql, sizeof(sql),
             "SELECT id, 0, name FROM user_groups WHERE workspace_id = %" PRIu64, ws);
    if (load_read_map(state, sql, &state->groups) != 0)
        return -1;
    snprintf(sql, sizeof(sql),
             "SELECT 1, 0, HEX(import_key) FROM time_entries WHERE workspace_id = %" PRIu64
             " AND import_key IS NOT NULL",
             ws);
    if (load_read_map(state, sql, &state->keys) != 0)
        return -1;

    db_params_init(&params);
    int rc = db_params_add_u64(&params, ws);
    if (rc == 0)
        rc = db_fetch_u64(state->db, "SELECT COUNT(*) FROM memberships WHERE workspace_id = ?",
                          &params, &members);
    db_params_free(&params);
    if (rc < 0)
        return -1;
    state->had_members = members > 0;
    return 0;
}

/* Runs sql with number_count numbers bound first, then text1 and text2 unless they are NULL.
 * Stores the insert id in *id when id is not NULL. */
static int load_run(struct load_state *state, const char *sql, const char *text1,
                    const char *text2, const uint64_t *numbers, size_t number_count,
                    uint64_t *id)
{
    struct db_params params;
    int result = -1;

    db_params_init(&params);
    for (size_t i = 0; i < number_count; i++) {
        if (db_params_add_u64(&params, numbers[i]) != 0)
            goto out;
    }
    if (text1 != NULL && db_params_add_text(&params, text1, strlen(text1)) != 0)
        goto out;
    if (text2 != NULL && db_params_add_text(&params, text2, strlen(text2)) != 0)
        goto out;
    result = db_run(state->db, sql, &params, NULL, id);
out:
    db_params_free(&params);
    return result;
}

static int load_user(struct load_state *state, const struct import_entry *entry,
                     uint64_t *user_id)
{
    struct db_params params;
    struct load_text key = {0};
    int result = -1;
    int found = 0;

    db_params_init(&params);
    const char *name = entry->user_name != NULL ? entry->user_name : entry->email;
    if (load_text_str(&key, entry->email != NULL ? "e\x1f" : "n\x1f") != 0 ||
        load_text_str(&key, entry->email != NULL ? entry->email : name) != 0)
        goto out;
    if (load_map_get(&state->users, key.data, user_id)) {
        result = 0;
        goto out;
    }

    if (entry->email != NULL) {
        if (db_params_add_text(&params, entry->email, strlen(entry->email)) != 0)
            goto out;
        found = db_fetch_u64(state->db, "SELECT id FROM users WHERE email = ?", &params,
                             user_id);
    } else {
        if (db_params_add_u64(&params, state->workspace_id) != 0 ||
            db_params_add_text(&params, name, strlen(name)) != 0)
            goto out;
        found = db_fetch_u64(state->db,
                             "SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id "
                             "WHERE m.workspace_id = ? AND u.name = ? ORDER BY u.id LIMIT 1",
                             &params, user_id);
    }
    if (found < 0)
        goto out;
    if (found == 0) {
        int rc = entry->email != NULL
            /* Users are shared by all workspaces: a concurrent import may have created this
             * one since the SELECT's snapshot, so an existing row yields its id instead. */
            ? load_run(state,
                       "INSERT INTO users (email, name) VALUES (?, ?) "
                       "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
                       entry->email, name, NULL, 0, user_id)
            : load_run(state, "INSERT INTO users (email, name) VALUES (NULL, ?)", name, NULL,
                       NULL, 0, user_id);
        if (rc != 0)
            goto out;
        state->stats->users++;
    }

    /* The first user of a workspace without members owns it; everybody else is a MEMBER. */
    uint64_t numbers[2] = {state->workspace_id, *user_id};
    const char *role = state->had_members ? "MEMBER" : "OWNER";
    if (load_run(state,
                 "INSERT IGNORE INTO memberships (workspace_id, user_id, role) VALUES (?, ?, ?)",
                 role, NULL, numbers, 2, NULL) != 0)
        goto out;
    state->had_members = true;
    if (load_map_put(&state->users, key.data, *user_id) != 0)
        goto out;
    result = 0;
out:
    if (result != 0 && state->db->error[0] == '\0')
        snprintf(state->db->error, sizeof(state->db->error), "out of memory");
    free(key.data);
    db_params_free(&params);
    return result;
}

/* Finds "<owner>\x1f<name>" in map, or runs insert_sql with (workspace, [owner,] name) and
 * counts the new row in *created. owner_bound is true when the INSERT takes owner. */
static int load_named(struct load_state *state, struct load_map *map, uint64_t owner,
                      const char *name, const char *insert_sql, bool owner_bound,
                      uint64_t *created, uint64_t *id)
{
    uint64_t numbers[2] = {state->workspace_id, owner};

    if (load_text_key(&state->scratch, owner, name) != 0) {
        snprintf(state->db->error, sizeof(state->db->error), "out of memory");
        return -1;
    }
    if (load_map_get(map, state->scratch.data, id) && *id != 0)
        return 0;
    if (load_run(state, insert_sql, name, NULL, numbers, owner_bound ? 2 : 1, id) != 0)
        return -1;
    (*created)++;
    if (load_text_key(&state->scratch, owner, name) != 0 ||
        load_map_put(map, state->scratch.data, *id) != 0) {
        snprintf(state->db->error, sizeof(state->db->error), "out of memory");
        return -1;
    }
    return 0;
}

static int load_project(struct load_state *state, const struct import_entry *entry,
                        uint64_t *project_id, uint64_t *task_id)
{
    uint64_t client_id = 0;
    *project_id = 0;
    *task_id = 0;

    if (entry->client != NULL &&
        load_named(state, &state->clients, 0, entry->client,
                   "INSERT INTO clients (workspace_id, name) VALUES (?, ?)", false,
                   &state->stats->clients, &client_id) != 0)
        return -1;
    if (entry->project == NULL)
        return 0;
    if (load_text_key(&state->scratch, client_id, entry->project) != 0)
        return -1;
    if (!load_map_get(&state->projects, state->scratch.data, project_id)) {
        uint64_t numbers[2] = {state->workspace_id, client_id};
        const char *sql = client_id != 0
            ? "INSERT INTO projects (workspace_id, client_id, name) VALUES (?, ?, ?)"
            : "INSERT INTO projects (workspace_id, name) VALUES (?, ?)";
        if (load_run(state, sql, entry->project, NULL, numbers, client_id != 0 ? 2 : 1,
                     project_id) != 0)
            return -1;
        state->stats->projects++;
        if (load_text_key(&state->scratch, client_id, entry->project) != 0 ||
            load_map_put(&state->projects, state->scratch.data, *project_id) != 0)
            return -1;
    }
    if (entry->task == NULL)
        return 0;
    return load_named(state, &state->tasks, *project_id, entry->task,
                      "INSERT INTO tasks (workspace_id, project_id, name) VALUES (?, ?, ?)", true,
                      &state->stats->tasks, task_id);
}

/* Splits a Group field on "," and trims each part; returns the number of parts (at most max). */
static size_t load_split_group(const char *value, char parts[][256], size_t max)
{
    size_t count = 0;
    const char *p = value;
    while (count < max) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        const char *start = p;
        while (len > 0 && *start == ' ') {
            start++;
            len--;
        }
        while (len > 0 && start[len - 1] == ' ')
            len--;
        if (len >= 256)
            len = 255;
        memcpy(parts[count], start, len);
        parts[count][len] = '\0';
        if (len > 0)
            count++;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return count;
}

/* Adds the user to the groups named by value, following the rule in import_load.h. */
static int load_groups(struct load_state *state, const char *value, uint64_t user_id)
{
    char parts[16][256];
    size_t count = load_split_group(value, parts, 16);
    size_t commas = 0;
    uint64_t id;

    for (const char *p = value; *p != '\0'; p++)
        commas += *p == ',';
    /* A value with more parts than parts[] can take is kept whole rather than cut. */
    bool split = count > 1 && commas < 16;

    if (load_text_key(&state->scratch, 0, value) != 0)
        return -1;
    if (load_map_get(&state->groups, state->scratch.data, &id))
        split = false;
    for (size_t i = 0; split && i < count; i++) {
        if (load_text_key(&state->scratch, 0, parts[i]) != 0)
            return -1;
        if (!load_map_get(&state->groups, state->scratch.data, &id))
            split = false;
    }
    if (!split) {
        count = 1;
        snprintf(parts[0], sizeof(parts[0]), "%s", value);
    }
    for (size_t i = 0; i < count; i++) {
        uint64_t group_id;
        if (load_named(state, &state->groups, 0, parts[i],
                       "INSERT INTO user_groups (workspace_id, name) VALUES (?, ?)", false,
                       &state->stats->groups, &group_id) != 0)
            return -1;
        uint64_t numbers[2] = {group_id, user_id};
        if (load_run(state,
                     "INSERT IGNORE INTO user_group_members (group_id, user_id) VALUES (?, ?)",
                     NULL, NULL, numbers, 2, NULL) != 0)
            return -1;
    }
    return 0;
}

/* Marks every group name that the file writes without a comma as known (id 0 until created),
 * so that "A, B" splits when the file also names A and B alone, whatever the row order. */
static int load_plan_groups(struct load_state *state, const struct import_entry *entries,
                            size_t count)
{
    for (size_t i = 0; i < count; i++) {
        uint64_t id;
        const char *group = entries[i].group;
        if (group == NULL || strchr(group, ',') != NULL)
            continue;
        if (load_text_key(&state->scratch, 0, group) != 0)
            return -1;
        if (!load_map_get(&state->groups, state->scratch.data, &id) &&
            load_map_put(&state->groups, state->scratch.data, 0) != 0)
            return -1;
    }
    return 0;
}

static int load_compare_ids(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int load_compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Resolved ids of one entry, ready for the INSERT. */
struct load_row {
    uint64_t user_id;
    uint64_t project_id;
    uint64_t task_id;
    uint64_t *tag_ids;
    size_t tag_count;
    char tag_list[2048];
    char key[LOAD_KEY_HEX];
    bool skip;
};

static int load_tags(struct load_state *state, const struct import_entry *entry,
                     struct load_row *row)
{
    size_t len = 0;

    row->tag_list[0] = '\0';
    if (entry->tag_count == 0)
        return 0;
    row->tag_ids = calloc(entry->tag_count, sizeof(*row->tag_ids));
    if (row->tag_ids == NULL)
        return -1;
    for (size_t i = 0; i < entry->tag_count; i++) {
        if (load_named(state, &state->tags, 0, entry->tags[i],
                       "INSERT INTO tags (workspace_id, name) VALUES (?, ?)", false,
                       &state->stats->tags, &row->tag_ids[i]) != 0)
            return -1;
    }
    row->tag_count = entry->tag_count;
    qsort(row->tag_ids, row->tag_count, sizeof(*row->tag_ids), load_compare_ids);
    for (size_t i = 0; i < row->tag_count; i++) {
        int n = snprintf(row->tag_list + len, sizeof(row->tag_list) - len,
                         i == 0 ? "%" PRIu64 : ",%" PRIu64, row->tag_ids[i]);
        if (n < 0 || (size_t)n >= sizeof(row->tag_list) - len) {
            snprintf(state->db->error, sizeof(state->db->error),
                     "line %ld: too many tags for one entry", entry->line);
            return -1;
        }
        len += (size_t)n;
    }
    return 0;
}

static void load_digest_field(EVP_MD_CTX *ctx, const char *text)
{
    uint64_t len = text != NULL ? strlen(text) : UINT64_MAX;
    EVP_DigestUpdate(ctx, &len, sizeof(len));
    if (text != NULL)
        EVP_DigestUpdate(ctx, text, strlen(text));
}

static void load_hex(const unsigned char *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

/* Computes the entry's import key as hex. The first SHA-256 covers the workspace, the user
 * (e-mail, else name), start and end, client, project, task, description and sorted tag names.
 * The key is SHA-256 of that digest and the count of identical entries seen before in the file,
 * which seen keeps. */
static int load_import_key(struct load_state *state, const struct import_entry *entry,
                           struct load_map *seen, char *key)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    char base[LOAD_KEY_HEX];
    const char **names = NULL;
    uint64_t occurrence = 0;
    int result = -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        goto out;
    EVP_DigestUpdate(ctx, &state->workspace_id, sizeof(state->workspace_id));
    load_digest_field(ctx, entry->email != NULL ? entry->email : entry->user_name);
    EVP_DigestUpdate(ctx, &entry->start, sizeof(entry->start));
    EVP_DigestUpdate(ctx, &entry->end, sizeof(entry->end));
    load_digest_field(ctx, entry->client);
    load_digest_field(ctx, entry->project);
    load_digest_field(ctx, entry->task);
    load_digest_field(ctx, entry->description);
    if (entry->tag_count > 0) {
        names = malloc(entry->tag_count * sizeof(*names));
        if (names == NULL)
            goto out;
        memcpy(names, entry->tags, entry->tag_count * sizeof(*names));
        qsort(names, entry->tag_count, sizeof(*names), load_compare_names);
        for (size_t i = 0; i < entry->tag_count; i++)
            load_digest_field(ctx, names[i]);
    }
    if (EVP_DigestFinal_ex(ctx, digest, &digest_len) != 1)
        goto out;
    load_hex(digest, digest_len, base);

    load_map_get(seen, base, &occurrence);
    if (load_map_put(seen, base, occurrence + 1) != 0)
        goto out;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        goto out;
    EVP_DigestUpdate(ctx, digest, digest_len);
    EVP_DigestUpdate(ctx, &occurrence, sizeof(occurrence));
    if (EVP_DigestFinal_ex(ctx, digest, &digest_len) != 1)
        goto out;
    load_hex(digest, digest_len, key);
    result = 0;
out:
    if (result != 0)
        snprintf(state->db->error, sizeof(state->db->error), "SHA-256 of an entry failed");
    free(names);
    EVP_MD_CTX_free(ctx);
    return result;
}

static int load_add_optional(struct db_params *params, bool present, int64_t value)
{
    return present ? db_params_add_i64(params, value) : db_params_add_null(params);
}

/* Inserts rows[first..last) that are not skipped, in one statement. */
static int load_insert_batch(struct load_state *state, const struct import_entry *entries,
                             const struct load_row *rows, size_t first, size_t last)
{
    static const char head[] =
        "INSERT INTO time_entries (workspace_id, user_id, project_id, task_id, description, "
        "start_at, end_at, billable, hourly_rate, cost_rate, earned_amount, cost_amount, "
        "tag_ids, import_key) VALUES ";
    static const char one[] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UNHEX(?))";
    struct load_text sql = {0};
    struct db_params params;
    size_t added = 0;
    int result = -1;

    db_params_init(&params);
    if (load_text_str(&sql, head) != 0)
        goto out;
    for (size_t i = first; i < last; i++) {
        const struct import_entry *e = &entries[i];
        const struct load_row *row = &rows[i];
        if (row->skip)
            continue;
        if ((added > 0 && load_text_str(&sql, ", ") != 0) || load_text_str(&sql, one) != 0)
            goto out;
        int rc = db_params_add_u64(&params, state->workspace_id);
        rc |= db_params_add_u64(&params, row->user_id);
        rc |= row->project_id ? db_params_add_u64(&params, row->project_id)
                              : db_params_add_null(&params);
        rc |= row->task_id ? db_params_add_u64(&params, row->task_id)
                           : db_params_add_null(&params);
        rc |= db_params_add_text(&params, e->description, strlen(e->description));
        rc |= db_params_add_datetime(&params, e->start);
        rc |= db_params_add_datetime(&params, e->end);
        rc |= db_params_add_i64(&params, e->billable ? 1 : 0);
        rc |= db_params_add_i64(&params, e->hourly_rate);
        rc |= db_params_add_i64(&params, e->cost_rate);
        rc |= load_add_optional(&params, e->has_earned, e->earned_amount);
        rc |= load_add_optional(&params, e->has_cost, e->cost_amount);
        rc |= db_params_add_text(&params, row->tag_list, strlen(row->tag_list));
        rc |= db_params_add_text(&params, row->key, strlen(row->key));
        if (rc != 0)
            goto out;
        added++;
    }
    if (added == 0) {
        result = 0;
        goto out;
    }
    result = db_run(state->db, sql.data, &params, NULL, NULL);
    if (result == 0)
        state->stats->added += added;
out:
    if (result != 0 && state->db->error[0] == '\0')
        snprintf(state->db->error, sizeof(state->db->error), "out of memory");
    db_params_free(&params);
    free(sql.data);
    return result;
}

/* Writes entry_tags for the new rows: reads back the ids of the keys just inserted. */
static int load_entry_tags(struct load_state *state, const struct load_row *rows, size_t count)
{
    char query[256];
    struct load_map ids = {0};
    struct load_text sql = {0};
    size_t pending = 0;
    int result = -1;
    MYSQL_RES *res = NULL;
    MYSQL_ROW db_row;

    snprintf(query, sizeof(query),
             "SELECT id, HEX(import_key) FROM time_entries WHERE workspace_id = %" PRIu64
             " AND import_key IS NOT NULL",
             state->workspace_id);
    res = db_query(state->db, query);
    if (res == NULL)
        goto out;
    while ((db_row = mysql_fetch_row(res)) != NULL) {
        if (load_map_put(&ids, db_row[1], strtoull(db_row[0], NULL, 10)) != 0)
            goto out;
    }

    for (size_t i = 0; i < count; i++) {
        uint64_t entry_id;
        if (rows[i].skip || rows[i].tag_count == 0)
            continue;
        if (!load_map_get(&ids, rows[i].key, &entry_id)) {
            snprintf(state->db->error, sizeof(state->db->error),
                     "an inserted entry was not found by its import key");
            goto out;
        }
        for (size_t t = 0; t < rows[i].tag_count; t++) {
            char values[128]; /* the INSERT prefix and two 20-digit ids fit */
            snprintf(values, sizeof(values), "%s(%" PRIu64 ", %" PRIu64 ")",
                     pending == 0 ? "INSERT INTO entry_tags (entry_id, tag_id) VALUES " : ", ",
                     entry_id, rows[i].tag_ids[t]);
            if (pending == 0)
                sql.len = 0;
            if (load_text_str(&sql, values) != 0)
                goto out;
            pending++;
            if (pending == LOAD_BATCH_ROWS * 4) {
                if (db_exec(state->db, sql.data) != 0)
                    goto out;
                pending = 0;
            }
        }
    }
    if (pending > 0 && db_exec(state->db, sql.data) != 0)
        goto out;
    result = 0;
out:
    if (result != 0 && state->db->error[0] == '\0')
        snprintf(state->db->error, sizeof(state->db->error), "out of memory");
    if (res != NULL)
        mysql_free_result(res);
    load_map_free(&ids);
    free(sql.data);
    return result;
}

int import_load_entries(struct db *db, uint64_t workspace_id, const struct import_entry *entries,
                        size_t count, struct import_stats *stats)
{
    struct load_state state = {0};
    struct load_map seen = {0};
    struct load_row *rows = NULL;
    bool any_tags = false;
    int result = -1;

    memset(stats, 0, sizeof(*stats));
    db->error[0] = '\0';
    state.db = db;
    state.workspace_id = workspace_id;
    state.stats = stats;
    if (load_read_existing(&state) != 0 || load_plan_groups(&state, entries, count) != 0)
        goto out;
    rows = calloc(count ? count : 1, sizeof(*rows));
    if (rows == NULL)
        goto out;

    for (size_t i = 0; i < count; i++) {
        const struct import_entry *entry = &entries[i];
        struct load_row *row = &rows[i];
        if (load_user(&state, entry, &row->user_id) != 0)
            goto out;
        if (entry->group != NULL && load_groups(&state, entry->group, row->user_id) != 0)
            goto out;
        if (load_project(&state, entry, &row->project_id, &row->task_id) != 0)
            goto out;
        if (load_import_key(&state, entry, &seen, row->key) != 0)
            goto out;
        uint64_t known;
        if (load_text_key(&state.scratch, 0, row->key) != 0)
            goto out;
        row->skip = load_map_get(&state.keys, state.scratch.data, &known);
        if (row->skip) {
            stats->duplicates++;
            continue;
        }
        if (load_tags(&state, entry, row) != 0)
            goto out;
        any_tags = any_tags || row->tag_count > 0;
    }

    for (size_t first = 0; first < count; first += LOAD_BATCH_ROWS) {
        size_t last = first + LOAD_BATCH_ROWS < count ? first + LOAD_BATCH_ROWS : count;
        if (load_insert_batch(&state, entries, rows, first, last) != 0)
            goto out;
    }
    if (any_tags && load_entry_tags(&state, rows, count) != 0)
        goto out;
    result = 0;
out:
    if (result != 0 && db->error[0] == '\0')
        snprintf(db->error, sizeof(db->error), "out of memory");
    for (size_t i = 0; rows != NULL && i < count; i++)
        free(rows[i].tag_ids);
    free(rows);
    load_map_free(&seen);
    load_state_free(&state);
    return result;
}

int import_ensure_workspace_ex(struct db *db, const char *name, const char *time_zone,
                               uint64_t *workspace_id, bool *created)
{
    struct db_params params;
    int result = -1;

    *created = false;
    db_params_init(&params);
    if (db_params_add_text(&params, name, strlen(name)) != 0)
        goto out;
    /* The row lock makes writers of one workspace take turns from their start. Without it two
     * imports would deadlock when each refreshes the day totals over the other's new entries. */
    int found = db_fetch_u64(db, "SELECT id FROM workspaces WHERE name = ? FOR UPDATE", &params,
                             workspace_id);
    if (found < 0)
        goto out;
    if (found == 1) {
        result = 0;
        goto out;
    }
    if (db_params_add_text(&params, time_zone, strlen(time_zone)) != 0)
        goto out;
    if (db_run(db, "INSERT INTO workspaces (name, time_zone) VALUES (?, ?)", &params, NULL,
               workspace_id) != 0)
        goto out;
    *created = true;
    result = 0;
out:
    if (result != 0 && db->error[0] == '\0')
        snprintf(db->error, sizeof(db->error), "out of memory");
    db_params_free(&params);
    return result;
}

int import_ensure_workspace(struct db *db, const char *name, const char *time_zone,
                            uint64_t *workspace_id)
{
    bool created;
    return import_ensure_workspace_ex(db, name, time_zone, workspace_id, &created);
}

int import_workspace_zone(struct db *db, uint64_t workspace_id, char *zone, size_t size)
{
    char sql[128];
    int result = -1;
    MYSQL_RES *res;
    MYSQL_ROW row;

    snprintf(sql, sizeof(sql), "SELECT time_zone FROM workspaces WHERE id = %" PRIu64,
             workspace_id);
    res = db_query(db, sql);
    if (res == NULL)
        return -1;
    row = mysql_fetch_row(res);
    if (row == NULL || row[0] == NULL) {
        snprintf(db->error, sizeof(db->error), "workspace %" PRIu64 " not found", workspace_id);
        goto out;
    }
    snprintf(zone, size, "%s", row[0]);
    result = 0;
out:
    mysql_free_result(res);
    return result;
}
