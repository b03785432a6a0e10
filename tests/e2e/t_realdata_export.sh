#!/usr/bin/env bash
# Real Clockify exports imported, then exported again as the detailed CSV with the same date,
# time and duration formats and amount columns: the export lists the same entries with the same
# values in every column the file has.
. "$(dirname "$0")/lib.sh"

REALDATA=${REPORTD_REALDATA:-}
if [ ! -d "$REALDATA" ]; then
    echo "SKIP: no real exports at '$REALDATA' (the shared realdata folder is absent)"
    exit 77
fi

# file, export options matching its formats and amount columns
CASES=(
    "clockify-detailed-ddmmyyyy-24h-2025-04.csv|dateFormat=DD/MM/YYYY&amounts=HIDE_AMOUNT"
    "clockify-detailed-eur-personal-2023.csv|dateFormat=DD/MM/YYYY&amounts=EARNED"
    "clockify-detailed-usd-consult-2026.csv|dateFormat=DD/MM/YYYY&amounts=EARNED"
    "clockify-detailed-nobillable-2022.csv|dateFormat=DD/MM/YYYY&amounts=HIDE_AMOUNT"
)

for case in "${CASES[@]}"; do
    file=${case%%|*}
    options=${case#*|}
    name="realdata-export-$$-${file%%.csv}"
    if ! reportctl import --workspace "$name" --timezone UTC "$REALDATA/$file" >"$TEST_TMP/import.out" 2>&1; then
        check "$file: import" "$(cat "$TEST_TMP/import.out")" "exit 0"
        continue
    fi
    ws=$(sql -e "SELECT id FROM workspaces WHERE name = '$name'")
    key=$(reportctl apikey create --workspace "$name" --user "owner-$$@example.com" --role OWNER)
    status=$(curl -s -o "$TEST_TMP/export.csv" -w '%{http_code}' -H "X-Api-Key: $key" \
        "$REPORTD_URL/v1/workspaces/$ws/reports/detailed.csv?start=2000-01-01&end=2099-12-31&$options")
    check "$file: export status" "$status" 200
    result=$(python3 - "$REALDATA/$file" "$TEST_TMP/export.csv" <<'PY'
import collections, csv, sys

def read(path):
    with open(path, newline='', encoding='utf-8-sig') as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]

def normal(column, value):
    if column == 'Tags':
        return ', '.join(sorted(t for t in value.split(', ') if t))
    # The export neutralises formula-like text with a leading quote; the file may not.
    if value[:1] == "'" and value[1:2] in ('=', '+', '-', '@'):
        return value[1:]
    return value

file_header, file_rows = read(sys.argv[1])
export_header, export_rows = read(sys.argv[2])
common = [c for c in file_header if c in export_header]
missing = [c for c in file_header if c not in export_header and c != 'Date of creation']
if missing:
    print('columns missing from the export:', missing)
    sys.exit(0)

def key(header, row):
    return tuple(normal(c, row[header.index(c)]) for c in common)

expected = collections.Counter(key(file_header, r) for r in file_rows)
got = collections.Counter(key(export_header, r) for r in export_rows)
if expected == got:
    print('same %d rows' % len(file_rows))
else:
    only_file = list((expected - got).elements())[:3]
    only_export = list((got - expected).elements())[:3]
    print('differ: %d rows only in the file, %d only in the export; file: %s export: %s' % (
        sum((expected - got).values()), sum((got - expected).values()), only_file, only_export))
PY
)
    check "$file: same entries and values" "$result" "same $(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline="", encoding="utf-8-sig"))) - 1)' "$REALDATA/$file") rows"
done
finish
