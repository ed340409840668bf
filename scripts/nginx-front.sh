#!/usr/bin/env bash
# Starts Debian's nginx with the shipped deploy/nginx/second-opinion.conf
# in front of a running server, as an unprivileged throw-away instance:
# the same file with only its ports, certificate and upstream changed, a
# certificate made by openssl for this run, every path under DIRECTORY.
#
#   scripts/nginx-front.sh DIRECTORY APP_PORT HTTP_PORT HTTPS_PORT
#
# Leaves nginx running in the foreground of a background process whose pid
# is in DIRECTORY/nginx.pid; prints nothing on success. Used by the
# deployment check (server/tests/api/deploy.rs) and by scripts/bench-http.sh.
set -euo pipefail
directory=$1 app_port=$2 http_port=$3 https_port=$4
shipped="$(cd "$(dirname "$0")/.." && pwd)/deploy/nginx/second-opinion.conf"
mkdir -p "$directory/temp"

# A certificate for this run only, for the names the checks use.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
  -keyout "$directory/server.key" -out "$directory/server.crt" 2>/dev/null

# The shipped site with only what differs here changed. (IPv6 listeners
# are dropped: a test machine may have no ::1.)
sed -e "s|listen 80;|listen 127.0.0.1:$http_port;|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https_port ssl http2;|" \
    -e '/listen \[::\]/d' \
    -e "s|server 127.0.0.1:3000;|server 127.0.0.1:$app_port;|" \
    -e "s|/etc/ssl/certs/second-opinion.crt|$directory/server.crt|" \
    -e "s|/etc/ssl/private/second-opinion.key|$directory/server.key|" \
    -e "s|server_name second-opinion.hospital.example;|server_name localhost;|" \
    "$shipped" >"$directory/site.conf"
grep -q "listen 127.0.0.1:$https_port ssl http2;" "$directory/site.conf" || {
  echo "nginx-front: the shipped configuration no longer has the lines this script changes" >&2
  exit 1
}

# The main file, as /etc/nginx/nginx.conf would be, with every path here.
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
cat >"$directory/nginx.conf" <<CONF
$user_line
worker_processes 2;
pid $directory/nginx.pid;
error_log $directory/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $directory/access.log;
    client_body_temp_path $directory/temp/body;
    proxy_temp_path $directory/temp/proxy;
    fastcgi_temp_path $directory/temp/fastcgi;
    uwsgi_temp_path $directory/temp/uwsgi;
    scgi_temp_path $directory/temp/scgi;
    include $directory/site.conf;
}
CONF
nginx=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx" -e "$directory/error.log" -p "$directory" -c "$directory/nginx.conf" -t -q
"$nginx" -e "$directory/error.log" -p "$directory" -c "$directory/nginx.conf" -g 'daemon off;' \
  </dev/null >>"$directory/nginx.out" 2>&1 &
for _ in $(seq 100); do
  [ -s "$directory/nginx.pid" ] && curl -sk -o /dev/null "https://127.0.0.1:$https_port/" && exit 0
  sleep 0.1
done
echo "nginx-front: nginx did not come up; see $directory/error.log" >&2
cat "$directory/error.log" >&2 || true
exit 1
