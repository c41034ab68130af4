#!/bin/sh
# Checks the launchers of a built distribution the way a user runs them.
# usage: check-launchers.sh DISTRIBUTION_FOLDER WORK_FOLDER
# Run by `mvn verify` in dist/ (skipped with -DskipTests). Exits non-zero on the first failure.
set -u

dist=$(cd "$1" && pwd -P) || exit 1
work=$2
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd -P)

failures=0
check() {
  # check DESCRIPTION CONDITION...: runs the condition, reports the result
  description=$1
  shift
  if "$@"; then
    echo "ok      $description"
  else
    echo "FAILED  $description"
    echo "--- stdout of the last run:"; cat "$work/out"
    echo "--- stderr of the last run:"; cat "$work/err"
    failures=$((failures + 1))
  fi
}
# Runs a command with stdout, stderr and exit code captured in $work/out, $work/err, $status.
run() {
  "$@" >"$work/out" 2>"$work/err"
  status=$?
}
stdout_is() { [ "$(cat "$work/out")" = "$1" ]; }
stdout_matches() { grep -Eq "$1" "$work/out" && [ "$(wc -l <"$work/out")" -eq "${2:-1}" ]; }
stderr_contains() { grep -Fq -- "$1" "$work/err"; }
status_is() { [ "$status" -eq "$1" ]; }

for executable in tapline tap-csv target-jsonl target-csv tap-example tap-postgres tap-rest tap-stripe \
    target-postgres target-duckdb target-snowflake; do
  check "bin/$executable exists and is executable" test -x "$dist/bin/$executable"
  run "$dist/bin/$executable" --version
  check "$executable --version prints '$executable <version>' only" stdout_matches "^$executable [0-9A-Za-z.-]+\$"
done

# --version from another directory, through symbolic links (absolute, then relative, chained)
mkdir -p "$work/path" "$work/links"
ln -s "$dist/bin/tapline" "$work/links/tapline"
ln -s ../links/tapline "$work/path/tapline"
cd / || exit 1
run "$work/path/tapline" --version
check "tapline --version through two symbolic links from / prints 'tapline <version>' only" \
  stdout_matches '^tapline [0-9A-Za-z.-]+$'
check "tapline --version exits 0" status_is 0
run env PATH="$work/path:$PATH" tapline --version
check "tapline found on PATH through a symbolic link" stdout_matches '^tapline [0-9A-Za-z.-]+$'

# the built folder carries its archives, and TAPLINE_LOG_LEVEL=debug shows the java command on stderr
run env TAPLINE_LOG_LEVEL=debug "$dist/bin/tap-csv" --version
check "the packaged tap-csv starts with its archive from lib/cds" \
  stderr_contains "-XX:SharedArchiveFile=$dist/lib/cds/tap-csv-"
check "... and the debug line leaves stdout to the program" stdout_matches '^tap-csv '

# arguments pass through unchanged: the path with spaces and a quote reaches the program whole
run "$dist/bin/tap-csv" --config "$work/no such 'config' file.json"
check "tap-csv with a missing config file exits 2" status_is 2
check "nothing but Singer messages on stdout after a configuration error" stdout_is ""
check "the error names the file, spaces and quotes intact" stderr_contains "no such 'config' file.json"
check "the error line starts with ERROR" stderr_contains "ERROR"

mkdir -p "$work/data with spaces"
printf 'id,updated_at,name\n1,2024-01-01T00:00:00Z,Ada Lovelace\n2,2024-01-02T00:00:00Z,"Grace, Hopper"\n' \
  >"$work/data with spaces/people.csv"
printf '{"files":[{"entity":"people","path":"%s","keys":["id"],"replication_key":"updated_at"}]}\n' \
  "$work/data with spaces/people.csv" >"$work/data with spaces/tap config.json"
