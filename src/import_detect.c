/* import_detect.c - header recognition and value parsers for imported exports.
 * SPDX-License-Identifier: MIT
 */
#include "import_detect.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "civil.h"

/* Roles that only make sense once the tool is known (Kimai's Date, From, To, Name) or that mark
 * a summary report (Clockify's "Time (h)"). */
enum detect_role {
    DETECT_DATE = IMPORT_COL__MAX,
    DETECT_FROM,
    DETECT_TO,
    DETECT_NAME,
    DETECT_SUMMARY_TIME,
    DETECT_RATE,
    DETECT_AMOUNT,
    DETECT_DURATION,
    DETECT_NONE
};

struct detect_name {
    const char *name;   /* lowercase header text without a "(...)" suffix */
    int role;
};

/* Header names, English first, then Portuguese, Spanish, Italian, German, French, Danish,
 * Norwegian and Polish. NOTE: of the localized names only the Portuguese ones were seen in a real
 * Clockify export. The others are the usual words of each language and may differ from what
 * the tools write; an unknown header is ignored, or rejected when it is a required column. */
static const struct detect_name detect_names[] = {
    {"project", IMPORT_COL_PROJECT}, {"projeto", IMPORT_COL_PROJECT},
    {"proyecto", IMPORT_COL_PROJECT}, {"progetto", IMPORT_COL_PROJECT},
    {"projekt", IMPORT_COL_PROJECT}, {"projet", IMPORT_COL_PROJECT},
    {"prosjekt", IMPORT_COL_PROJECT},
    {"client", IMPORT_COL_CLIENT}, {"cliente", IMPORT_COL_CLIENT},
    {"customer", IMPORT_COL_CLIENT}, {"kunde", IMPORT_COL_CLIENT},
    {"klient", IMPORT_COL_CLIENT},
    {"description", IMPORT_COL_DESCRIPTION}, {"descrição", IMPORT_COL_DESCRIPTION},
    {"descripción", IMPORT_COL_DESCRIPTION}, {"descrizione", IMPORT_COL_DESCRIPTION},
    {"beschreibung", IMPORT_COL_DESCRIPTION}, {"beskrivelse", IMPORT_COL_DESCRIPTION},
    {"opis", IMPORT_COL_DESCRIPTION}, {"title", IMPORT_COL_DESCRIPTION},
    {"task", IMPORT_COL_TASK}, {"tarefa", IMPORT_COL_TASK}, {"tarea", IMPORT_COL_TASK},
    {"attività", IMPORT_COL_TASK}, {"aufgabe", IMPORT_COL_TASK}, {"tâche", IMPORT_COL_TASK},
    {"opgave", IMPORT_COL_TASK}, {"oppgave", IMPORT_COL_TASK}, {"zadanie", IMPORT_COL_TASK},
    {"activity", IMPORT_COL_TASK},
    {"user", IMPORT_COL_USER}, {"usuário", IMPORT_COL_USER}, {"usuario", IMPORT_COL_USER},
    {"utente", IMPORT_COL_USER}, {"benutzer", IMPORT_COL_USER},
    {"utilisateur", IMPORT_COL_USER}, {"bruger", IMPORT_COL_USER},
    {"bruker", IMPORT_COL_USER}, {"użytkownik", IMPORT_COL_USER},
    {"group", IMPORT_COL_GROUP}, {"grupo", IMPORT_COL_GROUP}, {"gruppo", IMPORT_COL_GROUP},
    {"gruppe", IMPORT_COL_GROUP}, {"groupe", IMPORT_COL_GROUP}, {"grupa", IMPORT_COL_GROUP},
    {"email", IMPORT_COL_EMAIL}, {"e-mail", IMPORT_COL_EMAIL}, {"e-post", IMPORT_COL_EMAIL},
    {"tags", IMPORT_COL_TAGS}, {"tag", IMPORT_COL_TAGS}, {"etiqueta", IMPORT_COL_TAGS},
    {"etiquetas", IMPORT_COL_TAGS}, {"etichette", IMPORT_COL_TAGS},
    {"étiquettes", IMPORT_COL_TAGS}, {"tagi", IMPORT_COL_TAGS},
    {"billable", IMPORT_COL_BILLABLE}, {"faturável", IMPORT_COL_BILLABLE},
    {"facturable", IMPORT_COL_BILLABLE}, {"fatturabile", IMPORT_COL_BILLABLE},
    {"abrechenbar", IMPORT_COL_BILLABLE}, {"fakturerbar", IMPORT_COL_BILLABLE},
    {"rozliczalny", IMPORT_COL_BILLABLE},
    {"start date", IMPORT_COL_START_DATE}, {"data de início", IMPORT_COL_START_DATE},
    {"fecha de inicio", IMPORT_COL_START_DATE}, {"data di inizio", IMPORT_COL_START_DATE},
    {"data inizio", IMPORT_COL_START_DATE}, {"startdatum", IMPORT_COL_START_DATE},
    {"date de début", IMPORT_COL_START_DATE}, {"startdato", IMPORT_COL_START_DATE},
    {"data rozpoczęcia", IMPORT_COL_START_DATE},
    {"start time", IMPORT_COL_START_TIME}, {"hora de início", IMPORT_COL_START_TIME},
    {"hora de inicio", IMPORT_COL_START_TIME}, {"ora di inizio", IMPORT_COL_START_TIME},
    {"ora inizio", IMPORT_COL_START_TIME}, {"startzeit", IMPORT_COL_START_TIME},
    {"heure de début", IMPORT_COL_START_TIME}, {"starttid", IMPORT_COL_START_TIME},
    {"czas rozpoczęcia", IMPORT_COL_START_TIME},
    {"end date", IMPORT_COL_END_DATE}, {"data final", IMPORT_COL_END_DATE},
    {"data de término", IMPORT_COL_END_DATE}, {"fecha de fin", IMPORT_COL_END_DATE},
    {"fecha final", IMPORT_COL_END_DATE}, {"data di fine", IMPORT_COL_END_DATE},
    {"data fine", IMPORT_COL_END_DATE}, {"enddatum", IMPORT_COL_END_DATE},
    {"date de fin", IMPORT_COL_END_DATE}, {"slutdato", IMPORT_COL_END_DATE},
    {"data zakończenia", IMPORT_COL_END_DATE},
    {"end time", IMPORT_COL_END_TIME}, {"hora de término", IMPORT_COL_END_TIME},
    {"hora final", IMPORT_COL_END_TIME}, {"hora de fin", IMPORT_COL_END_TIME},
    {"ora di fine", IMPORT_COL_END_TIME}, {"ora fine", IMPORT_COL_END_TIME},
    {"endzeit", IMPORT_COL_END_TIME}, {"heure de fin", IMPORT_COL_END_TIME},
    {"sluttid", IMPORT_COL_END_TIME}, {"czas zakończenia", IMPORT_COL_END_TIME},
    {"duration", DETECT_DURATION}, {"duração", DETECT_DURATION},
    {"duración", DETECT_DURATION}, {"durata", DETECT_DURATION}, {"dauer", DETECT_DURATION},
    {"durée", DETECT_DURATION}, {"varighed", DETECT_DURATION},
    {"varighet", DETECT_DURATION}, {"czas trwania", DETECT_DURATION},
    {"billable rate", DETECT_RATE}, {"taxa faturável", DETECT_RATE},
    {"tarifa facturable", DETECT_RATE}, {"tariffa fatturabile", DETECT_RATE},
    {"abrechenbarer stundensatz", DETECT_RATE}, {"taux facturable", DETECT_RATE},
    {"hourly rate", DETECT_RATE}, {"hourly price", DETECT_RATE},
    {"billable amount", DETECT_AMOUNT}, {"amount", DETECT_AMOUNT},
    {"valor faturável", DETECT_AMOUNT}, {"importe facturable", DETECT_AMOUNT},
    {"importo fatturabile", DETECT_AMOUNT}, {"abrechenbarer betrag", DETECT_AMOUNT},
    {"montant facturable", DETECT_AMOUNT}, {"price", DETECT_AMOUNT},
    {"internal price", IMPORT_COL_COST_AMOUNT},
    {"currency", IMPORT_COL_CURRENCY},
    {"date", DETECT_DATE}, {"data", DETECT_DATE}, {"fecha", DETECT_DATE},
    {"datum", DETECT_DATE}, {"dato", DETECT_DATE},
    {"from", DETECT_FROM}, {"to", DETECT_TO}, {"name", DETECT_NAME},
    {"time", DETECT_SUMMARY_TIME}, {"tempo", DETECT_SUMMARY_TIME},
    {"tiempo", DETECT_SUMMARY_TIME}, {"zeit", DETECT_SUMMARY_TIME},
    {"czas", DETECT_SUMMARY_TIME},
};

