/* api_error.h - a client-facing error: HTTP status, the JSON path of the field at fault and a
 * message that says what is wrong and how to fix it.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_API_ERROR_H
#define REPORTD_API_ERROR_H

#include <stddef.h>

struct api_error {
    int status;          /* 400, 401, 404, 413, 500, 503 ... */
    char field[128];     /* JSON path such as "detailedFilter.pageSize"; "" when none */
    char message[512];
};

/* Fills err; field may be NULL. Returns -1 so callers can write `return api_error_set(...)`. */
int api_error_set(struct api_error *err, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
