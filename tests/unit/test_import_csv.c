/* test_import_csv.c - unit tests for the import CSV tokenizer on small fixtures and buffers.
 * SPDX-License-Identifier: MIT
 */
#include "import_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

#define CHECK_TEXT(got, expected)                                                          \
    do {                                                                                   \
        if (strcmp((got), (expected)) != 0) {                                              \
            fprintf(stderr, "%s:%d: got \"%s\", expected \"%s\"\n", __FILE__, __LINE__,    \
                    (got), (expected));                                                    \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

/* Reads tests/fixtures/import/NAME into a NUL-terminated buffer, or returns NULL. */
static char *read_fixture(const char *name, size_t *len)
{
    char path[1024];
    const char *source = getenv("REPORTD_SOURCE_DIR");
    snprintf(path, sizeof(path), "%s/tests/fixtures/import/%s", source ? source : ".", name);
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    char *data = malloc(1 << 16);
    *len = data ? fread(data, 1, (1 << 16) - 1, file) : 0;
    if (data != NULL)
        data[*len] = '\0';
    fclose(file);
    return data;
}

static void test_semicolon_bom_crlf(void)
{
    size_t len;
    char *data = read_fixture("semicolon-bom-crlf.csv", &len);
    struct csv_reader reader;

    CHECK(data != NULL);
    if (data == NULL)
        return;
    csv_reader_init(&reader, data, len);
    CHECK(reader.delimiter == ';');

    CHECK(csv_reader_next(&reader) == 1);
    CHECK(reader.record_line == 1);
    CHECK(reader.count == 5);
    CHECK_TEXT(reader.fields[0], "Project");    /* the BOM is not part of the first name */
    CHECK_TEXT(reader.fields[4], "Start Date");

    CHECK(csv_reader_next(&reader) == 1);
    CHECK(reader.record_line == 2);
    CHECK(reader.count == 5);
    CHECK_TEXT(reader.fields[1], "");
    CHECK_TEXT(reader.fields[2], "two\r\nlines");
    CHECK(reader.lengths[2] == 10);
    CHECK_TEXT(reader.fields[3], "foo,clockify");

    /* Line 4 is empty and skipped; the record after it starts on line 5. */
    CHECK(csv_reader_next(&reader) == 1);
    CHECK(reader.record_line == 5);
    CHECK(reader.count == 6);
    CHECK_TEXT(reader.fields[1], "Doe; John");
    CHECK_TEXT(reader.fields[2], "say \"hi\"");
    CHECK_TEXT(reader.fields[5], "extra");

    CHECK(csv_reader_next(&reader) == 1);
    CHECK(reader.record_line == 6);
    CHECK(reader.count == 2);
    CHECK_TEXT(reader.fields[1], "Only");

    CHECK(csv_reader_next(&reader) == 0);
    csv_reader_free(&reader);
    free(data);
}

static void test_multiline_lf_and_unclosed_quote(void)
{
    size_t len;
    char *data = read_fixture("kimai-multiline-lf.csv", &len);
    struct csv_reader reader;

    CHECK(data != NULL);
    if (data == NULL)
        return;
    csv_reader_init(&reader, data, len);
    CHECK(reader.delimiter == ',');
    CHECK(csv_reader_next(&reader) == 1);

    CHECK(csv_reader_next(&reader) == 1);
    CHECK(reader.record_line == 2);
    CHECK_TEXT(reader.fields[3], "first\r\nsecond\r\n\r\nfourth");
    CHECK_TEXT(reader.fields[4], "Design");

    /* The CRLF pairs inside the quoted field count as one line each. */
    CHECK(csv_reader_next(&reader) == 1);
    CHECK(reader.record_line == 6);
    CHECK_TEXT(reader.fields[3], "'- dash");
    CHECK(reader.count == 5);
    CHECK_TEXT(reader.fields[4], "");

    CHECK(csv_reader_next(&reader) == -1);
    CHECK(strstr(reader.error, "line 7") != NULL);
    csv_reader_free(&reader);
    free(data);
}

static void test_buffers(void)
{
    struct csv_reader reader;
    static const char no_final_newline[] = "a,b\n1,\"2\"";
    static const char trailing_delimiter[] = "a,b,";
    static const char tabs[] = "a\tb\tc\n";

    csv_reader_init(&reader, no_final_newline, strlen(no_final_newline));
    CHECK(csv_reader_next(&reader) == 1);
    CHECK(csv_reader_next(&reader) == 1);
    CHECK(reader.count == 2);
    CHECK_TEXT(reader.fields[1], "2");
    CHECK(csv_reader_next(&reader) == 0);
    csv_reader_free(&reader);

    csv_reader_init(&reader, trailing_delimiter, strlen(trailing_delimiter));
    CHECK(csv_reader_next(&reader) == 1);
    CHECK(reader.count == 3);
    CHECK_TEXT(reader.fields[2], "");
    csv_reader_free(&reader);

    csv_reader_init(&reader, tabs, strlen(tabs));
    CHECK(reader.delimiter == '\t');
    CHECK(csv_reader_next(&reader) == 1);
    CHECK(reader.count == 3);
    csv_reader_free(&reader);

    /* Commas inside quotes do not vote for the delimiter. */
    CHECK(csv_detect_delimiter("\"a,b,c\";d;e\n", 12) == ';');
    CHECK(csv_detect_delimiter("x\n", 2) == ',');
}

int main(void)
{
    test_semicolon_bom_crlf();
    test_multiline_lf_and_unclosed_quote();
    test_buffers();
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    return 0;
}
