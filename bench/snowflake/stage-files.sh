#!/bin/sh
# The Snowflake benchmark without an account: the part Tapline controls, records turned into the
# compressed CSV files a load stages. Two measurements, each with GNU time's peak RSS:
#  1. stage files alone: StageFilesBench reads the Singer messages into records (as the SDK hands
#     them to a sink) and times only the writing of the files (wall, and CPU of the whole process
#     while writing, which includes the compressing thread);
#  2. the whole target in dry-run mode: target-snowflake < messages, files written and "uploaded"
#     into a folder with the SQL it would run (nothing connects anywhere).
# usage: bench/snowflake/stage-files.sh [ROWS]      (default 1000000)
set -u

rows=${1:-1000000}
case $rows in
  ''|*[!0-9]*) echo "ERROR stage-files.sh: ROWS must be a whole number, got '$rows'" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd -P)
bench=$(dirname "$here")
root=$(dirname "$bench")
out=$bench/out/snowflake
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "ERROR stage-files.sh: /usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 1; }
# what the dist/ launchers give a target, plus the driver's flags (not loaded in a dry run)
jvm="-Xmx160m -XX:+UseSerialGC --add-opens=java.base/java.nio=ALL-UNNAMED -Dnet.snowflake.jdbc.disablePlatformDetection=true"
export SNOWFLAKE_DISABLE_PLATFORM_DETECTION=true

echo "building target-snowflake and its class path" >&2
(cd "$root" && mvn -B -q install -pl targets/target-snowflake -DskipTests) \
  || { echo "ERROR stage-files.sh: the build failed" >&2; exit 1; }
(cd "$root/targets/target-snowflake" && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$out/target-snowflake.cp") || exit 1
module=$root/targets/target-snowflake
cp="$module/target/classes:$module/target/test-classes:$(cat "$out/target-snowflake.cp")"

data=$bench/out/data-$rows
if [ ! -f "$data/complete" ]; then
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
rate() { awk -v rows="$rows" -v s="$1" 'BEGIN { if (s > 0) printf "%d", rows / s; else print "-" }'; }
check() { # check NAME: the run's exit status must be 0
  status=$(awk -F': ' '/Exit status/ { print $2 }' "$out/$1.time")
  [ "$status" = 0 ] || { echo "ERROR stage-files.sh: $1 exited with $status:" >&2; tail -5 "$out/$1.err" >&2; exit 1; }
}

echo "Snowflake stage files benchmark: $rows rows, $(nproc) cores, $(java -version 2>&1 | head -1)" >&2

rm -rf "$out/files"
/usr/bin/time -v -o "$out/files.time" java $jvm -cp "$cp" dev.tapline.target.snowflake.bench.StageFilesBench \
  "$data/orders.singer.jsonl" "$out/files" >"$out/files.out" 2>"$out/files.err"
check files

rm -rf "$out/dry-run" "$out/dry-run-local"
printf '{"account":"example-account","user":"bench","database":"bench","default_target_schema":"bench","dry_run_path":"%s","local_staging_path":"%s"}\n' \
  "$out/dry-run" "$out/dry-run-local" >"$out/dry-run.json"
/usr/bin/time -v -o "$out/dry-run.time" java $jvm -cp "$cp" dev.tapline.target.snowflake.SnowflakeTarget \
  --config "$out/dry-run.json" <"$data/orders.singer.jsonl" >"$out/dry-run.state" 2>"$out/dry-run.err"
check dry-run
staged=$(find "$out/dry-run/stage" -name 'part-*.csv.gz' | wc -l)
staged_mb=$(du -sm "$out/dry-run/stage" | cut -f1)

# figures of the writing alone, as StageFilesBench printed them
files_wall=$(awk '{ for (i = 1; i < NF; i++) if ($i == "writing_wall_seconds") print $(i + 1) }' "$out/files.out")
files_rate=$(awk '{ for (i = 1; i < NF; i++) if ($i == "rows_per_second") print $(i + 1) }' "$out/files.out")
files_cpu=$(awk '{ for (i = 1; i < NF; i++) if ($i == "writing_cpu_seconds") print $(i + 1) }' "$out/files.out")
files_cpu_rate=$(awk '{ for (i = 1; i < NF; i++) if ($i == "rows_per_cpu_second") print $(i + 1) }' "$out/files.out")
files_mb=$(awk '{ for (i = 1; i < NF; i++) if ($i == "compressed_mb") print $(i + 1) }' "$out/files.out")

printf '\n(load average when done: %s; cpu s = user + system seconds)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-50s %10s %9s %8s %12s %8s  %s\n' "measurement ($rows rows)" "rows/s" "seconds" "cpu s" "rows/cpu s" "peak MB" "goal"
printf '%-50s %10s %9s %8s %12s %8s  %s\n' "records -> gzip CSV stage files (writing only)" "$files_rate" "$files_wall" \
  "$files_cpu" "$files_cpu_rate" "$(peak_mb "$out/files.time")" ">= 500000 rows/s, <= 256 MB"
s=$(wall_seconds "$out/dry-run.time")
printf '%-50s %10s %9s %8s %12s %8s  %s\n' "target-snowflake dry run < messages (whole run)" "$(rate "$s")" "$s" \
  "$(cpu_seconds "$out/dry-run.time")" "$(rate "$(cpu_seconds "$out/dry-run.time")")" "$(peak_mb "$out/dry-run.time")" \
  "<= 256 MB"
printf 'stage files: %s MB compressed (writing only); dry run staged %s files, %s MB\n' "$files_mb" "$staged" "$staged_mb"