/* Suffixes that mark a duration in decimal hours: "Duration (decimal)" and translations. */
static const char *const detect_decimal_suffixes[] = {
    "decimal", "dezimal", "decimale", "décimal", "desimal", "dziesiętny", "dziesiętnie",
};

const char *import_tool_name(enum import_tool tool)
{
    switch (tool) {
    case IMPORT_TOOL_CLOCKIFY:
        return "Clockify";
    case IMPORT_TOOL_TOGGL:
        return "Toggl Track";
    case IMPORT_TOOL_KIMAI:
        return "Kimai";
    default:
        return "unknown";
    }
}

/* Splits a header such as " Billable Rate (USD) " into the lowercase base "billable rate" and
 * the suffix "USD" (case kept). Either output is cut to its size. */
static void detect_split_header(const char *text, char *base, size_t base_size, char *suffix,
                                size_t suffix_size)
{
    size_t len = strlen(text);
    size_t start = 0;
    size_t n = 0;

    suffix[0] = '\0';
    while (start < len && isspace((unsigned char)text[start]))
        start++;
    while (len > start && isspace((unsigned char)text[len - 1]))
        len--;
    if (len > start && text[len - 1] == ')') {
        const char *open = memchr(text + start, '(', len - start);
        if (open != NULL) {
            size_t inner = (size_t)(text + len - 1 - (open + 1));
            if (inner >= suffix_size)
                inner = suffix_size - 1;
            memcpy(suffix, open + 1, inner);
            suffix[inner] = '\0';
            len = (size_t)(open - text);
            while (len > start && isspace((unsigned char)text[len - 1]))
                len--;
        }
    }
    for (size_t i = start; i < len && n + 1 < base_size; i++)
        base[n++] = (char)tolower((unsigned char)text[i]);
    base[n] = '\0';
}

