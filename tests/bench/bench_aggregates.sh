#!/usr/bin/env bash
# bench_aggregates.sh - times a three-level summary report and a weekly report through nginx
# and reportd against the same GROUP BY statements run alone with the mariadb client, on
# generated entries over one year, and prints the ratios (target: within 1.5x).
# Usage: tests/bench/bench_aggregates.sh [--entries N] [--runs R] [--groups A,B,C] [--keep]
# (defaults: 1,000,000 entries, 5 runs, PROJECT,USER,DATE). REPORTD_BUILD=DIR uses an already
# built Release tree (reportd and reportctl) and skips the build. The worker's statements are
# taken from MariaDB's general log, with their values in place, so the client runs exactly
# what the worker prepared.
# SPDX-License-Identifier: MIT
set -euo pipefail

ENTRIES=1000000
RUNS=5
REPORT_GROUPS=PROJECT,USER,DATE
KEEP=0
while [ $# -gt 0 ]; do
    case $1 in
    --entries) ENTRIES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --groups) REPORT_GROUPS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--entries N] [--runs R] [--groups A,B,C] [--keep]" >&2; exit 2 ;;
    esac
done

STACK_SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
. "$STACK_SOURCE/scripts/lib/stack.sh"
STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/reportd-bench-aggregates.XXXXXX")
STACK_BUILD=${REPORTD_BUILD:-$STACK_DIR/build}
STACK_DB_PORT=$(stack_free_port)
STACK_HTTP_PORT=$(stack_free_port)
STACK_DB_PASSWORD=bench-aggregates
STACK_WORKERS=2

cleanup() {
    stack_nginx_stop || true
    stack_reportd_stop || true
    stack_db_stop || true
    if [ "$KEEP" = 1 ]; then
        echo "kept $STACK_DIR"
    else
        rm -rf "$STACK_DIR"
    fi
}
trap cleanup EXIT

stack_install_packages
if [ -z "${REPORTD_BUILD:-}" ]; then
    stack_log "building Release into $STACK_BUILD"
    stack_build "$STACK_BUILD" Release
fi
mkdir -p "$STACK_DIR/log" "$STACK_DIR/run" "$STACK_DIR/db-tmp"
# A private tmpdir for the server (mariadbd takes TMPDIR): the year-long GROUP BY spills to an
# on-disk temporary table, and with a /tmp shared by other servers and tests those files
# vanished mid-query ("Error on delete of '/tmp/#sql-temptable-...'").
TMPDIR=$STACK_DIR/db-tmp stack_db_start
stack_write_config
reportctl() { "$STACK_BUILD/reportctl" --config "$STACK_DIR/reportd.conf" "$@"; }
reportctl migrate >/dev/null
stack_reportd_start
stack_nginx_start
root_sql() { mariadb --no-defaults -S "$STACK_DIR/run/mariadb.sock" -u root "$@"; }

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
" $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
echo "MariaDB: $(mariadbd --version | awk '{print $3}')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

stack_log "generating $ENTRIES entries over 2025"
reportctl generate --workspace bench-aggregates --entries "$ENTRIES" --users 200 --projects 300 \
    --seed 1 --from 2025-01-01 --to 2025-12-31
WS=$(stack_sql --batch --skip-column-names -e \
    "SELECT id FROM workspaces WHERE name = 'bench-aggregates'")
KEY=$(reportctl apikey create --workspace bench-aggregates --user bench-owner@example.com \
    --name Owner --role OWNER)
stack_sql -e "ANALYZE TABLE time_entries, entry_tags, projects, users" >/dev/null

