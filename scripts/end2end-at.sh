#!/usr/bin/env bash
# The Playwright journeys again at a fixed moment in Japan time: the server
# cargo-leptos built, and Playwright with its Chromium, under one faketime
# offset, so that the page, the test's own dates and the sign-in codes all
# agree on the shifted clock. Run after `cargo leptos end-to-end` (which
# builds the server and the site).
#
#   scripts/end2end-at.sh 2027-12-31T23:58:30+09:00 [playwright arguments]
#   scripts/end2end-at.sh now [playwright arguments]
#
# On a fresh SQLite file, or on the empty database of E2E_DATABASE_URL
# (PostgreSQL: `make end2end` gives it a throw-away cluster's, with
# SECOND_OPINION_KEY_FILE for the key file).
set -euo pipefail
cd "$(dirname "$0")/.."
moment=$1
shift
directory=target/e2e-at
rm -rf "$directory" && mkdir -p "$directory"
port=3007
export DATABASE_URL="${E2E_DATABASE_URL:-sqlite://$PWD/$directory/second-opinion.db}"
engine=${DATABASE_URL%%:*}
export LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_OUTPUT_NAME=second-opinion
# As `make end2end`: X-Forwarded-For from 127.0.0.1 is believed.
export SECOND_OPINION_TRUSTED_PROXIES=127.0.0.1
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "port $port is taken: stop what listens there first" >&2
    exit 1
fi
if [ "$moment" = now ]; then
    offset=0
    label="on $engine"
else
    offset=$(($(date -d "$moment" +%s) - $(date +%s)))
    label="at $moment on $engine"
fi
echo "== the journeys $label (faketime -f +$offset)"
# faketime forks the server: it runs in a process group of its own, ended
# whole, so that no server outlives the run.
setsid faketime -f "+$offset" target/debug/second-opinion >"$directory/server.log" 2>&1 &
group=$!
trap 'kill -- -$group 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    grep -q "listening on" "$directory/server.log" && break
    kill -0 "$group" 2>/dev/null || { cat "$directory/server.log" >&2; exit 1; }
    sleep 0.2
done
cd end2end
# The summary is reworded so that CI's count of tests run once is not doubled.
faketime -f "+$offset" npx playwright test "$@" 2>&1 | sed -u "s/ passed (/ passed $label (/"
