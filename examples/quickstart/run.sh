#!/bin/sh
# Tapline quickstart: load data/orders.csv into an embedded DuckDB database with
# `tapline run tap-csv target-duckdb`, then append new and changed orders and run again: the second
# run loads only what changed since the bookmark kept in the state file, and upserts it by id.
#
# Works from any directory. Builds the distribution (dist/target/tapline) first when it is missing.
# Everything it writes goes to examples/quickstart/output/, which it empties first.
# TARGET and TARGET_CONFIG choose another target (default: target-duckdb with target.json;
# e.g. TARGET=target-jsonl TARGET_CONFIG=examples/quickstart/target-jsonl.json).
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
bin=$root/dist/target/tapline/bin
tap=tap-csv
target=${TARGET:-target-duckdb}
target_config=${TARGET_CONFIG:-$here/target.json}

if [ ! -x "$bin/tapline" ] || [ ! -x "$bin/$tap" ] || [ ! -x "$bin/$target" ]; then
  echo "Building Tapline once: (cd $root && mvn -B -q package -DskipTests)" >&2
  (cd "$root" && mvn -B -q package -DskipTests)
fi
PATH=$bin:$PATH
export PATH

# A fresh working folder holding a copy of the data (so appending rows leaves data/ untouched) and
# the configs, whose relative paths are read from here.
work=$here/output
rm -rf "$work"
mkdir -p "$work/data"
cp "$here/data/orders.csv" "$work/data/orders.csv"
cp "$here/tap-csv.json" "$work/tap-csv.json"
cp "$target_config" "$work/target.json"
cd "$work"

# Runs the pipeline; its log (both sides' stderr, prefixed) is shown and kept in run.log.
run_pipeline() {
  tapline run "$tap" "$target" --tap-config tap-csv.json --target-config target.json --state-file state.json \
    2>&1 | tee run.log >&2
}

# Rows in the destination so far. For another target, count its rows here.
loaded_rows() {
  case $target in
    target-jsonl) cat loaded/*.jsonl 2>/dev/null | wc -l | tr -d ' ' ;;
    # the SQL targets log "... records loaded into table main.orders (upsert), which now holds N rows"
    target-duckdb | target-postgres)
      sed -n 's/.*which now holds \([0-9]*\) rows.*/\1/p' run.log | tail -n 1 ;;
    *) echo "?" ;;
  esac
}

# Records the target loaded in the run just made (from its closing log line).
run_records() {
  sed -n 's/.*: \([0-9]*\) records loaded into table.*/\1/p' run.log | tail -n 1
}

echo "== Run 1: every order in data/orders.csv ($(($(wc -l <data/orders.csv) - 1)) rows)"
run_pipeline
records_1=$(run_records)
rows_1=$(loaded_rows)
cp state.json state-after-run-1.json

echo
echo "== Appending data/orders-more.csv: 8 new orders and 2 earlier orders now refunded"
tail -n +2 "$here/data/orders-more.csv" >>data/orders.csv

echo "== Run 2: only orders updated since the bookmark"
run_pipeline
records_2=$(run_records)
rows_2=$(loaded_rows)
# a file target appends: what it loaded is what its files grew by
if [ -z "$records_1" ] && [ "$rows_1" != "?" ]; then records_1=$rows_1; records_2=$((rows_2 - rows_1)); fi

echo
echo "== Summary ($target)"
echo "run 1 loaded ${records_1:-?} records; the destination holds ${rows_1:-?} rows"
echo "run 2 loaded ${records_2:-?} records (the orders updated at or after run 1's bookmark, that order included);" \
  "the destination holds ${rows_2:-?} rows"
echo "state after run 1: $(tr -d ' \n' <state-after-run-1.json)"
echo "state after run 2: $(tr -d ' \n' <state.json)"
echo "output: $work"