group_list=$(printf '"%s",' ${REPORT_GROUPS//,/ })
SUMMARY_BODY="{\"dateRangeStart\":\"2025-01-01T00:00:00Z\",\"dateRangeEnd\":\"2025-12-31T23:59:59Z\",\"timeZone\":\"UTC\",\"summaryFilter\":{\"groups\":[${group_list%,}]}}"
WEEKLY_BODY='{"dateRangeStart":"2025-06-18T00:00:00Z","dateRangeEnd":"2025-06-18T23:59:59Z","timeZone":"UTC","weekStart":"MONDAY","weeklyFilter":{"group":"USER","subgroup":"TIME"}}'

# api_seconds PATH BODY: POSTs once and prints the total time in seconds.
api_seconds() {
    curl -s -o "$STACK_DIR/body" -w '%{time_total}' -X POST -H "X-Api-Key: $KEY" \
        -H 'Content-Type: application/json' --data-binary "$2" \
        "http://127.0.0.1:$STACK_HTTP_PORT$1"
}

# capture_sql PATH BODY MARKER: runs the request once with the general log on and prints every
# executed statement that contains MARKER, one per line.
capture_sql() {
    local log=$STACK_DIR/log/general.log
    rm -f "$log"
    root_sql -e "SET GLOBAL general_log_file = '$log'; SET GLOBAL general_log = 1"
    api_seconds "$1" "$2" >/dev/null
    root_sql -e "SET GLOBAL general_log = 0"
    python3 - "$log" "$3" <<'PY'
import sys
marker = sys.argv[2]
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    head, sep, statement = line.partition("Execute\t")
    if sep and marker in statement:
        print(statement.strip())
PY
}

# sql_seconds FILE: runs the statements in FILE with the mariadb client, rows to /dev/null.
sql_seconds() {
    local start end
    start=$(date +%s.%N)
    stack_sql --batch --skip-column-names <"$1" >/dev/null || return 1
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# measure NAME PATH BODY MARKER
measure() {
    local name=$1 path=$2 body=$3 marker=$4 sql_file=$STACK_DIR/$1.sql
    api_seconds "$path" "$body" >/dev/null # warm the buffer pool and the worker
    capture_sql "$path" "$body" "$marker" | sed 's/$/;/' >"$sql_file"
    if [ ! -s "$sql_file" ]; then
        echo "$name: the worker's statements were not found in the general log" >&2
        exit 1
    fi
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "X-Api-Key: $KEY" \
        -H 'Content-Type: application/json' --data-binary "$body" \
        "http://127.0.0.1:$STACK_HTTP_PORT$path")
    [ "$status" = 200 ] || { echo "$name: HTTP $status" >&2; exit 1; }
    local api_times="" sql_times="" i
    for i in $(seq 1 "$RUNS"); do
        api_times+="$(api_seconds "$path" "$body")"$'\n'
        grep -q '"totals"' "$STACK_DIR/body" || { echo "$name: the API run failed" >&2; exit 1; }
        sql_times+="$(sql_seconds "$sql_file")"$'\n' || { echo "$name: the SQL run failed" >&2; exit 1; }
    done
    local api sql groups bytes statements
    api=$(printf '%s' "$api_times" | median)
    sql=$(printf '%s' "$sql_times" | median)
    groups=$(stack_sql --batch --skip-column-names <"$sql_file" | wc -l)
    statements=$(wc -l <"$sql_file")
    bytes=$(wc -c <"$STACK_DIR/body")
    printf '%-8s API %.3f s (%d bytes of JSON), SQL alone %.3f s (%d statements, %d rows), ratio %.2f\n' \
        "$name" "$api" "$bytes" "$sql" "$statements" "$groups" "$(echo "$api / $sql" | bc -l)"
}

echo "== summary, groups $REPORT_GROUPS, 2025 in UTC; weekly, users x projects, week of 2025-06-16"
echo "   (median of $RUNS runs each, after one warm-up run)"
# Every statement that reads time_entries: the leaf GROUP BY, and for a TAG or USER_GROUP level
# also the GROUP BYs of the levels above it and of the totals.
measure summary "/v1/workspaces/$WS/reports/summary" "$SUMMARY_BODY" "FROM time_entries e"
measure weekly "/v1/workspaces/$WS/reports/weekly" "$WEEKLY_BODY" "FROM time_entries e"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
