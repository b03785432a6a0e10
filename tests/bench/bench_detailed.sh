#!/usr/bin/env bash
# bench_detailed.sh - the detailed report on generated entries against baselines run in the same
# script: (a) the mariadb client streaming the joined SELECT a DBA would write for the detailed
# CSV's columns, (b) a bare libxlsxwriter program writing the same cells from memory. Measures
# the CSV and XLSX exports through nginx, the CSV's first byte, the worker's peak RSS at the full
# size and at about 100,000 entries, and JSON page 1 against a page 10,000 deep.
# Builds Release and starts MariaDB, reportd and nginx in a temporary folder.
# Usage: tests/bench/bench_detailed.sh   (ENTRIES=N, RUNS=N change the size and repetitions)
# SPDX-License-Identifier: MIT
set -euo pipefail

ENTRIES=${ENTRIES:-1000000}
RUNS=${RUNS:-3}
STACK_SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
. "$STACK_SOURCE/scripts/lib/stack.sh"
STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/reportd-bench-detailed.XXXXXX")
STACK_BUILD=${STACK_BUILD:-$STACK_SOURCE/build/release}
STACK_DB_PORT=$(stack_free_port)
STACK_HTTP_PORT=$(stack_free_port)
STACK_DB_PASSWORD=bench-detailed
STACK_WORKERS=1

cleanup() {
    stack_nginx_stop || true
    stack_reportd_stop || true
    stack_db_stop || true
    rm -rf "$STACK_DIR"
}
trap cleanup EXIT

stack_install_packages
stack_log "building Release into $STACK_BUILD"
stack_build "$STACK_BUILD" Release
REPORTCTL=$STACK_BUILD/reportctl
stack_db_start
stack_write_config
CONF=$STACK_DIR/reportd.conf
"$REPORTCTL" --config "$CONF" migrate >/dev/null

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
echo "== generating $ENTRIES entries"
"$REPORTCTL" --config "$CONF" generate --workspace bench --entries "$ENTRIES" --users 200 \
    --projects 300 --seed 1 --from 2025-01-01 --to 2025-12-31 | tail -n 1
KEY=$("$REPORTCTL" --config "$CONF" apikey create --workspace bench --user bench@example.com --role OWNER)
WS=$(stack_sql -N -e "SELECT id FROM workspaces WHERE name = 'bench'")
ZONE=$(stack_sql -N -e "SELECT time_zone FROM workspaces WHERE id = $WS")
stack_reportd_start
stack_nginx_start
URL="http://127.0.0.1:$STACK_HTTP_PORT/v1/workspaces/$WS/reports"
ALL="start=2025-01-01&end=2026-12-31"
WORKER=$(pgrep -P "$(cat "$STACK_DIR/run/reportd.pid")" | head -n 1)

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}'; }
# Resets the worker's peak RSS (VmHWM); writing 5 to clear_refs does that since Linux 4.0.
rss_reset() { echo 5 >"/proc/$WORKER/clear_refs"; }
rss_peak() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$WORKER/status"; }

# (a) The joined SELECT a DBA would write for the detailed CSV's columns, formatted by the server.
BASELINE_SQL="SELECT p.name, c.name, e.description, t.name, u.name,
  (SELECT GROUP_CONCAT(g.name ORDER BY g.name SEPARATOR ', ') FROM user_group_members m
     JOIN user_groups g ON g.id = m.group_id WHERE m.user_id = e.user_id AND g.workspace_id = e.workspace_id),
  u.email,
  (SELECT GROUP_CONCAT(tg.name ORDER BY tg.name SEPARATOR ', ') FROM entry_tags et
     JOIN tags tg ON tg.id = et.tag_id WHERE et.entry_id = e.id),
  IF(e.billable, 'Yes', 'No'),
  DATE_FORMAT(CONVERT_TZ(e.start_at, '+00:00', '$ZONE'), '%Y-%m-%d'),
  DATE_FORMAT(CONVERT_TZ(e.start_at, '+00:00', '$ZONE'), '%H:%i:%s'),
  DATE_FORMAT(CONVERT_TZ(e.end_at, '+00:00', '$ZONE'), '%Y-%m-%d'),
  DATE_FORMAT(CONVERT_TZ(e.end_at, '+00:00', '$ZONE'), '%H:%i:%s'),
  SEC_TO_TIME(TIMESTAMPDIFF(SECOND, e.start_at, e.end_at)),
  FORMAT(TIMESTAMPDIFF(SECOND, e.start_at, e.end_at) / 3600, 2),
  FORMAT(e.hourly_rate / 100, 2),
  FORMAT(IF(e.billable, TIMESTAMPDIFF(SECOND, e.start_at, e.end_at) * e.hourly_rate / 360000, 0), 2)
