#!/usr/bin/env bash
# bench_generate.sh - measures `reportctl generate` into a private MariaDB: builds Release,
# starts a server in a temporary folder, generates 1,000,000 entries (and 10,000,000 with
# --large) into fresh workspaces and prints entries per second.
# Usage: tests/bench/bench_generate.sh [--large] [--keep]
# REPORTCTL=PATH uses an already built reportctl (any program taking --config FILE generate ...)
# and skips the build.
# SPDX-License-Identifier: MIT
set -euo pipefail

LARGE=0
KEEP=0
for arg in "$@"; do
    case $arg in
    --large) LARGE=1 ;;
    --keep) KEEP=1 ;;
    *) echo "usage: $0 [--large] [--keep]" >&2; exit 2 ;;
    esac
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
"$REPORTCTL" --config "$STACK_DIR/reportd.conf" migrate >/dev/null

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
" $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
echo "MariaDB: $(mariadbd --version | awk '{print $3}')"

# generate NAME ENTRIES: runs the generator and prints its summary.
generate() {
    "$REPORTCTL" --config "$STACK_DIR/reportd.conf" generate --workspace "$1" \
        --entries "$2" --users 200 --projects 300 --seed 1 --from 2024-01-01 --to 2025-12-31
}

echo "== 1,000,000 entries (200 users, 300 projects, 2024-01-01 to 2025-12-31, seed 1)"
generate bench-1m 1000000
if [ "$LARGE" = 1 ]; then
    echo "== 10,000,000 entries (same options, into a second workspace)"
    generate bench-10m 10000000
fi
echo "rows: $(stack_sql --batch --skip-column-names -e 'SELECT COUNT(*) FROM time_entries')" \
    "entries, $(stack_sql --batch --skip-column-names -e 'SELECT COUNT(*) FROM entry_tags')" \
    "tag links"
