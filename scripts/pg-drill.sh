#!/usr/bin/env bash
# The load and crash proofs on PostgreSQL, on throw-away clusters
# (scripts/pg-cluster.sh):
#
#   scripts/pg-drill.sh crash BIN SUBMISSIONS CLIENTS KILLS
#       the service killed KILLS times, and PostgreSQL itself killed with
#       SIGKILL half-way and started again;
#   scripts/pg-drill.sh failover BIN SUBMISSIONS CLIENTS KILLS
#       a primary and a synchronous streaming replica; half-way the primary
#       is killed with SIGKILL, the replica promoted and the service started
#       again on it.
#
# BIN is the directory of the built `second-opinion` and `loadtest`. Every
# acknowledged request must be on the database the service ends on,
# exactly once (loadtest checks, and prints how long the clients waited).
set -euo pipefail
drill=$1 bin=$2 submissions=$3 clients=$4 kills=$5
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/second-opinion-drill.XXXXXX)
chmod 755 "$work"
trap 'scripts/pg-cluster.sh stop "$work/replica"; scripts/pg-cluster.sh stop "$work/primary"; rm -rf "$work"' EXIT INT TERM
primary=$(scripts/pg-cluster.sh start "$work/primary")
load=("$bin/loadtest" --server "$bin/second-opinion" --database-url "$primary"
    --submissions "$submissions" --clients "$clients" --kills "$kills")
case $drill in
crash)
    "${load[@]}" --database-crash "scripts/pg-cluster.sh crash $work/primary"
    ;;
failover)
    scripts/pg-cluster.sh replica "$work/replica" "$work/primary" >/dev/null
    echo "a primary and a synchronous streaming replica; the service on the primary"
    "${load[@]}" --failover "scripts/pg-cluster.sh failover $work/primary $work/replica"
    ;;
*)
    echo "usage: $0 crash|failover BIN SUBMISSIONS CLIENTS KILLS" >&2
    exit 2
    ;;
esac
