#!/usr/bin/env bash
# Sizes of what a browser downloads for the app's first load: the release
# WebAssembly, its JavaScript glue and the stylesheet, raw, gzip -9 and
# brotli -q 11 (what a server or proxy would send compressed).
# Usage: scripts/bundle-size.sh [site-root]   (default target/site)
set -euo pipefail
site="${1:-target/site}"
pkg="$site/pkg"
printf '| file | raw | gzip | brotli |\n|---|---:|---:|---:|\n'
total_raw=0 total_gz=0 total_br=0
# The names carry the content's hash when the build hashes them.
shopt -s nullglob
for file in "$pkg"/second-opinion*.wasm "$pkg"/second-opinion*.js "$pkg"/second-opinion*.css; do
  raw=$(wc -c < "$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  br=$(brotli -q 11 -c "$file" | wc -c)
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  printf '| %s | %d | %d | %d |\n' "$(basename "$file")" "$raw" "$gz" "$br"
done
printf '| **total** | %d | %d | %d |\n' "$total_raw" "$total_gz" "$total_br"
