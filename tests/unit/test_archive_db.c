/* test_archive_db.c - archive, restore and archive again against a real MariaDB: the detailed
 * CSV stays byte-identical, the data files equal apart from ids, and damaged archives or a
 * workspace with data are rejected without writing anything.
 * SPDX-License-Identifier: MIT
 *
 * Needs REPORTD_CONFIG (a reportd.conf whose database has the schema); skips with 77 without.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive_tables.h"
#include "config.h"
#include "db.h"
#include "restore.h"
#include "sink.h"
#include "workspace_archive.h"

#define ENTRY_COUNT 3000

static int failures;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

static struct db db;
static char tmpdir[] = "/tmp/test_archive_db.XXXXXX";

static void die(const char *what)
{
    fprintf(stderr, "test_archive_db: %s: %s\n", what, db.error);
    exit(1);
}

static uint64_t run(const char *sql, struct db_params *params)
{
    uint64_t id = 0;
    if (db_run(&db, sql, params, NULL, &id) != 0)
        die(sql);
    db_params_free(params);
    return id;
}

static uint64_t count_rows(const char *sql, uint64_t workspace_id)
{
    struct db_params params;
    uint64_t value = 0;
    db_params_init(&params);
    db_params_add_u64(&params, workspace_id);
    if (db_fetch_u64(&db, sql, &params, &value) < 0)
        die(sql);
    db_params_free(&params);
    return value;
}

static uint64_t rng_state = 42;

static uint64_t rng(uint64_t bound)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng_state >> 33) % bound;
}

static const char *const descriptions[] = {
    "Design review", "", "Call with client, part 2", "He said \"ship it\"", "line one\nline two",
    "crlf\r\nend", "=SUM(A1:A9)", "+49 30 1234", "-minus first", "@mention", "emoji \xF0\x9F\x9A\x80 ok",
    "\\N", "tab\there", "back\\slash", "  spaces  ", "Zürich straße", "'quoted'",
};

/* Builds a workspace with every kind of row; returns its id. */
static uint64_t make_workspace(const char *name)
{
    struct db_params p;
    uint64_t users[5], groups[2], clients[2], projects[4], tasks[4], tags[5];
    char text[128];

    db_params_init(&p);
    db_params_add_text(&p, name, strlen(name));
    uint64_t ws = run("INSERT INTO workspaces (name, currency, time_zone, week_start, hourly_rate,"
                      " cost_rate, created_at, updated_at) VALUES (?, 'EUR', 'Europe/Berlin',"
                      " 'SUNDAY', 5000, 2000, '2024-01-02 03:04:05', '2024-02-03 04:05:06')", &p);
    for (int i = 0; i < 5; i++) {
        db_params_init(&p);
        snprintf(text, sizeof(text), "user%d-%llu@example.com", i, (unsigned long long)ws);
        if (i == 4)
            db_params_add_null(&p); /* known by name only */
        else
            db_params_add_text(&p, text, strlen(text));
        snprintf(text, sizeof(text), "User, \"%d\"", i);
        db_params_add_text(&p, text, strlen(text));
        users[i] = run("INSERT INTO users (email, name, created_at, updated_at) VALUES (?, ?,"
                       " '2023-05-06 07:08:09', '2023-06-07 08:09:10')", &p);
        db_params_init(&p);
        db_params_add_u64(&p, ws);
        db_params_add_u64(&p, users[i]);
        db_params_add_text(&p, i == 0 ? "OWNER" : "MEMBER", i == 0 ? 5 : 6);
        if (i % 2)
            db_params_add_i64(&p, 7000 + i);
        else
            db_params_add_null(&p);
        run("INSERT INTO memberships (workspace_id, user_id, role, hourly_rate) VALUES (?, ?, ?, ?)",
            &p);
    }
    for (int i = 0; i < 2; i++) {
        db_params_init(&p);
        db_params_add_u64(&p, ws);
        snprintf(text, sizeof(text), "Group %c", 'B' - i);
        db_params_add_text(&p, text, strlen(text));
        groups[i] = run("INSERT INTO user_groups (workspace_id, name) VALUES (?, ?)", &p);
        for (int u = i; u < 4; u += 2) {
            db_params_init(&p);
            db_params_add_u64(&p, groups[i]);
            db_params_add_u64(&p, users[u]);
            run("INSERT INTO user_group_members (group_id, user_id) VALUES (?, ?)", &p);
        }
        db_params_init(&p);
        db_params_add_u64(&p, ws);
        snprintf(text, sizeof(text), i ? "=Client, Inc." : "Acme");
        db_params_add_text(&p, text, strlen(text));
        clients[i] = run("INSERT INTO clients (workspace_id, name, archived) VALUES (?, ?, 0)", &p);
    }
    for (int i = 0; i < 4; i++) {
        db_params_init(&p);
        db_params_add_u64(&p, ws);
        if (i == 3)
            db_params_add_null(&p);
        else
            db_params_add_u64(&p, clients[i % 2]);
        snprintf(text, sizeof(text), "Project %d", i);
        db_params_add_text(&p, text, strlen(text));
        if (i % 2)
            db_params_add_null(&p);
        else
            db_params_add_i64(&p, 9000 + i);
        projects[i] = run("INSERT INTO projects (workspace_id, client_id, name, hourly_rate)"
                          " VALUES (?, ?, ?, ?)", &p);
        db_params_init(&p);
        db_params_add_u64(&p, projects[i]);
        db_params_add_u64(&p, users[i]);
        run("INSERT INTO project_members (project_id, user_id, cost_rate) VALUES (?, ?, 1234)", &p);
        db_params_init(&p);
        db_params_add_u64(&p, ws);
        db_params_add_u64(&p, projects[i]);
        snprintf(text, sizeof(text), "Task \"%d\"", i);
        db_params_add_text(&p, text, strlen(text));
        tasks[i] = run("INSERT INTO tasks (workspace_id, project_id, name) VALUES (?, ?, ?)", &p);
    }
    for (int i = 0; i < 5; i++) {
        db_params_init(&p);
        db_params_add_u64(&p, ws);
        snprintf(text, sizeof(text), "tag %d%s", 4 - i, i == 2 ? ", with comma" : "");
        db_params_add_text(&p, text, strlen(text));
        tags[i] = run("INSERT INTO tags (workspace_id, name) VALUES (?, ?)", &p);
    }
    if (db_exec(&db, "START TRANSACTION") != 0)
        die("begin");
    int64_t start = 1700000000;
    for (int i = 0; i < ENTRY_COUNT; i++) {
        int project = (int)rng(5); /* 4 means none */
        int user = (int)rng(5);
        bool running = i % 997 == 5;
        char tag_ids[128] = "";
        size_t used = 0;
        uint64_t chosen[3];
        int tag_count = 0;
        for (int t = 0; t < 5; t++) {
            if (rng(4) == 0 && tag_count < 3) {
                chosen[tag_count++] = tags[t];
                used += (size_t)snprintf(tag_ids + used, sizeof(tag_ids) - used, "%s%llu",
                                         used ? "," : "", (unsigned long long)tags[t]);
            }
        }
        start += (int64_t)rng(20000);
        const char *description = descriptions[rng(sizeof(descriptions) / sizeof(descriptions[0]))];
        db_params_init(&p);
        db_params_add_u64(&p, ws);
        db_params_add_u64(&p, users[user]);
        if (project == 4) {
            db_params_add_null(&p);
            db_params_add_null(&p);
        } else {
            db_params_add_u64(&p, projects[project]);
            if (rng(2))
                db_params_add_u64(&p, tasks[project]);
            else
                db_params_add_null(&p);
        }
        db_params_add_text(&p, description, strlen(description));
        db_params_add_datetime(&p, start);
        if (running)
            db_params_add_null(&p);
        else
            db_params_add_datetime(&p, start + (int64_t)rng(30000));
        db_params_add_i64(&p, (int64_t)rng(2));
        db_params_add_i64(&p, (int64_t)rng(20000));
        if (rng(10) == 0)
            db_params_add_i64(&p, (int64_t)rng(99999));
        else
            db_params_add_null(&p);
        db_params_add_text(&p, tag_ids, used);
        if (rng(3) == 0) {
            char key[32];
            for (int k = 0; k < 32; k++)
                key[k] = (char)rng(256);
            db_params_add_text(&p, key, 32);
        } else {
            db_params_add_null(&p);
        }
        uint64_t entry = run("INSERT INTO time_entries (workspace_id, user_id, project_id, task_id,"
                             " description, start_at, end_at, billable, hourly_rate, earned_amount,"
                             " tag_ids, import_key, approval_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                             " ?, ?, ?, ?, 'APPROVED')", &p);
        for (int t = 0; t < tag_count; t++) {
            db_params_init(&p);
            db_params_add_u64(&p, entry);
            db_params_add_u64(&p, chosen[t]);
            run("INSERT INTO entry_tags (entry_id, tag_id) VALUES (?, ?)", &p);
        }
    }
    if (db_exec(&db, "COMMIT") != 0)
        die("commit");
    return ws;
}

