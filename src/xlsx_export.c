/* xlsx_export.c - typed report tables in XLSX through libxlsxwriter's constant-memory mode.
 * SPDX-License-Identifier: MIT
 */
#include "xlsx_export.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

/* Excel's serial day number of 1970-01-01 (day 0 is 1899-12-30 in the 1900 date system). */
#define EXCEL_DAY_1970 25569.0
#define SECONDS_PER_DAY 86400.0
#define SHEET_NAME "Report"

/* Worksheets whose temporary files are tracked; a million-row sheet each, so 64 covers
 * 67 million rows. */
#define XLSX_TRACKED_SHEETS 64

struct xlsx_export {
    lxw_workbook *workbook;
    lxw_worksheet *sheet;
    char *path;
    char *tmpdir;
    struct format_options fmt;

    lxw_format *header_format;
    lxw_format *type_formats[XLSX_CELL_INTEGER + 1]; /* NULL for TEXT */

    char **headers;
    enum xlsx_cell_type *types;
    size_t column_count;

    uint32_t max_rows;   /* data rows per worksheet */
    uint32_t sheet_rows; /* data rows in the current worksheet */
    lxw_row_t row;       /* current row of the current worksheet; 0 is the header */
    int sheet_count;
    bool row_open;      /* begin_row was called at least once */

    bool detailed;              /* the columns are the detailed report's */
    enum amount_kind amounts;   /* its money columns, when detailed */

    bool failed;
    char error[256];

    /* The temporary file of each worksheet: its descriptor and what /proc/self/fd shows for
     * it, so a failed export can close it (see xlsx_release_sheet_files). */
    struct {
        int fd;
        char target[PATH_MAX];
    } sheet_files[XLSX_TRACKED_SHEETS];
    size_t sheet_file_count;

    char *text;         /* NUL-terminated copy of the current text cell */
    size_t text_cap;
};

/* Keeps the first error; later ones are consequences of it. */
static void fail(struct xlsx_export *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct xlsx_export *x, const char *fmt, ...)
{
    va_list args;

    if (x->failed)
        return;
    x->failed = true;
    va_start(args, fmt);
    vsnprintf(x->error, sizeof x->error, fmt, args);
    va_end(args);
}

static int check(struct xlsx_export *x, lxw_error error, const char *operation)
{
    if (error == LXW_NO_ERROR)
        return 0;
    fail(x, "XLSX: %s failed: %s", operation, lxw_strerror(error));
    return -1;
}

static void copy_error(char *err, size_t err_size, const char *message)
{
    if (err != NULL && err_size > 0)
        snprintf(err, err_size, "%s", message);
}

static char *copy_string(const char *text)
{
    size_t len = strlen(text);
    char *copy = malloc(len + 1);

    if (copy != NULL)
        memcpy(copy, text, len + 1);
    return copy;
}

/* Excel number format of each date format option. */
static const char *excel_date_format(enum date_format date)
{
    switch (date) {
    case DATE_FORMAT_DMY_SLASH:
        return "dd/mm/yyyy";
    case DATE_FORMAT_MDY_SLASH:
        return "mm/dd/yyyy";
    case DATE_FORMAT_DMY_DOT:
        return "dd.mm.yyyy";
    case DATE_FORMAT_DMY_DASH:
        return "dd-mm-yyyy";
    case DATE_FORMAT_MDY_DASH:
        return "mm-dd-yyyy";
    case DATE_FORMAT_YMD:
        break;
    }
    return "yyyy-mm-dd";
}

static lxw_format *add_number_format(struct xlsx_export *x, const char *number_format)
{
    lxw_format *format = workbook_add_format(x->workbook);

    if (format == NULL) {
        fail(x, "XLSX: adding a cell format failed: out of memory");
        return NULL;
    }
    format_set_num_format(format, number_format);
    return format;
}

