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
YAML
export BENCH_SALT=bench-salt
seconds() { sed -n 's/.*Run finished in \([0-9.]*\) s.*/\1/p' "$1" | tail -1; }
# interleaved attempts, as the machine's load changes; the best wall time of each counts
for attempt in 1 2 3; do
  for pipeline in plain mapped; do
    rm -rf "$out/project1/$pipeline" "$out/project1/.tapline"
    /usr/bin/time -o "$out/$pipeline-$attempt.time" -f "%U %S" \
      "$bin/tapline" run "$pipeline" --project "$out/project1/tapline.yml" 2> "$out/$pipeline-$attempt.err"
    s=$(seconds "$out/$pipeline-$attempt.err")
    cpu=$(awk '{print $1 + $2}' "$out/$pipeline-$attempt.time")
    echo "$pipeline (attempt $attempt): $rows rows in $s s = $(echo "$rows / $s" | bc) rows/s; CPU $cpu s (all processes)"
    echo "$s" >> "$out/$pipeline.seconds"
  done
done
for pipeline in plain mapped; do
  best=$(sort -n "$out/$pipeline.seconds" | head -1)
  echo "$pipeline best: $(echo "$rows / $best" | bc) rows/s"
  rm -f "$out/$pipeline.seconds"
done

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
