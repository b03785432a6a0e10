/* config.c - settings parser: "key = value" lines, '#' comments, REPORTD_KEY overrides.
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum config_type { CONFIG_TYPE_STRING, CONFIG_TYPE_INT, CONFIG_TYPE_SIZE };

struct config_field {
    const char *key;
    enum config_type type;
    size_t offset;
    const char *default_value;
    const char *help;
};

#define FIELD(key, type, def, help) {#key, type, offsetof(struct config, key), def, help}

static const struct config_field config_fields[] = {
    FIELD(listen, CONFIG_TYPE_STRING, "var/run/reportd.sock",
          "FastCGI socket: unix path or host:port"),
    FIELD(workers, CONFIG_TYPE_INT, "0", "worker processes; 0 = one per CPU"),
    FIELD(db_socket, CONFIG_TYPE_STRING, "var/run/mariadb.sock",
          "MariaDB unix socket; empty = use db_host and db_port"),
    FIELD(db_host, CONFIG_TYPE_STRING, "127.0.0.1", "MariaDB host when db_socket is empty"),
    FIELD(db_port, CONFIG_TYPE_INT, "3306", "MariaDB port when db_socket is empty"),
    FIELD(db_user, CONFIG_TYPE_STRING, "reportd", "MariaDB user"),
    FIELD(db_password_file, CONFIG_TYPE_STRING, "",
          "file whose first line is the MariaDB password; empty = no password"),
    FIELD(db_name, CONFIG_TYPE_STRING, "reportd", "MariaDB database"),
    FIELD(temp_dir, CONFIG_TYPE_STRING, "var/tmp", "folder for XLSX files being built"),
    FIELD(export_root, CONFIG_TYPE_STRING, "var/exports",
          "scheduled export jobs write only below this folder"),
    FIELD(body_limit, CONFIG_TYPE_SIZE, "1048576", "maximum request body, bytes"),
    FIELD(page_size_max, CONFIG_TYPE_INT, "1000", "maximum pageSize of a detailed report"),
    FIELD(ids_max, CONFIG_TYPE_INT, "1000", "maximum ids in one filter"),
    FIELD(range_max_days, CONFIG_TYPE_INT, "0", "maximum report range in days; 0 = unlimited"),
    FIELD(shutdown_deadline, CONFIG_TYPE_INT, "30",
          "seconds that requests in flight may take to finish on SIGTERM"),
    FIELD(log_level, CONFIG_TYPE_STRING, "info", "debug, info, warn or error"),
};

#define CONFIG_FIELD_COUNT (sizeof(config_fields) / sizeof(config_fields[0]))

static int config_set(struct config *cfg, const struct config_field *field, const char *value)
{
    char *base = (char *)cfg + field->offset;
    char *end = NULL;
    long long number;

    if (field->type == CONFIG_TYPE_STRING) {
        if (strlen(value) >= CONFIG_STR)
            return -1;
        snprintf(base, CONFIG_STR, "%s", value);
        return 0;
    }

    errno = 0;
    number = strtoll(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || number < 0)
        return -1;
    if (field->type == CONFIG_TYPE_INT) {
        if (number > INT_MAX)
            return -1;
        *(int *)base = (int)number;
    } else {
        *(size_t *)base = (size_t)number;
    }
    return 0;
}

static const struct config_field *config_find(const char *key)
{
    for (size_t i = 0; i < CONFIG_FIELD_COUNT; i++) {
        if (strcmp(config_fields[i].key, key) == 0)
            return &config_fields[i];
    }
    return NULL;
}

static char *config_trim(char *text)
{
    while (isspace((unsigned char)*text))
        text++;
    size_t len = strlen(text);
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        text[--len] = '\0';
    return text;
}

static int config_load_file(struct config *cfg, const char *path, int must_exist, char *err,
                            size_t err_size)
{
    char line[2048];
    int line_number = 0;
    int result = 0;
    FILE *file = fopen(path, "r");

    if (file == NULL) {
        if (!must_exist && errno == ENOENT)
            return 0;
        snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }

    while (fgets(line, sizeof(line), file) != NULL) {
        line_number++;
        char *text = config_trim(line);
        if (*text == '\0' || *text == '#')
            continue;

        char *equals = strchr(text, '=');
        if (equals == NULL) {
            snprintf(err, err_size, "%s:%d: expected 'key = value'", path, line_number);
            result = -1;
            break;
        }
        *equals = '\0';
        char *key = config_trim(text);
        char *value = config_trim(equals + 1);

        const struct config_field *field = config_find(key);
        if (field == NULL) {
            snprintf(err, err_size, "%s:%d: unknown setting '%s' (see reportd --help)", path,
                     line_number, key);
            result = -1;
            break;
        }
        if (config_set(cfg, field, value) != 0) {
            snprintf(err, err_size, "%s:%d: invalid value for %s: '%s'", path, line_number, key,
                     value);
            result = -1;
            break;
        }
    }
    fclose(file);
    return result;
}

static int config_load_env(struct config *cfg, char *err, size_t err_size)
{
    char name[64];

    for (size_t i = 0; i < CONFIG_FIELD_COUNT; i++) {
        const struct config_field *field = &config_fields[i];
        snprintf(name, sizeof(name), "REPORTD_");
        for (size_t j = 0; field->key[j] && j + 9 < sizeof(name); j++) {
            name[8 + j] = (char)toupper((unsigned char)field->key[j]);
            name[9 + j] = '\0';
        }
        const char *value = getenv(name);
        if (value == NULL)
            continue;
        if (config_set(cfg, field, value) != 0) {
            snprintf(err, err_size, "environment %s: invalid value '%s'", name, value);
            return -1;
        }
    }
    return 0;
}

int config_load(struct config *cfg, const char *path, int must_exist, char *err, size_t err_size)
{
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < CONFIG_FIELD_COUNT; i++) {
        if (config_set(cfg, &config_fields[i], config_fields[i].default_value) != 0) {
            snprintf(err, err_size, "bad default for %s", config_fields[i].key);
            return -1;
        }
    }

    if (path != NULL && config_load_file(cfg, path, must_exist, err, err_size) != 0)
        return -1;
    return config_load_env(cfg, err, err_size);
}

int config_db_password(const struct config *cfg, char *out, size_t size, char *err,
                       size_t err_size)
{
    out[0] = '\0';
    if (cfg->db_password_file[0] == '\0')
        return 0;

    FILE *file = fopen(cfg->db_password_file, "r");
    if (file == NULL) {
        snprintf(err, err_size, "db_password_file %s: cannot open: %s", cfg->db_password_file,
                 strerror(errno));
        return -1;
    }
    if (fgets(out, (int)size, file) == NULL)
        out[0] = '\0';
    fclose(file);
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

void config_print_help(void)
{
    printf("Settings (file: key = value; environment: REPORTD_KEY):\n");
    for (size_t i = 0; i < CONFIG_FIELD_COUNT; i++) {
        printf("  %-18s default '%s': %s\n", config_fields[i].key, config_fields[i].default_value,
               config_fields[i].help);
    }
}