/* Creates the bold header format and one number format per cell type. */
static int add_formats(struct xlsx_export *x)
{
    x->header_format = workbook_add_format(x->workbook);
    if (x->header_format == NULL) {
        fail(x, "XLSX: adding a cell format failed: out of memory");
        return -1;
    }
    format_set_bold(x->header_format);

    x->type_formats[XLSX_CELL_TEXT] = NULL;
    x->type_formats[XLSX_CELL_NUMBER] = add_number_format(x, "0.00");
    x->type_formats[XLSX_CELL_MONEY] = add_number_format(x, "0.00");
    x->type_formats[XLSX_CELL_DATE] = add_number_format(x, excel_date_format(x->fmt.date));
    x->type_formats[XLSX_CELL_TIME] =
        add_number_format(x, x->fmt.time == TIME_FORMAT_12H ? "hh:mm:ss AM/PM" : "hh:mm:ss");
    x->type_formats[XLSX_CELL_DURATION] = add_number_format(x, "[h]:mm:ss");
    x->type_formats[XLSX_CELL_INTEGER] = add_number_format(x, "0");
    return x->failed ? -1 : 0;
}

struct xlsx_export *xlsx_export_new(const char *path, const char *tmpdir,
                                    const struct format_options *fmt, char *err, size_t err_size)
{
    struct xlsx_export *x = calloc(1, sizeof *x);
    lxw_workbook_options options = {0};

    if (x == NULL) {
        copy_error(err, err_size, "XLSX: out of memory");
        return NULL;
    }
    x->fmt = *fmt;
    x->max_rows = XLSX_EXPORT_MAX_ROWS;
    x->path = copy_string(path);
    x->tmpdir = copy_string(tmpdir);
    if (x->path == NULL || x->tmpdir == NULL) {
        copy_error(err, err_size, "XLSX: out of memory");
        goto out;
    }

    options.constant_memory = LXW_TRUE;
    options.tmpdir = x->tmpdir;
    /* A sheet of a million rows with long texts can pass 4 GiB of XML, which needs ZIP64. */
    options.use_zip64 = LXW_TRUE;
    x->workbook = workbook_new_opt(x->path, &options);
    if (x->workbook == NULL) {
        copy_error(err, err_size, "XLSX: creating the workbook failed: out of memory");
        goto out;
    }
    if (add_formats(x) != 0) {
        copy_error(err, err_size, x->error);
        goto out;
    }
    return x;

out:
    xlsx_export_free(x);
    return NULL;
}

void xlsx_export_set_max_rows(struct xlsx_export *x, uint32_t max_rows)
{
    if (max_rows == 0)
        max_rows = 1;
    if (max_rows > XLSX_EXPORT_MAX_ROWS)
        max_rows = XLSX_EXPORT_MAX_ROWS;
    x->max_rows = max_rows;
}

/* Column width in characters: wide enough for a date, a 12-hour time or a long duration. */
static double column_width(enum xlsx_cell_type type)
{
    switch (type) {
    case XLSX_CELL_TEXT:
        return 24;
    case XLSX_CELL_TIME:
        return 13;
    default:
        return 12;
    }
}

/* Closes the current worksheet's table: an autofilter from the header to the last row. */
static int finish_sheet(struct xlsx_export *x)
{
    lxw_col_t last_col = (lxw_col_t)(x->column_count - 1);

    if (x->sheet == NULL)
        return 0;
    return check(x, worksheet_autofilter(x->sheet, 0, 0, x->row, last_col), "autofilter");
}

/* Adds a worksheet with widths, a frozen bold header row and the column formats. */

/* libxlsxwriter 1.1.4 keeps each constant-memory worksheet's temporary file open when a
 * workbook is freed without a successful workbook_close (lxw_workbook_free, or a failed close).
 * In a long-lived worker that leaks a descriptor and its disk space in tmpdir for every failed
 * export. So the descriptor is recorded when the sheet is made, and closed after such a failure
 * if /proc/self/fd still shows the same (deleted) file there. */
