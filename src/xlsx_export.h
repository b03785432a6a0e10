/* xlsx_export.h - report tables as XLSX workbooks through libxlsxwriter, in constant memory.
 * SPDX-License-Identifier: MIT
 *
 * Usage: xlsx_export_new, xlsx_export_set_columns (once), then per row xlsx_export_begin_row and
 * one typed call per cell, then xlsx_export_close and xlsx_export_free. Rows and cells must come
 * in order (left to right, top to bottom) because constant-memory mode writes each row out when
 * the next one starts. Any failure is kept: later calls return -1 at once and
 * xlsx_export_close reports the first error.
 */
#ifndef REPORTD_XLSX_EXPORT_H
#define REPORTD_XLSX_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "report_row.h"

/* Data rows per worksheet: Excel's 1,048,576 rows minus the header. */
#define XLSX_EXPORT_MAX_ROWS 1048575u

/* Maximum text cell in UTF-16 code units (Excel's limit). Longer texts are cut. */
#define XLSX_EXPORT_MAX_TEXT_UNITS 32767u

/* Most columns set_columns accepts (Excel's limit). */
#define XLSX_EXPORT_MAX_COLUMNS 16384u

/* What a column holds; it sets the column's number format and width. */
enum xlsx_cell_type {
    XLSX_CELL_TEXT,
    XLSX_CELL_NUMBER,   /* a double shown with two decimals */
    XLSX_CELL_MONEY,    /* cents shown as units with two decimals */
    XLSX_CELL_DATE,     /* a day number (days since 1970-01-01) shown in the dateFormat */
    XLSX_CELL_TIME,     /* seconds of the day shown as hh:mm:ss or hh:mm:ss AM/PM */
    XLSX_CELL_DURATION, /* seconds shown as [h]:mm:ss */
    XLSX_CELL_INTEGER,
};

struct xlsx_export;

/* Starts a workbook that xlsx_export_close writes to path. tmpdir (an existing folder) holds
 * libxlsxwriter's temporary files; fmt (copied) chooses the date and time formats. Both strings
 * are copied. Returns NULL and a message in err (err_size bytes) on failure. */
struct xlsx_export *xlsx_export_new(const char *path, const char *tmpdir,
                                    const struct format_options *fmt, char *err,
                                    size_t err_size);

/* Lowers the number of data rows per worksheet (1..XLSX_EXPORT_MAX_ROWS; other values are
 * clamped), so that tests can reach the sheet split. Call it before the first row. */
void xlsx_export_set_max_rows(struct xlsx_export *x, uint32_t max_rows);

/* Declares the columns (headers and types are copied; count 1..XLSX_EXPORT_MAX_COLUMNS) and
 * writes the header row: bold, frozen, with an autofilter over the columns. Call it once,
 * before the first row. Returns 0 or -1. */
int xlsx_export_set_columns(struct xlsx_export *x, const char *const *headers,
                            const enum xlsx_cell_type *types, size_t count);

/* Starts the next data row. After the worksheet's row limit the rows go on in a new worksheet
 * ("Report 2", "Report 3", ...) that repeats the header. Returns 0 or -1. */
int xlsx_export_begin_row(struct xlsx_export *x);

/* Sets the outline level (0..7) of the current row, for nested summary groups. Returns 0 or
 * -1. */
int xlsx_export_set_row_level(struct xlsx_export *x, int level);

/* Cell writers for column col (0-based) of the current row. Each returns 0, or -1 when col is
 * out of range or libxlsxwriter failed. */

/* Writes len bytes of UTF-8, cut to XLSX_EXPORT_MAX_TEXT_UNITS on a character boundary. An
 * empty text leaves the cell empty. */
int xlsx_export_text(struct xlsx_export *x, size_t col, const char *text, size_t len);
int xlsx_export_number(struct xlsx_export *x, size_t col, double value);
int xlsx_export_integer(struct xlsx_export *x, size_t col, int64_t value);
int xlsx_export_money(struct xlsx_export *x, size_t col, int64_t cents);
/* days: days since 1970-01-01. */
int xlsx_export_date(struct xlsx_export *x, size_t col, int64_t days);
/* seconds_of_day: 0..86399. */
int xlsx_export_time(struct xlsx_export *x, size_t col, int seconds_of_day);
int xlsx_export_duration(struct xlsx_export *x, size_t col, int64_t seconds);

/* Declares the detailed report's columns, the same as the detailed CSV's (currency NULL means
 * "USD"), and writes the header. Returns 0 or -1. */
int xlsx_export_detailed_columns(struct xlsx_export *x, enum amount_kind amounts,
                                 const char *currency);

/* Writes one entry (borrowed, read only during the call) as a row of the detailed columns.
 * Returns 0 or -1. */
int xlsx_export_detailed_row(struct xlsx_export *x, const struct report_row *row);

/* Writes the workbook to path. On failure it returns -1 with a message in err and deletes the
 * partial file, so that nothing half-written stays under path. Call it at most once. */
int xlsx_export_close(struct xlsx_export *x, char *err, size_t err_size);

/* Frees the export (NULL is fine). Without a successful close no file is written. */
void xlsx_export_free(struct xlsx_export *x);

/* Returns how many of the len bytes of UTF-8 text fit in max_units UTF-16 code units without
 * splitting a character (a code point above U+FFFF counts two units). A truncated sequence at
 * the end is dropped. */
size_t xlsx_export_cut_utf16(const char *text, size_t len, size_t max_units);

#endif
