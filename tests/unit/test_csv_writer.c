/* test_csv_writer.c - unit tests for the buffered CSV writer: quoting, neutralisation, buffering
 * and sink failures.
 * SPDX-License-Identifier: MIT
 */
#include "csv_writer.h"

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
        const char *got_ = (got) == NULL ? "" : (got);                                     \
        if (strcmp(got_, (expected)) != 0) {                                               \
            fprintf(stderr, "%s:%d: got \"%s\", expected \"%s\"\n", __FILE__, __LINE__,    \
                    got_, (expected));                                                     \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

/* A sink that counts its calls and fails from call number fail_at on (0 = never). */
struct counting_sink {
    struct membuf buf;
    int calls;
    int fail_at;
};

static int counting_write(void *ctx, const void *data, size_t len)
{
    struct counting_sink *sink = ctx;

    sink->calls++;
    if (sink->fail_at > 0 && sink->calls >= sink->fail_at)
        return -1;
    return membuf_write(&sink->buf, data, len);
}

static int field(struct csv_writer *w, const char *text)
{
    return csv_writer_field(w, text, strlen(text));
}

static void test_quote_all(void)
{
    struct membuf buf = {0};
    struct sink out = membuf_sink(&buf);
    struct csv_writer *w = csv_writer_new(&out, ',', true);

    CHECK(w != NULL);
    CHECK(field(w, "plain") == 0);
    CHECK(field(w, "say \"hi\"") == 0);
    CHECK(field(w, "a,b") == 0);
    CHECK(csv_writer_field(w, NULL, 0) == 0);
    CHECK(csv_writer_number(w, "12.50") == 0);
    CHECK(csv_writer_end_row(w) == 0);
    CHECK(field(w, "line\nbreak") == 0);
    CHECK(csv_writer_end_row(w) == 0);
    /* Nothing reaches the sink before the flush. */
    CHECK(buf.len == 0);
    CHECK(csv_writer_flush(w) == 0);
    CHECK_TEXT(buf.data, "\"plain\",\"say \"\"hi\"\"\",\"a,b\",\"\",\"12.50\"\r\n"
                         "\"line\nbreak\"\r\n");
    csv_writer_free(w);
    membuf_free(&buf);
}

static void test_minimal_quoting(void)
{
    struct membuf buf = {0};
    struct sink out = membuf_sink(&buf);
    struct csv_writer *w = csv_writer_new(&out, ';', false);

    CHECK(field(w, "plain") == 0);
    CHECK(field(w, "a,b") == 0);
    CHECK(field(w, "a;b") == 0);
    CHECK(field(w, "\"") == 0);
    CHECK(field(w, "cr\r") == 0);
    CHECK(csv_writer_number(w, "1,50") == 0);
    CHECK(csv_writer_end_row(w) == 0);
    CHECK(csv_writer_flush(w) == 0);
    CHECK_TEXT(buf.data, "plain;a,b;\"a;b\";\"\"\"\";\"cr\r\";1,50\r\n");
    csv_writer_free(w);
    membuf_free(&buf);

    /* A number that contains the delimiter is quoted even without quote_all. */
    buf = (struct membuf){0};
    out = membuf_sink(&buf);
    w = csv_writer_new(&out, ',', false);
    CHECK(csv_writer_number(w, "1,50") == 0);
    CHECK(csv_writer_end_row(w) == 0);
    CHECK(csv_writer_flush(w) == 0);
    CHECK_TEXT(buf.data, "\"1,50\"\r\n");
    csv_writer_free(w);
    membuf_free(&buf);
}

static void test_neutralisation(void)
{
    static const struct {
        const char *text;
        const char *expected;
    } cases[] = {
        {"=SUM(A1:A9)", "\"'=SUM(A1:A9)\""},
        {"+1 555", "\"'+1 555\""},
        {"-minus", "\"'-minus\""},
        {"@cmd", "\"'@cmd\""},
        {"\tindent", "\"'\tindent\""},
        {"\rreturn", "\"'\rreturn\""},
        {"=\"quoted\"", "\"'=\"\"quoted\"\"\""},
        {"a=b", "\"a=b\""},
        {" =space first", "\" =space first\""},
        {"'already", "\"'already\""},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct membuf buf = {0};
        struct sink out = membuf_sink(&buf);
        struct csv_writer *w = csv_writer_new(&out, ',', true);

        CHECK(field(w, cases[i].text) == 0);
        CHECK(csv_writer_flush(w) == 0);
        CHECK_TEXT(buf.data, cases[i].expected);
        csv_writer_free(w);
        membuf_free(&buf);
    }

    /* Numbers keep their sign. */
    struct membuf buf = {0};
    struct sink out = membuf_sink(&buf);
    struct csv_writer *w = csv_writer_new(&out, ',', false);
    CHECK(csv_writer_number(w, "-12.50") == 0);
    CHECK(field(w, "-12.50") == 0);
    CHECK(csv_writer_flush(w) == 0);
    CHECK_TEXT(buf.data, "-12.50,'-12.50");
    csv_writer_free(w);
    membuf_free(&buf);
}

static void test_bom(void)
{
    struct membuf buf = {0};
    struct sink out = membuf_sink(&buf);
    struct csv_writer *w = csv_writer_new(&out, ',', true);

    CHECK(csv_writer_write_bom(w) == 0);
    CHECK(field(w, "Project") == 0);
    CHECK(csv_writer_end_row(w) == 0);
    CHECK(csv_writer_flush(w) == 0);
    CHECK_TEXT(buf.data, "\xEF\xBB\xBF\"Project\"\r\n");
    csv_writer_free(w);
    membuf_free(&buf);
}

/* A field larger than the buffer passes through in pieces, and the sink sees one call per full
 * buffer. */
static void test_buffering(void)
{
    struct counting_sink counter = {{0}, 0, 0};
    struct sink out = {counting_write, &counter};
    struct csv_writer *w = csv_writer_new(&out, ',', true);
    size_t big_len = 3 * CSV_WRITER_BUFFER_SIZE + 100;
    char *big = malloc(big_len);

    CHECK(big != NULL);
    memset(big, 'x', big_len);
    big[10] = '"';
    big[CSV_WRITER_BUFFER_SIZE - 1] = '"';
    CHECK(csv_writer_field(w, big, big_len) == 0);
    CHECK(csv_writer_end_row(w) == 0);
    CHECK(counter.calls == 3);
    CHECK(csv_writer_flush(w) == 0);
    CHECK(counter.calls == 4);
    /* Two quotes around, two quotes doubled, CRLF. */
    CHECK(counter.buf.len == big_len + 2 + 2 + 2);
    CHECK(counter.buf.data[0] == '"');
    CHECK(memcmp(counter.buf.data + 11, "\"\"", 2) == 0);
    CHECK(memcmp(counter.buf.data + counter.buf.len - 3, "\"\r\n", 3) == 0);

    /* A flush with nothing buffered does not call the sink. */
    CHECK(csv_writer_flush(w) == 0);
    CHECK(counter.calls == 4);
    csv_writer_free(w);
    free(big);
    membuf_free(&counter.buf);
}

static void test_sink_failure(void)
{
    struct counting_sink counter = {{0}, 0, 1};
    struct sink out = {counting_write, &counter};
    struct csv_writer *w = csv_writer_new(&out, ',', true);

    CHECK(field(w, "first") == 0);
    CHECK(!csv_writer_failed(w));
    CHECK(csv_writer_flush(w) == -1);
    CHECK(csv_writer_failed(w));
    CHECK(counter.calls == 1);
    /* Every later call fails without reaching the sink again. */
    CHECK(field(w, "second") == -1);
    CHECK(csv_writer_number(w, "1") == -1);
    CHECK(csv_writer_end_row(w) == -1);
    CHECK(csv_writer_write_bom(w) == -1);
    CHECK(csv_writer_flush(w) == -1);
    CHECK(counter.calls == 1);
    csv_writer_free(w);
    membuf_free(&counter.buf);

    /* A failure while the buffer fills shows in the call that filled it. */
    counter = (struct counting_sink){{0}, 0, 1};
    w = csv_writer_new(&out, ',', false);
    int result = 0;
    for (int i = 0; i < CSV_WRITER_BUFFER_SIZE && result == 0; i++)
        result = field(w, "abcdefgh");
    CHECK(result == -1);
    CHECK(csv_writer_failed(w));
    CHECK(counter.calls == 1);
    csv_writer_free(w);
    membuf_free(&counter.buf);
}

int main(void)
{
    test_quote_all();
    test_minimal_quoting();
    test_neutralisation();
    test_bom();
    test_buffering();
    test_sink_failure();
    csv_writer_free(NULL);
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("csv_writer: all checks passed\n");
    return 0;
}