static void xlsx_track_sheet_file(struct xlsx_export *x)
{
    char link[64];

    if (x->sheet == NULL || x->sheet->optimize_tmpfile == NULL ||
        x->sheet_file_count >= XLSX_TRACKED_SHEETS)
        return;
    int fd = fileno(x->sheet->optimize_tmpfile);
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t len = readlink(link, x->sheet_files[x->sheet_file_count].target,
                           sizeof(x->sheet_files[0].target) - 1);
    if (len <= 0)
        return;
    x->sheet_files[x->sheet_file_count].target[len] = '\0';
    x->sheet_files[x->sheet_file_count].fd = fd;
    x->sheet_file_count++;
}

static void xlsx_release_sheet_files(struct xlsx_export *x)
{
    char link[64];
    char target[PATH_MAX];

    for (size_t i = 0; i < x->sheet_file_count; i++) {
        snprintf(link, sizeof(link), "/proc/self/fd/%d", x->sheet_files[i].fd);
        ssize_t len = readlink(link, target, sizeof(target) - 1);
        if (len <= 0)
            continue;
        target[len] = '\0';
        if (strcmp(target, x->sheet_files[i].target) == 0)
            close(x->sheet_files[i].fd);
    }
    x->sheet_file_count = 0;
}

static int start_sheet(struct xlsx_export *x)
{
    char name[32];

    x->sheet_count++;
    if (x->sheet_count == 1)
        snprintf(name, sizeof name, "%s", SHEET_NAME);
    else
        snprintf(name, sizeof name, "%s %d", SHEET_NAME, x->sheet_count);
    x->sheet = workbook_add_worksheet(x->workbook, name);
    if (x->sheet == NULL) {
        /* In constant-memory mode a worksheet needs a temporary file in tmpdir. */
        fail(x, "XLSX: adding worksheet \"%s\" failed: check that %s exists and is writable",
             name, x->tmpdir);
        return -1;
    }
    x->row = 0;
    x->sheet_rows = 0;
    xlsx_track_sheet_file(x);

    for (size_t col = 0; col < x->column_count; col++) {
        enum xlsx_cell_type type = x->types[col];
        lxw_error error = worksheet_set_column(x->sheet, (lxw_col_t)col, (lxw_col_t)col,
                                               column_width(type), x->type_formats[type]);
        if (check(x, error, "setting a column width") != 0)
            return -1;
    }
    worksheet_freeze_panes(x->sheet, 1, 0);
    for (size_t col = 0; col < x->column_count; col++) {
        lxw_error error = worksheet_write_string(x->sheet, 0, (lxw_col_t)col, x->headers[col],
                                                 x->header_format);
        if (check(x, error, "writing a header cell") != 0)
            return -1;
    }
    return 0;
}

int xlsx_export_set_columns(struct xlsx_export *x, const char *const *headers,
                            const enum xlsx_cell_type *types, size_t count)
{
    if (x->failed)
        return -1;
    if (x->column_count > 0 || x->row_open) {
        fail(x, "XLSX: the columns are already set");
        return -1;
    }
    if (count == 0 || count > XLSX_EXPORT_MAX_COLUMNS) {
        fail(x, "XLSX: invalid column count %zu (1 to %u)", count, XLSX_EXPORT_MAX_COLUMNS);
        return -1;
    }
    x->headers = calloc(count, sizeof *x->headers);
    x->types = calloc(count, sizeof *x->types);
    if (x->headers == NULL || x->types == NULL) {
        fail(x, "XLSX: out of memory");
        return -1;
    }
    /* column_count counts the copied headers, so that free releases exactly those. */
    for (size_t col = 0; col < count; col++) {
        if (types[col] > XLSX_CELL_INTEGER) {
            fail(x, "XLSX: invalid type %d of column %zu", (int)types[col], col);
            return -1;
        }
        x->headers[col] = copy_string(headers[col] == NULL ? "" : headers[col]);
        if (x->headers[col] == NULL) {
            fail(x, "XLSX: out of memory");
            return -1;
        }
        x->types[col] = types[col];
        x->column_count = col + 1;
    }
    return start_sheet(x);
}