/* The files of a ZIP, in memory (the test archives are small). */
struct zip_files {
    char names[32][64];
    struct membuf data[32];
    size_t count;
};

static int read_zip(const char *path, struct zip_files *out)
{
    struct archive *zip = archive_read_new();
    struct archive_entry *entry;
    char block[65536];

    memset(out, 0, sizeof(*out));
    archive_read_support_format_zip(zip);
    if (archive_read_open_filename(zip, path, sizeof(block)) != ARCHIVE_OK)
        return -1;
    while (archive_read_next_header(zip, &entry) == ARCHIVE_OK && out->count < 32) {
        snprintf(out->names[out->count], 64, "%s", archive_entry_pathname(entry));
        la_ssize_t got;
        while ((got = archive_read_data(zip, block, sizeof(block))) > 0)
            membuf_write(&out->data[out->count], block, (size_t)got);
        out->count++;
    }
    archive_read_free(zip);
    return 0;
}

static const struct membuf *zip_file(const struct zip_files *z, const char *name)
{
    for (size_t i = 0; i < z->count; i++) {
        if (strcmp(z->names[i], name) == 0)
            return &z->data[i];
    }
    return NULL;
}

static void zip_free(struct zip_files *z)
{
    for (size_t i = 0; i < z->count; i++)
        membuf_free(&z->data[i]);
}

