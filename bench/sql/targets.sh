#!/bin/sh
# The SQL targets benchmark: target-postgres and target-duckdb against the physical limit of
# PostgreSQL (a pgjdbc copyIn of the raw CSV file into the same table), side by side, with peak RSS.
# It starts its own PostgreSQL 17 from the embedded binaries (nothing to install) and stops it.
# usage: bench/sql/targets.sh [ROWS]      (default 1000000)
#   SQL_BENCH_DATA=DIR  use the orders.csv and orders.singer.jsonl of DIR instead of bench/out/data-ROWS
#   DUCKDB_JVM="..."    JVM options of target-duckdb (default -Xmx64m -XX:+UseSerialGC, as its launcher)
#   TARGET_OPTS="..."   more JVM options for both targets, e.g. -Dtapline.flatRecords=false to measure
#                       the tree path that records took before flat reading
set -u

rows=${1:-1000000}
case $rows in
  ''|*[!0-9]*) echo "ERROR targets.sh: ROWS must be a whole number, got '$rows'" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd -P)
bench=$(dirname "$here")
root=$(dirname "$bench")
out=$bench/out/sql
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "ERROR targets.sh: /usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 1; }
jvm="-Xmx128m -XX:+UseSerialGC ${TARGET_OPTS:-}"   # what the dist/ launchers give a target
# DuckDB's own memory comes on top of the Java heap: a smaller heap keeps the process under 256 MB
duck_jvm="${DUCKDB_JVM:-"-Xmx64m -XX:+UseSerialGC"} ${TARGET_OPTS:-}"

echo "building the SQL targets and their class paths" >&2
(cd "$root" && mvn -B -q install -pl targets/target-jdbc,targets/target-postgres,targets/target-duckdb -DskipTests) \
  || { echo "ERROR targets.sh: the build failed" >&2; exit 1; }
