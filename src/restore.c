/* restore.c - checks a workspace archive against its manifest, then loads it in one
 * transaction with new ids.
 * SPDX-License-Identifier: MIT
 */
#include "restore.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_tables.h"
#include "day_totals.h"
#include "workspace.h"
#include "workspace_archive.h"

#define RESTORE_BLOCK 65536
#define RESTORE_MANIFEST_MAX (1024 * 1024)
#define RESTORE_ENTRIES_MAX 64
#define RESTORE_BATCH_ROWS 200
#define RESTORE_BATCH_BYTES (4u * 1024u * 1024u)

/* ---- pass 1: check ---- */

struct restore_entry {
    char name[256];
    uint64_t bytes;
    char sha256[65];
    bool listed;
};

struct restore_check {
    struct restore_entry entries[RESTORE_ENTRIES_MAX];
    size_t entry_count;
    char *manifest;
    size_t manifest_len;
    char workspace_name[256];
};

static int restore_fail(char *message, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int restore_fail(char *message, size_t size, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(message, size, fmt, args);
    va_end(args);
    return -1;
}

static struct archive *restore_open(const char *path, char *message, size_t size)
{
    struct archive *zip = archive_read_new();

    if (zip == NULL) {
        restore_fail(message, size, "out of memory");
        return NULL;
    }
    if (archive_read_support_format_zip(zip) != ARCHIVE_OK ||
        archive_read_open_filename(zip, path, RESTORE_BLOCK) != ARCHIVE_OK) {
        restore_fail(message, size, "%s: not a readable ZIP archive: %s", path,
                     archive_error_string(zip) ? archive_error_string(zip) : strerror(errno));
        archive_read_free(zip);
        return NULL;
    }
    return zip;
}

static void restore_hex(const unsigned char *digest, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[64] = '\0';
}

/* Reads the current entry to its end, hashing it; keeps its text when it is the manifest. */
static int restore_hash_entry(struct archive *zip, struct restore_check *check,
                              struct restore_entry *entry, char *message, size_t size)
{
    EVP_MD_CTX *digest = EVP_MD_CTX_new();
    bool is_manifest = strcmp(entry->name, ARCHIVE_MANIFEST_NAME) == 0;
    char block[RESTORE_BLOCK];
    unsigned char sum[EVP_MAX_MD_SIZE];
    unsigned int sum_len = 0;
    int result = -1;

    if (digest == NULL || EVP_DigestInit_ex(digest, EVP_sha256(), NULL) != 1) {
        restore_fail(message, size, "SHA-256: cannot start");
        goto out;
    }
    for (;;) {
        la_ssize_t got = archive_read_data(zip, block, sizeof(block));
        if (got == 0)
            break;
        if (got < 0) {
            restore_fail(message, size, "%s: damaged or truncated: %s", entry->name,
                         archive_error_string(zip) ? archive_error_string(zip) : "read error");
            goto out;
        }
        EVP_DigestUpdate(digest, block, (size_t)got);
        entry->bytes += (uint64_t)got;
        if (is_manifest) {
            if (check->manifest_len + (size_t)got > RESTORE_MANIFEST_MAX) {
                restore_fail(message, size, "%s: larger than 1 MiB", entry->name);
                goto out;
            }
            char *grown = realloc(check->manifest, check->manifest_len + (size_t)got + 1);
            if (grown == NULL) {
                restore_fail(message, size, "out of memory");
                goto out;
            }
            check->manifest = grown;
            memcpy(check->manifest + check->manifest_len, block, (size_t)got);
            check->manifest_len += (size_t)got;
            check->manifest[check->manifest_len] = '\0';
        }
    }
    if (EVP_DigestFinal_ex(digest, sum, &sum_len) != 1 || sum_len != 32) {
        restore_fail(message, size, "SHA-256: final failed");
        goto out;
    }
    restore_hex(sum, entry->sha256);
    result = 0;
out:
    EVP_MD_CTX_free(digest);
    return result;
}

static struct restore_entry *restore_find(struct restore_check *check, const char *name)
{
    for (size_t i = 0; i < check->entry_count; i++) {
        if (strcmp(check->entries[i].name, name) == 0)
            return &check->entries[i];
    }
    return NULL;
}

/* A ZIP ends with its end-of-central-directory record (22 bytes; reportd writes no comment).
 * The streaming reader can read every entry of an archive cut inside its central directory,
 * so the end is checked on its own: a cut archive is refused even then. */
static int restore_check_end(const char *path, char *message, size_t size)
{
    unsigned char end[22];
    FILE *file = fopen(path, "rb");
    int result = -1;

    if (file == NULL)
        return restore_fail(message, size, "%s: %s", path, strerror(errno));
    if (fseek(file, -(long)sizeof(end), SEEK_END) != 0 ||
        fread(end, 1, sizeof(end), file) != sizeof(end) || memcmp(end, "PK\x05\x06", 4) != 0 ||
        end[20] != 0 || end[21] != 0) {
        restore_fail(message, size, "%s: truncated or damaged: the ZIP's central directory "
                     "end record is missing", path);
        goto out;
    }
    result = 0;
out:
    fclose(file);
    return result;
}

/* Hashes every entry of the archive at path. */
static int restore_read_entries(const char *path, struct restore_check *check, char *message,
                                size_t size)
{
    struct archive *zip = restore_open(path, message, size);
    struct archive_entry *header;
    int result = -1;

    if (zip == NULL)
        return -1;
    if (restore_check_end(path, message, size) != 0)
        goto out;
    for (;;) {
        int status = archive_read_next_header(zip, &header);
        if (status == ARCHIVE_EOF)
            break;
        if (status != ARCHIVE_OK) {
            restore_fail(message, size, "%s: damaged or truncated after %zu files: %s", path,
                         check->entry_count,
                         archive_error_string(zip) ? archive_error_string(zip) : "read error");
            goto out;
        }
        const char *name = archive_entry_pathname(header);
        if (name == NULL || strlen(name) >= sizeof(check->entries[0].name)) {
            restore_fail(message, size, "%s: a file has no name or a name too long", path);
            goto out;
        }
        if (restore_find(check, name) != NULL) {
            restore_fail(message, size, "%s: holds %s twice", path, name);
            goto out;
        }
        if (check->entry_count == RESTORE_ENTRIES_MAX) {
            restore_fail(message, size, "%s: more than %d files", path, RESTORE_ENTRIES_MAX);
            goto out;
        }
        struct restore_entry *entry = &check->entries[check->entry_count++];
        memset(entry, 0, sizeof(*entry));
        snprintf(entry->name, sizeof(entry->name), "%s", name);
        if (restore_hash_entry(zip, check, entry, message, size) != 0)
            goto out;
    }
    result = 0;
out:
    archive_read_free(zip);
    return result;
}

/* Checks the manifest against the hashed entries. */
static int restore_check_manifest(struct restore_check *check, char *message, size_t size)
{
    json_error_t error;
    json_t *manifest = NULL;
    int result = -1;

    if (check->manifest == NULL) {
        restore_fail(message, size, "%s is missing: not a reportd archive",
                     ARCHIVE_MANIFEST_NAME);
        goto out;
    }
    manifest = json_loadb(check->manifest, check->manifest_len, 0, &error);
    if (manifest == NULL) {
        restore_fail(message, size, "%s: invalid JSON at line %d: %s", ARCHIVE_MANIFEST_NAME,
                     error.line, error.text);
        goto out;
    }
    const char *format = json_string_value(json_object_get(manifest, "format"));
    json_t *version = json_object_get(manifest, "version");
    const char *name = json_string_value(
        json_object_get(json_object_get(manifest, "workspace"), "name"));
    json_t *files = json_object_get(manifest, "files");
    if (format == NULL || strcmp(format, ARCHIVE_FORMAT_NAME) != 0) {
        restore_fail(message, size, "%s: format is not \"%s\"", ARCHIVE_MANIFEST_NAME,
                     ARCHIVE_FORMAT_NAME);
        goto out;
    }
    if (!json_is_integer(version) || json_integer_value(version) != ARCHIVE_FORMAT_VERSION) {
        restore_fail(message, size, "%s: version %lld is not supported (this reportd reads %d)",
                     ARCHIVE_MANIFEST_NAME, (long long)json_integer_value(version),
                     ARCHIVE_FORMAT_VERSION);
        goto out;
    }
    if (name == NULL || name[0] == '\0' || strlen(name) >= sizeof(check->workspace_name) ||
        !json_is_array(files)) {
        restore_fail(message, size, "%s: workspace.name or files is missing",
                     ARCHIVE_MANIFEST_NAME);
        goto out;
    }
    snprintf(check->workspace_name, sizeof(check->workspace_name), "%s", name);

    size_t i;
    json_t *item;
    json_array_foreach(files, i, item) {
        const char *file = json_string_value(json_object_get(item, "name"));
        json_t *bytes = json_object_get(item, "bytes");
        const char *sha = json_string_value(json_object_get(item, "sha256"));
        if (file == NULL || !json_is_integer(bytes) || sha == NULL) {
            restore_fail(message, size, "%s: files[%zu] lacks name, bytes or sha256",
                         ARCHIVE_MANIFEST_NAME, i);
            goto out;
        }
        struct restore_entry *entry = restore_find(check, file);
        if (entry == NULL || strcmp(file, ARCHIVE_MANIFEST_NAME) == 0) {
            restore_fail(message, size, "%s: listed in the manifest but missing from the archive",
                         file);
            goto out;
        }
        if ((json_int_t)entry->bytes != json_integer_value(bytes)) {
            restore_fail(message, size, "%s: %llu bytes, the manifest says %lld", file,
                         (unsigned long long)entry->bytes, (long long)json_integer_value(bytes));
            goto out;
        }
        if (strcmp(entry->sha256, sha) != 0) {
            restore_fail(message, size, "%s: SHA-256 %s differs from the manifest's %s", file,
                         entry->sha256, sha);
            goto out;
        }
        entry->listed = true;
    }
    for (size_t k = 0; k < check->entry_count; k++) {
        const struct restore_entry *entry = &check->entries[k];
        if (!entry->listed && strcmp(entry->name, ARCHIVE_MANIFEST_NAME) != 0) {
            restore_fail(message, size, "%s: in the archive but not in the manifest",
                         entry->name);
            goto out;
        }
    }
    for (size_t t = 0; t < ARCHIVE_TABLE_COUNT; t++) {
        if (restore_find(check, archive_tables[t].file) == NULL) {
            restore_fail(message, size, "%s is missing from the archive",
                         archive_tables[t].file);
            goto out;
        }
    }
    result = 0;
out:
    json_decref(manifest);
    return result;
}

/* ---- pass 2: load ---- */

struct id_pair {
    uint64_t old_id;
    uint64_t new_id;
};

struct id_map {
    struct id_pair *pairs;
    size_t count;
    size_t cap;
    bool sorted;
};

/* Rows of one multi-row INSERT, as texts in an arena until the batch is sent. */
struct restore_batch {
    char *arena;
    size_t used;
    size_t cap;
    size_t *offsets; /* per value, SIZE_MAX for NULL */
    size_t *lengths;
    size_t values;
    size_t value_cap;
    size_t rows;
    MYSQL_STMT *full; /* prepared once for RESTORE_BATCH_ROWS rows */
};

struct restore_load {
    struct db *db;
    uint64_t workspace_id;
    const char *workspace_name;
    struct id_map maps[ARCHIVE_REF__MAX];
    const struct archive_table *table;
    bool header_seen;
    uint64_t rows;
    uint64_t table_rows;
    /* time_entries ids: new = old + delta, for old in [entry_first, entry_last]. */
    bool entries_started;
    uint64_t entry_first;
    uint64_t entry_last;
    uint64_t entry_base;
    struct restore_batch batch;
    char *error;
    size_t error_size;
};

static int map_add(struct id_map *map, uint64_t old_id, uint64_t new_id)
{
    if (map->count == map->cap) {
        size_t cap = map->cap ? map->cap * 2 : 64;
        struct id_pair *grown = realloc(map->pairs, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        map->pairs = grown;
        map->cap = cap;
    }
    if (map->count > 0 && map->pairs[map->count - 1].old_id >= old_id)
        map->sorted = false;
    map->pairs[map->count].old_id = old_id;
    map->pairs[map->count].new_id = new_id;
    map->count++;
    return 0;
}

static int pair_compare(const void *a, const void *b)
{
    uint64_t x = ((const struct id_pair *)a)->old_id;
    uint64_t y = ((const struct id_pair *)b)->old_id;
    return x < y ? -1 : x > y;
}

static bool map_find(struct id_map *map, uint64_t old_id, uint64_t *new_id)
{
    if (!map->sorted) {
        qsort(map->pairs, map->count, sizeof(*map->pairs), pair_compare);
        map->sorted = true;
    }
    size_t low = 0, high = map->count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (map->pairs[mid].old_id < old_id)
            low = mid + 1;
        else
            high = mid;
    }
    if (low < map->count && map->pairs[low].old_id == old_id) {
        *new_id = map->pairs[low].new_id;
        return true;
    }
    return false;
}

static int load_fail(struct restore_load *load, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int load_fail(struct restore_load *load, uint64_t line, const char *fmt, ...)
{
    char what[400];
    va_list args;
    va_start(args, fmt);
    vsnprintf(what, sizeof(what), fmt, args);
    va_end(args);
    snprintf(load->error, load->error_size, "%s line %llu: %s", load->table->file,
             (unsigned long long)line, what);
    return -1;
}

static bool parse_id(const char *text, uint64_t *id)
{
    char *end = NULL;
    if (text[0] < '0' || text[0] > '9')
        return false;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || value == 0)
        return false;
    *id = value;
    return true;
}

/* Appends one value (NULL text is SQL NULL) to the batch arena. */
static int batch_value(struct restore_batch *b, const char *text, size_t len)
{
    if (b->values == b->value_cap) {
        size_t cap = b->value_cap ? b->value_cap * 2 : 256;
        size_t *offsets = realloc(b->offsets, cap * sizeof(*offsets));
        if (offsets != NULL)
            b->offsets = offsets;
        size_t *lengths = realloc(b->lengths, cap * sizeof(*lengths));
        if (lengths != NULL)
            b->lengths = lengths;
        if (offsets == NULL || lengths == NULL)
            return -1;
        b->value_cap = cap;
    }
    if (text == NULL) {
        b->offsets[b->values] = SIZE_MAX;
        b->lengths[b->values] = 0;
        b->values++;
        return 0;
    }
    if (b->used + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->used + len + 1)
            cap *= 2;
        char *grown = realloc(b->arena, cap);
        if (grown == NULL)
            return -1;
        b->arena = grown;
        b->cap = cap;
    }
    memcpy(b->arena + b->used, text, len);
    b->arena[b->used + len] = '\0';
    b->offsets[b->values] = b->used;
    b->lengths[b->values] = len;
    b->used += len + 1;
    b->values++;
    return 0;
}

