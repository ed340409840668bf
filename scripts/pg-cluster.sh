#!/bin/sh
# A throw-away PostgreSQL cluster for the tests: Debian's postgresql,
# initdb + pg_ctl in a directory of its own, on a free port, as an
# unprivileged user (PostgreSQL refuses to run as root: when the tests run
# as root, the cluster runs as the `postgres` user the package made).
#
#   scripts/pg-cluster.sh start DIR   prints the URL of a database `so`
#   scripts/pg-cluster.sh stop DIR
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
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
