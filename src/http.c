/* http.c - request input and response output over libfcgi.
 * SPDX-License-Identifier: MIT
 */
#include "http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
    }
}

const char *http_param(struct http_request *req, const char *name)
{
    return FCGX_GetParam(name, req->fcgx->envp);
}

void http_request_init(struct http_request *req, FCGX_Request *fcgx, const char *id)
{
    memset(req, 0, sizeof(*req));
    req->fcgx = fcgx;
    snprintf(req->id, sizeof(req->id), "%s", id);
    clock_gettime(CLOCK_MONOTONIC, &req->started);

    req->method = http_param(req, "REQUEST_METHOD");
    req->path = http_param(req, "DOCUMENT_URI");
    if (req->path == NULL)
        req->path = http_param(req, "SCRIPT_NAME");
    req->query = http_param(req, "QUERY_STRING");
    req->api_key = http_param(req, "HTTP_X_API_KEY");
    req->content_type = http_param(req, "CONTENT_TYPE");
    if (req->method == NULL)
        req->method = "";
    if (req->path == NULL)
        req->path = "/";
    if (req->query == NULL)
        req->query = "";
}

void http_request_free(struct http_request *req)
{
    free(req->body);
    req->body = NULL;
}

int http_read_body(struct http_request *req, size_t limit, struct api_error *err)
{
    const char *length_text = http_param(req, "CONTENT_LENGTH");
    char *end = NULL;
    unsigned long long length = 0;

    if (length_text != NULL && length_text[0] != '\0') {
        errno = 0;
        length = strtoull(length_text, &end, 10);
        if (errno != 0 || *end != '\0')
            return api_error_set(err, 400, NULL, "invalid Content-Length header");
    }
    if (length > limit) {
        return api_error_set(err, 413, NULL,
                             "request body of %llu bytes is over the limit of %zu bytes; "
                             "send a smaller body",
                             length, limit);
    }

    req->body = malloc((size_t)length + 1);
    if (req->body == NULL)
        return api_error_set(err, 500, NULL, "out of memory reading the body");
    int got = length > 0 ? FCGX_GetStr(req->body, (int)length, req->fcgx->in) : 0;
    if (got < 0 || (unsigned long long)got != length)
        return api_error_set(err, 400, NULL, "request body is shorter than Content-Length");
    req->body[length] = '\0';
    req->body_len = (size_t)length;
    return 0;
}

int http_send_headers(struct http_request *req, int status, const char *content_type,
                      const char *extra_headers)
{
    req->status = status;
    if (FCGX_FPrintF(req->fcgx->out,
                     "Status: %d %s\r\nContent-Type: %s\r\nX-Request-Id: %s\r\n"
                     "Cache-Control: no-store\r\n%s\r\n",
                     status, http_reason(status), content_type, req->id,
                     extra_headers ? extra_headers : "") < 0) {
        req->aborted = true;
        return -1;
    }
    return 0;
}

int http_sink_write(void *ctx, const void *data, size_t len)
{
    struct http_request *req = ctx;

    if (req->aborted)
        return -1;
    while (len > 0) {
        int chunk = len > (1u << 30) ? (1 << 30) : (int)len;
        if (FCGX_PutStr(data, chunk, req->fcgx->out) != chunk) {
            req->aborted = true;
            return -1;
        }
        req->bytes += (uint64_t)chunk;
        data = (const char *)data + chunk;
        len -= (size_t)chunk;
    }
    return 0;
}

struct sink http_sink(struct http_request *req)
{
    struct sink out = {http_sink_write, req};
    return out;
}

void http_send_json(struct http_request *req, int status, json_t *value)
{
    char *text = json_dumps(value, JSON_COMPACT);
    json_decref(value);
    if (text == NULL) {
        static const char fallback[] = "{\"code\":500,\"message\":\"out of memory\"}";
        if (http_send_headers(req, 500, "application/json", "") == 0)
            http_sink_write(req, fallback, sizeof(fallback) - 1);
        return;
    }
    if (http_send_headers(req, status, "application/json", "") == 0)
        http_sink_write(req, text, strlen(text));
    free(text);
}

void http_send_error(struct http_request *req, const struct api_error *err)
{
    json_t *body = json_pack("{s:i, s:s}", "code", err->status, "message", err->message);

    if (body != NULL && err->field[0] != '\0')
        json_object_set_new(body, "field", json_string(err->field));
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);

    const char *extra = "";
    if (err->status == 503)
        extra = "Retry-After: 1\r\n";
    else if (err->status == 401)
        extra = "WWW-Authenticate: ApiKey header=\"X-Api-Key\"\r\n";
    if (http_send_headers(req, err->status, "application/json", extra) == 0 && text != NULL)
        http_sink_write(req, text, strlen(text));
    free(text);
}

void http_send_method_not_allowed(struct http_request *req, const char *allowed)
{
    char extra[96];
    char message[160];

    snprintf(extra, sizeof(extra), "Allow: %s\r\n", allowed);
    snprintf(message, sizeof(message), "method not allowed on this path; use %s", allowed);
    json_t *body = json_pack("{s:i, s:s}", "code", 405, "message", message);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (http_send_headers(req, 405, "application/json", extra) == 0 && text != NULL)
        http_sink_write(req, text, strlen(text));
    free(text);
}

void http_abort(struct http_request *req)
{
    /* A FastCGI record header with protocol version 0. nginx treats a connection that merely
     * closes as the normal end of an unbuffered response and would send the last chunk; a
     * malformed record is an upstream error, so nginx closes the client connection without
     * it and the client sees an incomplete transfer. */
    static const unsigned char invalid_record[8] = {0};
    int fd = req->fcgx->ipcFd;

    req->aborted = true;
    if (fd < 0)
        return;
    if (req->status != 0) {
        FCGX_FFlush(req->fcgx->out);
        ssize_t ignored = send(fd, invalid_record, sizeof(invalid_record), MSG_NOSIGNAL);
        (void)ignored;
    }
    shutdown(fd, SHUT_RDWR);
}

void http_content_disposition(const char *filename, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    char ascii[256];
    char encoded[768];
    size_t a = 0;
    size_t e = 0;

    for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
        int safe = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                   (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.';
        if (a + 1 < sizeof(ascii))
            ascii[a++] = safe ? (char)*p : '_';
        if (safe && e + 1 < sizeof(encoded)) {
            encoded[e++] = (char)*p;
        } else if (!safe && e + 3 < sizeof(encoded)) {
            encoded[e++] = '%';
            encoded[e++] = hex[*p >> 4];
            encoded[e++] = hex[*p & 15];
        }
    }
    ascii[a] = '\0';
    encoded[e] = '\0';
    snprintf(out, size, "Content-Disposition: attachment; filename=\"%s\"; filename*=UTF-8''%s\r\n",
             ascii, encoded);
}
