/* api_error.c - client-facing errors.
 * SPDX-License-Identifier: MIT
 */
#include "api_error.h"

#include <stdarg.h>
#include <stdio.h>

int api_error_set(struct api_error *err, int status, const char *field, const char *fmt, ...)
{
    va_list args;

    err->status = status;
    snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
    va_start(args, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, args);
    va_end(args);
    return -1;
}