/* Rows of a data file with every id column blanked, sorted, joined: equal for two archives
 * of the same data whatever ids restore gave. */
struct blank_ctx {
    const struct archive_table *table;
    char **rows;
    size_t count;
    size_t cap;
};

static int blank_row(void *ctx, const struct archive_csv_row *row)
{
    struct blank_ctx *b = ctx;
    struct membuf line = {0};

    for (size_t i = 0; i < row->count; i++) {
        const struct archive_column *column = &b->table->columns[i];
        bool id = column->kind == ARCHIVE_COLUMN_OWN_ID || column->kind == ARCHIVE_COLUMN_REF;
        if (i > 0)
            membuf_write(&line, "|", 1);
        if (row->nulls[i])
            membuf_write(&line, "NULL", 4);
        else if (id)
            membuf_write(&line, "ID", 2);
        else if (column->kind == ARCHIVE_COLUMN_TAG_LIST) {
            size_t commas = 0;
            for (size_t k = 0; k < row->lengths[i]; k++)
                commas += row->fields[i][k] == ',';
            char count[32];
            int n = snprintf(count, sizeof(count), "%zu tags", row->lengths[i] ? commas + 1 : 0);
            membuf_write(&line, count, (size_t)n);
        } else
            membuf_write(&line, row->fields[i], row->lengths[i]);
    }
    membuf_write(&line, "", 1);
    if (b->count == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->rows = realloc(b->rows, b->cap * sizeof(*b->rows));
    }
    b->rows[b->count++] = line.data;
    return 0;
}

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void blank_file(const struct archive_table *table, const struct membuf *data,
                       struct blank_ctx *out)
{
    memset(out, 0, sizeof(*out));
    out->table = table;
    struct archive_csv_reader *reader = archive_csv_reader_new(blank_row, out);
    CHECK(archive_csv_reader_feed(reader, data->data, data->len) == 0);
    CHECK(archive_csv_reader_finish(reader) == 0);
    archive_csv_reader_free(reader);
    qsort(out->rows, out->count, sizeof(*out->rows), compare_text);
}

