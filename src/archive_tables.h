/* archive_tables.h - the lossless per-table CSV files of a workspace archive (data/NAME.csv):
 * which rows each holds, how they are written, and a parser that reads them back.
 * SPDX-License-Identifier: MIT
 *
 * File format (version 1 of the archive):
 * - UTF-8, comma separated, every row ends with CRLF, the first row names the columns;
 * - a field is written bare unless it contains a comma, a quote, CR or LF, is empty, or reads
 *   \N; then it is quoted and inner quotes are doubled. So `""` is the empty text;
 * - a bare `\N` is SQL NULL, and only that: the text "\N" is always quoted;
 * - instants are UTC as `YYYY-MM-DD HH:MM:SS`; numbers are decimal; binary columns
 *   (time_entries.import_key) are lower-case hex; enums are their names;
 * - nothing is neutralised for spreadsheets (no leading '): the files are data, not reports.
 * Rows are ordered by the table's id (or by its key columns for link tables).
 */
#ifndef REPORTD_ARCHIVE_TABLES_H
#define REPORTD_ARCHIVE_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "sink.h"

/* What restore does with a column's value. */
enum archive_column_kind {
    ARCHIVE_COLUMN_TEXT,     /* copied as it is */
    ARCHIVE_COLUMN_HEX,      /* binary, hex in the file */
    ARCHIVE_COLUMN_OWN_ID,   /* the row's own id: restore gives it a new one */
    ARCHIVE_COLUMN_REF,      /* an id of another table: restore maps it */
    ARCHIVE_COLUMN_TAG_LIST, /* "3,5,9": tag ids, mapped one by one */
};

/* Tables whose ids restore maps. */
enum archive_ref {
    ARCHIVE_REF_NONE,
    ARCHIVE_REF_WORKSPACE,
    ARCHIVE_REF_USER,
    ARCHIVE_REF_GROUP,
    ARCHIVE_REF_CLIENT,
    ARCHIVE_REF_PROJECT,
    ARCHIVE_REF_TASK,
    ARCHIVE_REF_TAG,
    ARCHIVE_REF_ENTRY,
    ARCHIVE_REF__MAX,
};

struct archive_column {
    const char *name;
    enum archive_column_kind kind;
    enum archive_ref ref; /* for OWN_ID and REF */
};

#define ARCHIVE_COLUMNS_MAX 20

struct archive_table {
    const char *name; /* SQL table */
    const char *file; /* "data/<name>.csv" */
    const struct archive_column *columns;
    size_t column_count;
    const char *select;           /* SELECT list and FROM, every column as text */
    const char *where_all;        /* rest of the query for an OWNER or ADMIN archive */
    const char *params_all;       /* placeholders in order: 'w' workspace id, 'u' user id */
    const char *where_member;     /* rest of the query for a MEMBER archive */
    const char *params_member;
};

#define ARCHIVE_TABLE_COUNT 12

/* The tables in the order restore loads them (parents before children). */
extern const struct archive_table archive_tables[ARCHIVE_TABLE_COUNT];

/* Maximum field length that restore accepts, in bytes: a MEDIUMTEXT description. */
#define ARCHIVE_FIELD_MAX (16u * 1024u * 1024u)

/* Writes table's CSV (header, then one row per database row) for workspace_id to out, reading
 * the rows with an unbuffered prepared statement inside whatever transaction db is in.
 * member_user_id is 0 for a full archive, else the MEMBER whose rows alone are written.
 * Returns 0 with *rows set; -1 with *out_failed true when the sink failed (the connection is
 * then dropped with db_abandon so that the server stops the query), or false with db->error
 * set when the database failed. */
int archive_table_dump(struct db *db, const struct archive_table *table, uint64_t workspace_id,
                       uint64_t member_user_id, struct sink *out, uint64_t *rows,
                       bool *out_failed);

/* One parsed row: count fields; nulls[i] says field i is \N. The arrays and texts (each
 * NUL-terminated) are valid during the callback only. */
struct archive_csv_row {
    size_t count;
    char **fields;
    size_t *lengths;
    bool *nulls;
    uint64_t line; /* 1-based line where the row starts */
};

/* Called per row; returns 0 to go on or -1 to stop (with its own message in the reader's
 * error, see archive_csv_reader_error). */
typedef int (*archive_csv_row_fn)(void *ctx, const struct archive_csv_row *row);

struct archive_csv_reader;

/* Creates a parser for the format above that calls on_row for every row, the header too.
 * Returns NULL when memory runs out. */
struct archive_csv_reader *archive_csv_reader_new(archive_csv_row_fn on_row, void *ctx);

/* Feeds len bytes. Returns 0, or -1 on malformed input, a field over ARCHIVE_FIELD_MAX, memory
 * or a callback that failed; archive_csv_reader_error then says what went wrong and where. */
int archive_csv_reader_feed(struct archive_csv_reader *r, const char *data, size_t len);

/* Ends the input: a file must end with CRLF after its last row. Returns 0 or -1. */
int archive_csv_reader_finish(struct archive_csv_reader *r);

/* Message of the last failure (writable, so callbacks can fill it). */
char *archive_csv_reader_error(struct archive_csv_reader *r, size_t *size);

void archive_csv_reader_free(struct archive_csv_reader *r);

#endif
