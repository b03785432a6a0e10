/* migrate.c - schema migrations.
 * SPDX-License-Identifier: MIT
 */
#include "migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#define MIGRATE_MAX_FILES 512

static int migrate_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *migrate_read_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    char *text = NULL;
    long size;

    if (file == NULL)
        return NULL;
    if (fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0 || fseek(file, 0, SEEK_SET) != 0)
        goto out;
    text = malloc((size_t)size + 1);
    if (text == NULL)
        goto out;
    if (fread(text, 1, (size_t)size, file) != (size_t)size) {
        free(text);
        text = NULL;
        goto out;
    }
    text[size] = '\0';
out:
    fclose(file);
    return text;
}

/* Runs each statement of text; a statement ends at a line whose last non-blank is ';'. */
static int migrate_apply_text(struct db *db, const char *name, char *text)
{
    char *statement = text;
    int number = 0;

    for (char *line = text; line != NULL && *line != '\0';) {
        char *newline = strchr(line, '\n');
        char *end = newline ? newline : line + strlen(line);
        char *last = end;
        while (last > line && (last[-1] == ' ' || last[-1] == '\t' || last[-1] == '\r'))
            last--;
        bool ends = last > line && last[-1] == ';';
        char *next = newline ? newline + 1 : NULL;
        if (ends) {
            last[-1] = '\0';
            number++;
            if (db_exec(db, statement) != 0) {
                fprintf(stderr, "reportctl: migration %s, statement %d failed: %s\n", name,
                        number, db->error);
                return -1;
            }
            statement = next ? next : end;
        }
        line = next;
    }
    return 0;
}

static int migrate_collect(const char *sql_dir, char **names, int *count)
{
    DIR *dir = opendir(sql_dir);
    struct dirent *entry;

    if (dir == NULL) {
        fprintf(stderr, "reportctl: cannot open migrations folder %s: %s\n", sql_dir,
                strerror(errno));
        return -1;
    }
    *count = 0;
    while ((entry = readdir(dir)) != NULL && *count < MIGRATE_MAX_FILES) {
        size_t len = strlen(entry->d_name);
        if (len < 8 || strcmp(entry->d_name + len - 4, ".sql") != 0)
            continue;
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        names[*count] = strdup(entry->d_name);
        if (names[*count] == NULL)
            break;
        (*count)++;
    }
    closedir(dir);
    qsort(names, (size_t)*count, sizeof(names[0]), migrate_compare);
    return 0;
}

int migrate_run(struct db *db, const char *sql_dir)
{
    char *names[MIGRATE_MAX_FILES];
    char path[4096];
    int count = 0;
    int applied = 0;
    int result = -1;

    if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, "
                    "applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB") != 0) {
        fprintf(stderr, "reportctl: %s\n", db->error);
        return -1;
    }
    if (migrate_collect(sql_dir, names, &count) != 0)
        return -1;

    for (int i = 0; i < count; i++) {
        unsigned long version = strtoul(names[i], NULL, 10);
        struct db_params params;
        uint64_t found = 0;

        db_params_init(&params);
        db_params_add_u64(&params, version);
        int seen = db_fetch_u64(db, "SELECT version FROM schema_migrations WHERE version = ?",
                                &params, &found);
        if (seen < 0) {
            fprintf(stderr, "reportctl: %s\n", db->error);
            db_params_free(&params);
            goto out;
        }
        if (seen == 1) {
            db_params_free(&params);
            continue;
        }

        snprintf(path, sizeof(path), "%s/%s", sql_dir, names[i]);
        char *text = migrate_read_file(path);
        if (text == NULL) {
            fprintf(stderr, "reportctl: cannot read %s\n", path);
            db_params_free(&params);
            goto out;
        }
        int failed = migrate_apply_text(db, names[i], text);
        free(text);
        if (failed == 0) {
            db_params_add_text(&params, names[i], strlen(names[i]));
            failed = db_run(db, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                            &params, NULL, NULL);
            if (failed != 0)
                fprintf(stderr, "reportctl: %s\n", db->error);
        }
        db_params_free(&params);
        if (failed != 0)
            goto out;
        printf("applied %s\n", names[i]);
        applied++;
    }
    if (applied == 0)
        printf("schema is up to date\n");
    result = 0;
out:
    for (int i = 0; i < count; i++)
        free(names[i]);
    return result;
}
