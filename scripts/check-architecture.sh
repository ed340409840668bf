#!/usr/bin/env bash
# ARCHITECTURE.md names places; each must exist. Every `backticked` path
# with a slash or a file extension must be a file or folder of the
# repository: from its root, or as the end of a tracked path (the map names
# a module by its short path where the section says where it is).
set -euo pipefail
cd "$(dirname "$0")/.."
tracked=$(git ls-files)
missing=0
while read -r name; do
    [ -e "$name" ] && continue
    grep -qE "(^|/)${name//./\\.}" <<<"$tracked" && continue
    echo "ARCHITECTURE.md names $name, which does not exist" >&2
    missing=1
done < <(grep -oE '`[A-Za-z0-9_./-]+(/|\.(rs|sql|toml|md|ts|sh|conf|css|js|json))`' ARCHITECTURE.md |
    tr -d '`' | grep -v '^/' | sort -u)
exit $missing