static void batch_free(struct restore_batch *b)
{
    if (b->full != NULL)
        mysql_stmt_close(b->full);
    free(b->arena);
    free(b->offsets);
    free(b->lengths);
    memset(b, 0, sizeof(*b));
}

/* Builds "INSERT INTO t (cols) VALUES (...), ..." for rows rows of table. */
static int insert_sql(const struct archive_table *table, bool own_id, size_t rows, char **out)
{
    size_t cap = 1024 + rows * (table->column_count * 12 + 4);
    char *sql = malloc(cap);
    size_t used = 0;

    if (sql == NULL)
        return -1;
    used += (size_t)snprintf(sql + used, cap - used, "INSERT INTO %s (", table->name);
    bool first = true;
    for (size_t i = 0; i < table->column_count; i++) {
        const struct archive_column *column = &table->columns[i];
        if (column->kind == ARCHIVE_COLUMN_OWN_ID && !own_id)
            continue;
        used += (size_t)snprintf(sql + used, cap - used, "%s%s", first ? "" : ", ",
                                 column->name);
        first = false;
    }
    used += (size_t)snprintf(sql + used, cap - used, ") VALUES ");
    for (size_t r = 0; r < rows; r++) {
        used += (size_t)snprintf(sql + used, cap - used, "%s(", r ? ", " : "");
        first = true;
        for (size_t i = 0; i < table->column_count; i++) {
            const struct archive_column *column = &table->columns[i];
            if (column->kind == ARCHIVE_COLUMN_OWN_ID && !own_id)
                continue;
            used += (size_t)snprintf(sql + used, cap - used, "%s%s", first ? "" : ", ",
                                     column->kind == ARCHIVE_COLUMN_HEX ? "UNHEX(?)" : "?");
            first = false;
        }
        used += (size_t)snprintf(sql + used, cap - used, ")");
    }
    *out = sql;
    return 0;
}