int xlsx_export_begin_row(struct xlsx_export *x)
{
    if (x->failed)
        return -1;
    if (x->sheet == NULL) {
        fail(x, "XLSX: a row was started before the columns were set");
        return -1;
    }
    if (x->sheet_rows >= x->max_rows && (finish_sheet(x) != 0 || start_sheet(x) != 0))
        return -1;
    x->row++;
    x->sheet_rows++;
    x->row_open = true;
    return 0;
}

int xlsx_export_set_row_level(struct xlsx_export *x, int level)
{
    lxw_row_col_options options = {0};

    if (x->failed)
        return -1;
    if (!x->row_open || level < 0 || level > 7) {
        fail(x, "XLSX: invalid outline level %d (0 to 7, after begin_row)", level);
        return -1;
    }
    options.level = (uint8_t)level;
    return check(x, worksheet_set_row_opt(x->sheet, x->row, LXW_DEF_ROW_HEIGHT, NULL, &options),
                 "setting a row's outline level");
}

/* Checks that a cell can be written in column col of the current row. */
static int cell_ready(struct xlsx_export *x, size_t col)
{
    if (x->failed)
        return -1;
    if (!x->row_open) {
        fail(x, "XLSX: a cell was written before begin_row");
        return -1;
    }
    if (col >= x->column_count) {
        fail(x, "XLSX: column %zu is out of range (%zu columns)", col, x->column_count);
        return -1;
    }
    return 0;
}

static int write_number(struct xlsx_export *x, size_t col, double value, enum xlsx_cell_type type)
{
    if (cell_ready(x, col) != 0)
        return -1;
    return check(x,
                 worksheet_write_number(x->sheet, x->row, (lxw_col_t)col, value,
                                        x->type_formats[type]),
                 "writing a number cell");
}

size_t xlsx_export_cut_utf16(const char *text, size_t len, size_t max_units)
{
    const unsigned char *bytes = (const unsigned char *)text;
    size_t at = 0;
    size_t units = 0;

    while (at < len) {
        unsigned char lead = bytes[at];
        size_t size = 1;
        size_t width = 1;

        if (lead >= 0xF0 && lead <= 0xF7) {
            size = 4;
            width = 2; /* a surrogate pair */
        } else if (lead >= 0xE0) {
            size = lead <= 0xEF ? 3 : 1;
        } else if (lead >= 0xC0) {
            size = 2;
        }
        /* A stray continuation or invalid byte counts as one unit of its own. */
        if (at + size > len || units + width > max_units)
            break;
        at += size;
        units += width;
    }
    return at;
}

int xlsx_export_text(struct xlsx_export *x, size_t col, const char *text, size_t len)
{
    if (cell_ready(x, col) != 0)
        return -1;
    if (text == NULL || len == 0)
        return 0;

    len = xlsx_export_cut_utf16(text, len, XLSX_EXPORT_MAX_TEXT_UNITS);
    if (len + 1 > x->text_cap) {
        char *grown = realloc(x->text, len + 1);
        if (grown == NULL) {
            fail(x, "XLSX: out of memory");
            return -1;
        }
        x->text = grown;
        x->text_cap = len + 1;
    }
    /* libxlsxwriter takes a NUL-terminated string, so a NUL byte inside ends the text. */
    memcpy(x->text, text, len);
    x->text[len] = '\0';
    return check(x, worksheet_write_string(x->sheet, x->row, (lxw_col_t)col, x->text, NULL),
                 "writing a text cell");
}

int xlsx_export_number(struct xlsx_export *x, size_t col, double value)
{
    return write_number(x, col, value, XLSX_CELL_NUMBER);
}

