/* sink.h - where serialized output goes: the FastCGI stream, a file or memory.
 * SPDX-License-Identifier: MIT
 *
 * Writers (CSV, JSON, XLSX) take a sink so that one serializer serves production and tests.
 */
#ifndef REPORTD_SINK_H
#define REPORTD_SINK_H

#include <stddef.h>

/* Writes len bytes; returns 0 on success, -1 when the destination is gone or failed. */
typedef int (*sink_write_fn)(void *ctx, const void *data, size_t len);

struct sink {
    sink_write_fn write;
    void *ctx;
};

/* A growable memory buffer usable as a sink context, for tests and small bodies. */
struct membuf {
    char *data;
    size_t len;
    size_t cap;
};

/* Appends to a struct membuf; returns -1 when memory runs out. */
int membuf_write(void *ctx, const void *data, size_t len);

/* Frees the buffer and leaves it empty. */
void membuf_free(struct membuf *buf);

/* Returns a sink that appends to buf. */
struct sink membuf_sink(struct membuf *buf);

/* Writes to a FILE *; returns -1 on a short write. */
int sink_file_write(void *ctx, const void *data, size_t len);

#endif