FROM time_entries e
JOIN users u ON u.id = e.user_id
LEFT JOIN projects p ON p.id = e.project_id
LEFT JOIN clients c ON c.id = p.client_id
LEFT JOIN tasks t ON t.id = e.task_id
WHERE e.workspace_id = $WS
  AND e.start_at BETWEEN CONVERT_TZ('2025-01-01 00:00:00', '$ZONE', '+00:00')
                     AND CONVERT_TZ('2026-12-31 23:59:59', '$ZONE', '+00:00')
  AND e.end_at IS NOT NULL
ORDER BY e.start_at DESC, e.id DESC"

# The entries of the exported range, as the JSON report counts them (running timers left out).
rows=$(curl -s -H "X-Api-Key: $KEY" "$URL/detailed.json?$ALL&pageSize=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"][0]["entriesCount"])')
echo "== $rows finished entries in the range; $RUNS runs each, medians"

baseline_a=$(for _ in $(seq "$RUNS"); do
    t=$(now); stack_sql --quick --batch -e "$BASELINE_SQL" >/dev/null; since "$t"; echo
done | median)
csv=$(for _ in $(seq "$RUNS"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "X-Api-Key: $KEY" "$URL/detailed.csv?$ALL"
done | median)
first_byte=$(for _ in $(seq "$RUNS"); do
    curl -s -o /dev/null -w '%{time_starttransfer}\n' -H "X-Api-Key: $KEY" "$URL/detailed.csv?$ALL"
done | median)
rss_reset
curl -s -o "$STACK_DIR/all.csv" -H "X-Api-Key: $KEY" "$URL/detailed.csv?$ALL"
rss_csv=$(rss_peak)
csv_rows=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)' "$STACK_DIR/all.csv")

# (b) writes the cells of the CSV just exported, loaded into memory before its clock starts.
baseline_b=$(for _ in $(seq "$RUNS"); do
    "$STACK_BUILD/tests/bench/xlsx_baseline" --csv "$STACK_DIR/all.csv" "$STACK_DIR/baseline.xlsx" \
        "$STACK_DIR/tmp" | awk '{print $5}'
done | median)
rss_reset
xlsx=$(for _ in $(seq "$RUNS"); do
    curl -s -o "$STACK_DIR/all.xlsx" -w '%{time_total}\n' -H "X-Api-Key: $KEY" "$URL/detailed.xlsx?$ALL"
done | median)
rss_xlsx=$(rss_peak)

# About 100,000 entries: the first 36 days of the year.
rss_reset
curl -s -o /dev/null -H "X-Api-Key: $KEY" "$URL/detailed.csv?start=2025-01-01&end=2025-02-05"
rss_small=$(rss_peak)

page() {
    for _ in $(seq 5); do
        curl -s -o /dev/null -w '%{time_total}\n' -H "X-Api-Key: $KEY" "$URL/detailed.json?$ALL&page=$1&pageSize=50$2"
    done | median
}
page1=$(page 1 "")
page_deep=$(page 10000 "")
page1_nototals=$(page 1 "&totals=EXCLUDE")
page_deep_nototals=$(page 10000 "&totals=EXCLUDE")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
cat <<REPORT

rows in the CSV: $csv_rows (expected $rows)
baseline (a) mariadb --quick --batch joined SELECT: $baseline_a s
CSV export through nginx:                          $csv s  ratio to (a): $(ratio "$csv" "$baseline_a")  (target <= 0.6)
CSV first byte:                                    $first_byte s  (target <= 0.3)
baseline (b) bare libxlsxwriter, same cells:       $baseline_b s
XLSX export through nginx:                         $xlsx s  ratio to (b) + CSV: $(ratio "$xlsx" "$(awk -v a="$baseline_b" -v b="$csv" 'BEGIN {print a + b}')")  (target <= 1.3)
worker peak RSS: CSV $rss_csv MiB, XLSX $rss_xlsx MiB, CSV of ~100k entries $rss_small MiB  (target <= 32 MiB, within 2 MiB)
JSON page 1: $page1 s, page 10,000: $page_deep s, ratio $(ratio "$page_deep" "$page1")  (targets < 0.05 s, ratio <= 3)
JSON without totals: page 1: $page1_nototals s, page 10,000: $page_deep_nototals s
REPORT
