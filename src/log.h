/* log.h - the one logger: levels, UTC time, pid and request id on every line.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_LOG_H
#define REPORTD_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Sets the lowest level that is written; lines go to stderr. */
void log_set_level(enum log_level level);

/* Parses "debug", "info", "warn" or "error"; returns -1 for anything else. */
int log_level_parse(const char *name, enum log_level *level);

/* Sets the request id printed on the following lines; NULL clears it. */
void log_set_request_id(const char *request_id);

/* Writes one line when level is enabled. Callers pass request data through log_escape. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copies text into out (size bytes) with control bytes, quotes and backslashes escaped as \xNN,
 * cutting it if needed; returns out. For request data that reaches a log line. */
const char *log_escape(const char *text, char *out, size_t size);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
