#!/usr/bin/env bash
# Malformed and hostile requests through nginx: every case of tests/e2e/bad-requests/*.tsv gets
# its expected 4xx with a JSON error body and never a 5xx. Afterwards the same workers still run,
# /healthz returns 200 and the log shows no sanitizer report. Absurd but well-formed date ranges
# must not silently lose entries.
. "$(dirname "$0")/lib.sh"

CASES=$(cd "$(dirname "$0")/bad-requests" && pwd)
NAME="bad-requests-$$"
reportctl workspace create --name "$NAME" --time-zone Europe/Berlin --currency EUR >/dev/null
WS=$(sql -e "SELECT id FROM workspaces WHERE name = '$NAME'")
KEY=$(reportctl apikey create --workspace "$NAME" --user "owner-$$@example.com" --name Owner --role OWNER)
MEMBER_KEY=$(reportctl apikey create --workspace "$NAME" --user "member-$$@example.com" --name Member --role MEMBER)
read -r OTHER_WS OTHER_KEY <<<"$(new_workspace "bad-requests-other-$$")"
OWNER=$(sql -e "SELECT id FROM users WHERE email = 'owner-$$@example.com'")
MEMBER=$(sql -e "SELECT id FROM users WHERE email = 'member-$$@example.com'")

# Entries that a widened filter would show: descriptions that hostile values do not contain.
sql <<SQL
INSERT INTO projects (workspace_id, name) VALUES ($WS, 'Website');
INSERT INTO time_entries (workspace_id, user_id, project_id, description, start_at, end_at, billable, hourly_rate)
VALUES ($WS, $OWNER, LAST_INSERT_ID(), 'design review', '2026-01-05 09:00:00', '2026-01-05 10:00:00', 1, 10000),
       ($WS, $MEMBER, NULL, 'support call', '2026-01-06 09:00:00', '2026-01-06 09:30:00', 0, 0);
SQL
refresh_totals

LOG="$REPORTD_STACK_DIR/log/reportd.log"
MASTER=$(cat "$REPORTD_STACK_DIR/run/reportd.pid")
WORKERS_BEFORE=$(pgrep -P "$MASTER" | sort | tr '\n' ' ')
LOG_LINES_BEFORE=$(wc -l <"$LOG")
check "workers running before" "$([ -n "$WORKERS_BEFORE" ] && echo yes)" yes

# Cases for routes that other parts of reportd add later are skipped with a message until the
# routes exist.
SKIP=""
route_exists() {
    local status
    status=$(api GET "$1" "$KEY")
    ! { [ "$status" = 404 ] && grep -q 'no such resource in this workspace' "$TEST_TMP/body"; }
}
if ! route_exists "/v1/workspaces/$WS/archive.zip"; then
    echo "SKIP cases marked needs=archive: GET .../archive.zip is not routed yet"
    SKIP="$SKIP archive"
fi
if ! route_exists "/v1/workspaces/$WS/export-jobs"; then
    echo "SKIP cases marked needs=export-jobs: .../export-jobs is not routed yet"
    SKIP="$SKIP export-jobs"
fi

BAD_WS=$WS BAD_OTHER_WS=$OTHER_WS BAD_KEY_OWNER=$KEY BAD_KEY_MEMBER=$MEMBER_KEY \
    BAD_KEY_OTHER=$OTHER_KEY BAD_SKIP=$SKIP python3 "$CASES/send.py" "$CASES" >"$TEST_TMP/cases.txt"
corpus_status=$?
grep -v '^ok ' "$TEST_TMP/cases.txt"
check "every corpus case" "$corpus_status" 0

# Absurd ranges that still parse: an all-time report must keep both entries (or reject the
# range), never return an empty report because a bound fell outside MariaDB's DATETIME.
entries() {
    local status
    status=$(api GET "/v1/workspaces/$WS/reports/detailed.json?$1" "$KEY")
    if [ "$status" = 200 ]; then
        python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["timeentries"]))' "$TEST_TMP/body"
    else
        echo "status $status"
    fi
}
for zone in UTC Europe/Berlin America/New_York Pacific/Kiritimati; do
    got=$(entries "start=0000-01-01&end=9999-12-31&tz=$zone")
    case $got in
    2 | "status 400") got=ok ;;
    esac
    check "range 0000-01-01..9999-12-31 in $zone keeps the entries or is rejected" "$got" ok
done

# No worker died or was replaced, and every worker still serves.
WORKERS_AFTER=$(pgrep -P "$MASTER" | sort | tr '\n' ' ')
check "same worker pids after the corpus" "$WORKERS_AFTER" "$WORKERS_BEFORE"
for _ in 1 2 3 4; do
    check "healthz after the corpus" "$(curl -s -o /dev/null -w '%{http_code}' "$REPORTD_URL/healthz")" 200
done
tail -n +"$((LOG_LINES_BEFORE + 1))" "$LOG" >"$TEST_TMP/log.txt"
check "no sanitizer report in the log" "$(grep -c -E 'AddressSanitizer|runtime error|LeakSanitizer' "$TEST_TMP/log.txt")" 0
check "no worker replaced in the log" "$(grep -c 'starting a replacement' "$TEST_TMP/log.txt")" 0
check "API keys never logged" "$(grep -c -F -e "$KEY" -e "$MEMBER_KEY" "$LOG")" 0
finish
