#!/bin/sh
# tap-postgres benchmark: FULL_TABLE extract, LOG_BASED burst, and a full mirror into target-postgres,
# against an embedded PostgreSQL 17 started by the harness. Prints rows/s and peak RSS.
# usage: bench/postgres/tap-postgres.sh [ROWS [full|log|mirror ...]]   (default 1000000, all three)
set -eu
rows=${1:-1000000}
case $rows in
  ''|*[!0-9]*) echo "ERROR tap-postgres.sh: ROWS must be a whole number, got '$rows'" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
out=$root/bench/out/postgres
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "ERROR tap-postgres.sh: /usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 1; }
cd "$root"
# build only the modules involved (others may be building at the same time)
mvn -B -q install -pl taps/tap-postgres -DskipTests
mvn -B -q test-compile dependency:build-classpath -pl integration \
  -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test
classpath=$root/integration/target/test-classes:$(cat "$out/classpath.txt")
shift $(( $# > 0 ? 1 : 0 ))
exec java -cp "$classpath" dev.tapline.integration.PostgresBench "$rows" "$out" "$@"
