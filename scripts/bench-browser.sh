#!/usr/bin/env bash
# Starts the release server on a throw-away database and runs the browser
# measurements of end2end/bench/ in Chromium: the time from a changed
# answer to the updated live panel, and the first load of /request on a
# throttled phone (first and repeat visits).
# Run after `cargo leptos build --release` (make bench does both).
set -euo pipefail
cd "$(dirname "$0")/.."
directory=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$directory"' EXIT
address=127.0.0.1:3017
LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=second-opinion RUST_LOG=warn \
  target/release/second-opinion --addr "$address" --database-url "sqlite://$directory/bench.db" &
server=$!
for _ in $(seq 50); do
  curl -fs "http://$address/" >/dev/null 2>&1 && break
  sleep 0.2
done
cd end2end
LEPTOS_SITE_ADDR="$address" npx playwright test -c playwright.bench.config.ts --reporter=line
