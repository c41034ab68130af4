#!/usr/bin/env bash
# tap-stripe throughput against the local Stripe sandbox serving 100-record pages of charges
# (clones of Stripe's example charge), stdout to /dev/null; before it, the SDK's per-request overhead.
# Usage: bench/http/stripe-throughput.sh [CHARGES]   (default 60000). Needs: mvn install of
# tap-sdk, tap-sdk-http, tap-stripe and stripe-sandbox. Prints figures; it is not a test.
#
# The sandbox renders and gzips every page once at start (it answers Accept-Encoding: gzip, as
# Stripe does; GZIP=off in the environment serves the pages uncompressed), so per request it only
# copies bytes: the figure is about the tap. The tap runs from classes with the JVM options of its
# launcher (dist/src/main/launcher/launcher.sh: the serial collector and a class-data-sharing
# archive made by a first run), each run a new JVM, so start-up and JIT are included.
set -euo pipefail
cd "$(dirname "$0")/../.."
CHARGES=${1:-60000}
PORT=${PORT:-12199}
RUNS=${RUNS:-3}
WORK=$(mktemp -d)
trap 'kill $SANDBOX 2>/dev/null || true; rm -rf "$WORK"' EXIT
[ -x /usr/bin/time ] || { echo "ERROR stripe-throughput.sh: /usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 1; }

classpath() {
  mvn -B -q dependency:build-classpath -pl "$1" -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=runtime >/dev/null
  echo "$(cat "$WORK/cp.txt"):$PWD/$1/target/classes"
}
# tap-stripe's jar rather than its classes folder: a class-data-sharing archive takes jars only
TAP_JAR=$(ls taps/tap-stripe/target/tap-stripe-*.jar | grep -v -e tests -e sources | head -1)
TAP_CP=$(classpath taps/tap-stripe | sed "s|$PWD/taps/tap-stripe/target/classes|$PWD/$TAP_JAR|")
SANDBOX_CP=$(classpath examples/stripe-sandbox)
HTTP_CP=$(classpath taps/tap-sdk-http)

STRIPE_SANDBOX_GZIP=${GZIP:-on} java -Xmx6g -cp "$SANDBOX_CP" dev.tapline.examples.stripe.StripeSandbox \
  "$PORT" "$CHARGES" charges >"$WORK/sandbox.out" 2>"$WORK/sandbox.err" &
SANDBOX=$!
for _ in $(seq 1 3000); do grep -q http "$WORK/sandbox.out" 2>/dev/null && break; sleep 0.1; done
URL=$(head -1 "$WORK/sandbox.out")
echo "sandbox: $URL with $CHARGES charges, pages rendered at start, gzip ${GZIP:-on}; load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# CPU seconds (user + system) of a process so far
cpu_of() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat"; }

cat >"$WORK/config.json" <<JSON
{"client_secret": "sk_test_bench", "start_date": "2000-01-01T00:00:00Z", "api_url": "$URL",
 "date_window_size": 3650}
JSON
JVM_OPTIONS="-XX:+UseSerialGC"
# a first run makes the class-data-sharing archive, as the launcher's first run does
java $JVM_OPTIONS -XX:ArchiveClassesAtExit="$WORK/tap.jsa" -cp "$TAP_CP" dev.tapline.tap.stripe.StripeTap \
  --config "$WORK/config.json" --discover >/dev/null 2>&1 || true
if [ -f "$WORK/tap.jsa" ]; then
  JVM_OPTIONS="$JVM_OPTIONS -XX:SharedArchiveFile=$WORK/tap.jsa"
else
  echo "(no class-data-sharing archive could be made; runs start without one)"
fi
java $JVM_OPTIONS -cp "$TAP_CP" dev.tapline.tap.stripe.StripeTap --config "$WORK/config.json" --discover \
  >"$WORK/catalog.json" 2>"$WORK/discover.err" || { cat "$WORK/discover.err" >&2; exit 1; }
python3 - "$WORK/catalog.json" <<'PY'
import json, sys
path = sys.argv[1]
catalog = json.load(open(path))
for stream in catalog["streams"]:
    for entry in stream["metadata"]:
        if entry["breadcrumb"] == []:
            entry["metadata"]["selected"] = stream["stream"] == "charges"
json.dump(catalog, open(path, "w"))
PY

# first the SDK's per-request overhead: its thousands of requests also warm up the sandbox's JIT, as
# a long-running server's would be, so the server takes little CPU from the tap runs that follow;
# then WARMUP tap runs not counted (a fresh sandbox took 0.6-2 CPU-s per run after one, 0.2 s
# once warm)
echo "SDK per-request overhead (same pages, one thread, connection reuse):"
java -cp "$HTTP_CP" bench/http/HttpOverhead.java "$URL" 300
for _ in $(seq 1 "${WARMUP:-4}"); do
  java $JVM_OPTIONS -cp "$TAP_CP" dev.tapline.tap.stripe.StripeTap --config "$WORK/config.json" \
    --catalog "$WORK/catalog.json" >/dev/null 2>&1
done

# runs OPTIONS LABEL: RUNS runs of the tap, each a new JVM with these options
runs() {
  local options=$1
  echo "tap-stripe, a new JVM per run ($2), stdout to /dev/null:"
  for run in $(seq 1 "$RUNS"); do
    SERVER_BEFORE=$(cpu_of "$SANDBOX")
    START=$(date +%s.%N)
    /usr/bin/time -v -o "$WORK/time.txt" java $options -cp "$TAP_CP" dev.tapline.tap.stripe.StripeTap \
      --config "$WORK/config.json" --catalog "$WORK/catalog.json" >/dev/null 2>"$WORK/tap.err"
    END=$(date +%s.%N)
    SERVER_AFTER=$(cpu_of "$SANDBOX")
    CPU=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$WORK/time.txt")
    RSS=$(awk -F': ' '/Maximum resident set size/ {printf "%d", $2 / 1024}' "$WORK/time.txt")
    RECORDS=$(grep -o '"metric":"record_count","value":[0-9]*' "$WORK/tap.err" | awk -F: '{s+=$NF} END {print s}')
    REQUESTS=$(grep -c '"metric":"http_request_duration"' "$WORK/tap.err")
    REQUEST_SECONDS=$(grep -o '"metric":"http_request_duration","value":[0-9.E-]*' "$WORK/tap.err" | awk -F: '{s+=$NF} END {print s}')
    python3 - "$WORK/tap.err" <<PY
import datetime, sys
def at(line):
    return datetime.datetime.fromisoformat(line[:23]).timestamp()
lines = open(sys.argv[1], encoding='utf-8').read().splitlines()
first = at([l for l in lines if 'Syncing stream' in l][0])
last = at([l for l in lines if 'records.' in l and 'Stream ' in l][-1])
e=$END-$START; r=$RECORDS; q=$REQUESTS; s=$REQUEST_SECONDS; c=$CPU; server=$SERVER_AFTER-$SERVER_BEFORE
print(f'run $run: {r} records in {e:.2f} s wall (JVM start included) = {r/e:,.0f} records/s '
      f'({r/(last-first):,.0f} records/s from the first request to the last record, {e-(last-first):.2f} s '
      f'before and after); tap CPU {c:.2f} s user+sys = {c/r*1e6:.1f} us per record, peak RSS $RSS MB; '
      f'{q} requests, {s/q*1000:.2f} ms each on average (request to last body byte); server CPU '
      f'{server:.2f} s = {server/e*100:.0f}% of one core ({server/(e*$(nproc))*100:.0f}% of the machine); '
      f'load average $(cut -d' ' -f1 /proc/loadavg)')
PY
  done
}
# the tap-stripe launcher runs with the C1 compiler only (dist/pom.xml): C2 compiles are about a third
# of the CPU of a run this short; the second block shows what the JVM's default (tiered, C2) gives
runs "$JVM_OPTIONS -XX:TieredStopAtLevel=1" "the launcher's options: $JVM_OPTIONS -XX:TieredStopAtLevel=1"
runs "$JVM_OPTIONS" "the JVM's default compilers (C1 then C2): $JVM_OPTIONS"

echo "tap-stripe in one JVM, warm (start-up and JIT left out):"
java $JVM_OPTIONS -cp "$TAP_CP" bench/http/TapWarm.java "$WORK/config.json" "$WORK/catalog.json" 4

