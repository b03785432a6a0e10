/* db.c - MariaDB Connector/C wrapper.
 * SPDX-License-Identifier: MIT
 */
#include "db.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "civil.h"
#include "log.h"

struct db_param_value {
    union {
        uint64_t u64;
        int64_t i64;
        MYSQL_TIME time;
    } as;
    char *text;
    unsigned long length;
    my_bool is_null;
};

void db_init(struct db *db, const struct config *cfg)
{
    memset(db, 0, sizeof(*db));
    db->cfg = cfg;
}

static void db_set_error(struct db *db, const char *what)
{
    if (db->conn != NULL) {
        snprintf(db->error, sizeof(db->error), "%s: %s (%u)", what, mysql_error(db->conn),
                 mysql_errno(db->conn));
    } else {
        snprintf(db->error, sizeof(db->error), "%s", what);
    }
}

int db_connect(struct db *db)
{
    char password[256];
    char err[512];
    const struct config *cfg = db->cfg;
    unsigned int timeout = 5;
    my_bool local_infile = db->local_infile;

    if (db->conn != NULL)
        return 0;
    if (config_db_password(cfg, password, sizeof(password), err, sizeof(err)) != 0) {
        snprintf(db->error, sizeof(db->error), "%s", err);
        return -1;
    }

    db->conn = mysql_init(NULL);
    if (db->conn == NULL) {
        snprintf(db->error, sizeof(db->error), "mysql_init: out of memory");
        return -1;
    }
    mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    /* Off in reportd's workers: a server allowed to ask for local files could read any file
     * the worker can, such as the password file. */
    mysql_options(db->conn, MYSQL_OPT_LOCAL_INFILE, &local_infile);
    mysql_options(db->conn, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");

    const char *socket = cfg->db_socket[0] ? cfg->db_socket : NULL;
    const char *host = socket ? "localhost" : cfg->db_host;
    if (mysql_real_connect(db->conn, host, cfg->db_user, password[0] ? password : NULL,
                           cfg->db_name, (unsigned)cfg->db_port, socket, 0) == NULL) {
        db_set_error(db, "connect to MariaDB");
        mysql_close(db->conn);
        db->conn = NULL;
        return -1;
    }
    return 0;
}

int db_check(struct db *db)
{
    if (db->conn != NULL && mysql_ping(db->conn) == 0)
        return 0;
    if (db->conn != NULL) {
        log_warn("database connection lost (%s); reconnecting", mysql_error(db->conn));
        db_close(db);
    }
    return db_connect(db);
}

void db_abandon(struct db *db)
{
    if (db->conn == NULL)
        return;
    /* mysql_close would try to talk to the server. Shutting the socket first makes the server
     * fail its next write, so it aborts the query instead of streaming the rest of it. */
    int fd = (int)mysql_get_socket(db->conn);
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
    mysql_close(db->conn);
    db->conn = NULL;
}

void db_close(struct db *db)
{
    if (db->conn != NULL)
        mysql_close(db->conn);
    db->conn = NULL;
}

int db_exec(struct db *db, const char *sql)
{
    if (db_connect(db) != 0)
        return -1;
    if (mysql_query(db->conn, sql) != 0) {
        db_set_error(db, "query");
        return -1;
    }
    return 0;
}

MYSQL_RES *db_query(struct db *db, const char *sql)
{
    MYSQL_RES *result;

    if (db_exec(db, sql) != 0)
        return NULL;
    result = mysql_store_result(db->conn);
    if (result == NULL)
        db_set_error(db, "store result");
    return result;
}

bool db_error_is_connection(unsigned int code)
{
    switch (code) {
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_LOST_EXTENDED:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN:
        return true;
    default:
        return false;
    }
}

void db_params_init(struct db_params *params)
{
    memset(params, 0, sizeof(*params));
}

void db_params_free(struct db_params *params)
{
    for (size_t i = 0; i < params->count; i++)
        free(params->values[i].text);
    free(params->binds);
    free(params->values);
    memset(params, 0, sizeof(*params));
}

static struct db_param_value *db_params_push(struct db_params *params,
                                             enum enum_field_types type, bool is_unsigned)
{
    if (params->count == params->cap) {
        size_t cap = params->cap ? params->cap * 2 : 16;
        MYSQL_BIND *binds = realloc(params->binds, cap * sizeof(*binds));
        if (binds == NULL)
            return NULL;
        params->binds = binds;
        struct db_param_value *values = realloc(params->values, cap * sizeof(*values));
        if (values == NULL)
            return NULL;
        params->values = values;
        params->cap = cap;
    }

    MYSQL_BIND *bind = &params->binds[params->count];
    struct db_param_value *value = &params->values[params->count];
    memset(bind, 0, sizeof(*bind));
    memset(value, 0, sizeof(*value));
    bind->buffer_type = type;
    bind->is_unsigned = is_unsigned;
    params->count++;
    return value;
}

int db_params_add_u64(struct db_params *params, uint64_t number)
{
    struct db_param_value *value = db_params_push(params, MYSQL_TYPE_LONGLONG, true);
    if (value == NULL)
        return -1;
    value->as.u64 = number;
    return 0;
}

int db_params_add_i64(struct db_params *params, int64_t number)
{
    struct db_param_value *value = db_params_push(params, MYSQL_TYPE_LONGLONG, false);
    if (value == NULL)
        return -1;
    value->as.i64 = number;
    return 0;
}

int db_params_add_text(struct db_params *params, const char *text, size_t len)
{
    struct db_param_value *value = db_params_push(params, MYSQL_TYPE_STRING, false);
    if (value == NULL)
        return -1;
    if (text == NULL) {
        value->is_null = 1;
        return 0;
    }
    value->text = malloc(len + 1);
    if (value->text == NULL)
        return -1;
    memcpy(value->text, text, len);
    value->text[len] = '\0';
    value->length = (unsigned long)len;
    return 0;
}

int db_params_add_datetime(struct db_params *params, int64_t utc)
{
    struct db_param_value *value = db_params_push(params, MYSQL_TYPE_DATETIME, false);
    if (value == NULL)
        return -1;
    db_utc_to_time(utc, &value->as.time);
    return 0;
}

int db_params_add_null(struct db_params *params)
{
    struct db_param_value *value = db_params_push(params, MYSQL_TYPE_NULL, false);
    if (value == NULL)
        return -1;
    value->is_null = 1;
    return 0;
}

/* Points every bind at its value; done just before binding because the arrays may move. */
static void db_params_link(struct db_params *params)
{
    for (size_t i = 0; i < params->count; i++) {
        MYSQL_BIND *bind = &params->binds[i];
        struct db_param_value *value = &params->values[i];
        bind->is_null = &value->is_null;
        if (bind->buffer_type == MYSQL_TYPE_STRING) {
            bind->buffer = value->text;
            bind->buffer_length = value->length;
            bind->length = &value->length;
        } else if (bind->buffer_type == MYSQL_TYPE_DATETIME) {
            bind->buffer = &value->as.time;
        } else {
            bind->buffer = &value->as.u64;
        }
    }
}

MYSQL_STMT *db_prepare(struct db *db, const char *sql, struct db_params *params)
{
    MYSQL_STMT *stmt;

    if (db_connect(db) != 0)
        return NULL;
    stmt = mysql_stmt_init(db->conn);
    if (stmt == NULL) {
        db_set_error(db, "statement init");
        return NULL;
    }
    if (mysql_stmt_prepare(stmt, sql, strlen(sql)) != 0) {
        snprintf(db->error, sizeof(db->error), "prepare: %s (%u)", mysql_stmt_error(stmt),
                 mysql_stmt_errno(stmt));
        mysql_stmt_close(stmt);
        return NULL;
    }
    if (params != NULL && params->count > 0) {
        db_params_link(params);
        if (mysql_stmt_bind_param(stmt, params->binds) != 0) {
            snprintf(db->error, sizeof(db->error), "bind: %s", mysql_stmt_error(stmt));
            mysql_stmt_close(stmt);
            return NULL;
        }
    }
    return stmt;
}

int db_run(struct db *db, const char *sql, struct db_params *params, uint64_t *affected,
           uint64_t *insert_id)
{
    MYSQL_STMT *stmt = db_prepare(db, sql, params);
    int result = -1;

    if (stmt == NULL)
        return -1;
    if (mysql_stmt_execute(stmt) != 0) {
        snprintf(db->error, sizeof(db->error), "execute: %s (%u)", mysql_stmt_error(stmt),
                 mysql_stmt_errno(stmt));
        goto out;
    }
    if (affected != NULL)
        *affected = mysql_stmt_affected_rows(stmt);
    if (insert_id != NULL)
        *insert_id = mysql_stmt_insert_id(stmt);
    result = 0;
out:
    mysql_stmt_close(stmt);
    return result;
}

int db_fetch_u64(struct db *db, const char *sql, struct db_params *params, uint64_t *value)
{
    MYSQL_STMT *stmt = db_prepare(db, sql, params);
    MYSQL_BIND bind;
    my_bool is_null = 0;
    int result = -1;

    if (stmt == NULL)
        return -1;
    memset(&bind, 0, sizeof(bind));
    bind.buffer_type = MYSQL_TYPE_LONGLONG;
    bind.buffer = value;
    bind.is_unsigned = 1;
    bind.is_null = &is_null;

    if (mysql_stmt_execute(stmt) != 0 || mysql_stmt_bind_result(stmt, &bind) != 0) {
        snprintf(db->error, sizeof(db->error), "execute: %s (%u)", mysql_stmt_error(stmt),
                 mysql_stmt_errno(stmt));
        goto out;
    }
    int fetched = mysql_stmt_fetch(stmt);
    if (fetched == MYSQL_NO_DATA) {
        result = 0;
    } else if (fetched == 0 || fetched == MYSQL_DATA_TRUNCATED) {
        if (is_null)
            *value = 0;
        result = 1;
    } else {
        snprintf(db->error, sizeof(db->error), "fetch: %s", mysql_stmt_error(stmt));
    }
out:
    mysql_stmt_close(stmt);
    return result;
}

int64_t db_time_to_utc(const MYSQL_TIME *time)
{
    int64_t days = civil_days_from_date((int)time->year, (int)time->month, (int)time->day);
    return days * 86400 + (int64_t)time->hour * 3600 + (int64_t)time->minute * 60 +
           (int64_t)time->second;
}

void db_utc_to_time(int64_t utc, MYSQL_TIME *time)
{
    int64_t days = civil_floor_div(utc, 86400);
    int64_t seconds = utc - days * 86400;
    int year, month, day;

    civil_date_from_days(days, &year, &month, &day);
    memset(time, 0, sizeof(*time));
    time->year = (unsigned)year;
    time->month = (unsigned)month;
    time->day = (unsigned)day;
    time->hour = (unsigned)(seconds / 3600);
    time->minute = (unsigned)(seconds / 60 % 60);
    time->second = (unsigned)(seconds % 60);
    time->time_type = MYSQL_TIMESTAMP_DATETIME;
}
