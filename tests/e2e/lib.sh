# lib.sh - shared functions of the end-to-end tests. scripts/test starts the stack and exports:
#   REPORTD_URL         http://127.0.0.1:PORT (nginx in front of reportd)
#   REPORTD_CONFIG      the reportd.conf of the running stack (reportctl --config takes it)
#   REPORTD_DB_SOCKET   MariaDB socket; REPORTD_DB_PASSWORD the reportd user's password
#   REPORTD_BUILD_DIR   where reportd and reportctl are built
#   REPORTD_STACK_DIR   the stack's folder (logs under log/, pids under run/)
# A test exits 0 when it passes, 77 when it skips, anything else when it fails.
# SPDX-License-Identifier: MIT

set -u

if [ -z "${REPORTD_URL:-}" ] || [ -z "${REPORTD_CONFIG:-}" ]; then
    echo "SKIP: no running stack (run the tests through scripts/test)"
    exit 77
fi

TEST_NAME=$(basename "$0" .sh)
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/reportd-$TEST_NAME.XXXXXX")
trap 'rm -rf "$TEST_TMP"' EXIT
TEST_FAILURES=0

# Runs SQL as the reportd user; extra arguments go to the mariadb client.
sql() {
    mariadb --no-defaults -S "$REPORTD_DB_SOCKET" -u reportd -p"$REPORTD_DB_PASSWORD" \
        --batch --skip-column-names reportd "$@"
}

reportctl() {
    "$REPORTD_BUILD_DIR/reportctl" --config "$REPORTD_CONFIG" "$@"
}

# Recomputes the per-day totals of every workspace. Tests that write time_entries with SQL
# call it afterwards, as an operator would; reportd's own writers keep the totals themselves.
refresh_totals() {
    reportctl totals >/dev/null
}

# Prints how many per-day totals rows of workspace WS disagree with its entries (entries,
# seconds, billable seconds per user and UTC day, and the day rows against the user rows),
# plus any difference in row counts. 0 means the totals are right.
day_totals_mismatches() {
    local ws=$1
    sql <<SQL
SELECT
  (SELECT COUNT(*) FROM (
     SELECT user_id, DATE(start_at) AS day, COUNT(*) AS n,
            SUM(TIMESTAMPDIFF(SECOND, start_at, end_at)) AS s,
            SUM(IF(billable = 1, TIMESTAMPDIFF(SECOND, start_at, end_at), 0)) AS b
     FROM time_entries WHERE workspace_id = $ws AND end_at IS NOT NULL
     GROUP BY user_id, DATE(start_at)) x
   LEFT JOIN entry_totals_by_user_day t
     ON t.workspace_id = $ws AND t.user_id = x.user_id AND t.day = x.day
    AND t.entries = x.n AND t.seconds = x.s AND t.billable_seconds = x.b
   WHERE t.user_id IS NULL)
+ ABS((SELECT COUNT(*) FROM entry_totals_by_user_day WHERE workspace_id = $ws)
      - (SELECT COUNT(DISTINCT user_id, DATE(start_at)) FROM time_entries
         WHERE workspace_id = $ws AND end_at IS NOT NULL))
+ (SELECT COUNT(*) FROM (
     SELECT day, SUM(entries) AS n, SUM(seconds) AS s, SUM(earned) AS e, SUM(cost) AS c
     FROM entry_totals_by_user_day WHERE workspace_id = $ws GROUP BY day) u
   LEFT JOIN entry_totals_by_day d
     ON d.workspace_id = $ws AND d.day = u.day AND d.entries = u.n AND d.seconds = u.s
    AND d.earned = u.e AND d.cost = u.c
   WHERE d.day IS NULL)
+ ABS((SELECT COUNT(*) FROM entry_totals_by_day WHERE workspace_id = $ws)
      - (SELECT COUNT(DISTINCT day) FROM entry_totals_by_user_day WHERE workspace_id = $ws))
SQL
}

# Creates a workspace with an OWNER and prints "WS_ID KEY". Usage: new_workspace NAME [ZONE]
new_workspace() {
    local name=$1 zone=${2:-UTC}
    reportctl workspace create --name "$name" --time-zone "$zone" >/dev/null || return 1
    local ws
    ws=$(sql -e "SELECT id FROM workspaces WHERE name = '$name'") || return 1
    local key
    key=$(reportctl apikey create --workspace "$name" --user "owner-$ws@example.com" \
        --name "Owner $ws" --role OWNER) || return 1
    echo "$ws $key"
}

# Calls the API: api METHOD PATH KEY [BODY]; writes the body to $TEST_TMP/body and prints the
# HTTP status.
api() {
    local method=$1 path=$2 key=$3 body=${4:-}
    local args=(-s -o "$TEST_TMP/body" -w '%{http_code}' -X "$method" -H "X-Api-Key: $key")
    [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    curl "${args[@]}" "$REPORTD_URL$path"
}

# check DESCRIPTION ACTUAL EXPECTED
check() {
    if [ "$2" == "$3" ]; then
        echo "ok   - $1"
    else
        echo "FAIL - $1: expected '$3', got '$2'"
        TEST_FAILURES=$((TEST_FAILURES + 1))
    fi
}

# Ends the test with the right exit code.
finish() {
    if [ "$TEST_FAILURES" -gt 0 ]; then
        echo "$TEST_FAILURES check(s) failed"
        exit 1
    fi
    exit 0
}