run "$dist/bin/tap-csv" --config "$work/data with spaces/tap config.json"
check "tap-csv reads a config and data from a folder with spaces" status_is 0
check "tap-csv writes a SCHEMA and two RECORD messages" \
  test "$(grep -c '"type": *"RECORD"' "$work/out")" -eq 2 -a "$(grep -c '"type": *"SCHEMA"' "$work/out")" -eq 1

# target-duckdb loads DuckDB's native library from lib/, never unpacking 72 MB into the temporary
# folder (a killed run would leave it there): with a temporary folder that does not exist, the
# driver could not unpack it and the load would fail
run "$dist/bin/tap-csv" --config "$work/data with spaces/tap config.json"
cp "$work/out" "$work/people.singer"
printf '{"path":"%s"}\n' "$work/people.duckdb" >"$work/duckdb.json"
run env JAVA_OPTS="-Djava.io.tmpdir=$work/no-such-folder" "$dist/bin/target-duckdb" --config "$work/duckdb.json" \
  --input "$work/people.singer"
check "target-duckdb loads a stream without unpacking DuckDB's native library" status_is 0

# JAVA_OPTS: honoured, may choose another collector, and JVM warnings never reach stdout
run env JAVA_OPTS="-XX:+UseParallelGC -Dtapline.check=yes" "$dist/bin/tapline" --version
check "JAVA_OPTS may choose another garbage collector" stdout_matches '^tapline '
run env JAVA_OPTS="-XX:+UseBiasedLocking" "$dist/bin/tapline" --version
check "a JVM warning goes to stderr, not stdout" stdout_matches '^tapline '
run env JAVA_OPTS="-Xmx1m" "$dist/bin/tapline" --version
check "JAVA_OPTS reaches the JVM (an impossible heap fails)" test "$status" -ne 0

# which Java: a clear error without one
run env -u JAVA_HOME PATH=/nonexistent "$dist/bin/tapline" --version
check "without java: exit 1" status_is 1
check "without java: one ERROR line that says what to do" stderr_contains "ERROR tapline: no java found"
run env JAVA_HOME="$work/no-java" "$dist/bin/tapline" --version
check "JAVA_HOME without java: exit 1 and a clear error" \
  test "$status" -eq 1 -a "$(grep -c "ERROR tapline: JAVA_HOME is '$work/no-java'" "$work/err")" -eq 1

mkdir -p "$work/old-java/bin"
printf '#!/bin/sh\necho "this java must not be started" >&2\nexit 99\n' >"$work/old-java/bin/java"
chmod +x "$work/old-java/bin/java"
printf 'IMPLEMENTOR="Example"\nJAVA_VERSION="11.0.22"\n' >"$work/old-java/release"
run env JAVA_HOME="$work/old-java" "$dist/bin/tapline" --version
check "Java 11 is refused before it starts, with exit 1" status_is 1
check "... naming the version and what is needed" stderr_contains "is Java 11.0.22; Tapline needs Java 17 or newer"

# a moved copy works, makes its own archive, and a stale archive is harmless
mkdir -p "$work/moved here"
cp -Rp "$dist" "$work/moved here/tapline"
rm -rf "$work/moved here/tapline/lib/cds"
run "$work/moved here/tapline/bin/tapline" --version
check "a moved copy (path with a space) runs" stdout_matches '^tapline '
check "the moved copy made its own class-data-sharing archive" \
  test -n "$(find "$work/moved here/tapline/lib/cds" -name 'tapline-*.jsa' 2>/dev/null)"
touch -t 200001010000 "$work/moved here/tapline/lib/"*.jar
run "$work/moved here/tapline/bin/tapline" --version
check "an archive the JVM refuses (jar dates changed) leaves stdout clean" stdout_matches '^tapline '
check "... and the run still succeeds" status_is 0
# another Java gets its own archive and leaves the first one in place
mkdir -p "$work/other-java/bin"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$(command -v java)" >"$work/other-java/bin/java"
chmod +x "$work/other-java/bin/java"
run env JAVA_HOME="$work/other-java" "$work/moved here/tapline/bin/tapline" --version
check "another Java runs the moved copy" stdout_matches '^tapline '
check "... and adds its own archive, keeping the first Java's" \
  test "$(find "$work/moved here/tapline/lib/cds" -name 'tapline-*.jsa' | wc -l)" -eq 2
