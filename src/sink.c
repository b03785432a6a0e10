/* sink.c - memory and stdio sinks.
 * SPDX-License-Identifier: MIT
 */
#include "sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int membuf_write(void *ctx, const void *data, size_t len)
{
    struct membuf *buf = ctx;

    if (buf->len + len + 1 > buf->cap) {
        size_t cap = buf->cap ? buf->cap : 256;
        while (cap < buf->len + len + 1)
            cap *= 2;
        char *grown = realloc(buf->data, cap);
        if (grown == NULL)
            return -1;
        buf->data = grown;
        buf->cap = cap;
    }
    memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return 0;
}

void membuf_free(struct membuf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

struct sink membuf_sink(struct membuf *buf)
{
    struct sink out = {membuf_write, buf};
    return out;
}

int sink_file_write(void *ctx, const void *data, size_t len)
{
    FILE *file = ctx;

    if (len == 0)
        return 0;
    return fwrite(data, 1, len, file) == len ? 0 : -1;
}
