/* test_detailed_xlsx.c - unit tests for the XLSX export: writes workbooks, opens them as ZIP
 * archives with libarchive and checks the worksheet and style XML.
 * SPDX-License-Identifier: MIT
 */
#include "xlsx_export.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink.h"

static int failures;
static char folder[4096];

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

#define CHECK_HAS(haystack, needle)                                                        \
    do {                                                                                   \
        const char *h_ = (haystack);                                                       \
        if (h_ == NULL || strstr(h_, (needle)) == NULL) {                                  \
            fprintf(stderr, "%s:%d: \"%s\" not found\n", __FILE__, __LINE__, (needle));    \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

/* Reads one member of a ZIP file into memory; returns NULL when it is missing. The caller
 * frees the result. */
static char *zip_member(const char *path, const char *name)
{
    struct archive *reader = archive_read_new();
    struct archive_entry *entry;
    struct membuf buf = {0};
    bool found = false;

    archive_read_support_format_zip(reader);
    if (archive_read_open_filename(reader, path, 65536) != ARCHIVE_OK) {
        fprintf(stderr, "%s: %s\n", path, archive_error_string(reader));
        archive_read_free(reader);
        return NULL;
    }
    while (!found && archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
        char chunk[65536];
        la_ssize_t got;

        if (strcmp(archive_entry_pathname(entry), name) != 0)
            continue;
        found = true;
        while ((got = archive_read_data(reader, chunk, sizeof chunk)) > 0)
            membuf_write(&buf, chunk, (size_t)got);
        if (buf.data == NULL)
            membuf_write(&buf, "", 0);
    }
    archive_read_free(reader);
    return found ? buf.data : NULL;
}

static struct tz_local local_time(int64_t days, int hour, int minute, int second)
{
    struct tz_local local = {0};

    local.days = days;
    local.hour = hour;
    local.minute = minute;
    local.second = second;
    return local;
}

static struct report_row sample_row(const char *description)
{
    struct report_row row = {0};

    row.project_name = "Mobile app";
    row.client_name = "Client A, LLC";
    row.description = description;
    row.description_len = strlen(description);
    row.task_name = "";
    row.user_name = "User 1";
    row.user_email = "user1@example.com";
    row.group_names = "";
    row.tags_joined = "focus, review";
    row.billable = true;
    row.start_local = local_time(20198, 22, 51, 36); /* 2025-04-20 */
    row.end_local = local_time(20199, 0, 58, 6);
    row.duration = 43200;
    row.hourly_rate = 15000;
    row.earned = 12345;
    return row;
}

/* Returns the value of attribute name in the first tag of xml that starts with prefix, or -1. */
static long attribute_after(const char *xml, const char *prefix, const char *name)
{
    const char *tag = strstr(xml, prefix);
    const char *end;
    const char *attr;
    char key[64];

    if (tag == NULL)
        return -1;
    end = strchr(tag, '>');
    snprintf(key, sizeof key, " %s=\"", name);
    attr = strstr(tag, key);
    if (attr == NULL || end == NULL || attr > end)
        return -1;
    return strtol(attr + strlen(key), NULL, 10);
}

/* Returns the start of the index-th element <tag (0-based) inside the first <list ...> block. */
static const char *nth_element(const char *xml, const char *list, const char *tag, long index)
{
    const char *at = strstr(xml, list);

    if (at == NULL || index < 0)
        return NULL;
    at = strchr(at, '>');
    for (long i = 0; at != NULL && i <= index; i++) {
        at = strstr(at + 1, tag);
        /* Skip <fonts when looking for <font, and the like. */
        while (at != NULL && at[strlen(tag)] != ' ' && at[strlen(tag)] != '>' &&
               at[strlen(tag)] != '/')
            at = strstr(at + 1, tag);
    }
    return at;
}

static void path_in_folder(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", folder, name);
}

static void test_detailed_workbook(void)
{
    struct format_options fmt;
    char path[4200];
    char err[256] = "";
    struct xlsx_export *x;
    struct report_row row = sample_row("Start working on summary");
    char *sheet;
    char *styles;

    format_options_default(&fmt);
    fmt.date = DATE_FORMAT_DMY_SLASH;
    path_in_folder(path, sizeof path, "detailed.xlsx");
    x = xlsx_export_new(path, folder, &fmt, err, sizeof err);
    CHECK(x != NULL);
    if (x == NULL) {
        fprintf(stderr, "xlsx_export_new: %s\n", err);
        return;
    }
    CHECK(xlsx_export_detailed_columns(x, AMOUNT_EARNED, "USD") == 0);
    CHECK(xlsx_export_detailed_row(x, &row) == 0);
    row.billable = false;
    row.description = "=SUM(A1)";
    row.description_len = strlen(row.description);
    CHECK(xlsx_export_detailed_row(x, &row) == 0);
    CHECK(xlsx_export_close(x, err, sizeof err) == 0);
    xlsx_export_free(x);

    sheet = zip_member(path, "xl/worksheets/sheet1.xml");
    styles = zip_member(path, "xl/styles.xml");
    CHECK(sheet != NULL);
    CHECK(styles != NULL);
    if (sheet == NULL || styles == NULL)
        goto out;

    /* Text cells are inline strings in constant-memory mode. */
    CHECK_HAS(sheet, "<c r=\"A1\" s=\"");
    CHECK_HAS(sheet, "t=\"inlineStr\"><is><t>Project</t></is></c>");
    CHECK_HAS(sheet, "<t>Billable Amount (USD)</t>");
    CHECK_HAS(sheet, "<c r=\"Q1\"");
    CHECK(strstr(sheet, "<c r=\"R1\"") == NULL);
    CHECK_HAS(sheet, "<c r=\"C2\" t=\"inlineStr\"><is><t>Start working on summary</t>");
    CHECK_HAS(sheet, "<c r=\"I2\" t=\"inlineStr\"><is><t>Yes</t>");
    CHECK_HAS(sheet, "<c r=\"I3\" t=\"inlineStr\"><is><t>No</t>");
    /* A formula-like text stays a plain string, never a formula. */
    CHECK_HAS(sheet, "<t>=SUM(A1)</t>");
    CHECK(strstr(sheet, "<f>") == NULL);
    /* Numeric cells: 2025-04-20 is Excel day 45767, 12 hours are half a day, money in units. */
    CHECK_HAS(sheet, "<v>45767</v>");
    CHECK_HAS(sheet, "<v>45768</v>");
    CHECK_HAS(sheet, "<v>0.5</v>");
    CHECK_HAS(sheet, "<v>12</v>");
    CHECK_HAS(sheet, "<v>150</v>");
    CHECK_HAS(sheet, "<v>123.45</v>");
    CHECK(attribute_after(sheet, "<c r=\"J2\"", "s") > 0);
    CHECK(strstr(sheet, "<c r=\"J2\" s=\"") != NULL && strstr(sheet, "<c r=\"J2\" t=") == NULL);
    /* Header frozen, autofilter over the header and both rows. */
    CHECK_HAS(sheet, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
                     "state=\"frozen\"/>");
    CHECK_HAS(sheet, "<autoFilter ref=\"A1:Q3\"/>");

    CHECK_HAS(styles, "formatCode=\"[h]:mm:ss\"");
    CHECK_HAS(styles, "formatCode=\"dd/mm/yyyy\"");
    CHECK_HAS(styles, "formatCode=\"hh:mm:ss\"");
    CHECK_HAS(styles, "formatCode=\"0.00\"");

    /* The header's style uses a bold font. */
    long style = attribute_after(sheet, "<c r=\"A1\"", "s");
    const char *xf = nth_element(styles, "<cellXfs", "<xf", style);
    long font_id = xf == NULL ? -1 : attribute_after(xf, "<xf", "fontId");
    const char *font = nth_element(styles, "<fonts", "<font", font_id);
    CHECK(style > 0);
    CHECK(font_id > 0);
    CHECK(font != NULL && strncmp(font, "<font><b/>", 10) == 0);

out:
    free(sheet);
    free(styles);
    unlink(path);
}

static void test_time_formats(void)
{
    struct format_options fmt;
    char path[4200];
    char err[256] = "";
    struct xlsx_export *x;
    struct report_row row = sample_row("x");
    char *styles;

    format_options_default(&fmt);
    fmt.time = TIME_FORMAT_12H;
    path_in_folder(path, sizeof path, "time12.xlsx");
    x = xlsx_export_new(path, folder, &fmt, err, sizeof err);
    CHECK(x != NULL);
    if (x == NULL)
        return;
    CHECK(xlsx_export_detailed_columns(x, AMOUNT_PROFIT, "EUR") == 0);
    CHECK(xlsx_export_detailed_row(x, &row) == 0);
    CHECK(xlsx_export_close(x, err, sizeof err) == 0);
    xlsx_export_free(x);

    styles = zip_member(path, "xl/styles.xml");
    CHECK_HAS(styles, "formatCode=\"hh:mm:ss AM/PM\"");
    CHECK_HAS(styles, "formatCode=\"yyyy-mm-dd\"");
    free(styles);
    char *sheet = zip_member(path, "xl/worksheets/sheet1.xml");
    CHECK_HAS(sheet, "<t>Profit (EUR)</t>");
    CHECK_HAS(sheet, "<autoFilter ref=\"A1:T2\"/>");
    free(sheet);
    unlink(path);
}

static void test_cut_utf16(void)
{
    /* "a" then U+1F389 (4 bytes, 2 units) then U+00E9 (2 bytes) then U+20AC (3 bytes). */
    const char *text = "a\xF0\x9F\x8E\x89\xC3\xA9\xE2\x82\xAC";
    size_t len = strlen(text);

    CHECK(xlsx_export_cut_utf16(text, len, 0) == 0);
    CHECK(xlsx_export_cut_utf16(text, len, 1) == 1);
    CHECK(xlsx_export_cut_utf16(text, len, 2) == 1);  /* the emoji needs two units */
    CHECK(xlsx_export_cut_utf16(text, len, 3) == 5);
    CHECK(xlsx_export_cut_utf16(text, len, 4) == 7);
    CHECK(xlsx_export_cut_utf16(text, len, 5) == 10);
    CHECK(xlsx_export_cut_utf16(text, len, 100) == 10);
    /* A sequence cut short by len is dropped, not split. */
    CHECK(xlsx_export_cut_utf16(text, 3, 100) == 1);
}

/* Returns the length of the first inline string of cell ref, or -1. */
static long inline_text_length(const char *sheet, const char *ref)
{
    char key[64];
    const char *cell;
    const char *start;
    const char *end;

    snprintf(key, sizeof key, "<c r=\"%s\"", ref);
    cell = strstr(sheet, key);
    if (cell == NULL)
        return -1;
    start = strstr(cell, "<t>");
    end = start == NULL ? NULL : strstr(start, "</t>");
    if (end == NULL)
        return -1;
    return (long)(end - start - 3);
}

static void test_long_text_cut(void)
{
    struct format_options fmt;
    char path[4200];
    char err[256] = "";
    struct xlsx_export *x;
    const enum xlsx_cell_type types[] = {XLSX_CELL_TEXT, XLSX_CELL_TEXT, XLSX_CELL_TEXT};
    const char *headers[] = {"Emoji", "Euro", "Short"};
    size_t emoji_count = 20000;
    size_t euro_count = 40000;
    char *emoji = malloc(emoji_count * 4);
    char *euro = malloc(euro_count * 3);
    char *sheet = NULL;

    CHECK(emoji != NULL && euro != NULL);
    if (emoji == NULL || euro == NULL)
        goto out;
    for (size_t i = 0; i < emoji_count; i++)
        memcpy(emoji + 4 * i, "\xF0\x9F\x98\x80", 4); /* U+1F600 */
    for (size_t i = 0; i < euro_count; i++)
        memcpy(euro + 3 * i, "\xE2\x82\xAC", 3); /* U+20AC */

    format_options_default(&fmt);
    path_in_folder(path, sizeof path, "long.xlsx");
    x = xlsx_export_new(path, folder, &fmt, err, sizeof err);
    CHECK(x != NULL);
    if (x == NULL)
        goto out;
    CHECK(xlsx_export_set_columns(x, headers, types, 3) == 0);
    CHECK(xlsx_export_begin_row(x) == 0);
    CHECK(xlsx_export_text(x, 0, emoji, emoji_count * 4) == 0);
    CHECK(xlsx_export_text(x, 1, euro, euro_count * 3) == 0);
    CHECK(xlsx_export_text(x, 2, "short", 5) == 0);
    CHECK(xlsx_export_close(x, err, sizeof err) == 0);
    xlsx_export_free(x);

    sheet = zip_member(path, "xl/worksheets/sheet1.xml");
    CHECK(sheet != NULL);
    if (sheet == NULL)
        goto out;
    /* 16,383 emoji are 32,766 units; one more would pass 32,767. */
    CHECK(inline_text_length(sheet, "A2") == 16383 * 4);
    CHECK(inline_text_length(sheet, "B2") == 32767 * 3);
    CHECK(inline_text_length(sheet, "C2") == 5);
    unlink(path);

out:
    free(sheet);
    free(emoji);
    free(euro);
}

/* Counts the <row elements of a worksheet. */
static int count_rows(const char *sheet)
{
    int count = 0;

    for (const char *at = strstr(sheet, "<row "); at != NULL; at = strstr(at + 1, "<row "))
        count++;
    return count;
}

static void test_sheet_split(void)
{
    struct format_options fmt;
    char path[4200];
    char err[256] = "";
    struct xlsx_export *x;
    struct report_row row = sample_row("entry");
    char *sheets[4] = {NULL};
    char *workbook = NULL;

    format_options_default(&fmt);
    path_in_folder(path, sizeof path, "split.xlsx");
    x = xlsx_export_new(path, folder, &fmt, err, sizeof err);
    CHECK(x != NULL);
    if (x == NULL)
        return;
    xlsx_export_set_max_rows(x, 3);
    CHECK(xlsx_export_detailed_columns(x, AMOUNT_HIDE, NULL) == 0);
    for (int i = 0; i < 7; i++)
        CHECK(xlsx_export_detailed_row(x, &row) == 0);
    CHECK(xlsx_export_close(x, err, sizeof err) == 0);
    xlsx_export_free(x);

    sheets[0] = zip_member(path, "xl/worksheets/sheet1.xml");
    sheets[1] = zip_member(path, "xl/worksheets/sheet2.xml");
    sheets[2] = zip_member(path, "xl/worksheets/sheet3.xml");
    sheets[3] = zip_member(path, "xl/worksheets/sheet4.xml");
    workbook = zip_member(path, "xl/workbook.xml");
    CHECK(sheets[0] != NULL && sheets[1] != NULL && sheets[2] != NULL);
    CHECK(sheets[3] == NULL);
    if (sheets[0] == NULL || sheets[1] == NULL || sheets[2] == NULL || workbook == NULL)
        goto out;
    CHECK(count_rows(sheets[0]) == 4);
    CHECK(count_rows(sheets[1]) == 4);
    CHECK(count_rows(sheets[2]) == 2);
    for (int i = 0; i < 3; i++) {
        const char *first_row = strstr(sheets[i], "<row ");
        CHECK(first_row != NULL && strncmp(first_row, "<row r=\"1\"", 10) == 0);
        CHECK(first_row != NULL && strstr(first_row, "<t>Project</t>") != NULL &&
              strstr(first_row, "<t>Project</t>") < strstr(first_row, "</row>"));
        CHECK_HAS(sheets[i], "state=\"frozen\"");
    }
    CHECK_HAS(sheets[0], "<autoFilter ref=\"A1:O4\"/>");
    CHECK_HAS(sheets[1], "<autoFilter ref=\"A1:O4\"/>");
    CHECK_HAS(sheets[2], "<autoFilter ref=\"A1:O2\"/>");
    CHECK_HAS(workbook, "name=\"Report\"");
    CHECK_HAS(workbook, "name=\"Report 2\"");
    CHECK_HAS(workbook, "name=\"Report 3\"");

out:
    for (int i = 0; i < 4; i++)
        free(sheets[i]);
    free(workbook);
    unlink(path);
}

static void test_generic_columns(void)
{
    struct format_options fmt;
    char path[4200];
    char err[256] = "";
    struct xlsx_export *x;
    const char *headers[] = {"Group", "Entries", "Hours", "Amount"};
    const enum xlsx_cell_type types[] = {XLSX_CELL_TEXT, XLSX_CELL_INTEGER, XLSX_CELL_NUMBER,
                                         XLSX_CELL_MONEY};
    char *sheet;

    format_options_default(&fmt);
    path_in_folder(path, sizeof path, "generic.xlsx");
    x = xlsx_export_new(path, folder, &fmt, err, sizeof err);
    CHECK(x != NULL);
    if (x == NULL)
        return;
    CHECK(xlsx_export_set_columns(x, headers, types, 4) == 0);
    CHECK(xlsx_export_begin_row(x) == 0);
    CHECK(xlsx_export_text(x, 0, "Project A", 9) == 0);
    CHECK(xlsx_export_integer(x, 1, 42) == 0);
    CHECK(xlsx_export_number(x, 2, 1.25) == 0);
    CHECK(xlsx_export_money(x, 3, -1999) == 0);
    CHECK(xlsx_export_begin_row(x) == 0);
    CHECK(xlsx_export_set_row_level(x, 2) == 0);
    CHECK(xlsx_export_text(x, 0, "User 1", 6) == 0);
    CHECK(xlsx_export_close(x, err, sizeof err) == 0);
    xlsx_export_free(x);

    sheet = zip_member(path, "xl/worksheets/sheet1.xml");
    CHECK_HAS(sheet, "<v>42</v>");
    CHECK_HAS(sheet, "<v>1.25</v>");
    CHECK_HAS(sheet, "<v>-19.99</v>");
    CHECK_HAS(sheet, "<row r=\"3\" outlineLevel=\"2\"");
    CHECK_HAS(sheet, "<autoFilter ref=\"A1:D3\"/>");
    free(sheet);
    unlink(path);
}

static void test_errors(void)
{
    struct format_options fmt;
    char path[4200];
    char err[256] = "";
    struct xlsx_export *x;
    const char *headers[] = {"Only"};
    const enum xlsx_cell_type types[] = {XLSX_CELL_TEXT};
    struct stat info;

    format_options_default(&fmt);

    /* A column out of range fails the export and close writes nothing. */
    path_in_folder(path, sizeof path, "bad-column.xlsx");
    x = xlsx_export_new(path, folder, &fmt, err, sizeof err);
    CHECK(x != NULL);
    if (x != NULL) {
        CHECK(xlsx_export_set_columns(x, headers, types, 1) == 0);
        CHECK(xlsx_export_begin_row(x) == 0);
        CHECK(xlsx_export_text(x, 1, "x", 1) == -1);
        CHECK(xlsx_export_text(x, 0, "x", 1) == -1);
        CHECK(xlsx_export_close(x, err, sizeof err) == -1);
        CHECK(strstr(err, "column 1 is out of range") != NULL);
        CHECK(stat(path, &info) == -1);
        xlsx_export_free(x);
    }

    /* A folder that does not exist: close reports it and leaves no file. */
    path_in_folder(path, sizeof path, "missing/out.xlsx");
    err[0] = '\0';
    x = xlsx_export_new(path, folder, &fmt, err, sizeof err);
    CHECK(x != NULL);
    if (x != NULL) {
        CHECK(xlsx_export_set_columns(x, headers, types, 1) == 0);
        CHECK(xlsx_export_begin_row(x) == 0);
        CHECK(xlsx_export_text(x, 0, "x", 1) == 0);
        CHECK(xlsx_export_close(x, err, sizeof err) == -1);
        CHECK(strstr(err, "missing/out.xlsx") != NULL);
        CHECK(stat(path, &info) == -1);
        xlsx_export_free(x);
    }

    /* Rows before the columns, and a second set_columns, are errors. */
    path_in_folder(path, sizeof path, "order.xlsx");
    x = xlsx_export_new(path, folder, &fmt, err, sizeof err);
    CHECK(x != NULL);
    if (x != NULL) {
        CHECK(xlsx_export_begin_row(x) == -1);
        CHECK(xlsx_export_close(x, err, sizeof err) == -1);
        CHECK(strstr(err, "before the columns") != NULL);
        CHECK(stat(path, &info) == -1);
        xlsx_export_free(x);
    }

    /* Freed without close: no file at all. */
    path_in_folder(path, sizeof path, "abandoned.xlsx");
    x = xlsx_export_new(path, folder, &fmt, err, sizeof err);
    CHECK(x != NULL);
    if (x != NULL) {
        CHECK(xlsx_export_set_columns(x, headers, types, 1) == 0);
        CHECK(xlsx_export_begin_row(x) == 0);
        CHECK(xlsx_export_text(x, 0, "x", 1) == 0);
        xlsx_export_free(x);
        CHECK(stat(path, &info) == -1);
    }
}

int main(void)
{
    const char *base = getenv("TMPDIR");

    snprintf(folder, sizeof folder, "%s/xlsx-test-XXXXXX", base != NULL ? base : "/tmp");
    if (mkdtemp(folder) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_cut_utf16();
    test_detailed_workbook();
    test_time_formats();
    test_long_text_cut();
    test_sheet_split();
    test_generic_columns();
    test_errors();
    if (rmdir(folder) != 0)
        fprintf(stderr, "%s: left behind (not empty)\n", folder);
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("XLSX export: all checks passed\n");
    return 0;
}
