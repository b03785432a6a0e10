/* report_json.c - writes the detailed report page as JSON, field names as in Clockify's API.
 * SPDX-License-Identifier: MIT
 */
#include "report_json.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report_detailed.h"

/* Output is collected in a buffer and handed to the sink in large writes. */
struct json_out {
    struct sink *sink;
    char buf[16384];
    size_t len;
    bool failed;
};

static void out_flush(struct json_out *o)
{
    if (!o->failed && o->len > 0 && o->sink->write(o->sink->ctx, o->buf, o->len) != 0)
        o->failed = true;
    o->len = 0;
}

static void out_bytes(struct json_out *o, const char *data, size_t len)
{
    while (len > 0 && !o->failed) {
        if (o->len == sizeof(o->buf))
            out_flush(o);
        size_t room = sizeof(o->buf) - o->len;
        size_t chunk = len < room ? len : room;
        memcpy(o->buf + o->len, data, chunk);
        o->len += chunk;
        data += chunk;
        len -= chunk;
    }
}

static void out_text(struct json_out *o, const char *text)
{
    out_bytes(o, text, strlen(text));
}

static void out_format(struct json_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void out_format(struct json_out *o, const char *fmt, ...)
{
    char small[128];
    va_list args;

    va_start(args, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, args);
    va_end(args);
    if (n < 0 || (size_t)n >= sizeof(small)) {
        o->failed = true;
        return;
    }
    out_bytes(o, small, (size_t)n);
}

/* Writes a JSON string. The text is valid UTF-8 (the database stores utf8mb4), so only quotes,
 * backslashes and control bytes need escapes. */
static void out_string(struct json_out *o, const char *text, size_t len)
{
    size_t start = 0;

    out_bytes(o, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char byte = (unsigned char)text[i];
        if (byte >= 0x20 && byte != '"' && byte != '\\')
            continue;
        out_bytes(o, text + start, i - start);
        start = i + 1;
        switch (byte) {
        case '"':
            out_bytes(o, "\\\"", 2);
            break;
        case '\\':
            out_bytes(o, "\\\\", 2);
            break;
        case '\n':
            out_bytes(o, "\\n", 2);
            break;
        case '\r':
            out_bytes(o, "\\r", 2);
            break;
        case '\t':
            out_bytes(o, "\\t", 2);
            break;
        default:
            out_format(o, "\\u%04x", byte);
            break;
        }
    }
    out_bytes(o, text + start, len - start);
    out_bytes(o, "\"", 1);
}

static void out_cstring(struct json_out *o, const char *text)
{
    out_string(o, text, strlen(text));
}

/* An id as a JSON string, or null when the entry has none. */
static void out_id(struct json_out *o, uint64_t id)
{
    if (id == 0)
        out_text(o, "null");
    else
        out_format(o, "\"%" PRIu64 "\"", id);
}

/* "2026-01-31T23:59:59+01:00" */
static void out_local_time(struct json_out *o, const struct tz_local *local)
{
    int offset = local->offset;
    char sign = offset < 0 ? '-' : '+';

    if (offset < 0)
        offset = -offset;
    out_format(o, "\"%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d\"", local->year, local->month,
               local->day, local->hour, local->minute, local->second, sign, offset / 3600,
               offset / 60 % 60);
}

static int64_t shown_amount(enum amount_kind kind, int64_t earned, int64_t cost, int64_t profit)
{
    switch (kind) {
    case AMOUNT_COST:
        return cost;
    case AMOUNT_PROFIT:
        return profit;
    case AMOUNT_HIDE:
        return 0;
    case AMOUNT_EARNED:
    default:
        return earned;
    }
}

static void out_amounts(struct json_out *o, enum amount_kind kind, const struct report_totals *t)
{
    out_text(o, "\"amounts\":[");
    if (kind == AMOUNT_EARNED || kind == AMOUNT_PROFIT)
        out_format(o, "{\"type\":\"EARNED\",\"value\":%" PRId64 "}", t->earned);
    if (kind == AMOUNT_PROFIT)
        out_text(o, ",");
    if (kind == AMOUNT_COST || kind == AMOUNT_PROFIT)
        out_format(o, "{\"type\":\"COST\",\"value\":%" PRId64 "}", t->cost);
    if (kind == AMOUNT_PROFIT)
        out_format(o, ",{\"type\":\"PROFIT\",\"value\":%" PRId64 "}", t->profit);
    out_text(o, "]");
}

static void out_totals(struct json_out *o, const struct report_request *r,
                       const struct report_totals *t)
{
    out_text(o, "\"totals\":[");
    if (t != NULL) {
        out_format(o,
                   "{\"_id\":\"\",\"totalTime\":%" PRId64 ",\"totalBillableTime\":%" PRId64
                   ",\"entriesCount\":%" PRIu64 ",",
                   t->total_time, t->billable_time, t->entries);
        out_format(o, "\"totalAmount\":%" PRId64 ",",
                   shown_amount(r->amounts, t->earned, t->cost, t->profit));
        out_amounts(o, r->amounts, t);
        out_text(o, "}");
    }
    out_text(o, "],");
}

static void out_entry(struct json_out *o, const struct report_request *r,
                      const struct report_row *row)
{
    out_text(o, "{\"_id\":");
    out_id(o, row->id);
    out_text(o, ",\"description\":");
    out_string(o, row->description, row->description_len);
    out_text(o, ",\"userId\":");
    out_id(o, row->user_id);
    out_text(o, ",\"userName\":");
    out_cstring(o, row->user_name);
    out_text(o, ",\"userEmail\":");
    out_cstring(o, row->user_email);
    out_text(o, row->billable ? ",\"billable\":true" : ",\"billable\":false");
    out_text(o, ",\"projectId\":");
    out_id(o, row->project_id);
    out_text(o, ",\"projectName\":");
    out_cstring(o, row->project_name);
    out_text(o, ",\"projectColor\":");
    out_cstring(o, row->project_color);
    out_text(o, ",\"clientId\":");
    out_id(o, row->client_id);
    out_text(o, ",\"clientName\":");
    out_cstring(o, row->client_name);
    out_text(o, ",\"taskId\":");
    out_id(o, row->task_id);
    out_text(o, ",\"taskName\":");
    out_cstring(o, row->task_name);

    out_text(o, ",\"tags\":[");
    for (size_t i = 0; i < row->tag_count; i++) {
        out_text(o, i ? ",{\"_id\":" : "{\"_id\":");
        out_id(o, row->tag_ids[i]);
        out_text(o, ",\"name\":");
        out_cstring(o, row->tag_names[i]);
        out_text(o, "}");
    }

    out_text(o, "],\"timeInterval\":{\"start\":");
    out_local_time(o, &row->start_local);
    out_text(o, ",\"end\":");
    out_local_time(o, &row->end_local);
    out_format(o, ",\"duration\":%" PRId64 "}", row->duration);

    /* rate is the rate behind the amount shown: the cost rate for COST, else the hourly rate. */
    int64_t rate = r->amounts == AMOUNT_COST ? row->cost_rate
                   : r->amounts == AMOUNT_HIDE ? 0
                                               : row->hourly_rate;
    out_format(o, ",\"rate\":%" PRId64 ",\"amount\":%" PRId64, rate,
               shown_amount(r->amounts, row->earned, row->cost, row->profit));
    out_text(o, row->approved ? ",\"isLocked\":true" : ",\"isLocked\":false");
    out_text(o, ",\"approvalRequestId\":null,\"customFields\":[]}");
}

int report_json_detailed(struct db *db, const struct report_request *r, struct sink *out,
                         struct api_error *err)
{
    struct report_cursor *cursor = NULL;
    struct json_out o;
    const struct report_row *row;
    int result = -1;

    o.sink = out;
    o.len = 0;
    o.failed = false;
    if (report_detailed_open(db, r, &cursor, err) != 0)
        goto out;

    out_text(&o, "{");
    out_totals(&o, r, report_cursor_totals(cursor));
    out_text(&o, "\"timeentries\":[");
    size_t count = 0;
    int next = report_cursor_next(cursor, &row);
    while (next == 1 && !o.failed) {
        if (count++ > 0)
            out_text(&o, ",");
        out_entry(&o, r, row);
        next = report_cursor_next(cursor, &row);
    }
    if (next < 0) {
        api_error_set(err, db->conn == NULL ? 503 : 500, NULL,
                      "internal error while reading the report entries");
        goto out;
    }
    out_text(&o, "]}");
    out_flush(&o);
    if (o.failed) {
        api_error_set(err, 500, NULL, "internal error while writing the report");
        goto out;
    }
    result = 0;
out:
    report_cursor_close(cursor);
    return result;
}
