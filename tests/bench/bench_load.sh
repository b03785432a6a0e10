#!/usr/bin/env bash
# bench_load.sh - drives reportd through nginx with wrk: 64 connections on loopback over a mix of
# detailed JSON pages, summaries and weekly reports of generated entries, then /healthz alone
# for comparison. Prints requests per second, latency percentiles, non-2xx responses (must be
# 0), worker restarts (must be 0) and each worker's RSS after the run against after the warm-up
# (must stay within 5%). Exits 1 when one of those three limits is broken.
# Usage: tests/bench/bench_load.sh [--entries N] [--seconds S] [--connections C] [--keep]
#        (defaults: 1,000,000 entries, 60 seconds per run, 64 connections)
# REPORTD_BUILD=DIR uses an already built Release tree (reportd and reportctl) and skips the
# build. The script installs wrk (Debian package) when it is missing.
# SPDX-License-Identifier: MIT
set -euo pipefail

ENTRIES=1000000
DURATION=60
CONNECTIONS=64
KEEP=0
usage() {
    echo "usage: $0 [--entries N] [--seconds S] [--connections C] [--keep]" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case $1 in
    --entries) [ $# -ge 2 ] || usage; ENTRIES=$2; shift 2 ;;
    --seconds) [ $# -ge 2 ] || usage; DURATION=$2; shift 2 ;;
    --connections) [ $# -ge 2 ] || usage; CONNECTIONS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) usage ;;
    esac
done

STACK_SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
. "$STACK_SOURCE/scripts/lib/stack.sh"
STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/reportd-bench-load.XXXXXX")
STACK_BUILD=${REPORTD_BUILD:-$STACK_DIR/build}
STACK_DB_PORT=$(stack_free_port)
STACK_HTTP_PORT=$(stack_free_port)
STACK_DB_PASSWORD=bench-load
STACK_WORKERS=$(nproc)

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

stack_install_packages wrk
if [ -z "${REPORTD_BUILD:-}" ]; then
    stack_log "building Release into $STACK_BUILD"
    stack_build "$STACK_BUILD" Release
fi
mkdir -p "$STACK_DIR/log" "$STACK_DIR/run" "$STACK_DIR/db-tmp"
# The server's own tmpdir: large GROUP BYs spill to disk, and a /tmp shared with other servers
# may lose those files mid-query.
TMPDIR=$STACK_DIR/db-tmp stack_db_start
stack_write_config
reportctl() { "$STACK_BUILD/reportctl" --config "$STACK_DIR/reportd.conf" "$@"; }
reportctl migrate >/dev/null
stack_reportd_start
stack_nginx_start
URL="http://127.0.0.1:$STACK_HTTP_PORT"

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
" $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
echo "MariaDB: $(mariadbd --version | awk '{print $3}'); wrk: $(wrk -v 2>&1 | head -n 1 | awk '{print $2}')"
echo "reportd workers: $STACK_WORKERS; connections: $CONNECTIONS; seconds per run: $DURATION"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

stack_log "generating $ENTRIES entries (200 users, 300 projects, 2024-01-01 to 2025-12-31)"
started=$(date +%s)
reportctl generate --workspace bench-load --entries "$ENTRIES" --users 200 --projects 300 \
    --seed 1 --from 2024-01-01 --to 2025-12-31
echo "generated in $(($(date +%s) - started)) s"
WS=$(stack_sql --batch --skip-column-names -e "SELECT id FROM workspaces WHERE name = 'bench-load'")
KEY=$(reportctl apikey create --workspace bench-load --user bench-owner@example.com \
    --name Owner --role OWNER)
stack_sql -e "ANALYZE TABLE time_entries, entry_tags, projects, users" >/dev/null

# The request mix: half detailed JSON pages (one month, pages 1 to 20 of 50 entries, in a few
# sort orders), three in ten summaries (one month, one or two group levels) and two in ten
# weekly reports (one week, by user or project).
BASE="/v1/workspaces/$WS/reports"
urls=()
for month in 01 02 03 04 05 06 07 08 09 10 11 12; do
    year=2025
    [ $((10#$month % 2)) = 0 ] && year=2024
    range="start=$year-$month-01&end=$year-$month-28"
    for page in 1 2 5 20; do
        urls+=("$BASE/detailed.json?$range&page=$page&pageSize=50")
    done
    urls+=("$BASE/detailed.json?$range&page=3&pageSize=50&sort=DURATION&order=ASCENDING")
    urls+=("$BASE/summary.json?$range&groups=PROJECT")
    urls+=("$BASE/summary.json?$range&groups=USER,PROJECT")
    urls+=("$BASE/summary.json?$range&groups=CLIENT&tz=Europe/Berlin")
    urls+=("$BASE/weekly.json?start=$year-$month-10&end=$year-$month-16&group=USER")
    urls+=("$BASE/weekly.json?start=$year-$month-03&end=$year-$month-09&group=PROJECT")
done
MIX_LUA=$STACK_DIR/mix.lua
{
    echo "-- Picks one URL of the mix at random for every request."
    echo "local urls = {"
    for url in "${urls[@]}"; do
        echo "  \"$url\","
    done
    echo "}"
    cat <<LUA
wrk.headers["X-Api-Key"] = "$KEY"
math.randomseed(1)
request = function()
  return wrk.format("GET", urls[math.random(#urls)])
end
LUA
} >"$MIX_LUA"
REPORT_LUA=$STACK_DIR/report.lua
cat >"$REPORT_LUA" <<'LUA'
-- Prints the figures that bench_load.sh reads, one "name value" pair a line.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("result requests %d\n", summary.requests))
  io.write(string.format("result rps %.1f\n", summary.requests / seconds))
  io.write(string.format("result non2xx %d\n", summary.errors.status))
  io.write(string.format("result socket_errors %d\n", summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("result p%s_ms %.1f\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("result max_ms %.1f\n", latency.max / 1000))
end
LUA
cat "$REPORT_LUA" >>"$MIX_LUA"

status_of() {
    curl -s -o /dev/null -w '%{http_code}' -H "X-Api-Key: $KEY" "$URL$1"
}
for url in "${urls[@]}"; do
    code=$(status_of "$url")
    if [ "$code" != 200 ]; then
        echo "FAIL: $url returned $code before the run" >&2
        exit 1
    fi
done

worker_pids() {
    pgrep -P "$(cat "$STACK_DIR/run/reportd.pid")" | sort -n | tr '\n' ' '
}
# Prints "pid:rss_kib" for every worker.
worker_rss() {
    local pid
    for pid in $(worker_pids); do
        echo "$pid:$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")"
    done
}
# Threads: one per CPU, at least 2, never more than the connections.
THREADS=$(nproc)
[ "$THREADS" -lt 2 ] && THREADS=2
[ "$THREADS" -gt "$CONNECTIONS" ] && THREADS=$CONNECTIONS

stack_log "warming up for 15 s"
wrk -t "$THREADS" -c "$CONNECTIONS" -d 15s --timeout 30s -s "$MIX_LUA" "$URL" >"$STACK_DIR/warmup.txt"
PIDS_WARM=$(worker_pids)
RSS_WARM=$(worker_rss)

stack_log "running the report mix for $DURATION s"
wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 30s --latency -s "$MIX_LUA" "$URL" |
    tee "$STACK_DIR/mix.txt"
PIDS_AFTER=$(worker_pids)
RSS_AFTER=$(worker_rss)

stack_log "running /healthz for $DURATION s"
wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 30s --latency -s "$REPORT_LUA" \
    "$URL/healthz" | tee "$STACK_DIR/health.txt"

value() {
    awk -v name="$2" '$1 == "result" && $2 == name {print $3}' "$1"
}
failed=0
echo
echo "== results ($ENTRIES entries, $CONNECTIONS connections, $DURATION s per run)"
printf '%-10s %10s %9s %9s %9s %9s %9s %8s\n' run req/s p50_ms p90_ms p99_ms p99.9_ms max_ms non-2xx
for run in mix health; do
    file=$STACK_DIR/$run.txt
    printf '%-10s %10s %9s %9s %9s %9s %9s %8s\n' "$run" "$(value "$file" rps)" \
        "$(value "$file" p50_ms)" "$(value "$file" p90_ms)" "$(value "$file" p99_ms)" \
        "$(value "$file" p99.9_ms)" "$(value "$file" max_ms)" "$(value "$file" non2xx)"
    if [ "$(value "$file" non2xx)" != 0 ] || [ "$(value "$file" socket_errors)" != 0 ]; then
        echo "FAIL: $run had $(value "$file" non2xx) non-2xx responses and" \
            "$(value "$file" socket_errors) socket errors"
        failed=1
    fi
done

if [ "$PIDS_WARM" = "$PIDS_AFTER" ] && [ "$PIDS_AFTER" = "$(worker_pids)" ]; then
    echo "worker restarts: 0 (pids $PIDS_AFTER)"
else
    echo "FAIL: workers were replaced: after warm-up $PIDS_WARM, after the mix $PIDS_AFTER," \
        "now $(worker_pids)"
    failed=1
fi
restarts=$(grep -c 'starting a replacement' "$STACK_DIR/log/reportd.log" || true)
echo "replacements in the log: $restarts"
[ "$restarts" = 0 ] || failed=1

echo "worker RSS (KiB) after warm-up -> after the mix:"
for entry in $RSS_WARM; do
    pid=${entry%%:*}
    warm=${entry#*:}
    after=$(tr ' ' '\n' <<<"$RSS_AFTER" | awk -F: -v pid="$pid" '$1 == pid {print $2}')
    if [ -z "$after" ]; then
        echo "  worker $pid: gone"
        failed=1
        continue
    fi
    change=$(awk -v a="$warm" -v b="$after" 'BEGIN {printf "%+.1f", (b - a) * 100 / a}')
    echo "  worker $pid: $warm -> $after ($change%)"
    if awk -v a="$warm" -v b="$after" 'BEGIN {exit !(b > a * 1.05 || b < a * 0.95)}'; then
        echo "FAIL: worker $pid RSS changed by more than 5%"
        failed=1
    fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$failed"