static void blank_free(struct blank_ctx *b)
{
    for (size_t i = 0; i < b->count; i++)
        free(b->rows[i]);
    free(b->rows);
}

static int archive_to(const struct config *cfg, const char *workspace, const char *path)
{
    char *argv[] = {"archive", "--workspace", (char *)workspace, "--output", (char *)path, NULL};
    return archive_main(&db, cfg, 5, argv);
}

static int restore_from(const struct config *cfg, const char *path, const char *name, bool replace)
{
    char *argv[] = {"restore", "--workspace", (char *)name, (char *)path, NULL, NULL};
    int argc = 4;
    if (replace) {
        argv[3] = "--replace";
        argv[4] = (char *)path;
        argc = 5;
    }
    return restore_main(&db, cfg, argc, argv);
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *file = fopen(path, "wb");
    fwrite(data, 1, len, file);
    fclose(file);
}

/* Rows that the rejected restores below could have written: workspaces named like theirs, and
 * the entries of the copy. Other tests write to the same database at the same time, so global
 * counts would not do. */
static uint64_t rejected_rows(const char *copy)
{
    struct db_params params;
    uint64_t value = 0;

    db_params_init(&params);
    db_params_add_text(&params, copy, strlen(copy));
    if (db_fetch_u64(&db,
                     "SELECT (SELECT COUNT(*) FROM workspaces WHERE name LIKE 'archive-bad-%')"
                     " + (SELECT COUNT(*) FROM time_entries e JOIN workspaces w"
                     " ON w.id = e.workspace_id WHERE w.name = ?)",
                     &params, &value) < 0)
        die("count");
    db_params_free(&params);
    return value;
}

