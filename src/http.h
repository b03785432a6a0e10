/* http.h - one FastCGI request as the handlers see it: parsed input, response helpers, and a
 * sink that streams the body to nginx.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_HTTP_H
#define REPORTD_HTTP_H

#include <fcgiapp.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "api_error.h"
#include "sink.h"

struct http_request {
    FCGX_Request *fcgx;
    char id[24];             /* request id for logs and the X-Request-Id header */
    const char *method;
    const char *path;        /* decoded path, without the query string */
    const char *query;       /* raw query string, "" when none */
    const char *api_key;     /* X-Api-Key header or NULL; never logged */
    const char *content_type;
    char *body;              /* NUL-terminated; owned; NULL until http_read_body */
    size_t body_len;
    int status;              /* sent status, 0 before the headers */
    uint64_t bytes;          /* body bytes sent */
    uint64_t rows;           /* rows the handler reports, for the log line */
    bool aborted;            /* the transfer was broken on purpose or the client left */
    struct timespec started;
};

/* Fills req from the FastCGI parameters of fcgx. */
void http_request_init(struct http_request *req, FCGX_Request *fcgx, const char *id);

/* Frees what the request owns. */
void http_request_free(struct http_request *req);

/* Reads the body (CONTENT_LENGTH bytes, at most limit). Returns 0, or -1 with a 413 or 400 in
 * err. */
int http_read_body(struct http_request *req, size_t limit, struct api_error *err);

/* Sends the status line and headers. extra_headers is "" or lines each ending in "\r\n".
 * Returns 0, or -1 when the client is gone. */
int http_send_headers(struct http_request *req, int status, const char *content_type,
                      const char *extra_headers);

/* Sends a complete JSON response; the function steals value. */
void http_send_json(struct http_request *req, int status, json_t *value);

/* Sends {"code","message","field"} with err->status; adds Retry-After on 503. */
void http_send_error(struct http_request *req, const struct api_error *err);

/* Sends 405 with an Allow header listing allowed (e.g. "GET, POST") and a JSON error body. */
void http_send_method_not_allowed(struct http_request *req, const char *allowed);

/* Sink that writes body bytes to the FastCGI stream; ctx is the struct http_request. */
int http_sink_write(void *ctx, const void *data, size_t len);
struct sink http_sink(struct http_request *req);

/* Breaks the transfer so the client sees an incomplete response instead of a short file that
 * looks complete: nginx gets a malformed record and closes the client connection without the
 * last chunk. */
void http_abort(struct http_request *req);

/* Formats the Content-Disposition header for a download named filename (ASCII name plus an
 * RFC 5987 filename* form) into out. */
void http_content_disposition(const char *filename, char *out, size_t size);

/* Returns the value of a FastCGI parameter or NULL. */
const char *http_param(struct http_request *req, const char *name);

#endif
