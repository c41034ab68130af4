#!/bin/sh
# Tapline in one command: builds the distribution when needed, then runs the quickstart
# (examples/quickstart/run.sh: a CSV loaded into JSON Lines, then an incremental second run).
exec "$(cd "$(dirname "$0")" && pwd -P)/examples/quickstart/run.sh" "$@"
