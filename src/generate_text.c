/* generate_text.c - descriptions of generated time entries, including the awkward ones that
 * exporters must survive. SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "generate.h"

static const char *const text_verbs[] = {
    "Review", "Fix", "Implement", "Test", "Document", "Refactor", "Plan", "Deploy",
    "Design", "Debug", "Estimate", "Migrate", "Prepare", "Discuss", "Update", "Research",
};

static const char *const text_objects[] = {
    "pull request", "login page", "invoice export", "billing module", "onboarding flow",
    "database schema", "release notes", "API client", "search filters", "weekly report",
    "payment webhook", "mobile layout", "CI pipeline", "user settings", "email templates",
    "customer feedback", "sprint backlog", "access control", "cache layer", "landing page",
};

static const char *const text_plain[] = {
    "Daily standup", "Sprint planning", "Retrospective", "Code review", "Customer call",
    "Emails", "Team meeting", "Support tickets", "Pair programming", "Interview",
};

static const char *const text_commas[] = {
    "Call with Anna, Ben, and Chloe about the Q3 budget",
    "Workshop: scope, risks, timeline",
    "Fix totals, rounding, and currency in CSV",
    "Sync with design, product, QA",
    "Invoice 2024-118, 2024-119, 2024-120",
};

static const char *const text_quotes[] = {
    "Fix \"Save\" button on the settings page",
    "Update client's invoice template",
    "Rename \"Export\" to \"Download\"",
    "He said \"it's done\", it wasn't",
    "Review 'legacy' importer",
    "\"Quoted from start to end\"",
};

static const char *const text_lines[] = {
    "Standup notes:\n- deploy done\n- blocked on review",
    "Line one\nLine two",
    "Windows line end\r\nsecond line",
    "Trailing newline\n",
    "Meeting\n\nAction items: none",
};

static const char *const text_escapes[] = {
    "Path C:\\Projects\\reportd\\build copied",
    "Regex \\d+\\s* tested",
    "Tab\tseparated\tvalues",
    "Ends with a backslash \\",
    "Literal \\N is not NULL",
};

static const char *const text_unicode[] = {
    "Überprüfung der Änderungen",
    "Réunion café avec l'équipe",
    "日本語のレビュー",
    "Код-ревью и тесты",
    "Σύσκεψη ομάδας",
    "Año nuevo: cierre contable",
    "İstanbul ofisi kurulumu",
    "مراجعة التقرير",
};

static const char *const text_emoji[] = {
    "Release 🚀", "Bug hunt 🐛🔍", "Pairing 👩‍💻👨‍💻", "Berlin trip 🇩🇪",
    "Coffee chat ☕", "🎉 Launch party", "Deadline ⏰⚠️",
};

/* Text a spreadsheet would read as a formula unless the exporter neutralises it. */
static const char *const text_formulas[] = {
    "=SUM(A1:A9) check", "+1 555 0100 call", "-5 minutes early leave", "@here sync",
    "=HYPERLINK(\"http://example.com\",\"x\")", "-- cleanup", "+ review", "@channel deploy",
};

#define TEXT_COUNT(array) (sizeof(array) / sizeof((array)[0]))

static int text_put(struct membuf *out, const char *text)
{
    return membuf_write(out, text, strlen(text));
}

static int text_pick(uint64_t *rng, const char *const *list, size_t count, struct membuf *out)
{
    return text_put(out, list[gen_rng_below(rng, count)]);
}

/* Writes exactly GEN_LONG_TEXT_CHARS code points: repeated paragraphs with line breaks, a tab,
 * a quote and non-ASCII letters, then ASCII padding. */
static int text_long(uint64_t *rng, struct membuf *out)
{
    static const char paragraph[] = "Long notes, part \"%\": the meeting ran over; "
                                    "Grüße an das Team.\tNext steps follow.\n";
    /* Bytes that do not start a code point (UTF-8 continuation bytes) are not counted. */
    size_t paragraph_chars = 0;
    for (const char *p = paragraph; *p; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80)
            paragraph_chars++;
    }

    size_t start = out->len;
    if (text_pick(rng, text_verbs, TEXT_COUNT(text_verbs), out) != 0)
        return -1;
    size_t chars = out->len - start; /* the verbs are ASCII */
    while (chars + paragraph_chars <= GEN_LONG_TEXT_CHARS) {
        if (text_put(out, paragraph) != 0)
            return -1;
        chars += paragraph_chars;
    }
    while (chars < GEN_LONG_TEXT_CHARS) {
        if (membuf_write(out, ".", 1) != 0)
            return -1;
        chars++;
    }
    return 0;
}

int gen_text_description(uint64_t *rng, bool long_text, struct membuf *out)
{
    if (long_text)
        return text_long(rng, out);

    /* Weights per 1000 entries; ordinary text dominates as in real workspaces. */
    uint64_t roll = gen_rng_below(rng, 1000);
    if (roll < 40)
        return 0;
    if (roll < 90)
        return text_pick(rng, text_commas, TEXT_COUNT(text_commas), out);
    if (roll < 140)
        return text_pick(rng, text_quotes, TEXT_COUNT(text_quotes), out);
    if (roll < 180)
        return text_pick(rng, text_lines, TEXT_COUNT(text_lines), out);
    if (roll < 200)
        return text_pick(rng, text_escapes, TEXT_COUNT(text_escapes), out);
    if (roll < 270)
        return text_pick(rng, text_unicode, TEXT_COUNT(text_unicode), out);
    if (roll < 310)
        return text_pick(rng, text_emoji, TEXT_COUNT(text_emoji), out);
    if (roll < 340)
        return text_pick(rng, text_formulas, TEXT_COUNT(text_formulas), out);
    if (roll < 500)
        return text_pick(rng, text_plain, TEXT_COUNT(text_plain), out);

    if (text_pick(rng, text_verbs, TEXT_COUNT(text_verbs), out) != 0 || text_put(out, " ") != 0 ||
        text_pick(rng, text_objects, TEXT_COUNT(text_objects), out) != 0)
        return -1;
    if (gen_rng_below(rng, 3) == 0) {
        char number[24];
        int len = snprintf(number, sizeof(number), " #%u", (unsigned)(gen_rng_below(rng, 900) + 100));
        if (membuf_write(out, number, (size_t)len) != 0)
            return -1;
    }
    return 0;
}
