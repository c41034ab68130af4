#!/usr/bin/env bash
# tap-stripe throughput against the local Stripe sandbox serving 100-record pages of charges
# (clones of Stripe's example charge), stdout to /dev/null; then the SDK's per-request overhead.
# Usage: bench/http/stripe-throughput.sh [CHARGES]   (default 60000). Needs: mvn install of
# tap-sdk-http, tap-stripe and stripe-sandbox. Prints figures; it is not a test.
set -euo pipefail
cd "$(dirname "$0")/../.."
CHARGES=${1:-60000}
PORT=${PORT:-12199}
WORK=$(mktemp -d)
trap 'kill $SANDBOX 2>/dev/null || true; rm -rf "$WORK"' EXIT

classpath() {
  mvn -B -q dependency:build-classpath -pl "$1" -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=runtime >/dev/null
  echo "$(cat "$WORK/cp.txt"):$1/target/classes"
}
TAP_CP=$(classpath taps/tap-stripe)
SANDBOX_CP=$(classpath examples/stripe-sandbox)
HTTP_CP=$(classpath taps/tap-sdk-http)

java -Xmx6g -cp "$SANDBOX_CP" dev.tapline.examples.stripe.StripeSandbox "$PORT" "$CHARGES" charges \
  >"$WORK/sandbox.out" 2>"$WORK/sandbox.err" &
SANDBOX=$!
for _ in $(seq 1 3000); do grep -q http "$WORK/sandbox.out" 2>/dev/null && break; sleep 0.1; done
URL=$(head -1 "$WORK/sandbox.out")
echo "sandbox: $URL with $CHARGES charges; load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

cat >"$WORK/config.json" <<JSON
{"client_secret": "sk_test_bench", "start_date": "2000-01-01T00:00:00Z", "api_url": "$URL",
 "date_window_size": 3650}
JSON
java -cp "$TAP_CP" dev.tapline.tap.stripe.StripeTap --config "$WORK/config.json" --discover >"$WORK/catalog.json" 2>/dev/null
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

for run in 1 2 3; do
  START=$(date +%s.%N)
  bash -c 'TIMEFORMAT="%U %S"; time java -cp "$0" dev.tapline.tap.stripe.StripeTap --config "$1" \
    --catalog "$2" >/dev/null 2>"$3"' "$TAP_CP" "$WORK/config.json" "$WORK/catalog.json" "$WORK/tap.err" \
    2>"$WORK/cpu.txt"
  END=$(date +%s.%N)
  CPU=$(awk '{print $1 + $2}' "$WORK/cpu.txt")
  RECORDS=$(grep -o '"metric":"record_count","value":[0-9]*' "$WORK/tap.err" | awk -F: '{s+=$NF} END {print s}')
  REQUESTS=$(grep -c '"metric":"http_request_duration"' "$WORK/tap.err")
  REQUEST_SECONDS=$(grep -o '"metric":"http_request_duration","value":[0-9.E-]*' "$WORK/tap.err" | awk -F: '{s+=$NF} END {print s}')
  python3 -c "
e=$END-$START; r=$RECORDS; q=$REQUESTS; s=$REQUEST_SECONDS
c=$CPU
print(f'run $run: {r} records in {e:.2f} s wall (JVM start included) = {r/e:,.0f} records/s; tap CPU {c:.2f} s user+sys = {c/r*1e6:.1f} us per record; {q} requests, {s/q*1000:.2f} ms each on average (request to last body byte)')"
done

echo "tap-stripe in one JVM, warm (the launcher figure above includes start-up and JIT):"
java -cp "$TAP_CP" bench/http/TapWarm.java "$WORK/config.json" "$WORK/catalog.json" 4
echo "the same with -XX:+UseParallelGC (Stripe records are large trees; G1's copying of the records in flight costs more than the parsing):"
java -XX:+UseParallelGC -cp "$TAP_CP" bench/http/TapWarm.java "$WORK/config.json" "$WORK/catalog.json" 4

echo "SDK per-request overhead (same pages, one thread, connection reuse):"
java -cp "$HTTP_CP" bench/http/HttpOverhead.java "$URL" 300
