#!/bin/sh
# Figures of the tapline runner (issue 7):
#   1. tap-csv | target-jsonl against tap-csv | tapline map | target-jsonl on ROWS rows (default
#      1,000,000), both run by `tapline run NAME`: rows/s over the run's wall time, start-up included.
#   2. `tapline run --all --parallel 4` over 8 small pipelines against `--parallel 1` (one by one).
# Uses a private copy of the distribution (dist/target/tapline) with this checkout's cli jar, so
# concurrent builds cannot swap jars mid-run. Output in bench/out/runner/.
set -eu
rows=${1:-1000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/bench/out/runner
data=$root/bench/out/data-$rows
mkdir -p "$out"

if [ ! -d "$root/dist/target/tapline/lib" ]; then
  (cd "$root" && mvn -B -q package -DskipTests)
fi
if [ ! -f "$data/complete" ]; then
  java -cp "$root/bench/target/classes" dev.tapline.bench.GenerateData "$rows" "$data"
  touch "$data/complete"
fi
rm -rf "$out/dist"
cp -r "$root/dist/target/tapline" "$out/dist"
cp "$root"/cli/target/cli-*.jar "$out/dist/lib/"
bin=$out/dist/bin
# the launchers make their class-data-sharing archive on first use: not part of the figures
for executable in tap-csv target-jsonl tapline; do "$bin/$executable" --version > /dev/null 2>&1; done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# 1. the mapper's cost
rm -rf "$out/project1" && mkdir -p "$out/project1"
cat > "$out/project1/tapline.yml" <<YAML
taps:
  orders:
    executable: $bin/tap-csv
    config:
      files: [{entity: orders, path: "$data/orders.csv", keys: [id], replication_key: created_at}]
  small: {executable: $bin/tap-csv, config: {files: [{entity: orders, path: "$out/project1/small.csv", keys: [id]}]}}
targets:
  plain-out: {executable: $bin/target-jsonl, config: {destination_path: "$out/project1/plain"}}
  mapped-out: {executable: $bin/target-jsonl, config: {destination_path: "$out/project1/mapped"}}
mappers:
  pii:
    config:
      hash_salt: "\${BENCH_SALT}"
      streams:
        orders:
          filter: "record.status != 'refunded'"
          properties: {customer: hash, description: drop, id: {rename: order_id}}
pipelines:
  plain: {tap: orders, target: plain-out}
  mapped: {tap: orders, mappers: [pii], target: mapped-out}
  warm-up: {tap: small, mappers: [pii], target: mapped-out}
YAML
export BENCH_SALT=bench-salt
# the first built-in mapper makes its class-data-sharing archive, as the launchers make theirs on
# first use: not part of the figures either
head -1001 "$data/orders.csv" > "$out/project1/small.csv"
"$bin/tapline" run warm-up --project "$out/project1/tapline.yml" 2> "$out/warm-up.err" || cat "$out/warm-up.err"
rm -rf "$out/project1/mapped"
seconds() { sed -n 's/.*Run finished in \([0-9.]*\) s.*/\1/p' "$1" | tail -1; }
# interleaved attempts, as the machine's load changes; the best wall time of each counts. The run's
# own figure (from its start to its end, runner start-up excluded) has 0.1 s steps; the elapsed time
# of the whole `tapline run` process (runner start-up included) is measured to 0.01 s.
# ATTEMPTS=5 for more pairs on a busy machine
attempts=${ATTEMPTS:-3}
for attempt in $(seq "$attempts"); do
  for pipeline in plain mapped; do
    rm -rf "$out/project1/$pipeline" "$out/project1/.tapline"
    /usr/bin/time -o "$out/$pipeline-$attempt.time" -f "%U %S %e" \
      "$bin/tapline" run "$pipeline" --project "$out/project1/tapline.yml" 2> "$out/$pipeline-$attempt.err"
    s=$(seconds "$out/$pipeline-$attempt.err")
    cpu=$(awk '{print $1 + $2}' "$out/$pipeline-$attempt.time")
    elapsed=$(awk '{print $3}' "$out/$pipeline-$attempt.time")
    echo "$pipeline (attempt $attempt): $rows rows in $s s = $(echo "$rows / $s" | bc) rows/s; process elapsed $elapsed s; CPU $cpu s (all processes); load $(cut -d' ' -f1 /proc/loadavg)"
    echo "$s" >> "$out/$pipeline.seconds"
    echo "$elapsed" >> "$out/$pipeline.elapsed"
    echo "$cpu" >> "$out/$pipeline.cpu"
  done
done
# the pairs ran back to back, so their ratios are less at the mercy of other work on the machine
paste -d' ' "$out/plain.elapsed" "$out/mapped.elapsed" "$out/plain.cpu" "$out/mapped.cpu" | awk '
  { time[NR] = $2 / $1; cpu[NR] = $4 / $3 }
  function median(values, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (values[j] < values[i]) { t = values[i]; values[i] = values[j]; values[j] = t }
    return n % 2 ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
  }
  END { printf "median of the %d pairs: mapped takes %.1f%% longer (process elapsed), uses %.1f%% more CPU\n", NR, 100 * median(time, NR) - 100, 100 * median(cpu, NR) - 100 }'
rm -f "$out/plain.cpu" "$out/mapped.cpu"
for pipeline in plain mapped; do
  best=$(sort -n "$out/$pipeline.seconds" | head -1)
  best_elapsed=$(sort -n "$out/$pipeline.elapsed" | head -1)
  echo "$pipeline best: $(echo "$rows / $best" | bc) rows/s ($best s; process elapsed $best_elapsed s)"
  eval "best_$pipeline=$best; elapsed_$pipeline=$best_elapsed"
  rm -f "$out/$pipeline.seconds" "$out/$pipeline.elapsed"
done
# the issue's figure: the share of the plain pipeline's throughput the mapper costs (goal <= 20%)
echo "mapper's cost: $(echo "scale=1; 100 - 100 * $best_plain / $best_mapped" | bc)% of the throughput" \
  "(mapped takes $(echo "scale=1; 100 * $best_mapped / $best_plain - 100" | bc)% longer;" \
  "by process elapsed time $(echo "scale=1; 100 * $elapsed_mapped / $elapsed_plain - 100" | bc)% longer)"

# 2. eight small pipelines, one by one and four at once
rm -rf "$out/project2" && mkdir -p "$out/project2"
head -5001 "$data/orders.csv" > "$out/project2/small.csv"
{
  echo "taps:"
  echo "  small: {executable: $bin/tap-csv, config: {files: [{entity: orders, path: \"$out/project2/small.csv\", keys: [id]}]}}"
  echo "targets:"
  for i in 1 2 3 4 5 6 7 8; do echo "  out$i: {executable: $bin/target-jsonl, config: {destination_path: \"$out/project2/out$i\"}}"; done
  echo "pipelines:"
  for i in 1 2 3 4 5 6 7 8; do echo "  small$i: {tap: small, target: out$i}"; done
} > "$out/project2/tapline.yml"
for parallel in 1 4; do
  rm -rf "$out/project2/.tapline" "$out/project2"/out*
  start=$(date +%s.%N)
  "$bin/tapline" run --all --parallel $parallel --project "$out/project2/tapline.yml" 2> "$out/parallel-$parallel.err"
  end=$(date +%s.%N)
  echo "8 pipelines of 5,000 rows, --parallel $parallel: $(echo "$end - $start" | bc) s"
done
# 3. the same with a tap that first waits 2 s, as an API tap waits for its responses
printf '#!/bin/sh\nsleep 2\nexec "%s/tap-csv" "$@"\n' "$bin" > "$out/project2/tap-waiting"
chmod +x "$out/project2/tap-waiting"
sed "s#executable: $bin/tap-csv#executable: $out/project2/tap-waiting#" "$out/project2/tapline.yml" > "$out/project2/waiting.yml"
for parallel in 1 4; do
  rm -rf "$out/project2/.tapline" "$out/project2"/out*
  start=$(date +%s.%N)
  "$bin/tapline" run --all --parallel $parallel --project "$out/project2/waiting.yml" 2> "$out/waiting-$parallel.err"
  end=$(date +%s.%N)
  echo "8 pipelines of 5,000 rows whose tap waits 2 s, --parallel $parallel: $(echo "$end - $start" | bc) s"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