int xlsx_export_integer(struct xlsx_export *x, size_t col, int64_t value)
{
    return write_number(x, col, (double)value, XLSX_CELL_INTEGER);
}

int xlsx_export_money(struct xlsx_export *x, size_t col, int64_t cents)
{
    return write_number(x, col, (double)cents / 100.0, XLSX_CELL_MONEY);
}

int xlsx_export_date(struct xlsx_export *x, size_t col, int64_t days)
{
    return write_number(x, col, (double)days + EXCEL_DAY_1970, XLSX_CELL_DATE);
}

int xlsx_export_time(struct xlsx_export *x, size_t col, int seconds_of_day)
{
    return write_number(x, col, (double)seconds_of_day / SECONDS_PER_DAY, XLSX_CELL_TIME);
}

int xlsx_export_duration(struct xlsx_export *x, size_t col, int64_t seconds)
{
    return write_number(x, col, (double)seconds / SECONDS_PER_DAY, XLSX_CELL_DURATION);
}

int xlsx_export_close(struct xlsx_export *x, char *err, size_t err_size)
{
    lxw_error error;

    if (x->workbook == NULL) {
        copy_error(err, err_size, "XLSX: the workbook is already closed");
        return -1;
    }
    if (!x->failed && x->sheet == NULL)
        fail(x, "XLSX: the columns were never set");
    if (!x->failed)
        finish_sheet(x);
    if (x->failed) {
        /* Nothing was written yet: drop the workbook instead of writing a partial file. */
        lxw_workbook_free(x->workbook);
        x->workbook = NULL;
        xlsx_release_sheet_files(x);
        copy_error(err, err_size, x->error);
        return -1;
    }

    error = workbook_close(x->workbook);
    x->workbook = NULL;
    if (error != LXW_NO_ERROR) {
        xlsx_release_sheet_files(x);
        fail(x, "XLSX: writing %s failed: %s", x->path, lxw_strerror(error));
        unlink(x->path);
        copy_error(err, err_size, x->error);
        return -1;
    }
    return 0;
}

void xlsx_export_free(struct xlsx_export *x)
{
    if (x == NULL)
        return;
    if (x->workbook != NULL) {
        lxw_workbook_free(x->workbook);
        xlsx_release_sheet_files(x);
    }
    for (size_t col = 0; col < x->column_count; col++)
        free(x->headers[col]);
    free(x->headers);
    free(x->types);
    free(x->text);
    free(x->path);
    free(x->tmpdir);
    free(x);
}

/* Builds a header like "Billable Rate (USD)" into out. */
static void money_header(char *out, size_t size, const char *name, const char *currency)
{
    snprintf(out, size, "%s (%s)", name, currency);
}

int xlsx_export_detailed_columns(struct xlsx_export *x, enum amount_kind amounts,
                                 const char *currency)
{
    static const char *const base[] = {
        "Project",    "Client",     "Description", "Task",     "User",
        "Group",      "Email",      "Tags",        "Billable", "Start Date",
        "Start Time", "End Date",   "End Time",    "Duration (h)", "Duration (decimal)",
    };
    static const enum xlsx_cell_type base_types[] = {
        XLSX_CELL_TEXT, XLSX_CELL_TEXT,     XLSX_CELL_TEXT,    XLSX_CELL_TEXT,
        XLSX_CELL_TEXT, XLSX_CELL_TEXT,     XLSX_CELL_TEXT,    XLSX_CELL_TEXT,
        XLSX_CELL_TEXT, XLSX_CELL_DATE,     XLSX_CELL_TIME,    XLSX_CELL_DATE,
        XLSX_CELL_TIME, XLSX_CELL_DURATION, XLSX_CELL_NUMBER,
    };
    enum { BASE = sizeof base / sizeof base[0], MONEY_MAX = 5 };
    char money[MONEY_MAX][64];
    const char *headers[BASE + MONEY_MAX];
    enum xlsx_cell_type types[BASE + MONEY_MAX];
    size_t count = BASE;
    bool earned = amounts == AMOUNT_EARNED || amounts == AMOUNT_PROFIT;
    bool cost = amounts == AMOUNT_COST || amounts == AMOUNT_PROFIT;

    if (currency == NULL)
        currency = "USD";
    for (size_t i = 0; i < BASE; i++) {
        headers[i] = base[i];
        types[i] = base_types[i];
    }
    if (earned) {
        money_header(money[count - BASE], sizeof money[0], "Billable Rate", currency);
        count++;
        money_header(money[count - BASE], sizeof money[0], "Billable Amount", currency);
        count++;
    }
    if (cost) {
        money_header(money[count - BASE], sizeof money[0], "Cost Rate", currency);
        count++;
        money_header(money[count - BASE], sizeof money[0], "Cost Amount", currency);
        count++;
    }
    if (amounts == AMOUNT_PROFIT) {
        money_header(money[count - BASE], sizeof money[0], "Profit", currency);
        count++;
    }
    for (size_t i = BASE; i < count; i++) {
        headers[i] = money[i - BASE];
        types[i] = XLSX_CELL_MONEY;
    }
    if (xlsx_export_set_columns(x, headers, types, count) != 0)
        return -1;
    x->detailed = true;
    x->amounts = amounts;
    return 0;
}

