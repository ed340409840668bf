#!/bin/sh
# A throw-away PostgreSQL cluster for the tests: Debian's postgresql,
# initdb + pg_ctl in a directory of its own, on a free port, as an
# unprivileged user (PostgreSQL refuses to run as root: when the tests run
# as root, the cluster runs as the `postgres` user the package made).
#
#   scripts/pg-cluster.sh start DIR   prints the URL of a database `so`
#   scripts/pg-cluster.sh stop DIR
#   scripts/pg-cluster.sh crash DIR   SIGKILL to the server, then starts it
#                                     again (it recovers from its WAL)
#   scripts/pg-cluster.sh replica DIR PRIMARY_DIR
#                                     a streaming replica of PRIMARY_DIR's
#                                     cluster, synchronous (the primary
#                                     acknowledges a commit once the replica
#                                     has it too); prints its URL
#   scripts/pg-cluster.sh failover PRIMARY_DIR REPLICA_DIR [STALL]
#                                     the primary's WAL sender stopped for
#                                     STALL seconds (default 1: the link
#                                     between them stalls), then SIGKILL to
#                                     the primary, the replica promoted;
#                                     prints its URL
#
# Trust authentication on 127.0.0.1 only, C.UTF-8 collation (text sorts by
# bytes, as SQLite's), fsync on (the crash proofs need it).
set -eu

command=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
    echo "pg-cluster: PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case $command in
start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$dir/data" -U so --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
EOF
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U so so
    echo "$port" >"$dir/port"
    echo "postgres://so@127.0.0.1:$port/so"
    ;;
crash)
    kill -KILL "$(head -n 1 "$dir/data/postmaster.pid")"
    # Its other processes end as they see it gone; until then the shared
    # memory they hold keeps a new server from starting.
    for _ in $(seq 1 100); do
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null 2>&1; then
            exit 0
        fi
        sleep 0.2
    done
    echo "pg-cluster: the server in $dir did not start again" >&2
    exit 1
    ;;
replica)
    primary=$3
    primary_port=$(cat "$primary/port")
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U so -D "$dir/data" -R -X stream --checkpoint=fast
    printf "port = %s\nunix_socket_directories = '%s'\n" "$port" "$dir" >>"$dir/data/postgresql.conf"
    printf "primary_conninfo = 'host=127.0.0.1 port=%s user=so application_name=replica'\n" \
        "$primary_port" >>"$dir/data/postgresql.auto.conf"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
    echo "$port" >"$dir/port"
    on_primary() { as_owner "$bin/psql" -h 127.0.0.1 -p "$primary_port" -U so -d so -qtAX "$@"; }
    on_primary -c "ALTER SYSTEM SET synchronous_standby_names = 'replica'" -c "SELECT pg_reload_conf()" >/dev/null
    state=none
    for _ in $(seq 1 100); do
        state=$(on_primary -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'replica'")
        if [ "$state" = sync ]; then
            echo "postgres://so@127.0.0.1:$port/so"
            exit 0
        fi
        sleep 0.2
    done
    echo "pg-cluster: the replica in $dir is not synchronous ($state)" >&2
    exit 1
    ;;
failover)
    replica=$3
    stall=${4:-1}
    # What the primary acknowledged while the replica received nothing is
    # on the replica only if the primary waited for it (synchronous), else
    # the failover loses it: the drill would see it.
    sender=$(as_owner "$bin/psql" -h 127.0.0.1 -p "$(cat "$dir/port")" -U so -d so -qtAX \
        -c "SELECT pid FROM pg_stat_replication WHERE application_name = 'replica'")
    kill -STOP "$sender"
    sleep "$stall"
    kill -KILL "$(head -n 1 "$dir/data/postmaster.pid")" "$sender"
    as_owner "$bin/pg_ctl" -D "$replica/data" -w promote >/dev/null
    echo "postgres://so@127.0.0.1:$(cat "$replica/port")/so"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    ;;
*)
    echo "usage: $0 start|stop|crash DIR, replica DIR PRIMARY_DIR, failover PRIMARY_DIR REPLICA_DIR" >&2
    exit 2
    ;;
esac
