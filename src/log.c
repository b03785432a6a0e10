/* log.c - line-oriented logger to stderr.
 * SPDX-License-Identifier: MIT
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static enum log_level log_min_level = LOG_INFO;
static char log_request_id[40];

static const char *const log_level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

void log_set_level(enum log_level level)
{
    log_min_level = level;
}

int log_level_parse(const char *name, enum log_level *level)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i]) == 0) {
            *level = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

void log_set_request_id(const char *request_id)
{
    if (request_id == NULL) {
        log_request_id[0] = '\0';
        return;
    }
    snprintf(log_request_id, sizeof(log_request_id), "%s", request_id);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    char stamp[32];
    char line[2048];
    struct timeval now;
    struct tm utc;
    va_list args;
    int used;

    if (level < log_min_level)
        return;

    gettimeofday(&now, NULL);
    gmtime_r(&now.tv_sec, &utc);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &utc);
    used = snprintf(line, sizeof(line), "%s.%03dZ %s [%d]%s%s ", stamp, (int)(now.tv_usec / 1000),
                    log_level_names[level], (int)getpid(), log_request_id[0] ? " " : "",
                    log_request_id);
    if (used < 0 || (size_t)used >= sizeof(line))
        used = 0;

    va_start(args, fmt);
    vsnprintf(line + used, sizeof(line) - (size_t)used, fmt, args);
    va_end(args);

    /* One write per line keeps lines of several workers from interleaving. */
    size_t len = strlen(line);
    if (len + 1 < sizeof(line)) {
        line[len++] = '\n';
    } else {
        line[sizeof(line) - 2] = '\n';
        len = sizeof(line) - 1;
    }
    ssize_t ignored = write(STDERR_FILENO, line, len);
    (void)ignored;
}

const char *log_escape(const char *text, char *out, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    size_t used = 0;

    if (size == 0)
        return out;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        int plain = *p >= 0x20 && *p != 0x7f && *p != '"' && *p != '\\';
        size_t need = plain ? 1 : 4;
        if (used + need >= size)
            break;
        if (plain) {
            out[used++] = (char)*p;
            continue;
        }
        out[used++] = '\\';
        out[used++] = 'x';
        out[used++] = hex[*p >> 4];
        out[used++] = hex[*p & 15];
    }
    out[used] = '\0';
    return out;
}
