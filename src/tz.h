/* tz.h - IANA time zones: instants to local calendar times and back.
 * SPDX-License-Identifier: MIT
 *
 * The zone is process-wide (the TZ variable): a worker serves one request at a time and sets the
 * request's zone with tz_use before it converts anything.
 */
#ifndef REPORTD_TZ_H
#define REPORTD_TZ_H

#include <stdbool.h>
#include <stdint.h>

#define TZ_NAME_MAX 64

struct tz_local {
    int year, month, day;       /* month 1..12 */
    int hour, minute, second;
    int weekday;                /* 0 = Monday .. 6 = Sunday */
    int offset;                 /* seconds east of UTC */
    int64_t days;               /* local day number (days since 1970-01-01) */
};

/* True when zone names a zone in the system database (/usr/share/zoneinfo) or is "UTC". */
bool tz_valid(const char *zone);

/* Makes zone the zone of the following conversions. Returns -1 for an invalid zone. */
int tz_use(const char *zone);

/* Name set by the last successful tz_use ("UTC" before any). */
const char *tz_current(void);

/* Converts an instant to the local calendar time of the current zone. */
void tz_to_local(int64_t utc, struct tz_local *local);

/* Converts a local calendar time of the current zone to an instant. A time repeated when
 * clocks go back maps to its first occurrence; a time skipped when clocks go forward maps to
 * the first valid instant after it (the moment of the change). */
int64_t tz_from_local(int year, int month, int day, int hour, int minute, int second);

#endif
