#!/usr/bin/env bash
# The Docker image's runtime stage, built as a folder without Docker (no registry of images is
# reachable here), then reviewed end to end by the demo: production dependencies only
# (`npm ci --omit=dev --ignore-scripts`), the compiled dist/, and every COPY of the Dockerfile's
# runtime stage. It catches a dev dependency imported at run time, a file the image does not
# copy, or an entry point that moved; it does not check the base image or the ENTRYPOINT shell.
#   npm run smoke:runtime           (KEEP=1 keeps the folder and prints its path)
set -euo pipefail
cd "$(dirname "$0")/../.."

npm run --silent build
dir=$(mktemp -d "${TMPDIR:-/tmp}/cwe-review-runtime-XXXXXX")
[ "${KEEP:-0}" = 1 ] && echo "runtime layout kept in $dir" || trap 'rm -rf "$dir"' EXIT

# The runtime stage's COPY lines, read from the Dockerfile so the two cannot drift: sources are
# copied from this checkout, `--from=build` ones from what `npm run build` just wrote.
copies=$(awk '/^FROM .* AS runtime/{on=1; next} /^FROM /{on=0} on && /^COPY /' Dockerfile)
[ -n "$copies" ] || { echo "runtime-layout: no COPY lines under 'FROM … AS runtime' in Dockerfile" >&2; exit 2; }
while read -r -a words; do
  dest=${words[-1]}
  if [[ "${words[1]}" == --from=build ]]; then
    sources=("${words[2]#/app/}")          # what the build stage wrote under /app: here, in this checkout
  else
    sources=("${words[@]:1:${#words[@]}-2}")
  fi
  for src in "${sources[@]}"; do
    if [[ "$dest" == */ || "$dest" == . ]]; then
      mkdir -p "$dir/$dest" && cp -r "$src" "$dir/$dest"
    else
      mkdir -p "$(dirname "$dir/$dest")" && cp -r "$src" "$dir/$dest"
    fi
  done
done <<<"$copies"

echo "runtime-layout: npm ci --omit=dev --ignore-scripts in $dir"
(cd "$dir" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "runtime-layout: $(ls "$dir" | tr '\n' ' ')"
DEMO_APP_ROOT="$dir" npx tsx scripts/demo/main.ts
