#!/bin/sh
# The foundation benchmark: throughput and peak memory of tap-csv and target-jsonl, and start-up.
# usage: bench/foundation.sh [ROWS]     (default 1000000; see bench/README.md)
set -u

rows=${1:-1000000}
case $rows in
  ''|*[!0-9]*) echo "ERROR foundation.sh: ROWS must be a whole number, got '$rows'" >&2; exit 2 ;;
esac
bench=$(cd "$(dirname "$0")" && pwd -P)
root=$(dirname "$bench")
bin=$root/dist/target/tapline/bin
out=$bench/out
[ -x /usr/bin/time ] || { echo "ERROR foundation.sh: /usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 1; }

if [ ! -x "$bin/tap-csv" ] || [ ! -x "$bin/target-jsonl" ] || [ ! -f "$bench/target/classes/dev/tapline/bench/GenerateData.class" ]; then
  echo "building the distribution: mvn -B -q package -DskipTests" >&2
  (cd "$root" && mvn -B -q package -DskipTests) || { echo "ERROR foundation.sh: the build failed" >&2; exit 1; }
fi

data=$out/data-$rows
if [ ! -f "$data/complete" ]; then
  rm -rf "$data"
  java -cp "$bench/target/classes" dev.tapline.bench.GenerateData "$rows" "$data" || exit 1
  : >"$data/complete"
fi
cat >"$out/tap-csv.json" <<EOF
{"files": [{"entity": "orders", "path": "$data/orders.csv", "keys": ["id"], "replication_key": "created_at"}]}
EOF
cat >"$out/target-jsonl.json" <<EOF
{"destination_path": "$out/jsonl"}
EOF

# seconds and peak RSS (MB) from a GNU time -v report
wall_seconds() {
  awk -F': ' '/Elapsed \(wall clock\)/ {
    n = split($2, part, ":"); s = 0
    for (i = 1; i <= n; i++) s = s * 60 + part[i]
    printf "%.2f", s }' "$1"
}
cpu_seconds() { awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$1"; }
peak_mb() { awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$1"; }
exit_status() { awk -F': ' '/Exit status/ { print $2 }' "$1"; }
rate() { awk -v rows="$rows" -v s="$1" 'BEGIN { if (s > 0) printf "%d", rows / s; else print "-" }'; }
verdict() { awk -v value="$1" -v limit="$2" -v sense="$3" 'BEGIN {
  if (value == "" || value == "-") print "n/a"
  else if (sense == "min") print (value + 0 >= limit ? "ok" : "MISSED")
  else print (value + 0 <= limit ? "ok" : "MISSED") }'; }
failed() { # failed TIME_REPORT...: says which run failed, with the end of its stderr
  for report in "$@"; do
    status=$(exit_status "$report")
    if [ "$status" != 0 ]; then
      echo "ERROR foundation.sh: $(basename "$report" .time) exited with $status; end of its stderr:" >&2
      tail -5 "${report%.time}.err" >&2
    fi
  done
}

load_average() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }
echo "foundation benchmark: $rows rows, $(nproc 2>/dev/null || echo '?') cores, $(java -version 2>&1 | head -1)" >&2
load_before=$(load_average)

# 1. tap-csv alone
/usr/bin/time -v -o "$out/tap.time" "$bin/tap-csv" --config "$out/tap-csv.json" >/dev/null 2>"$out/tap.err"
failed "$out/tap.time"
tap_seconds=$(wall_seconds "$out/tap.time"); tap_mb=$(peak_mb "$out/tap.time"); tap_cpu=$(cpu_seconds "$out/tap.time")

# 2. target-jsonl alone, reading the message file
rm -rf "$out/jsonl"
/usr/bin/time -v -o "$out/target.time" "$bin/target-jsonl" --config "$out/target-jsonl.json" \
  <"$data/orders.singer.jsonl" >"$out/target.state" 2>"$out/target.err"
failed "$out/target.time"
target_seconds=$(wall_seconds "$out/target.time"); target_mb=$(peak_mb "$out/target.time"); target_cpu=$(cpu_seconds "$out/target.time")

# 3. the pipeline (its wall time is the target's: it starts with the tap and ends last)
rm -rf "$out/jsonl"
/usr/bin/time -v -o "$out/pipe-tap.time" "$bin/tap-csv" --config "$out/tap-csv.json" 2>"$out/pipe-tap.err" |
  /usr/bin/time -v -o "$out/pipe-target.time" "$bin/target-jsonl" --config "$out/target-jsonl.json" \
    >"$out/pipe-target.state" 2>"$out/pipe-target.err"
failed "$out/pipe-tap.time" "$out/pipe-target.time"
pipe_seconds=$(wall_seconds "$out/pipe-target.time")
pipe_mb="$(peak_mb "$out/pipe-tap.time") + $(peak_mb "$out/pipe-target.time")"
pipe_target_mb=$(peak_mb "$out/pipe-target.time")
pipe_cpu="$(cpu_seconds "$out/pipe-tap.time") + $(cpu_seconds "$out/pipe-target.time")"

# 4. start-up: median of 10 runs of tap-csv --version, with and without the archive
median_ms() {
  : >"$out/startup.times"
  i=0
  while [ $i -lt 10 ]; do
    start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N)
    echo $(((end - start) / 1000000)) >>"$out/startup.times"
    i=$((i + 1))
  done
  sort -n "$out/startup.times" | awk '{ t[NR] = $1 } END { printf "%d", (t[5] + t[6]) / 2 }'
}
"$bin/tap-csv" --version >/dev/null 2>&1 # makes the archive if it is missing
version_ms=$(median_ms "$bin/tap-csv" --version)
version_plain_ms=$(TAPLINE_CDS=off median_ms "$bin/tap-csv" --version)

tap_rate=$(rate "$tap_seconds"); target_rate=$(rate "$target_seconds"); pipe_rate=$(rate "$pipe_seconds")
cpu_rate() { rate "$(echo "$1" | awk '{ printf "%.2f", $1 + $3 }')"; }
row() { printf '%-32s %9s %11s %9s %13s %11s  %s\n' "$@"; }
echo
row "measurement ($rows rows)" "rows/s" "rows/CPU s" "wall s" "CPU s" "peak RSS MB" "goal"
row "tap-csv > /dev/null" "$tap_rate" "$(cpu_rate "$tap_cpu")" "$tap_seconds" "$tap_cpu" "$tap_mb" \
  ">= 1000000 rows/s: $(verdict "$tap_rate" 1000000 min)"
row "target-jsonl < messages" "$target_rate" "$(cpu_rate "$target_cpu")" "$target_seconds" "$target_cpu" "$target_mb" \
  ">= 500000 rows/s: $(verdict "$target_rate" 500000 min); <= 256 MB: $(verdict "$target_mb" 256 max)"
row "tap-csv | target-jsonl" "$pipe_rate" "$(cpu_rate "$pipe_cpu")" "$pipe_seconds" "$pipe_cpu" "$pipe_mb" \
  "target <= 256 MB: $(verdict "$pipe_target_mb" 256 max)"
row "tap-csv --version, median of 10" "" "" "${version_ms} ms" "" "" "<= 250 ms: $(verdict "$version_ms" 250 max)"
row "... without the CDS archive" "" "" "${version_plain_ms} ms" "" "" ""
echo "load average (1, 5, 15 min) before: $load_before, after: $(load_average); CPU s = user + system (tap + target for the pipe)"
