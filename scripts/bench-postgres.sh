#!/usr/bin/env bash
# The durable submissions and the queue on PostgreSQL (docs/benchmarks.md),
# on a throw-away cluster (scripts/pg-cluster.sh): loadtest's 5,000
# submissions from 50 clients over HTTP on one empty database, the same
# rows inserted straight with sqlx on another, then the queue at 20,000
# requests (server/benches/queue.rs) on a database of its own. Run from
# the repository root after a release build; `make bench` runs it last.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/second-opinion-bench.XXXXXX)
trap 'scripts/pg-cluster.sh stop "$dir"; rm -rf "$dir"' EXIT INT TERM
url=$(scripts/pg-cluster.sh start "$dir")
psql "$url" -qX -c "CREATE DATABASE baseline"
echo "== durable submissions over HTTP, PostgreSQL"
target/release/loadtest --server target/release/second-opinion --submissions 5000 --clients 50 \
    --database-url "$url" 2>&1 | grep -v '^service: '
echo "== the same rows inserted straight with sqlx, PostgreSQL"
target/release/baseline-insert --rows 5000 --clients 50 --database-url "${url%/so}/baseline"
echo "== the queue at 20,000 requests, PostgreSQL"
SECOND_OPINION_TEST_POSTGRES=$url cargo bench -p server --bench queue -- --warm-up-time 1 --measurement-time 6