static int detect_role_of(const char *base)
{
    for (size_t i = 0; i < sizeof(detect_names) / sizeof(detect_names[0]); i++) {
        if (strcmp(detect_names[i].name, base) == 0)
            return detect_names[i].role;
    }
    return DETECT_NONE;
}

static bool detect_suffix_is_decimal(const char *suffix)
{
    char lower[32];
    size_t n = 0;
    for (; suffix[n] != '\0' && n + 1 < sizeof(lower); n++)
        lower[n] = (char)tolower((unsigned char)suffix[n]);
    lower[n] = '\0';
    for (size_t i = 0; i < sizeof(detect_decimal_suffixes) / sizeof(detect_decimal_suffixes[0]);
         i++) {
        if (strcmp(lower, detect_decimal_suffixes[i]) == 0)
            return true;
    }
    return false;
}

/* Keeps a three-letter code such as "USD" from a header suffix as the file's currency. */
static void detect_take_currency(struct import_columns *columns, const char *suffix)
{
    if (columns->currency[0] != '\0' || strlen(suffix) != 3)
        return;
    for (int i = 0; i < 3; i++) {
        if (!isupper((unsigned char)suffix[i]))
            return;
    }
    memcpy(columns->currency, suffix, 4);
}

static void detect_set(int *index, int role, size_t column)
{
    if (index[role] < 0)
        index[role] = (int)column;
}

/* The --format value that selects tool. */
static const char *import_format_option(enum import_tool tool)
{
    switch (tool) {
    case IMPORT_TOOL_CLOCKIFY:
        return "clockify";
    case IMPORT_TOOL_TOGGL:
        return "toggl";
    case IMPORT_TOOL_KIMAI:
        return "kimai";
    default:
        return "auto";
    }
}

int import_detect_columns(char *const *header, size_t count, enum import_tool forced,
                          struct import_columns *columns, char *err, size_t err_size)
{
    int found[DETECT_NONE + 1];
    bool duration_has_suffix = false;

    for (int i = 0; i <= DETECT_NONE; i++)
        found[i] = -1;
    memset(columns, 0, sizeof(*columns));

    for (size_t c = 0; c < count; c++) {
        char base[96];
        char suffix[32];
        detect_split_header(header[c], base, sizeof(base), suffix, sizeof(suffix));
        int role = detect_role_of(base);
        if (role == DETECT_DURATION && detect_suffix_is_decimal(suffix))
            role = IMPORT_COL_DURATION_DECIMAL;
        else if (role == DETECT_DURATION && suffix[0] != '\0')
            duration_has_suffix = true;
        if (role == DETECT_RATE || role == DETECT_AMOUNT)
            detect_take_currency(columns, suffix);
        if (role == DETECT_SUMMARY_TIME && suffix[0] == '\0')
            role = DETECT_NONE;
        detect_set(found, role, c);
    }

