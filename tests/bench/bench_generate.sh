#!/usr/bin/env bash
# bench_generate.sh - measures `reportctl generate` into a private MariaDB: builds Release and
# starts a server in a temporary folder. It prints entries per second for 1,000,000 entries into
# a fresh database (--runs times, then the median), and once more into a second workspace of the
# same database, where time_entries is no longer empty. --large adds 10,000,000 entries into a
# fresh database.
# Usage: tests/bench/bench_generate.sh [--runs N] [--large] [--keep]
# REPORTCTL=PATH uses an already built reportctl (any program taking --config FILE generate ...)
# and skips the build.
# SPDX-License-Identifier: MIT
set -euo pipefail

RUNS=3
LARGE=0
KEEP=0
usage() {
    echo "usage: $0 [--runs N] [--large] [--keep]" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case $1 in
    --runs)
        [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || usage
        RUNS=$2
        shift
        ;;
    --large) LARGE=1 ;;
    --keep) KEEP=1 ;;
    *) usage ;;
    esac
    shift
done

STACK_SOURCE=$(cd "$(dirname "$0")/../.." && pwd)
. "$STACK_SOURCE/scripts/lib/stack.sh"
STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/reportd-bench-generate.XXXXXX")
STACK_BUILD=$STACK_DIR/build
STACK_DB_PORT=$(stack_free_port)
STACK_DB_PASSWORD=bench-generate

cleanup() {
    stack_db_stop || true
    if [ "$KEEP" = 1 ]; then
        echo "kept $STACK_DIR"
    else
        rm -rf "$STACK_DIR"
    fi
}
trap cleanup EXIT

stack_install_packages
if [ -z "${REPORTCTL:-}" ]; then
    stack_log "building Release into $STACK_BUILD"
    stack_build "$STACK_BUILD" Release
    REPORTCTL=$STACK_BUILD/reportctl
fi
stack_db_start
stack_write_config

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
" $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
echo "MariaDB: $(mariadbd --version | awk '{print $3}')"

# fresh_database: drops the reportd database and applies the migrations again, so the next load
# goes into empty tables.
fresh_database() {
    mariadb --no-defaults -S "$STACK_DIR/run/mariadb.sock" -u root -e "DROP DATABASE reportd;
        CREATE DATABASE reportd CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
    "$REPORTCTL" --config "$STACK_DIR/reportd.conf" migrate >/dev/null
    # Lets the server finish writing the dropped tables' pages before the clock starts.
    sleep 3
}

# generate NAME ENTRIES: runs the generator, prints its summary and the load average, and
# appends the rate to $STACK_DIR/rates.
generate() {
    local out
    out=$("$REPORTCTL" --config "$STACK_DIR/reportd.conf" generate --workspace "$1" \
        --entries "$2" --users 200 --projects 300 --seed 1 --from 2024-01-01 --to 2025-12-31)
    echo "$out" | tail -n 1
    echo "  load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1 /proc/loadavg)"
    echo "$out" | tail -n 1 | awk '{print $3}' >>"$STACK_DIR/rates"
}

echo "== 1,000,000 entries into a fresh database, $RUNS run(s) (200 users, 300 projects,"\
    "2024-01-01 to 2025-12-31, seed 1)"
: >"$STACK_DIR/rates"
for run in $(seq 1 "$RUNS"); do
    fresh_database
    LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
    printf 'run %d: ' "$run"
    generate "bench-1m" 1000000
done
echo "median: $(sort -n "$STACK_DIR/rates" | awk '{r[NR] = $1} END {print r[int((NR + 1) / 2)]}')" \
    "entries/s"

echo "== 1,000,000 more entries into a second workspace (time_entries not empty)"
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
generate "bench-1m-second" 1000000
echo "rows: $(stack_sql --batch --skip-column-names -e 'SELECT COUNT(*) FROM time_entries')" \
    "entries, $(stack_sql --batch --skip-column-names -e 'SELECT COUNT(*) FROM entry_tags')" \
    "tag links"

if [ "$LARGE" = 1 ]; then
    echo "== 10,000,000 entries into a fresh database (same options)"
    fresh_database
    LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
    generate "bench-10m" 10000000
fi