/* time_entries and entry_tags carry their ids (or need none back): they go in batches. The
 * other tables go row by row, because each new id is read back for the map. */
static bool table_batched(const struct archive_table *table)
{
    return strcmp(table->name, "time_entries") == 0 || strcmp(table->name, "entry_tags") == 0;
}

/* Sends the batch; *new_id gets the insert id when the batch is one row. */
static int batch_flush(struct restore_load *load, uint64_t *new_id)
{
    struct restore_batch *b = &load->batch;
    bool own_id = table_batched(load->table);
    MYSQL_STMT *stmt = NULL;
    MYSQL_BIND *binds = NULL;
    my_bool *nulls = NULL;
    unsigned long *lengths = NULL;
    char *sql = NULL;
    int result = -1;

    if (b->rows == 0)
        return 0;
    bool full = b->rows == RESTORE_BATCH_ROWS;
    if (full && b->full != NULL) {
        stmt = b->full;
    } else {
        if (insert_sql(load->table, own_id, b->rows, &sql) != 0) {
            snprintf(load->error, load->error_size, "out of memory");
            goto out;
        }
        stmt = db_prepare(load->db, sql, NULL);
        if (stmt == NULL) {
            snprintf(load->error, load->error_size, "%s: %s", load->table->file,
                     load->db->error);
            goto out;
        }
        if (full)
            b->full = stmt;
    }
    binds = calloc(b->values, sizeof(*binds));
    nulls = calloc(b->values, sizeof(*nulls));
    lengths = calloc(b->values, sizeof(*lengths));
    if (binds == NULL || nulls == NULL || lengths == NULL) {
        snprintf(load->error, load->error_size, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < b->values; i++) {
        nulls[i] = b->offsets[i] == SIZE_MAX;
        lengths[i] = (unsigned long)b->lengths[i];
        binds[i].buffer_type = MYSQL_TYPE_STRING;
        binds[i].buffer = nulls[i] ? NULL : b->arena + b->offsets[i];
        binds[i].buffer_length = lengths[i];
        binds[i].length = &lengths[i];
        binds[i].is_null = &nulls[i];
    }
    if (mysql_stmt_bind_param(stmt, binds) != 0 || mysql_stmt_execute(stmt) != 0) {
        snprintf(load->error, load->error_size, "%s: rows %llu to %llu: %s (%u)",
                 load->table->file, (unsigned long long)(load->table_rows - b->rows + 1),
                 (unsigned long long)load->table_rows, mysql_stmt_error(stmt),
                 mysql_stmt_errno(stmt));
        goto out;
    }
    if (new_id != NULL)
        *new_id = mysql_stmt_insert_id(stmt);
    b->rows = 0;
    b->values = 0;
    b->used = 0;
    result = 0;
out:
    if (stmt != NULL && stmt != b->full)
        mysql_stmt_close(stmt);
    free(sql);
    free(binds);
    free(nulls);
    free(lengths);
    return result;
}

/* Maps the "3,5,9" tag list of an entry into out. */
static int map_tag_list(struct restore_load *load, const struct archive_csv_row *row,
                        const char *text, char *out, size_t size)
{
    uint64_t ids[1024];
    size_t count = 0, used = 0;
    const char *p = text;

    out[0] = '\0';
    while (*p != '\0') {
        char *end = NULL;
        uint64_t old_id = strtoull(p, &end, 10);
        uint64_t new_id = 0;
        if (end == p || (*end != ',' && *end != '\0') || count == 1024)
            return load_fail(load, row->line, "tag_ids \"%s\" is not a list of ids", text);
        if (!map_find(&load->maps[ARCHIVE_REF_TAG], old_id, &new_id))
            return load_fail(load, row->line, "tag %llu is not in data/tags.csv",
                             (unsigned long long)old_id);
        ids[count++] = new_id;
        p = *end == ',' ? end + 1 : end;
    }
    /* Restore gives tags ids in their archived order, so the list stays sorted; sorting
     * again costs little and keeps the column's rule whatever the archive held. */
    for (size_t i = 1; i < count; i++) {
        for (size_t k = i; k > 0 && ids[k - 1] > ids[k]; k--) {
            uint64_t swap = ids[k];
            ids[k] = ids[k - 1];
            ids[k - 1] = swap;
        }
    }
    for (size_t i = 0; i < count; i++) {
        int len = snprintf(out + used, size - used, "%s%llu", i ? "," : "",
                           (unsigned long long)ids[i]);
        if (len < 0 || (size_t)len >= size - used)
            return load_fail(load, row->line, "tag_ids too long");
        used += (size_t)len;
    }
    return 0;
}

static int load_users_row(struct restore_load *load, const struct archive_csv_row *row)
{
    uint64_t old_id = 0, new_id = 0;
    struct db_params params;
    int result = -1;

    db_params_init(&params);
    if (!parse_id(row->fields[0], &old_id))
        return load_fail(load, row->line, "id \"%s\" is not an id", row->fields[0]);
    if (!row->nulls[1]) {
        if (db_params_add_text(&params, row->fields[1], row->lengths[1]) != 0)
            goto out;
        int found = db_fetch_u64(load->db, "SELECT id FROM users WHERE email = ?", &params,
                                 &new_id);
        if (found < 0) {
            snprintf(load->error, load->error_size, "users: %s", load->db->error);
            goto out;
        }
        if (found == 1) {
            result = map_add(&load->maps[ARCHIVE_REF_USER], old_id, new_id);
            goto out;
        }
    }
    for (size_t i = 1; i < row->count; i++) {
        if (batch_value(&load->batch, row->nulls[i] ? NULL : row->fields[i], row->lengths[i]) !=
            0)
            goto out;
    }
    load->batch.rows = 1;
    if (batch_flush(load, &new_id) != 0)
        goto out;
    result = map_add(&load->maps[ARCHIVE_REF_USER], old_id, new_id);
out:
    if (result != 0 && load->error[0] == '\0')
        snprintf(load->error, load->error_size, "out of memory");
    db_params_free(&params);
    return result;
}

/* The archived workspace row sets the settings of the target workspace; the name stays the
 * one restore was given. */
static int load_workspace_row(struct restore_load *load, const struct archive_csv_row *row)
{
    struct db_params params;
    uint64_t old_id = 0;
    int result = -1;

    if (load->maps[ARCHIVE_REF_WORKSPACE].count > 0)
        return load_fail(load, row->line, "a second workspace row");
    if (!parse_id(row->fields[0], &old_id))
        return load_fail(load, row->line, "id \"%s\" is not an id", row->fields[0]);
    db_params_init(&params);
    for (size_t i = 2; i < row->count; i++) {
        if (db_params_add_text(&params, row->nulls[i] ? NULL : row->fields[i],
                               row->lengths[i]) != 0)
            goto out;
    }
    if (db_params_add_u64(&params, load->workspace_id) != 0)
        goto out;
    if (db_run(load->db,
               "UPDATE workspaces SET currency = ?, time_zone = ?, week_start = ?, "
               "rounding_mode = ?, rounding_minutes = ?, hourly_rate = ?, cost_rate = ?, "
               "created_at = ?, updated_at = ? WHERE id = ?",
               &params, NULL, NULL) != 0) {
        load_fail(load, row->line, "%s", load->db->error);
        goto out;
    }
    result = map_add(&load->maps[ARCHIVE_REF_WORKSPACE], old_id, load->workspace_id);
out:
    if (result != 0 && load->error[0] == '\0')
        snprintf(load->error, load->error_size, "out of memory");
    db_params_free(&params);
    return result;
}

/* Starts the entry id offset at the first archived entry. MAX(id) ... FOR UPDATE locks the end
 * of the table until the commit, and starting 1000 past the AUTO_INCREMENT counter keeps clear
 * of ids that concurrent inserts were already given, so entries written meanwhile by others do
 * not collide. */
static int load_entries_start(struct restore_load *load, const struct archive_csv_row *row,
                              uint64_t old_id)
{
    uint64_t last = 0;
    uint64_t counter = 0;
    int found = db_fetch_u64(load->db, "SELECT COALESCE(MAX(id), 0) FROM time_entries FOR UPDATE",
                             NULL, &last);
    if (found >= 0)
        found = db_fetch_u64(load->db,
                             "SELECT COALESCE(AUTO_INCREMENT, 0) FROM information_schema.TABLES "
                             "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'time_entries'",
                             NULL, &counter);
    if (found < 0)
        return load_fail(load, row->line, "%s", load->db->error);
    if (counter > last + 1)
        last = counter - 1;
    /* Inserts that started before the lock may already hold ids just above the counter. */
    last += 1000;
    load->entries_started = true;
    load->entry_first = old_id;
    load->entry_last = old_id;
    load->entry_base = last + 1;
    return 0;
}

static int load_generic_row(struct restore_load *load, const struct archive_csv_row *row)
{
    const struct archive_table *table = load->table;
    bool batched = table_batched(table);
    uint64_t own_old = 0;
    enum archive_ref own_ref = ARCHIVE_REF_NONE;
    char number[32];
    char tags[2100];

    for (size_t i = 0; i < row->count; i++) {
        const struct archive_column *column = &table->columns[i];
        const char *text = row->nulls[i] ? NULL : row->fields[i];
        size_t len = row->lengths[i];
        uint64_t old_id = 0, new_id = 0;

        if (column->kind == ARCHIVE_COLUMN_OWN_ID || column->kind == ARCHIVE_COLUMN_REF) {
            if (text != NULL && !parse_id(text, &old_id))
                return load_fail(load, row->line, "%s \"%s\" is not an id", column->name, text);
        }
        if (column->kind == ARCHIVE_COLUMN_OWN_ID) {
            own_old = old_id;
            own_ref = column->ref;
            if (!batched)
                continue;
            /* time_entries: ids shift by one offset, in ascending order. */
            if (!load->entries_started && load_entries_start(load, row, old_id) != 0)
                return -1;
            if (old_id < load->entry_last || (old_id == load->entry_last && load->table_rows > 1))
                return load_fail(load, row->line, "ids are not ascending");
            load->entry_last = old_id;
            new_id = old_id - load->entry_first + load->entry_base;
        } else if (column->kind == ARCHIVE_COLUMN_REF && text != NULL) {
            bool known;
            if (column->ref == ARCHIVE_REF_ENTRY) {
                known = load->entries_started && old_id >= load->entry_first &&
                        old_id <= load->entry_last;
                new_id = old_id - load->entry_first + load->entry_base;
            } else {
                known = map_find(&load->maps[column->ref], old_id, &new_id);
            }
            if (!known)
                return load_fail(load, row->line, "%s %llu points at no archived row",
                                 column->name, (unsigned long long)old_id);
        }
        if (new_id != 0) {
            int n = snprintf(number, sizeof(number), "%llu", (unsigned long long)new_id);
            text = number;
            len = (size_t)n;
        } else if (column->kind == ARCHIVE_COLUMN_TAG_LIST && text != NULL) {
            if (map_tag_list(load, row, text, tags, sizeof(tags)) != 0)
                return -1;
            text = tags;
            len = strlen(tags);
        }
        if (batch_value(&load->batch, text, len) != 0)
            return load_fail(load, row->line, "out of memory");
    }
    load->batch.rows++;
    if (batched) {
        if (load->batch.rows == RESTORE_BATCH_ROWS || load->batch.used > RESTORE_BATCH_BYTES)
            return batch_flush(load, NULL);
        return 0;
    }
    uint64_t inserted = 0;
    if (batch_flush(load, &inserted) != 0)
        return -1;
    if (own_ref != ARCHIVE_REF_NONE && map_add(&load->maps[own_ref], own_old, inserted) != 0)
        return load_fail(load, row->line, "out of memory");
    return 0;
}

static int load_row(void *ctx, const struct archive_csv_row *row)
{
    struct restore_load *load = ctx;
    const struct archive_table *table = load->table;

    if (!load->header_seen) {
        bool same = row->count == table->column_count;
        for (size_t i = 0; same && i < row->count; i++)
            same = strcmp(row->fields[i], table->columns[i].name) == 0;
        if (!same)
            return load_fail(load, row->line, "the header does not list the columns of %s",
                             table->name);
        load->header_seen = true;
        return 0;
    }
    if (row->count != table->column_count)
        return load_fail(load, row->line, "%zu fields, %zu expected", row->count,
                         table->column_count);
    load->table_rows++;
    load->rows++;
    if (strcmp(table->name, "workspaces") == 0)
        return load_workspace_row(load, row);
    if (strcmp(table->name, "users") == 0)
        return load_users_row(load, row);
    return load_generic_row(load, row);
}

/* Streams the current ZIP entry into table. */
static int load_table(struct restore_load *load, struct archive *zip,
                      const struct archive_table *table)
{
    struct archive_csv_reader *reader = archive_csv_reader_new(load_row, load);
    char block[RESTORE_BLOCK];
    int result = -1;

    load->table = table;
    load->header_seen = false;
    load->table_rows = 0;
    if (reader == NULL) {
        snprintf(load->error, load->error_size, "out of memory");
        goto out;
    }
    for (;;) {
        la_ssize_t got = archive_read_data(zip, block, sizeof(block));
        if (got == 0)
            break;
        if (got < 0) {
            snprintf(load->error, load->error_size, "%s: damaged: %s", table->file,
                     archive_error_string(zip) ? archive_error_string(zip) : "read error");
            goto out;
        }
        if (archive_csv_reader_feed(reader, block, (size_t)got) != 0)
            goto parse_failed;
    }
    if (archive_csv_reader_finish(reader) != 0)
        goto parse_failed;
    if (!load->header_seen) {
        snprintf(load->error, load->error_size, "%s: empty file", table->file);
        goto out;
    }
    if (batch_flush(load, NULL) != 0)
        goto out;
    result = 0;
    goto out;

parse_failed:
    /* A callback wrote its own message; a parse error is in the reader. */
    if (load->error[0] == '\0') {
        size_t size;
        snprintf(load->error, load->error_size, "%s: %s", table->file,
                 archive_csv_reader_error(reader, &size));
    }
out:
    archive_csv_reader_free(reader);
    if (load->batch.full != NULL) {
        mysql_stmt_close(load->batch.full);
        load->batch.full = NULL;
    }
    return result;
}

/* Deletes the data of workspace_id, children first; keeps the row and its API keys. */
static int restore_clear(struct db *db, uint64_t workspace_id)
{
    static const char *const statements[] = {
        "DELETE et FROM entry_tags et JOIN time_entries e ON e.id = et.entry_id "
        "WHERE e.workspace_id = ?",
        "DELETE FROM time_entries WHERE workspace_id = ?",
        "DELETE pm FROM project_members pm JOIN projects p ON p.id = pm.project_id "
        "WHERE p.workspace_id = ?",
        "DELETE FROM tasks WHERE workspace_id = ?",
        "DELETE FROM projects WHERE workspace_id = ?",
        "DELETE FROM clients WHERE workspace_id = ?",
        "DELETE FROM tags WHERE workspace_id = ?",
        "DELETE gm FROM user_group_members gm JOIN user_groups g ON g.id = gm.group_id "
        "WHERE g.workspace_id = ?",
        "DELETE FROM user_groups WHERE workspace_id = ?",
        "DELETE FROM memberships WHERE workspace_id = ?",
    };
    for (size_t i = 0; i < sizeof(statements) / sizeof(statements[0]); i++) {
        struct db_params params;
        db_params_init(&params);
        int status = db_params_add_u64(&params, workspace_id);
        if (status == 0)
            status = db_run(db, statements[i], &params, NULL, NULL);
        db_params_free(&params);
        if (status != 0)
            return -1;
    }
    return 0;
}

/* Returns 1 when workspace_id has members, groups, clients, projects, tags or entries. */
static int restore_has_data(struct db *db, uint64_t workspace_id)
{
    struct db_params params;
    uint64_t any = 0;

    db_params_init(&params);
    for (int i = 0; i < 6; i++) {
        if (db_params_add_u64(&params, workspace_id) != 0) {
            db_params_free(&params);
            return -1;
        }
    }
    int found = db_fetch_u64(
        db,
        "SELECT EXISTS(SELECT 1 FROM memberships WHERE workspace_id = ?) OR "
        "EXISTS(SELECT 1 FROM user_groups WHERE workspace_id = ?) OR "
        "EXISTS(SELECT 1 FROM clients WHERE workspace_id = ?) OR "
        "EXISTS(SELECT 1 FROM projects WHERE workspace_id = ?) OR "
        "EXISTS(SELECT 1 FROM tags WHERE workspace_id = ?) OR "
        "EXISTS(SELECT 1 FROM time_entries WHERE workspace_id = ?)",
        &params, &any);
    db_params_free(&params);
    return found < 0 ? -1 : any != 0;
}

/* Creates or empties the target workspace; sets load->workspace_id. */
static enum restore_status restore_target(struct restore_load *load, bool replace)
{
    struct db *db = load->db;
    struct db_params params;
    uint64_t id = 0;

    int found = workspace_find(db, load->workspace_name, &id);
    if (found < 0)
        goto database;
    if (found == 1) {
        int has_data = restore_has_data(db, id);
        if (has_data < 0)
            goto database;
        if (has_data && !replace) {
            snprintf(load->error, load->error_size,
                     "workspace '%s' already has data; restore under another name with "
                     "--workspace NAME, or add --replace to delete its data first",
                     load->workspace_name);
            return RESTORE_BAD_INPUT;
        }
        if (restore_clear(db, id) != 0)
            goto database;
        load->workspace_id = id;
        return RESTORE_OK;
    }
    db_params_init(&params);
    int status = db_params_add_text(&params, load->workspace_name, strlen(load->workspace_name));
    if (status == 0)
        status = db_run(db, "INSERT INTO workspaces (name) VALUES (?)", &params, NULL, &id);
    db_params_free(&params);
    if (status != 0)
        goto database;
    load->workspace_id = id;
    return RESTORE_OK;
database:
    snprintf(load->error, load->error_size, "%s", db->error);
    return RESTORE_DATABASE;
}

static const struct archive_table *restore_table_of(const char *name, size_t *index)
{
    for (size_t i = 0; i < ARCHIVE_TABLE_COUNT; i++) {
        if (strcmp(archive_tables[i].file, name) == 0) {
            *index = i;
            return &archive_tables[i];
        }
    }
    return NULL;
}

/* Loads the data/ files of the archive in order, inside the caller's transaction. */
static enum restore_status restore_load_all(struct restore_load *load, const char *path)
{
    struct archive *zip = restore_open(path, load->error, load->error_size);
    struct archive_entry *header;
    size_t next_table = 0;
    enum restore_status status = RESTORE_BAD_INPUT;

    if (zip == NULL)
        return RESTORE_BAD_INPUT;
    while (archive_read_next_header(zip, &header) == ARCHIVE_OK) {
        size_t index = 0;
        const struct archive_table *table =
            restore_table_of(archive_entry_pathname(header), &index);
        if (table == NULL)
            continue;
        if (index != next_table) {
            snprintf(load->error, load->error_size, "%s comes before %s in the archive",
                     table->file, archive_tables[next_table].file);
            goto out;
        }
        if (load_table(load, zip, table) != 0) {
            /* A database message means the server refused a row; anything else is input. */
            status = load->db->conn == NULL ? RESTORE_DATABASE : RESTORE_BAD_INPUT;
            goto out;
        }
        next_table++;
    }
    if (next_table != ARCHIVE_TABLE_COUNT) {
        snprintf(load->error, load->error_size, "%s could not be read",
                 archive_tables[next_table].file);
        goto out;
    }
    status = RESTORE_OK;
out:
    archive_read_free(zip);
    return status;
}

enum restore_status restore_archive(struct db *db, const struct restore_options *opts,
                                    uint64_t *workspace_id, uint64_t *rows, char *message,
                                    size_t size)
{
    struct restore_check *check = calloc(1, sizeof(*check));
    struct restore_load load;
    bool in_transaction = false;
    enum restore_status status = RESTORE_BAD_INPUT;

    memset(&load, 0, sizeof(load));
    message[0] = '\0';
    *workspace_id = 0;
    *rows = 0;
    if (check == NULL) {
        restore_fail(message, size, "out of memory");
        goto out;
    }
    /* Pass 1: nothing is written before the whole archive matches its manifest. */
    if (restore_read_entries(opts->path, check, message, size) != 0 ||
        restore_check_manifest(check, message, size) != 0)
        goto out;

    load.db = db;
    load.workspace_name = opts->workspace_name ? opts->workspace_name : check->workspace_name;
    load.error = message;
    load.error_size = size;
    if (load.workspace_name[0] == '\0' || strlen(load.workspace_name) > 255) {
        restore_fail(message, size, "the workspace name must be 1 to 255 bytes");
        goto out;
    }
    if (db_exec(db, "START TRANSACTION") != 0) {
        restore_fail(message, size, "%s", db->error);
        status = RESTORE_DATABASE;
        goto out;
    }
    in_transaction = true;
    status = restore_target(&load, opts->replace);
    if (status != RESTORE_OK)
        goto out;
    status = restore_load_all(&load, opts->path);
    if (status != RESTORE_OK)
        goto out;
    if (day_totals_rebuild(db, load.workspace_id) != 0) {
        restore_fail(message, size, "day totals: %s", db->error);
        status = RESTORE_DATABASE;
        goto out;
    }
    if (db_exec(db, "COMMIT") != 0) {
        restore_fail(message, size, "commit: %s", db->error);
        status = RESTORE_DATABASE;
        goto out;
    }
    in_transaction = false;
    *workspace_id = load.workspace_id;
    *rows = load.rows;
out:
    if (in_transaction && db->conn != NULL)
        db_exec(db, "ROLLBACK");
    batch_free(&load.batch);
    for (int i = 0; i < ARCHIVE_REF__MAX; i++)
        free(load.maps[i].pairs);
    if (check != NULL)
        free(check->manifest);
    free(check);
    return status;
}

int restore_main(struct db *db, const struct config *cfg, int argc, char **argv)
{
    struct restore_options opts = {NULL, NULL, false};
    char message[1024];
    uint64_t workspace_id = 0, rows = 0;

    (void)cfg;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--workspace") == 0 && i + 1 < argc) {
            opts.workspace_name = argv[++i];
        } else if (strcmp(argv[i], "--replace") == 0) {
            opts.replace = true;
        } else if (argv[i][0] != '-' && opts.path == NULL) {
            opts.path = argv[i];
        } else {
            opts.path = NULL;
            break;
        }
    }
    if (opts.path == NULL) {
        fprintf(stderr, "usage: reportctl restore [--workspace NEW_NAME] [--replace] "
                        "ARCHIVE.zip\n");
        return 2;
    }
    enum restore_status status =
        restore_archive(db, &opts, &workspace_id, &rows, message, sizeof(message));
    if (status != RESTORE_OK) {
        fprintf(stderr, "reportctl: restore rejected, nothing written: %s\n", message);
        return (int)status;
    }
    printf("%llu\n", (unsigned long long)workspace_id);
    fprintf(stderr, "reportctl: restored %llu rows into workspace %llu\n",
            (unsigned long long)rows, (unsigned long long)workspace_id);
    return 0;
}