    /* Kimai is the one tool with Date, From and To. Clockify alone adds "(h)" and a decimal
     * duration. What remains with a start date is Toggl Track. */
    enum import_tool detected = IMPORT_TOOL_TOGGL;
    if (found[DETECT_DATE] >= 0 && found[DETECT_FROM] >= 0 && found[DETECT_TO] >= 0)
        detected = IMPORT_TOOL_KIMAI;
    else if (found[IMPORT_COL_DURATION_DECIMAL] >= 0 || duration_has_suffix)
        detected = IMPORT_TOOL_CLOCKIFY;
    enum import_tool tool = forced == IMPORT_TOOL_AUTO ? detected : forced;
    columns->tool = tool;

    for (int role = 0; role < IMPORT_COL__MAX; role++)
        columns->index[role] = found[role];
    columns->index[IMPORT_COL_DURATION] = found[DETECT_DURATION];
    columns->index[IMPORT_COL_RATE] = found[DETECT_RATE];
    columns->index[IMPORT_COL_AMOUNT] = found[DETECT_AMOUNT];
    if (tool == IMPORT_TOOL_KIMAI) {
        columns->index[IMPORT_COL_START_DATE] = found[DETECT_DATE];
        columns->index[IMPORT_COL_START_TIME] = found[DETECT_FROM];
        columns->index[IMPORT_COL_END_TIME] = found[DETECT_TO];
        columns->index[IMPORT_COL_END_DATE] = -1;
        if (found[DETECT_NAME] >= 0) {
            columns->index[IMPORT_COL_USERNAME] = found[IMPORT_COL_USER];
            columns->index[IMPORT_COL_USER] = found[DETECT_NAME];
        }
    }

    const int *index = columns->index;
    bool has_duration = index[IMPORT_COL_DURATION] >= 0 ||
                        index[IMPORT_COL_DURATION_DECIMAL] >= 0 ||
                        found[DETECT_SUMMARY_TIME] >= 0;
    bool fits = index[IMPORT_COL_START_DATE] >= 0 && index[IMPORT_COL_START_TIME] >= 0;
    if (!fits && tool != detected) {
        snprintf(err, err_size,
                 "the header does not match a %s export but looks like a %s one; use --format "
                 "auto or --format %s",
                 import_tool_name(tool), import_tool_name(detected),
                 import_format_option(detected));
        return -1;
    }
    if (index[IMPORT_COL_START_TIME] < 0 && has_duration) {
        snprintf(err, err_size,
                 "looks like a summary report; export the Detailed report (the header has "
                 "durations but no start time)");
        return -1;
    }
    const char *missing = NULL;
    if (index[IMPORT_COL_START_DATE] < 0)
        missing = "start date";
    else if (index[IMPORT_COL_START_TIME] < 0)
        missing = "start time";
    else if (index[IMPORT_COL_DURATION] < 0 && index[IMPORT_COL_DURATION_DECIMAL] < 0 &&
             index[IMPORT_COL_END_TIME] < 0)
        missing = "duration or end time";
    else if (index[IMPORT_COL_USER] < 0 && index[IMPORT_COL_EMAIL] < 0)
        missing = "user or email";
    if (missing != NULL) {
        snprintf(err, err_size,
                 "not a detailed export of Clockify, Toggl Track or Kimai: the header has no "
                 "%s column",
                 missing);
        return -1;
    }
    return 0;
}

