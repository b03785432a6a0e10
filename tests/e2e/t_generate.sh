#!/usr/bin/env bash
# t_generate.sh - `reportctl generate` fills the running stack's database with consistent data:
# counts, tag_ids against entry_tags, running timers, long and awkward descriptions, entries
# across DST changes, day totals equal to the SQL ones, refusal without --append, and the same
# data for the same seed.
# SPDX-License-Identifier: MIT
. "$(dirname "$0")/lib.sh"

if ! reportctl generate --help >/dev/null 2>&1; then
    echo "SKIP: this reportctl has no generate command"
    exit 77
fi

WS="gen-e2e-$$"
OPTIONS=(--entries 20000 --users 12 --projects 15 --seed 7 --from 2025-03-01 --to 2025-11-30
    --time-zone Europe/Berlin)

REPORTD_LOG_LEVEL=debug reportctl generate --workspace "$WS" "${OPTIONS[@]}" >"$TEST_TMP/out" 2>&1
check "generate exits 0" "$?" "0"
grep -q "entries/s" "$TEST_TMP/out"
check "generate prints the rate" "$?" "0"
grep -q "rows into entry_totals_by_user_day" "$TEST_TMP/out"
check "new workspace: day totals built while generating" "$?" "0"
WS_ID=$(sql -e "SELECT id FROM workspaces WHERE name = '$WS'")

check "entries" "$(sql -e "SELECT COUNT(*) FROM time_entries WHERE workspace_id = $WS_ID")" "20000"
check "users" "$(sql -e "SELECT COUNT(*) FROM memberships WHERE workspace_id = $WS_ID")" "12"
check "projects" "$(sql -e "SELECT COUNT(*) FROM projects WHERE workspace_id = $WS_ID")" "15"
check "one owner" "$(sql -e "SELECT COUNT(*) FROM memberships
    WHERE workspace_id = $WS_ID AND role = 'OWNER'")" "1"
check "rounding" "$(sql -e "SELECT CONCAT(rounding_mode, ' ', rounding_minutes, ' ', time_zone)
    FROM workspaces WHERE id = $WS_ID")" "NEAREST 15 Europe/Berlin"
check "created_at is the end, or the start of a timer" "$(sql -e "SELECT COUNT(*)
    FROM time_entries WHERE workspace_id = $WS_ID
    AND (created_at <> COALESCE(end_at, start_at) OR updated_at <> created_at)")" "0"

# The generator builds the day totals of a workspace without entries itself; they must equal
# what the SQL of `reportctl totals` computes, in every column.
totals_fingerprint() {
    sql -e "SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|', user_id, day, entries, seconds,
        billable_seconds, earned, cost))), 0) FROM entry_totals_by_user_day WHERE workspace_id = $1"
    sql -e "SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|', day, entries, seconds,
        billable_seconds, earned, cost))), 0) FROM entry_totals_by_day WHERE workspace_id = $1"
}
check "day totals of a new workspace match the entries" "$(day_totals_mismatches "$WS_ID")" "0"
check "day totals have earned cents" "$(sql -e "SELECT SUM(earned) > 0 AND SUM(cost) > 0
    FROM entry_totals_by_day WHERE workspace_id = $WS_ID")" "1"
GENERATED_TOTALS=$(totals_fingerprint "$WS_ID")
reportctl totals --workspace "$WS_ID" >/dev/null 2>&1
check "totals rebuild exits 0" "$?" "0"
check "generated day totals equal the SQL ones" "$(totals_fingerprint "$WS_ID")" \
    "$GENERATED_TOTALS"

# An existing workspace without entries: stale total rows go, the new ones match the SQL.
reportctl workspace create --name "$WS-empty" --time-zone UTC >/dev/null 2>&1
check "empty workspace created" "$?" "0"
EMPTY_ID=$(sql -e "SELECT id FROM workspaces WHERE name = '$WS-empty'")
sql -e "INSERT INTO entry_totals_by_day (workspace_id, day, entries, seconds, billable_seconds,
    earned, cost) VALUES ($EMPTY_ID, '2001-01-01', 1, 60, 0, 0, 0)"
reportctl generate --workspace "$WS-empty" --entries 3000 --users 4 --projects 3 --seed 9 \
    >/dev/null 2>&1
check "generate into an empty workspace exits 0" "$?" "0"
check "stale day total removed" "$(sql -e "SELECT COUNT(*) FROM entry_totals_by_day
    WHERE workspace_id = $EMPTY_ID AND day = '2001-01-01'")" "0"
check "day totals of an empty workspace match" "$(day_totals_mismatches "$EMPTY_ID")" "0"
GENERATED_TOTALS=$(totals_fingerprint "$EMPTY_ID")
reportctl totals --workspace "$EMPTY_ID" >/dev/null 2>&1
check "empty workspace totals equal the SQL ones" "$(totals_fingerprint "$EMPTY_ID")" \
    "$GENERATED_TOTALS"

# tag_ids must equal the sorted entry_tags ids of the entry, '' when it has none.
check "tag_ids match entry_tags" "$(sql -e "SELECT COUNT(*) FROM time_entries te
    WHERE te.workspace_id = $WS_ID AND te.tag_ids <> COALESCE((SELECT GROUP_CONCAT(et.tag_id
        ORDER BY et.tag_id SEPARATOR ',') FROM entry_tags et WHERE et.entry_id = te.id), '')")" "0"
check "entries with tags" "$(sql -e "SELECT COUNT(*) > 0 FROM time_entries
    WHERE workspace_id = $WS_ID AND tag_ids <> ''")" "1"
