#!/usr/bin/env bash
# Runs the workspace's test binaries (the integration tests start the real
# server, the `user` command and the mail server as child processes) at
# fixed moments in Japan time as well as now, through Debian's faketime with
# an offset: every process of a run, the test and each one it starts, sees
# the same shifted clock (with `@` each would start its own).
#
#   scripts/test-moments.sh                 # every moment below
#   scripts/test-moments.sh 2027-01-11T11:00:00+09:00   # one moment
set -euo pipefail
cd "$(dirname "$0")/.."

# The moments a rule of the calendar turns at (Japan time, UTC+9).
moments=(
    "2027-02-14T11:00:00+09:00"   # a Sunday
    "2027-01-11T11:00:00+09:00"   # a holiday Monday (成人の日)
    "2027-12-31T23:59:30+09:00"   # the year-end closure, crossing into the new year mid-run
    "2027-01-04T08:59:00+09:00"   # the first consultation day of the year, before opening
    "2027-04-28T14:00:00+09:00"   # the day before Golden Week (昭和の日, Thursday 29 April)
    "2027-03-09T09:59:40+09:00"   # just before 10:00, when reminders fall due, crossing it mid-run
    "2027-03-09T10:00:30+09:00"   # just after 10:00
)
[ $# -gt 0 ] && moments=("$@")

# Each test binary with the directory cargo runs it from (its package's).
mapfile -t binaries < <(
    cargo test --workspace --locked --no-run --message-format=json 2>/dev/null |
        python3 -c '
import json, os, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message["profile"]["test"] and message.get("executable"):
        print(os.path.dirname(message["manifest_path"]) + " " + message["executable"])
'
)

failed=()
for moment in "${moments[@]}"; do
    offset=$(($(date -d "$moment" +%s) - $(date +%s)))
    echo "== tests at $moment (faketime -f +${offset})"
    started=$(date +%s)
    for entry in "${binaries[@]}"; do
        directory=${entry%% *} binary=${entry#* }
        # The summary line is reworded so that CI's count of tests run
        # once is not multiplied by the moments.
        if ! (cd "$directory" && faketime -f "+${offset}" "$binary" --quiet --test-threads 4 2>&1 |
            sed -u "s/^test result: /at $moment: /"); then
            failed+=("$moment $(basename "$binary")")
        fi
    done
    echo "== $moment: $(($(date +%s) - started)) s"
done
if [ ${#failed[@]} -gt 0 ]; then
    printf 'failed at a fixed moment: %s\n' "${failed[@]}"
    exit 1
fi
