/* config.h - settings of reportd and reportctl: defaults, then a file, then the environment.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_CONFIG_H
#define REPORTD_CONFIG_H

#include <stddef.h>

#define CONFIG_STR 512

struct config {
    char listen[CONFIG_STR];        /* FastCGI socket: a unix path or host:port */
    int workers;                    /* worker processes; 0 means one per CPU */
    char db_socket[CONFIG_STR];     /* MariaDB unix socket; empty means db_host and db_port */
    char db_host[CONFIG_STR];
    int db_port;
    char db_user[CONFIG_STR];
    char db_password_file[CONFIG_STR]; /* first line is the password; empty means none */
    char db_name[CONFIG_STR];
    char temp_dir[CONFIG_STR];      /* XLSX exports are built here before they are sent */
    char export_root[CONFIG_STR];   /* scheduled export jobs write only below this folder */
    size_t body_limit;              /* bytes of a request body */
    int page_size_max;
    int ids_max;                    /* ids in one filter */
    int range_max_days;             /* 0 means unlimited */
    int shutdown_deadline;          /* seconds a stopping worker may finish its request */
    char log_level[16];
};

/* Fills cfg with the defaults, then the settings of path (when not NULL; a missing file is an
 * error only when must_exist), then REPORTD_* environment variables. On failure writes a
 * message with the file and line into err and returns -1. */
int config_load(struct config *cfg, const char *path, int must_exist, char *err, size_t err_size);

/* Reads the database password from cfg->db_password_file into out; "" when none is set.
 * Returns -1 with a message in err when the file cannot be read. */
int config_db_password(const struct config *cfg, char *out, size_t size, char *err,
                       size_t err_size);

/* Prints every setting with its environment variable, default and meaning. */
void config_print_help(void);

#endif
