#!/usr/bin/env bash
# The stack's cost as ratios to baselines measured in the same run:
#  1. the server-rendered /request (wrk, 50 connections, 10 s) against a
#     plain axum handler returning the same page (baseline-page);
#  2. durable submissions over HTTP (loadtest, 50 clients) against the same
#     rows inserted straight with sqlx and the same pragmas (baseline-insert);
#  3. the same /request through the shipped nginx (deploy/, TLS, started by
#     scripts/nginx-front.sh) against straight to the app, one after the
#     other with the same load.
# Run from the repository root; `make bench` runs it after building.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p server -p loadtest --locked
directory=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true
  [ -s "$directory/nginx/nginx.pid" ] && kill "$(cat "$directory/nginx/nginx.pid")" 2>/dev/null
  rm -rf "$directory"' EXIT
RUST_LOG=warn target/release/second-opinion --addr 127.0.0.1:3021 \
  --database-url "sqlite://$directory/bench.db" --trusted-proxy 127.0.0.1 &
pids+=($!)
for _ in $(seq 100); do curl -fs http://127.0.0.1:3021/ >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs -H 'Accept-Language: ja' http://127.0.0.1:3021/request >"$directory/request.html"
target/release/baseline-page --file "$directory/request.html" --addr 127.0.0.1:3022 &
pids+=($!)
for _ in $(seq 100); do curl -fs http://127.0.0.1:3022/ >/dev/null 2>&1 && break; sleep 0.1; done
echo "page size: $(wc -c <"$directory/request.html") bytes"
echo "== /request rendered by the app"
wrk -t2 -c50 -d10s --latency -H 'Accept-Language: ja' http://127.0.0.1:3021/request
echo "== the same page from a plain axum handler"
wrk -t2 -c50 -d10s --latency http://127.0.0.1:3022/request
echo "== durable submissions over HTTP"
target/release/loadtest --server target/release/second-opinion --submissions 5000 --clients 50
echo "== the same rows inserted straight with sqlx"
target/release/baseline-insert --rows 5000 --clients 50
echo "== /request through nginx with TLS (the shipped deploy/nginx file)"
scripts/nginx-front.sh "$directory/nginx" 3021 3080 3443
wrk -t2 -c50 -d10s --latency -H 'Accept-Language: ja' https://127.0.0.1:3443/request
echo "== /request straight to the app, again, for the same moment"
wrk -t2 -c50 -d10s --latency -H 'Accept-Language: ja' http://127.0.0.1:3021/request