run env TAPLINE_CDS=off "$work/moved here/tapline/bin/tapline" --version
check "TAPLINE_CDS=off runs without an archive" stdout_matches '^tapline '

# the archive goes to the user's cache when lib/cds cannot be a folder, and is optional
rm -rf "$work/moved here/tapline/lib/cds"
: >"$work/moved here/tapline/lib/cds"
run env XDG_CACHE_HOME="$work/cache" "$work/moved here/tapline/bin/tapline" --version
check "with lib/cds unusable the archive goes to \$XDG_CACHE_HOME/tapline/cds" \
  test -n "$(find "$work/cache/tapline/cds" -name 'tapline-*.jsa' 2>/dev/null)"
check "... and stdout stays clean" stdout_matches '^tapline '
run env TAPLINE_CDS_DIR=/proc/no-such-folder "$work/moved here/tapline/bin/tapline" --version
check "without any writable folder for the archive it still runs" stdout_matches '^tapline '
rm -f "$work/moved here/tapline/lib/cds"

# concurrent first runs: each succeeds, one archive remains, no temporary file is left behind
for i in 1 2 3; do
  "$work/moved here/tapline/bin/tap-csv" --version >"$work/concurrent.$i" 2>&1 &
done
wait
for i in 1 2 3; do
  check "concurrent first run $i prints the version only" \
    test "$(grep -c '^tap-csv ' "$work/concurrent.$i")" -eq 1 -a "$(wc -l <"$work/concurrent.$i")" -eq 1
done
check "concurrent first runs leave one archive and no temporary files" \
  test "$(find "$work/moved here/tapline/lib/cds" -name 'tap-csv-*' | wc -l)" -eq 1

# tapline run joins two launchers and keeps the state
printf '{"destination_path":"%s"}\n' "$work/pipeline output" >"$work/pipeline-target.json"
run "$dist/bin/tapline" run "$dist/bin/tap-csv" "$dist/bin/target-jsonl" \
  --tap-config "$work/data with spaces/tap config.json" --target-config "$work/pipeline-target.json" \
  --state-file "$work/data with spaces/state.json"
check "tapline run tap-csv target-jsonl exits 0" status_is 0
check "... loads both rows" test "$(cat "$work/pipeline output"/*.jsonl 2>/dev/null | wc -l)" -eq 2
check "... and writes the bookmark to the state file" \
  grep -q '2024-01-02T00:00:00' "$work/data with spaces/state.json"

# exec: the launcher becomes the JVM, so a signal reaches it and ends it
printf '{"destination_path":"%s"}\n' "$work/jsonl output" >"$work/target.json"
mkfifo "$work/input"
"$dist/bin/target-jsonl" --config "$work/target.json" <"$work/input" >"$work/out" 2>"$work/err" &
target_pid=$!
exec 3>"$work/input"
sleep 2
is_running_java() {
  case $(ps -o comm= -p "$1") in *java) ;; *) return 1 ;; esac
  [ "$(ps -o stat= -p "$1" | cut -c1)" != Z ]
}
check "the launcher's process is the JVM itself, still running" is_running_java "$target_pid"
kill -TERM "$target_pid"
waited=0
while kill -0 "$target_pid" 2>/dev/null && [ "$waited" -lt 20 ]; do
  sleep 0.5
  waited=$((waited + 1))
done
check "SIGTERM ends the target within 10 seconds" test "$waited" -lt 20
kill -KILL "$target_pid" 2>/dev/null
wait "$target_pid"
exec 3>&-

if [ "$failures" -ne 0 ]; then
  echo "$failures launcher check(s) failed"
  exit 1
fi
echo "all launcher checks passed"
