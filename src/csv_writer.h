/* csv_writer.h - buffered RFC 4180 CSV output over a sink, with formula neutralisation.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_CSV_WRITER_H
#define REPORTD_CSV_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "sink.h"

/* Bytes the writer collects before it calls the sink. */
#define CSV_WRITER_BUFFER_SIZE 65536

struct csv_writer;

/* Creates a writer that sends its output to out (borrowed: it must outlive the writer).
 * delimiter separates fields; quote_all quotes every field, as Clockify does, otherwise only
 * fields that contain the delimiter, a quote, CR or LF are quoted. Rows end with CRLF.
 * Returns NULL when memory runs out. */
struct csv_writer *csv_writer_new(struct sink *out, char delimiter, bool quote_all);

/* Appends a text field of len bytes (text may be NULL when len is 0). A text that starts with
 * '=', '+', '-', '@', a tab or CR gets a leading "'" so that spreadsheets do not run it as a
 * formula. Quotes inside are doubled. Returns 0, or -1 once the sink has failed. */
int csv_writer_field(struct csv_writer *w, const char *text, size_t len);

/* Appends a number field (a NUL-terminated text such as "-12.50"), never neutralised.
 * Returns 0, or -1 once the sink has failed. */
int csv_writer_number(struct csv_writer *w, const char *text);

/* Ends the current row with CRLF. Returns 0, or -1 once the sink has failed. */
int csv_writer_end_row(struct csv_writer *w);

/* Appends the UTF-8 byte order mark; call it before the first field. Returns 0 or -1. */
int csv_writer_write_bom(struct csv_writer *w);

/* Sends the buffered bytes to the sink. Returns 0, or -1 when the sink failed now or before. */
int csv_writer_flush(struct csv_writer *w);

/* True once the sink has failed; every later call then returns -1 without writing. */
bool csv_writer_failed(const struct csv_writer *w);

/* Frees the writer without flushing (NULL is fine): call csv_writer_flush first. */
void csv_writer_free(struct csv_writer *w);

#endif
