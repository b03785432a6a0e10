/* tz.c - time zone conversions through the C library and the system zone database.
 * SPDX-License-Identifier: MIT
 */
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "civil.h"

static char tz_name[TZ_NAME_MAX + 1] = "UTC";

bool tz_valid(const char *zone)
{
    char path[TZ_NAME_MAX + 32];
    char magic[4];

    if (zone == NULL || zone[0] == '\0' || strlen(zone) > TZ_NAME_MAX)
        return false;
    if (strcmp(zone, "UTC") == 0)
        return true;
    /* Only names that look like Area/Location reach the file system. */
    if (zone[0] == '/' || zone[0] == '.' || strstr(zone, "..") != NULL)
        return false;
    for (const char *p = zone; *p; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '/' || *p == '_' || *p == '-' || *p == '+'))
            return false;
    }

    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return false;
    size_t got = fread(magic, 1, sizeof(magic), file);
    fclose(file);
    return got == sizeof(magic) && memcmp(magic, "TZif", 4) == 0;
}

int tz_use(const char *zone)
{
    if (!tz_valid(zone))
        return -1;
    if (strcmp(zone, tz_name) == 0 && getenv("TZ") != NULL)
        return 0;
    snprintf(tz_name, sizeof(tz_name), "%s", zone);
    setenv("TZ", zone, 1);
    tzset();
    return 0;
}

const char *tz_current(void)
{
    return tz_name;
}

void tz_to_local(int64_t utc, struct tz_local *local)
{
    time_t t = (time_t)utc;
    struct tm tm;

    localtime_r(&t, &tm);
    local->year = tm.tm_year + 1900;
    local->month = tm.tm_mon + 1;
    local->day = tm.tm_mday;
    local->hour = tm.tm_hour;
    local->minute = tm.tm_min;
    local->second = tm.tm_sec;
    local->offset = (int)tm.tm_gmtoff;
    local->days = civil_days_from_date(local->year, local->month, local->day);
    local->weekday = civil_weekday(local->days);
}

static int tz_offset_at(int64_t utc)
{
    struct tz_local local;
    tz_to_local(utc, &local);
    return local.offset;
}

int64_t tz_from_local(int year, int month, int day, int hour, int minute, int second)
{
    /* wall is the local time read as if it were UTC; an instant t shows it when
     * t + offset(t) == wall. Offsets a day before and after bound the candidates. */
    int64_t wall = civil_days_from_date(year, month, day) * 86400 + (int64_t)hour * 3600 +
                   (int64_t)minute * 60 + second;
    int64_t early = wall - tz_offset_at(wall - 86400);
    int64_t late = wall - tz_offset_at(wall + 86400);
    int64_t first = early < late ? early : late;
    int64_t second_candidate = early < late ? late : early;

    if (first + tz_offset_at(first) == wall)
        return first;
    if (second_candidate + tz_offset_at(second_candidate) == wall)
        return second_candidate;

    /* A skipped time: find the instant of the change between the two candidates. */
    int64_t low = first;
    int64_t high = second_candidate;
    int low_offset = tz_offset_at(low);
    while (high - low > 1) {
        int64_t mid = low + (high - low) / 2;
        if (tz_offset_at(mid) == low_offset)
            low = mid;
        else
            high = mid;
    }
    return high;
}
