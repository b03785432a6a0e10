/* csv_writer.c - buffered CSV output: quoting, formula neutralisation, one sink call per 64 KiB.
 * SPDX-License-Identifier: MIT
 */
#include "csv_writer.h"

#include <stdlib.h>
#include <string.h>

struct csv_writer {
    struct sink *out;
    char delimiter;
    bool quote_all;
    bool failed;
    bool row_started; /* a field was written since the last row end */
    size_t len;       /* bytes waiting in buf */
    char buf[CSV_WRITER_BUFFER_SIZE];
};

struct csv_writer *csv_writer_new(struct sink *out, char delimiter, bool quote_all)
{
    struct csv_writer *w = malloc(sizeof *w);

    if (w == NULL)
        return NULL;
    w->out = out;
    w->delimiter = delimiter;
    w->quote_all = quote_all;
    w->failed = false;
    w->row_started = false;
    w->len = 0;
    return w;
}

int csv_writer_flush(struct csv_writer *w)
{
    if (w->failed)
        return -1;
    if (w->len > 0 && w->out->write(w->out->ctx, w->buf, w->len) != 0) {
        w->failed = true;
        return -1;
    }
    w->len = 0;
    return 0;
}

/* Appends bytes, flushing whenever the buffer fills; a text larger than the buffer passes
 * through it in buffer-sized pieces. */
static int append(struct csv_writer *w, const char *data, size_t len)
{
    while (len > 0) {
        size_t room = sizeof w->buf - w->len;
        size_t piece = len < room ? len : room;

        memcpy(w->buf + w->len, data, piece);
        w->len += piece;
        data += piece;
        len -= piece;
        if (w->len == sizeof w->buf && csv_writer_flush(w) != 0)
            return -1;
    }
    return 0;
}

static int append_char(struct csv_writer *w, char c)
{
    if (w->len == sizeof w->buf && csv_writer_flush(w) != 0)
        return -1;
    w->buf[w->len++] = c;
    return 0;
}

static bool needs_quotes(const struct csv_writer *w, const char *text, size_t len)
{
    if (w->quote_all)
        return true;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == w->delimiter || c == '"' || c == '\r' || c == '\n')
            return true;
    }
    return false;
}

/* Writes the delimiter when needed, the optional prefix and the text, quoted as the writer's
 * rules ask, with quotes doubled. */
static int write_field(struct csv_writer *w, const char *text, size_t len, bool neutralise)
{
    bool quoted = needs_quotes(w, text, len);

    if (w->failed)
        return -1;
    if (w->row_started && append_char(w, w->delimiter) != 0)
        return -1;
    w->row_started = true;
    if (quoted && append_char(w, '"') != 0)
        return -1;
    if (neutralise && append_char(w, '\'') != 0)
        return -1;
    if (!quoted)
        return append(w, text, len);

    while (len > 0) {
        const char *quote = memchr(text, '"', len);
        size_t span = quote == NULL ? len : (size_t)(quote - text) + 1;

        /* The span ends with the quote itself, so writing one more quote doubles it. */
        if (append(w, text, span) != 0)
            return -1;
        if (quote != NULL && append_char(w, '"') != 0)
            return -1;
        text += span;
        len -= span;
    }
    return append_char(w, '"');
}

static bool starts_like_formula(const char *text, size_t len)
{
    if (len == 0)
        return false;
    switch (text[0]) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
        return true;
    default:
        return false;
    }
}

int csv_writer_field(struct csv_writer *w, const char *text, size_t len)
{
    if (text == NULL)
        len = 0;
    return write_field(w, text, len, starts_like_formula(text, len));
}

int csv_writer_number(struct csv_writer *w, const char *text)
{
    return write_field(w, text, text == NULL ? 0 : strlen(text), false);
}

int csv_writer_end_row(struct csv_writer *w)
{
    if (w->failed)
        return -1;
    w->row_started = false;
    return append(w, "\r\n", 2);
}

int csv_writer_write_bom(struct csv_writer *w)
{
    if (w->failed)
        return -1;
    return append(w, "\xEF\xBB\xBF", 3);
}

bool csv_writer_failed(const struct csv_writer *w)
{
    return w->failed;
}

void csv_writer_free(struct csv_writer *w)
{
    free(w);
}
