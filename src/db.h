/* db.h - one MariaDB connection per process: connect, reconnect, prepared statements.
 * SPDX-License-Identifier: MIT
 *
 * Every statement that carries request or file data goes through db_params and a prepared
 * statement; request text is never pasted into SQL.
 */
#ifndef REPORTD_DB_H
#define REPORTD_DB_H

#include <mysql.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"

struct db {
    MYSQL *conn;                /* NULL while disconnected */
    bool local_infile;          /* allow LOAD DATA LOCAL (the generator); off in the server */
    const struct config *cfg;   /* borrowed */
    char error[512];            /* last error, for logs and CLI messages */
};

/* Sets up db for cfg without connecting. */
void db_init(struct db *db, const struct config *cfg);

/* Connects when not connected (utf8mb4, session time zone UTC, LOAD DATA LOCAL only when
 * db->local_infile is set).
 * Returns 0, or -1 with db->error set. */
int db_connect(struct db *db);

/* Returns 0 when the server answers, reconnecting once if the connection was lost. */
int db_check(struct db *db);

/* Drops the connection without reading what the server still sends; the next db_connect opens
 * a new one. Used when a client goes away mid-export, so the server stops the query. */
void db_abandon(struct db *db);

void db_close(struct db *db);

/* Runs a statement that has no parameters and returns no rows. Returns 0 or -1. */
int db_exec(struct db *db, const char *sql);

/* Runs a constant query (no request data) and returns its buffered result, or NULL on error. */
MYSQL_RES *db_query(struct db *db, const char *sql);

/* True when the last error means the connection is gone (server down, killed, timed out). */
bool db_error_is_connection(unsigned int mysql_errno);

/* Parameters for a prepared statement. Values are copied, so callers need not keep them. */
struct db_params {
    size_t count;
    size_t cap;
    MYSQL_BIND *binds;
    struct db_param_value *values;
};

void db_params_init(struct db_params *params);
void db_params_free(struct db_params *params);
int db_params_add_u64(struct db_params *params, uint64_t value);
int db_params_add_i64(struct db_params *params, int64_t value);
/* A NULL text binds SQL NULL. */
int db_params_add_text(struct db_params *params, const char *text, size_t len);
/* Binds a UTC instant (seconds since the epoch) as DATETIME. */
int db_params_add_datetime(struct db_params *params, int64_t utc);
int db_params_add_null(struct db_params *params);

/* Prepares sql and binds params (which may be NULL). Returns the statement, or NULL with
 * db->error set. The caller closes it with mysql_stmt_close. */
MYSQL_STMT *db_prepare(struct db *db, const char *sql, struct db_params *params);

/* Prepares and executes a statement that returns no rows; stores the affected rows in
 * *affected and the insert id in *insert_id when they are not NULL. Returns 0 or -1. */
int db_run(struct db *db, const char *sql, struct db_params *params, uint64_t *affected,
           uint64_t *insert_id);

/* Prepares, executes and fetches the first column of the first row as an unsigned integer.
 * Returns 1 when a row was found, 0 when none, -1 on error. */
int db_fetch_u64(struct db *db, const char *sql, struct db_params *params, uint64_t *value);

/* Converts a MYSQL_TIME holding UTC to seconds since the epoch, and back. */
int64_t db_time_to_utc(const MYSQL_TIME *time);
void db_utc_to_time(int64_t utc, MYSQL_TIME *time);

#endif
