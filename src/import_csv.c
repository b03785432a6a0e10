/* import_csv.c - CSV tokenizer for imported exports: one record at a time, with line numbers.
 * SPDX-License-Identifier: MIT
 */
#include "import_csv.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char csv_detect_delimiter(const char *data, size_t len)
{
    size_t commas = 0;
    size_t semicolons = 0;
    size_t tabs = 0;
    bool quoted = false;

    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted)
            continue;
        if (c == '\n')
            break;
        if (c == ',')
            commas++;
        else if (c == ';')
            semicolons++;
        else if (c == '\t')
            tabs++;
    }
    if (semicolons > commas && semicolons >= tabs)
        return ';';
    if (tabs > commas && tabs > semicolons)
        return '\t';
    return ',';
}

void csv_reader_init(struct csv_reader *reader, const char *data, size_t len)
{
    memset(reader, 0, sizeof(*reader));
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    reader->data = data;
    reader->len = len;
    reader->line = 1;
    reader->delimiter = csv_detect_delimiter(data, len);
}

void csv_reader_free(struct csv_reader *reader)
{
    free(reader->fields);
    free(reader->lengths);
    free(reader->buf);
    reader->fields = NULL;
    reader->lengths = NULL;
    reader->buf = NULL;
}

static int csv_put_byte(struct csv_reader *reader, char c)
{
    if (reader->buf_len == reader->buf_cap) {
        size_t cap = reader->buf_cap ? reader->buf_cap * 2 : 1024;
        char *buf = realloc(reader->buf, cap);
        if (buf == NULL)
            return -1;
        reader->buf = buf;
        reader->buf_cap = cap;
    }
    reader->buf[reader->buf_len++] = c;
    return 0;
}

/* Ends the field being written: stores its length and a terminating NUL. */
static int csv_end_field(struct csv_reader *reader, size_t field_start)
{
    if (reader->count == reader->field_cap) {
        size_t cap = reader->field_cap ? reader->field_cap * 2 : 32;
        size_t *lengths = realloc(reader->lengths, cap * sizeof(*lengths));
        if (lengths == NULL)
            return -1;
        reader->lengths = lengths;
        char **fields = realloc(reader->fields, cap * sizeof(*fields));
        if (fields == NULL)
            return -1;
        reader->fields = fields;
        reader->field_cap = cap;
    }
    reader->lengths[reader->count++] = reader->buf_len - field_start;
    return csv_put_byte(reader, '\0');
}

/* Points fields[] into buf once the record is complete, because buf may move while it grows. */
static void csv_link_fields(struct csv_reader *reader)
{
    size_t offset = 0;
    for (size_t i = 0; i < reader->count; i++) {
        reader->fields[i] = reader->buf + offset;
        offset += reader->lengths[i] + 1;
    }
}

/* Consumes a line break at pos (LF, CRLF or a lone CR); returns true when there was one. */
static bool csv_take_line_break(struct csv_reader *reader)
{
    const char *p = reader->data;
    if (reader->pos >= reader->len)
        return false;
    if (p[reader->pos] == '\n') {
        reader->pos++;
        reader->line++;
        return true;
    }
    if (p[reader->pos] == '\r') {
        reader->pos++;
        if (reader->pos < reader->len && p[reader->pos] == '\n')
            reader->pos++;
        reader->line++;
        return true;
    }
    return false;
}

/* Reads a quoted field whose opening quote is at pos; stops before the delimiter or line end. */
static int csv_read_quoted(struct csv_reader *reader)
{
    const char *p = reader->data;
    long start_line = reader->line;

    reader->pos++;
    for (;;) {
        if (reader->pos >= reader->len) {
            snprintf(reader->error, sizeof(reader->error),
                     "quoted field opened on line %ld is not closed", start_line);
            return -1;
        }
        char c = p[reader->pos];
        if (c == '"') {
            if (reader->pos + 1 < reader->len && p[reader->pos + 1] == '"') {
                if (csv_put_byte(reader, '"') != 0)
                    return -1;
                reader->pos += 2;
                continue;
            }
            reader->pos++;
            break;
        }
        if (c == '\n')
            reader->line++;
        else if (c == '\r' && !(reader->pos + 1 < reader->len && p[reader->pos + 1] == '\n'))
            reader->line++;
        if (csv_put_byte(reader, c) != 0)
            return -1;
        reader->pos++;
    }
    /* Bytes after the closing quote (`"a"b`) are malformed but kept rather than lost. */
    while (reader->pos < reader->len) {
        char c = p[reader->pos];
        if (c == reader->delimiter || c == '\n' || c == '\r')
            break;
        if (csv_put_byte(reader, c) != 0)
            return -1;
        reader->pos++;
    }
    return 0;
}

static int csv_read_plain(struct csv_reader *reader)
{
    const char *p = reader->data;
    while (reader->pos < reader->len) {
        char c = p[reader->pos];
        if (c == reader->delimiter || c == '\n' || c == '\r')
            break;
        if (csv_put_byte(reader, c) != 0)
            return -1;
        reader->pos++;
    }
    return 0;
}

int csv_reader_next(struct csv_reader *reader)
{
    reader->count = 0;
    reader->buf_len = 0;
    reader->error[0] = '\0';

    /* Empty lines between records carry no data. */
    while (csv_take_line_break(reader))
        ;
    if (reader->pos >= reader->len)
        return 0;

    reader->record_line = reader->line;
    for (;;) {
        size_t field_start = reader->buf_len;
        int rc;
        if (reader->data[reader->pos] == '"')
            rc = csv_read_quoted(reader);
        else
            rc = csv_read_plain(reader);
        if (rc == 0)
            rc = csv_end_field(reader, field_start);
        if (rc != 0) {
            if (reader->error[0] == '\0')
                snprintf(reader->error, sizeof(reader->error), "out of memory");
            return -1;
        }
        if (reader->pos < reader->len && reader->data[reader->pos] == reader->delimiter) {
            reader->pos++;
            /* A delimiter at the very end still opens one more (empty) field. */
            if (reader->pos >= reader->len) {
                if (csv_end_field(reader, reader->buf_len) != 0) {
                    snprintf(reader->error, sizeof(reader->error), "out of memory");
                    return -1;
                }
                break;
            }
            continue;
        }
        csv_take_line_break(reader);
        break;
    }
    csv_link_fields(reader);
    return 1;
}
