#!/usr/bin/env bash
# bench_archive.sh - measures the workspace archive of 1,000,000 generated entries: wall time,
# bytes and the serving worker's peak RSS (VmHWM) through nginx, then `reportctl archive` and
# `reportctl restore` times. Builds Release and starts MariaDB, reportd and nginx in a temporary
# folder.
# Usage: tests/bench/bench_archive.sh [--keep]
# ENTRIES=N changes the size. ARCHIVECTL=PATH uses a stand-in for reportctl's archive and restore
# commands (any program taking --config FILE archive|restore ...) while they are not wired.
# SPDX-License-Identifier: MIT
set -euo pipefail

KEEP=0
for arg in "$@"; do
    case $arg in
    --keep) KEEP=1 ;;
    *) echo "usage: $0 [--keep]" >&2; exit 2 ;;
    esac
done
ENTRIES=${ENTRIES:-1000000}

STACK_SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
. "$STACK_SOURCE/scripts/lib/stack.sh"
STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/reportd-bench-archive.XXXXXX")
STACK_BUILD=${STACK_BUILD:-$STACK_DIR/build}
STACK_DB_PORT=$(stack_free_port)
STACK_HTTP_PORT=$(stack_free_port)
STACK_DB_PASSWORD=bench-archive
STACK_WORKERS=1

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
if [ ! -x "$STACK_BUILD/reportd" ]; then
    stack_log "building Release into $STACK_BUILD"
    stack_build "$STACK_BUILD" Release
fi
REPORTCTL=$STACK_BUILD/reportctl
ARCHIVECTL=${ARCHIVECTL:-$REPORTCTL}
mkdir -p "$STACK_DIR/log" "$STACK_DIR/run"
stack_db_start
stack_write_config
"$REPORTCTL" --config "$STACK_DIR/reportd.conf" migrate >/dev/null
CONF=$STACK_DIR/reportd.conf

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
echo "== generating $ENTRIES entries"
"$REPORTCTL" --config "$CONF" generate --workspace bench-archive --entries "$ENTRIES" --users 200 \
    --projects 300 --seed 1 --from 2024-01-01 --to 2025-12-31
KEY=$("$REPORTCTL" --config "$CONF" apikey create --workspace bench-archive \
    --user bench-owner@example.com --role OWNER)
WS=$(stack_sql --batch --skip-column-names -e "SELECT id FROM workspaces WHERE name = 'bench-archive'")

# seconds since the epoch with milliseconds
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }

stack_reportd_start
stack_nginx_start
master=$(cat "$STACK_DIR/run/reportd.pid")
echo "== GET /v1/workspaces/$WS/archive.zip through nginx"
t0=$(now)
status=$(curl -s -o "$STACK_DIR/http.zip" -w '%{http_code}' -H "X-Api-Key: $KEY" \
    "http://127.0.0.1:$STACK_HTTP_PORT/v1/workspaces/$WS/archive.zip")
t1=$(now)
if [ "$status" = 200 ]; then
    echo "status 200, $(stat -c %s "$STACK_DIR/http.zip") bytes in $(elapsed "$t0" "$t1") s"
    for worker in $(pgrep -P "$master"); do
        echo "worker $worker peak RSS: $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$worker/status")"
    done
    unzip -tq "$STACK_DIR/http.zip"
else
    echo "status $status: the archive route is not wired yet; HTTP numbers skipped"
fi

echo "== reportctl archive"
t0=$(now)
/usr/bin/time -f "peak RSS %M KiB" "$ARCHIVECTL" --config "$CONF" archive \
    --workspace bench-archive --output "$STACK_DIR/cli.zip"
t1=$(now)
echo "$(stat -c %s "$STACK_DIR/cli.zip") bytes in $(elapsed "$t0" "$t1") s"
unzip -l "$STACK_DIR/cli.zip" | tail -n 1

echo "== reportctl restore"
t0=$(now)
/usr/bin/time -f "peak RSS %M KiB" "$ARCHIVECTL" --config "$CONF" restore \
    --workspace bench-archive-copy "$STACK_DIR/cli.zip"
t1=$(now)
echo "restored in $(elapsed "$t0" "$t1") s"