static int text_column(struct xlsx_export *x, size_t col, const char *text)
{
    return xlsx_export_text(x, col, text, text == NULL ? 0 : strlen(text));
}

static int seconds_of_day(const struct tz_local *local)
{
    return local->hour * 3600 + local->minute * 60 + local->second;
}

/* Hours with two decimals, rounded half up as in the CSV's Duration (decimal) column. */
static double hours_rounded(int64_t seconds)
{
    int64_t hundredths = (seconds + 18) / 36;

    return (double)hundredths / 100.0;
}

int xlsx_export_detailed_row(struct xlsx_export *x, const struct report_row *row)
{
    size_t col = 15; /* the first money column */

    if (!x->failed && !x->detailed)
        fail(x, "XLSX: a detailed row needs xlsx_export_detailed_columns first");
    if (xlsx_export_begin_row(x) != 0)
        return -1;
    if (text_column(x, 0, row->project_name) != 0 || text_column(x, 1, row->client_name) != 0 ||
        xlsx_export_text(x, 2, row->description, row->description_len) != 0 ||
        text_column(x, 3, row->task_name) != 0 || text_column(x, 4, row->user_name) != 0 ||
        text_column(x, 5, row->group_names) != 0 || text_column(x, 6, row->user_email) != 0 ||
        text_column(x, 7, row->tags_joined) != 0 ||
        text_column(x, 8, row->billable ? "Yes" : "No") != 0)
        return -1;
    if (xlsx_export_date(x, 9, row->start_local.days) != 0 ||
        xlsx_export_time(x, 10, seconds_of_day(&row->start_local)) != 0 ||
        xlsx_export_date(x, 11, row->end_local.days) != 0 ||
        xlsx_export_time(x, 12, seconds_of_day(&row->end_local)) != 0 ||
        xlsx_export_duration(x, 13, row->duration) != 0 ||
        xlsx_export_number(x, 14, hours_rounded(row->duration)) != 0)
        return -1;

    if (x->amounts == AMOUNT_EARNED || x->amounts == AMOUNT_PROFIT) {
        if (xlsx_export_money(x, col++, row->hourly_rate) != 0 ||
            xlsx_export_money(x, col++, row->earned) != 0)
            return -1;
    }
    if (x->amounts == AMOUNT_COST || x->amounts == AMOUNT_PROFIT) {
        if (xlsx_export_money(x, col++, row->cost_rate) != 0 ||
            xlsx_export_money(x, col++, row->cost) != 0)
            return -1;
    }
    if (x->amounts == AMOUNT_PROFIT && xlsx_export_money(x, col, row->profit) != 0)
        return -1;
    return 0;
}