int main(void)
{
    const char *path = getenv("REPORTD_CONFIG");
    struct config cfg;
    char err[512], name[64], copy[80], a1[256], a2[256], bad[256];

    if (path == NULL || path[0] == '\0') {
        printf("SKIP: REPORTD_CONFIG is not set (a reportd.conf with a migrated database)\n");
        return 77;
    }
    if (config_load(&cfg, path, 1, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    db_init(&db, &cfg);
    if (db_connect(&db) != 0)
        die("connect");
    if (mkdtemp(tmpdir) == NULL)
        return 1;

    snprintf(name, sizeof(name), "archive-test-%d", (int)getpid());
    snprintf(copy, sizeof(copy), "%s-copy", name);
    uint64_t ws = make_workspace(name);
    snprintf(a1, sizeof(a1), "%s/first.zip", tmpdir);
    snprintf(a2, sizeof(a2), "%s/second.zip", tmpdir);
    snprintf(bad, sizeof(bad), "%s/bad.zip", tmpdir);

    CHECK(archive_to(&cfg, name, a1) == 0);
    CHECK(access(a1, F_OK) == 0);
    CHECK(restore_from(&cfg, a1, copy, false) == 0);
    CHECK(archive_to(&cfg, copy, a2) == 0);

    struct zip_files z1, z2;
    CHECK(read_zip(a1, &z1) == 0);
    CHECK(read_zip(a2, &z2) == 0);
    CHECK(z1.count == ARCHIVE_TABLE_COUNT + 2);
    CHECK(z1.count == z2.count);
    CHECK(strcmp(z1.names[z1.count - 1], ARCHIVE_MANIFEST_NAME) == 0);
    const struct membuf *d1 = zip_file(&z1, ARCHIVE_DETAILED_NAME);
    const struct membuf *d2 = zip_file(&z2, ARCHIVE_DETAILED_NAME);
    CHECK(d1 != NULL && d2 != NULL);
    if (d1 != NULL && d2 != NULL) {
        CHECK(d1->len > 1000);
        CHECK(d1->len == d2->len && memcmp(d1->data, d2->data, d1->len) == 0);
        CHECK(strstr(d1->data, "Profit (EUR)") != NULL);
        CHECK(strstr(d1->data, "\"'=SUM(A1:A9)\"") != NULL);
    }
    for (size_t t = 0; t < ARCHIVE_TABLE_COUNT; t++) {
        const struct archive_table *table = &archive_tables[t];
        const struct membuf *f1 = zip_file(&z1, table->file);
        const struct membuf *f2 = zip_file(&z2, table->file);
        CHECK(f1 != NULL && f2 != NULL);
        if (f1 == NULL || f2 == NULL)
            continue;
        struct blank_ctx b1, b2;
        blank_file(table, f1, &b1);
        blank_file(table, f2, &b2);
        bool same = b1.count == b2.count;
        /* workspaces.csv differs in the name only; compare it without. */
        for (size_t i = 0; same && i < b1.count; i++) {
            if (t == 0)
                same = strchr(b1.rows[i], '|') != NULL;
            else
                same = strcmp(b1.rows[i], b2.rows[i]) == 0;
        }
        if (!same)
            fprintf(stderr, "%s differs after blanking ids\n", table->file);
        CHECK(same);
        blank_free(&b1);
        blank_free(&b2);
    }
    const struct membuf *entries = zip_file(&z1, "data/time_entries.csv");
    CHECK(entries != NULL && strstr(entries->data, "\"\\N\"") != NULL);
    CHECK(entries != NULL && strstr(entries->data, ",\\N,") != NULL);
    CHECK(count_rows("SELECT COUNT(*) FROM time_entries WHERE workspace_id = ?", ws) ==
          ENTRY_COUNT);

    /* A truncated archive and one with a flipped byte are rejected, and nothing is written. */
    uint64_t before = rejected_rows(copy);
    const struct membuf *whole = NULL;
    {
        FILE *file = fopen(a1, "rb");
        static struct membuf raw;
        char block[65536];
        size_t got;
        while ((got = fread(block, 1, sizeof(block), file)) > 0)
            membuf_write(&raw, block, got);
        fclose(file);
        whole = &raw;
    }
    write_file(bad, whole->data, whole->len / 2);
    CHECK(restore_from(&cfg, bad, "archive-bad-1", false) == 1);
    write_file(bad, whole->data, whole->len - 30);
    CHECK(restore_from(&cfg, bad, "archive-bad-2", false) == 1);
    char *flipped = malloc(whole->len);
    memcpy(flipped, whole->data, whole->len);
    flipped[whole->len / 3] ^= 0x01;
    write_file(bad, flipped, whole->len);
    CHECK(restore_from(&cfg, bad, "archive-bad-3", false) == 1);
    free(flipped);
    CHECK(rejected_rows(copy) == before);

    /* Restoring onto a workspace with data needs --replace. */
    CHECK(restore_from(&cfg, a1, copy, false) == 1);
    CHECK(rejected_rows(copy) == before);
    CHECK(restore_from(&cfg, a1, copy, true) == 0);
    CHECK(count_rows("SELECT COUNT(*) FROM time_entries e JOIN workspaces w ON w.id ="
                     " e.workspace_id WHERE w.id = (SELECT MAX(id) FROM workspaces) OR ? = 0",
                     1) >= ENTRY_COUNT);

    zip_free(&z1);
    zip_free(&z2);
    db_close(&db);
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed; files kept in %s\n", failures, tmpdir);
        return 1;
    }
    unlink(a1);
    unlink(a2);
    unlink(bad);
    rmdir(tmpdir);
    printf("test_archive_db: all checks passed\n");
    return 0;
}
