#!/usr/bin/env bash
# t_day_totals.sh - detailed JSON totals and deep pages served from the per-day totals agree with
# the same reports computed from the entries, over generated data in several zones. Totals are
# compared with the summary report's, which reads the entries. Pages are compared with the same
# pages with rounding on: those read the entries, and rounding does not change a page's entries.
# SPDX-License-Identifier: MIT
. "$(dirname "$0")/lib.sh"

NAME="day-totals-$$"
reportctl generate --workspace "$NAME" --entries 20000 --users 10 --projects 8 --seed 21 \
    --from 2025-01-01 --to 2025-12-31 --time-zone America/New_York >/dev/null 2>&1
check "generate exits 0" "$?" 0
WS=$(sql -e "SELECT id FROM workspaces WHERE name = '$NAME'")
check "day totals match the entries" "$(day_totals_mismatches "$WS")" 0
KEY=$(reportctl apikey create --workspace "$NAME" --user "owner-$WS@example.com" --role OWNER)
read -r MEMBER_EMAIL MEMBER_ID < <(sql -e "SELECT u.email, u.id FROM memberships m
    JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $WS AND u.email IS NOT NULL
    AND m.role = 'MEMBER' ORDER BY u.id LIMIT 1")
MEMBER_KEY=$(reportctl apikey create --workspace "$NAME" --user "$MEMBER_EMAIL" --role MEMBER)
BASE="/v1/workspaces/$WS/reports"

range() { # START END ZONE: the date fields of a body
    echo "\"dateRangeStart\":\"${1}\",\"dateRangeEnd\":\"${2}\",\"timeZone\":\"$3\""
}

# Ranges with edges off UTC midnight (+5:30, +13, DST changes), one whole UTC range, one day.
RANGES=(
    "$(range 2025-01-01T00:00:00 2025-12-31T23:59:59 America/New_York)"
    "$(range 2025-03-09T00:00:00 2025-11-02T23:59:59 Asia/Kolkata)"
    "$(range 2025-06-15T07:30:00 2025-09-01T18:45:10 Pacific/Auckland)"
    "$(range 2025-02-01T00:00:00 2025-04-30T23:59:59 UTC)"
    "$(range 2025-10-26T00:00:00 2025-10-26T23:59:59 Europe/Berlin)"
)

# Totals: the detailed report's (day totals) against the summary's (entries).
same_totals() { # DESCRIPTION FIELDS KEY
    local summary_totals detailed_totals status
    status=$(api POST "$BASE/summary" "$3" "{$2,\"summaryFilter\":{\"groups\":[\"USER\"]}}")
    summary_totals="$status $(jq -cS '.totals[0] | del(._id)' "$TEST_TMP/body")"
    status=$(api POST "$BASE/detailed" "$3" "{$2,\"detailedFilter\":{\"pageSize\":1}}")
    detailed_totals="$status $(jq -cS '.totals[0] | del(._id)' "$TEST_TMP/body")"
    check "totals answered: $1" "${detailed_totals:0:3}" 200
    check "totals: $1" "$detailed_totals" "$summary_totals"
}

# Pages: the ids of a page in DATE order without rounding (day totals) and with it (entries).
same_page() { # DESCRIPTION FIELDS KEY PAGE ORDER
    local fast slow filter="\"sortOrder\":\"$5\",\"detailedFilter\":{\"page\":$4,\"pageSize\":50}"
    fast="$(api POST "$BASE/detailed" "$3" "{$2,$filter}") $(jq -c '[.timeentries[]._id]' "$TEST_TMP/body")"
    slow="$(api POST "$BASE/detailed" "$3" "{$2,$filter,\"rounding\":true}") $(jq -c '[.timeentries[]._id]' "$TEST_TMP/body")"
    check "page answered: $1" "${fast:0:3}" 200
    check "page $4 $5: $1" "$fast" "$slow"
}

for i in "${!RANGES[@]}"; do
    fields=${RANGES[$i]}
    same_totals "range $i" "$fields" "$KEY"
    same_totals "range $i, member" "$fields" "$MEMBER_KEY"
    same_totals "range $i, one user" "$fields,\"users\":{\"ids\":[\"$MEMBER_ID\"]}" "$KEY"
    same_totals "range $i, not that user" \
        "$fields,\"users\":{\"ids\":[\"$MEMBER_ID\"],\"contains\":\"DOES_NOT_CONTAIN\"}" "$KEY"

    api POST "$BASE/detailed" "$KEY" "{$fields,\"detailedFilter\":{\"pageSize\":1}}" >/dev/null
    entries=$(jq '.totals[0].entriesCount' "$TEST_TMP/body")
    last_page=$(((entries + 49) / 50))
    for page in 2 $((last_page / 3 + 1)) "$last_page" $((last_page + 1)); do
        for order in DESCENDING ASCENDING; do
            same_page "range $i" "$fields" "$KEY" "$page" "$order"
        done
    done
    same_page "range $i, member" "$fields" "$MEMBER_KEY" 3 DESCENDING
done

# The deep page is not empty and the page after the last one is.
api POST "$BASE/detailed" "$KEY" "{${RANGES[0]},\"detailedFilter\":{\"page\":300,\"pageSize\":50}}" >/dev/null
check "page 300 of 50 has 50 entries" "$(jq '.timeentries | length' "$TEST_TMP/body")" 50
api POST "$BASE/detailed" "$KEY" "{${RANGES[0]},\"detailedFilter\":{\"page\":2000,\"pageSize\":50}}" >/dev/null
check "a page past the end is empty" "$(jq '.timeentries | length' "$TEST_TMP/body")" 0

finish