/* Reads 1 to max_digits decimal digits at *p; returns the count read (0 when none). */
static int detect_digits(const char **p, int max_digits, int *value)
{
    int n = 0;
    *value = 0;
    while (n < max_digits && isdigit((unsigned char)**p)) {
        *value = *value * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n;
}

enum date_shape { SHAPE_NONE, SHAPE_ISO, SHAPE_DOTTED, SHAPE_SLASH };

/* Splits a date into its three numbers; for a slash date a and b are the first two numbers. */
static enum date_shape detect_date_shape(const char *text, int *a, int *b, int *year)
{
    const char *p = text;
    int n1 = detect_digits(&p, 4, a);
    if (n1 == 4 && *p == '-') {
        p++;
        *year = *a;
        if (detect_digits(&p, 2, a) != 2 || *p++ != '-' || detect_digits(&p, 2, b) != 2)
            return SHAPE_NONE;
        return *p == '\0' ? SHAPE_ISO : SHAPE_NONE;
    }
    if (n1 < 1 || n1 > 2 || (*p != '/' && *p != '.'))
        return SHAPE_NONE;
    char sep = *p++;
    int n2 = detect_digits(&p, 2, b);
    if (n2 < 1 || *p++ != sep)
        return SHAPE_NONE;
    int n3 = detect_digits(&p, 4, year);
    if (*p != '\0' || (n3 != 2 && n3 != 4))
        return SHAPE_NONE;
    if (n3 == 2)
        *year += *year < 70 ? 2000 : 1900;
    return sep == '.' ? SHAPE_DOTTED : SHAPE_SLASH;
}

int import_date_format_parse(const char *text, enum import_date_order *order)
{
    static const struct {
        const char *name;
        enum import_date_order order;
    } formats[] = {
        {"DD/MM/YYYY", IMPORT_ORDER_DMY}, {"D/M/YYYY", IMPORT_ORDER_DMY},
        {"DD/MM/YY", IMPORT_ORDER_DMY},   {"D/M/YY", IMPORT_ORDER_DMY},
        {"MM/DD/YYYY", IMPORT_ORDER_MDY}, {"M/D/YYYY", IMPORT_ORDER_MDY},
        {"MM/DD/YY", IMPORT_ORDER_MDY},   {"M/D/YY", IMPORT_ORDER_MDY},
        {"YYYY-MM-DD", IMPORT_ORDER_UNKNOWN}, {"DD.MM.YYYY", IMPORT_ORDER_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcasecmp(text, formats[i].name) == 0) {
            *order = formats[i].order;
            return 0;
        }
    }
    return -1;
}

int import_date_hint(const char *text, enum import_date_order *hint)
{
    int a, b, year;
    enum date_shape shape = detect_date_shape(text, &a, &b, &year);

    *hint = IMPORT_ORDER_UNKNOWN;
    if (shape == SHAPE_NONE)
        return -1;
    if (shape == SHAPE_SLASH && a > 12 && b <= 12)
        *hint = IMPORT_ORDER_DMY;
    else if (shape == SHAPE_SLASH && b > 12 && a <= 12)
        *hint = IMPORT_ORDER_MDY;
    return 0;
}

int import_parse_date(const char *text, enum import_date_order order, int *year, int *month,
                      int *day)
{
    int a, b;
    enum date_shape shape = detect_date_shape(text, &a, &b, year);

    switch (shape) {
    case SHAPE_ISO:
        *month = a;
        *day = b;
        break;
    case SHAPE_DOTTED:
        *day = a;
        *month = b;
        break;
    case SHAPE_SLASH:
        if (order == IMPORT_ORDER_DMY || (order == IMPORT_ORDER_UNKNOWN && a > 12)) {
            *day = a;
            *month = b;
        } else if (order == IMPORT_ORDER_MDY || (order == IMPORT_ORDER_UNKNOWN && b > 12)) {
            *month = a;
            *day = b;
        } else {
            return 1;
        }
        break;
    default:
        return -1;
    }
    return civil_date_valid(*year, *month, *day) ? 0 : -1;
}

int import_parse_time(const char *text, int *hour, int *minute, int *second, bool *has_seconds)
{
    const char *p = text;

    while (*p == ' ')
        p++;
    int nh = detect_digits(&p, 2, hour);
    if (nh < 1 || *p++ != ':' || detect_digits(&p, 2, minute) != 2)
        return -1;
    *second = 0;
    *has_seconds = false;
    if (*p == ':') {
        p++;
        if (detect_digits(&p, 2, second) != 2)
            return -1;
        *has_seconds = true;
    }
    while (*p == ' ')
        p++;
    if (*p != '\0') {
        /* 12-hour clock: "1:00 PM", "12:30 am", "9:05 a.m.". */
        char first = (char)toupper((unsigned char)p[0]);
        const char *rest = p + 1;
        if (*rest == '.')
            rest++;
        if ((first != 'A' && first != 'P') || toupper((unsigned char)*rest) != 'M')
            return -1;
        rest++;
        if (*rest == '.')
            rest++;
        if (*rest != '\0' || *hour < 1 || *hour > 12)
            return -1;
        if (*hour == 12)
            *hour = 0;
        if (first == 'P')
            *hour += 12;
    }
    if (*hour > 23 || *minute > 59 || *second > 59)
        return -1;
    return 0;
}

/* Parses a non-negative decimal number with `.` or `,` as its separator into an integer count of
 * units (value * scale), rounding half up. Returns 0 or -1. */
static int detect_decimal(const char *text, int64_t scale, int64_t *out)
{
    const char *p = text;
    int64_t whole = 0;
    int64_t fraction = 0;
    int64_t fraction_scale = 1;
    int digits = 0;

    for (; isdigit((unsigned char)*p); p++, digits++) {
        if (whole > INT64_MAX / 100 / scale)
            return -1;
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.' || *p == ',') {
        p++;
        for (; isdigit((unsigned char)*p); p++, digits++) {
            if (fraction_scale < 1000000000) {
                fraction = fraction * 10 + (*p - '0');
                fraction_scale *= 10;
            }
        }
    }
    if (*p != '\0' || digits == 0)
        return -1;
    *out = whole * scale + (fraction * scale * 2 + fraction_scale) / (fraction_scale * 2);
    return 0;
}

int import_parse_duration(const char *text, bool decimal_hours, int64_t *seconds, bool *exact)
{
    const char *p = text;
    int64_t hours = 0;
    int minutes;
    int secs = 0;
    int digits = 0;

    while (*p == ' ')
        p++;
    *exact = true;
    if (strchr(p, ':') == NULL) {
        bool has_separator = strchr(p, '.') != NULL || strchr(p, ',') != NULL;
        if (decimal_hours || has_separator) {
            *exact = false;
            return detect_decimal(p, 3600, seconds);
        }
        return detect_decimal(p, 1, seconds);
    }
    for (; isdigit((unsigned char)*p); p++, digits++) {
        if (hours > 10000000)
            return -1;
        hours = hours * 10 + (*p - '0');
    }
    if (digits == 0 || *p++ != ':' || detect_digits(&p, 2, &minutes) != 2 || minutes > 59)
        return -1;
    if (*p == ':') {
        p++;
        if (detect_digits(&p, 2, &secs) != 2 || secs > 59)
            return -1;
    }
    if (*p != '\0')
        return -1;
    *seconds = hours * 3600 + minutes * 60 + secs;
    return 0;
}

int import_parse_money(const char *text, int64_t *cents)
{
    char clean[64];
    size_t n = 0;
    const char *p = text;
    bool negative = false;

    while (*p == ' ')
        p++;
    if (*p == '-') {
        negative = true;
        p++;
    }
    /* When both `.` and `,` appear, the later one is the decimal separator. When only one
     * kind appears, once it is the decimal separator ("3,5") and repeated it groups thousands
     * ("1,234,567"). Grouping separators and spaces are dropped. */
    const char *last_dot = strrchr(p, '.');
    const char *last_comma = strrchr(p, ',');
    const char *decimal = last_dot > last_comma ? last_dot : last_comma;
    bool both = last_dot != NULL && last_comma != NULL;
    if (decimal != NULL && !both && strchr(p, *decimal) != decimal)
        decimal = NULL;
    for (; *p != '\0'; p++) {
        if (p == decimal) {
            if (n + 1 >= sizeof(clean))
                return -1;
            clean[n++] = '.';
        } else if (*p == '.' || *p == ',' || *p == ' ') {
            continue;
        } else if (isdigit((unsigned char)*p)) {
            if (n + 1 >= sizeof(clean))
                return -1;
            clean[n++] = *p;
        } else {
            return -1;
        }
    }
    clean[n] = '\0';
    if (detect_decimal(clean, 100, cents) != 0)
        return -1;
    if (negative)
        *cents = -*cents;
    return 0;
}

int import_parse_bool(const char *text, bool *value)
{
    static const char *const yes[] = {"yes", "1", "true", "sim", "sí", "si", "ja", "oui",
                                      "tak", "y"};
    static const char *const no[] = {"no", "0", "false", "não", "nao", "nein", "non", "nej",
                                     "nei", "nie", "n"};
    char lower[16];
    size_t n = 0;

    for (; text[n] != '\0' && n + 1 < sizeof(lower); n++)
        lower[n] = (char)tolower((unsigned char)text[n]);
    lower[n] = '\0';
    if (text[n] != '\0')
        return -1;
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcmp(lower, yes[i]) == 0) {
            *value = true;
            return 0;
        }
    }
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        if (strcmp(lower, no[i]) == 0) {
            *value = false;
            return 0;
        }
    }
    return -1;
}