for module in target-postgres target-duckdb; do
  (cd "$root/targets/$module" && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$out/$module.cp") || exit 1
done
pg_cp="$root/targets/target-postgres/target/classes:$root/targets/target-postgres/target/test-classes:$(cat "$out/target-postgres.cp")"
duck_cp="$root/targets/target-duckdb/target/classes:$(cat "$out/target-duckdb.cp")"
# as its launcher runs it: the distribution's driver jar, whose native library is unpacked in lib/
dist_duckdb=$(ls "$root"/dist/target/tapline/lib/duckdb_jdbc-*.jar 2>/dev/null | head -1)
if [ -n "$dist_duckdb" ]; then
  duck_cp="$root/targets/target-duckdb/target/classes:$(tr ':' '\n' <"$out/target-duckdb.cp" | grep -v '/duckdb_jdbc-' | paste -sd: -):$dist_duckdb"
fi
tap_csv=$root/dist/target/tapline/bin/tap-csv

data=${SQL_BENCH_DATA:-$bench/out/data-$rows}
if [ -n "${SQL_BENCH_DATA:-}" ]; then
  [ -f "$data/orders.csv" ] && [ -f "$data/orders.singer.jsonl" ] \
    || { echo "ERROR targets.sh: $data must hold orders.csv and orders.singer.jsonl" >&2; exit 2; }
elif [ ! -f "$data/complete" ]; then
  [ -f "$bench/target/classes/dev/tapline/bench/GenerateData.class" ] || (cd "$root" && mvn -B -q install -pl bench -DskipTests) || exit 1
  rm -rf "$data"
  java -cp "$bench/target/classes" dev.tapline.bench.GenerateData "$rows" "$data" || exit 1
  : >"$data/complete"
fi

wall_seconds() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, part, ":"); s = 0
    for (i = 1; i <= n; i++) s = s * 60 + part[i]; print s }' "$1"
}
cpu_seconds() { awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$1"; }
peak_mb() { awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$1"; }
check() { # check NAME: the run's exit status must be 0
  status=$(awk -F': ' '/Exit status/ { print $2 }' "$out/$1.time")
  [ "$status" = 0 ] || { echo "ERROR targets.sh: $1 exited with $status:" >&2; tail -5 "$out/$1.err" >&2; }
}
rate() { awk -v rows="$rows" -v s="$1" 'BEGIN { if (s > 0) printf "%d", rows / s; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

rm -f "$out"/*.time
echo "SQL targets benchmark: $rows rows, $(nproc) cores, $(java -version 2>&1 | head -1)" >&2
# DuckDB first, before PostgreSQL starts, so that the server's work after the loads below
# (autovacuum of the new tables, checkpoints) cannot share the cores with it
rm -f "$out/bench.duckdb" "$out/bench.duckdb.wal"
printf '{"path":"%s"}\n' "$out/bench.duckdb" >"$out/duckdb.json"
/usr/bin/time -v -o "$out/duckdb.time" java $duck_jvm -cp "$duck_cp" dev.tapline.target.duckdb.DuckDbTarget \
  --config "$out/duckdb.json" <"$data/orders.singer.jsonl" >"$out/duckdb.state" 2>"$out/duckdb.err"
check duckdb

# PostgreSQL, stopped whatever happens
rm -f "$out/pg.port"
java -cp "$pg_cp" dev.tapline.target.postgres.bench.SqlBench serve "$out/pg.port" 2>"$out/pg.err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
i=0
while [ ! -f "$out/pg.port" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
[ -f "$out/pg.port" ] || { echo "ERROR targets.sh: PostgreSQL did not start; see $out/pg.err" >&2; exit 1; }
port=$(cat "$out/pg.port")

pg_config() { # pg_config SCHEMA [EXTRA_JSON]
  printf '{"host":"localhost","port":%s,"user":"postgres","dbname":"postgres","ssl_mode":"disable","default_target_schema":"%s"%s}\n' \
    "$port" "$1" "${2:-}" >"$out/$1.json"
}

copy_plain=$(java -cp "$pg_cp" dev.tapline.target.postgres.bench.SqlBench copy "$port" "$data/orders.csv" copy_plain false | awk '{print $2}')
copy_keyed=$(java -cp "$pg_cp" dev.tapline.target.postgres.bench.SqlBench copy "$port" "$data/orders.csv" copy_keyed true | awk '{print $2}')

pg_config append ',"load_method":"append-only"'
/usr/bin/time -v -o "$out/append.time" java $jvm -cp "$pg_cp" dev.tapline.target.postgres.PostgresTarget \
  --config "$out/append.json" <"$data/orders.singer.jsonl" >"$out/append.state" 2>"$out/append.err"
check append

pg_config upsert
/usr/bin/time -v -o "$out/upsert.time" java $jvm -cp "$pg_cp" dev.tapline.target.postgres.PostgresTarget \
  --config "$out/upsert.json" <"$data/orders.singer.jsonl" >"$out/upsert.state" 2>"$out/upsert.err"
check upsert

printf '{"files": [{"entity": "orders", "path": "%s", "keys": ["id"], "replication_key": "created_at"}]}\n' \
  "$data/orders.csv" >"$out/tap-csv.json"
pg_config pipe ',"load_method":"append-only"'
if [ -x "$tap_csv" ]; then
  "$tap_csv" --config "$out/tap-csv.json" 2>"$out/pipe-tap.err" |
    /usr/bin/time -v -o "$out/pipe.time" java $jvm -cp "$pg_cp" dev.tapline.target.postgres.PostgresTarget \
      --config "$out/pipe.json" >"$out/pipe.state" 2>"$out/pipe.err"
  check pipe
fi


for schema in append upsert pipe; do
  loaded=$(java -cp "$pg_cp" dev.tapline.target.postgres.bench.SqlBench count "$port" "$schema.orders" 2>/dev/null)
  [ "$loaded" = "$rows" ] || echo "WARNING targets.sh: $schema.orders holds '$loaded' rows, not $rows" >&2
done

copy_plain_rate=$(rate "$copy_plain"); copy_keyed_rate=$(rate "$copy_keyed")
row() { # row LABEL NAME BASELINE_RATE GOAL
  if [ ! -s "$out/$2.time" ] || [ "$(awk -F': ' '/Exit status/ { print $2 }' "$out/$2.time")" != 0 ]; then
    printf '%-44s %10s  (failed or not run: see %s)\n' "$1" "-" "$out/$2.err"
    return
  fi
  s=$(wall_seconds "$out/$2.time"); r=$(rate "$s")
  printf '%-44s %10s %9s %8s %8s %8s  %s\n' "$1" "$r" "$s" "$(cpu_seconds "$out/$2.time")" "$(peak_mb "$out/$2.time")" \
    "$(ratio "$r" "$3")" "$4"
}
printf '\n(load average when done: %s; cpu s = user + system seconds of the target process)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %10s %9s %8s %8s %8s  %s\n' "measurement ($rows rows)" "rows/s" "seconds" "cpu s" "peak MB" "x COPY" "goal"
printf '%-44s %10s %9s %8s %8s %8s\n' "COPY FROM STDIN csv (pgjdbc copyIn)" "$copy_plain_rate" "$copy_plain" "" "" "1.00"
printf '%-44s %10s %9s %8s %8s %8s\n' "... into a table with a primary key" "$copy_keyed_rate" "$copy_keyed" "" "" "1.00"
row "target-postgres < messages (append-only)" append "$copy_plain_rate" ">= 0.5x COPY, <= 256 MB"
row "target-postgres < messages (upsert, key)" upsert "$copy_keyed_rate" ">= 0.5x keyed COPY, <= 256 MB"
row "tap-csv | target-postgres (append-only)" pipe "$copy_plain_rate" ">= 0.4x COPY"
row "target-duckdb < messages (upsert, key)" duckdb "$copy_plain_rate" ">= 500000 rows/s, <= 256 MB"
