/* import_csv.h - CSV tokenizer for the exports of time trackers: `,`, `;` or tab, optional BOM,
 * CRLF or LF, quoted fields that span lines, records of any length.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_IMPORT_CSV_H
#define REPORTD_IMPORT_CSV_H

#include <stddef.h>

/* A reader over a buffer that stays owned by the caller and must outlive the reader. */
struct csv_reader {
    const char *data;
    size_t len;
    size_t pos;
    char delimiter;
    long line;              /* line number (1-based) at pos */
    long record_line;       /* line where the current record starts */
    char **fields;          /* current record: NUL-terminated fields, valid until the next call */
    size_t *lengths;        /* byte length of each field (fields may contain NUL-free CR/LF) */
    size_t count;           /* fields in the current record */
    size_t field_cap;
    char *buf;              /* bytes of the current record's fields */
    size_t buf_len;
    size_t buf_cap;
    char error[160];        /* set when csv_reader_next returns -1 */
};

/* Returns the delimiter of a header line: whichever of `,`, `;` and tab occurs most often
 * outside quotes in the first line of data (`,` when none occurs). */
char csv_detect_delimiter(const char *data, size_t len);

/* Starts reading data (len bytes): skips a UTF-8 BOM and detects the delimiter. */
void csv_reader_init(struct csv_reader *reader, const char *data, size_t len);

/* Reads the next record, skipping empty lines. Returns 1 with fields set, 0 at the end of the
 * data, -1 with reader->error set (an unterminated quoted field, or out of memory). A quoted
 * field keeps its inner line breaks byte for byte, and `""` inside quotes is one quote. Bytes
 * after a closing quote up to the delimiter are kept as they are. */
int csv_reader_next(struct csv_reader *reader);

/* Frees the record buffers; the data buffer is the caller's. */
void csv_reader_free(struct csv_reader *reader);

#endif
