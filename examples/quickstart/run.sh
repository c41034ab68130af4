#!/bin/sh
# Tapline quickstart: load data/orders.csv into JSON Lines with `tapline run tap-csv target-jsonl`,
# then append new and changed orders and run again: the second run loads only what changed since
# the bookmark kept in the state file.
#
# Works from any directory. Builds the distribution (dist/target/tapline) first when it is missing.
# Everything it writes goes to examples/quickstart/output/, which it empties first.
# TARGET and TARGET_CONFIG choose another target (default: target-jsonl with target.json).
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
bin=$root/dist/target/tapline/bin
tap=tap-csv
target=${TARGET:-target-jsonl}
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

run_pipeline() {
  tapline run "$tap" "$target" --tap-config tap-csv.json --target-config target.json --state-file state.json
}

# Rows in the destination so far. For another target, count its rows here.
loaded_rows() {
  case $target in
    target-jsonl) cat loaded/*.jsonl 2>/dev/null | wc -l | tr -d ' ' ;;
    *) echo "?" ;;
  esac
}

echo "== Run 1: every order in data/orders.csv ($(($(wc -l <data/orders.csv) - 1)) rows)"
run_pipeline
first_run=$(loaded_rows)
cp state.json state-after-run-1.json

echo
echo "== Appending data/orders-more.csv: 8 new orders and 2 earlier orders now refunded"
tail -n +2 "$here/data/orders-more.csv" >>data/orders.csv

echo "== Run 2: only orders updated since the bookmark"
run_pipeline
after_second_run=$(loaded_rows)

echo
echo "== Summary"
echo "run 1 loaded $first_run rows"
case $first_run$after_second_run in
  *'?'*) echo "run 2: see the destination" ;;
  *) echo "run 2 loaded $((after_second_run - first_run)) rows: the orders updated at or after the bookmark of run 1" ;;
esac
echo "state after run 1: $(cat state-after-run-1.json)"
echo "state after run 2: $(cat state.json)"
echo "output: $work"