check "tags of the workspace" "$(sql -e "SELECT COUNT(*) FROM entry_tags et
    JOIN time_entries te ON te.id = et.entry_id JOIN tags t ON t.id = et.tag_id
    WHERE te.workspace_id = $WS_ID AND t.workspace_id <> $WS_ID")" "0"

# Running timers: at least one, and each is its user's latest entry.
check "running timers exist" "$(sql -e "SELECT COUNT(*) > 0 FROM time_entries
    WHERE workspace_id = $WS_ID AND end_at IS NULL")" "1"
check "running timer is the latest entry" "$(sql -e "SELECT COUNT(*) FROM time_entries r
    JOIN time_entries later ON later.workspace_id = r.workspace_id AND later.user_id = r.user_id
        AND later.start_at > r.start_at
    WHERE r.workspace_id = $WS_ID AND r.end_at IS NULL")" "0"
check "finished entries end after they start" "$(sql -e "SELECT COUNT(*) FROM time_entries
    WHERE workspace_id = $WS_ID AND end_at <= start_at")" "0"
check "task inside its project" "$(sql -e "SELECT COUNT(*) FROM time_entries te
    JOIN tasks t ON t.id = te.task_id WHERE te.workspace_id = $WS_ID
    AND (te.project_id IS NULL OR t.project_id <> te.project_id)")" "0"
check "entries without project" "$(sql -e "SELECT COUNT(*) > 0 FROM time_entries
    WHERE workspace_id = $WS_ID AND project_id IS NULL")" "1"

# Descriptions survive the LOAD DATA escaping.
check "40000-character description" "$(sql -e "SELECT MAX(CHAR_LENGTH(description))
    FROM time_entries WHERE workspace_id = $WS_ID")" "40000"
check "literal backslash-N is text" "$(sql -e "SELECT COUNT(*) > 0 FROM time_entries
    WHERE workspace_id = $WS_ID AND description = CONCAT('Literal ', CHAR(92), 'N is not NULL')")" "1"
check "tab in description" "$(sql -e "SELECT COUNT(*) > 0 FROM time_entries
    WHERE workspace_id = $WS_ID AND description = CONCAT('Tab', CHAR(9), 'separated', CHAR(9),
    'values')")" "1"
check "CRLF in description" "$(sql -e "SELECT COUNT(*) > 0 FROM time_entries
    WHERE workspace_id = $WS_ID AND LOCATE(CONCAT(CHAR(13), CHAR(10)), description) > 0")" "1"
check "emoji in description" "$(sql -e "SELECT COUNT(*) > 0 FROM time_entries
    WHERE workspace_id = $WS_ID AND HEX(description) LIKE '%F09F9A80%'")" "1"
check "formula-like description" "$(sql -e "SELECT COUNT(*) > 0 FROM time_entries
    WHERE workspace_id = $WS_ID AND LEFT(description, 1) = '='")" "1"
check "empty description" "$(sql -e "SELECT COUNT(*) > 0 FROM time_entries
    WHERE workspace_id = $WS_ID AND description = ''")" "1"

# Europe/Berlin and Europe/London change clocks at 01:00 UTC on 2025-03-30 and 2025-10-26,
# America/New_York at 07:00 UTC on 2025-03-09, Pacific/Auckland at 14:00 UTC on 2025-04-05
# and 2025-09-27. Users work an on-call night across each change while they are active; with
# seed 7 the users of these zones are active on these dates.
for change in "2025-03-30 01:00:00" "2025-10-26 01:00:00" "2025-03-09 07:00:00" \
    "2025-04-05 14:00:00" "2025-09-27 14:00:00"; do
    check "entry across the DST change at $change" "$(sql -e "SELECT COUNT(*) > 0
        FROM time_entries WHERE workspace_id = $WS_ID AND start_at < '$change'
        AND end_at > '$change'")" "1"
done

# A workspace with entries is refused unless --append is given.
reportctl generate --workspace "$WS" "${OPTIONS[@]}" >"$TEST_TMP/again" 2>&1
check "second run without --append exits 2" "$?" "2"
grep -q -- "--append" "$TEST_TMP/again"
check "refusal names --append" "$?" "0"
REPORTD_LOG_LEVEL=debug reportctl generate --workspace "$WS" --entries 1000 --users 3 \
    --projects 2 --seed 8 --append >"$TEST_TMP/append" 2>&1
check "--append exits 0" "$?" "0"
grep -q "refreshed the day totals in SQL" "$TEST_TMP/append"
check "--append: day totals refreshed in SQL" "$?" "0"
check "entries after --append" "$(sql -e "SELECT COUNT(*) FROM time_entries
    WHERE workspace_id = $WS_ID")" "21000"
check "day totals match the entries" "$(day_totals_mismatches "$WS_ID")" "0"

# The same seed gives the same entries in another workspace (ids aside).
reportctl generate --workspace "$WS-twin" "${OPTIONS[@]}" >/dev/null 2>&1
check "twin exits 0" "$?" "0"
fingerprint() {
    sql -e "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', te.description, te.start_at,
        COALESCE(te.end_at, 'running'), te.billable, te.hourly_rate, te.cost_rate,
        te.approval_state, te.invoicing_state, u.name, CHAR_LENGTH(te.tag_ids) > 0)))
        FROM time_entries te JOIN users u ON u.id = te.user_id
        JOIN workspaces w ON w.id = te.workspace_id
        WHERE w.name = '$1' AND te.id < (SELECT MIN(id) FROM time_entries x
            WHERE x.workspace_id = w.id) + 20000"
}
check "same seed, same entries" "$(fingerprint "$WS-twin")" "$(fingerprint "$WS")"

finish
