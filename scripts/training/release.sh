#!/usr/bin/env bash
# Releases a fine-tuned candidate that the release rule shipped (training/README.md, "Release rule"):
#   bash scripts/training/release.sh training/runs/finetune-r12/model.pt 0.7.0 training/cache-r11
# 1. keeps the model it replaces: its bundle in training/runs/bundle-<old version>, and its model.pt,
#    rebuilt from that bundle, in training/runs/shipped-<old version>;
# 2. exports the candidate into the bundle (the data hash is that of CACHE/data, the data it trained on);
# 3. checks that onnxruntime-node reproduces the torch outputs (check-parity.ts);
# 4. makes VERSION export.py's release version and rebuilds training/runs/shipped from the new bundle,
#    so the next continuation starts from what ships.
# It stops at the first failure with the bundle as git has it restorable (`git checkout models/`).
# Measuring the release (npm run eval, the demo, the bench) is left to the steps it prints, run
# at a clean commit so REPORT.md can name it.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=/usr/bin/python3
BUNDLE="${BUNDLE:-models/cwe-review-small}"

usage() { echo "usage: release.sh CANDIDATE.pt VERSION CACHE_DIR (e.g. training/runs/finetune-r12/model.pt 0.7.0 training/cache-r11)" >&2; exit 2; }
[ $# -eq 3 ] || usage
candidate="$1" version="$2" cache="$3"
[ -f "$candidate" ] || { echo "release: no candidate at $candidate" >&2; exit 2; }
[ -f "$cache/vocab.json" ] && [ -d "$cache/data" ] || { echo "release: $cache needs vocab.json and data/ (the data the candidate trained on)" >&2; exit 2; }
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "release: VERSION must look like 0.7.0, got $version" >&2; exit 2; }

old=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$BUNDLE/manifest.json")
newest=$(printf '%s\n%s\n' "$old" "$version" | sort -V | tail -1)
if [ "$version" = "$old" ] || [ "$newest" != "$version" ]; then
  echo "release: $version is not newer than the shipped $old" >&2; exit 2
fi

step() { echo; echo "=== [$(date -u +%H:%M:%S)] $* ==="; }

keep="training/runs/shipped-$old" old_bundle="training/runs/bundle-$old"
mkdir -p training/runs
[ -f "$old_bundle/model.onnx" ] || { rm -rf "$old_bundle"; cp -r "$BUNDLE" "$old_bundle"; }
if [ -f "$keep/model.pt" ]; then
  step "keeping $old: already rebuilt in $keep"
else
  step "keeping $old: rebuilding it from $BUNDLE into $keep"
  "$PY" training/recover.py --bundle "$BUNDLE" --out "$keep"
fi

step "exporting $candidate as $version into $BUNDLE"
"$PY" training/export.py --model "$candidate" --version "$version" --pretrain-dir /nonexistent \
  --cache "$cache" --data "$cache/data" --out "$BUNDLE"

step "parity: onnxruntime-node against the torch outputs"
npx tsx scripts/training/check-parity.ts "$BUNDLE"

step "export.py's release version: $old -> $version"
sed -i -E "s/^RELEASE_VERSION = \"[^\"]+\"/RELEASE_VERSION = \"$version\"/" training/export.py
grep -q "^RELEASE_VERSION = \"$version\"" training/export.py || { echo "release: could not set RELEASE_VERSION in training/export.py" >&2; exit 1; }

step "training/runs/shipped: rebuilt from the $version bundle"
"$PY" training/recover.py --bundle "$BUNDLE" --out training/runs/shipped

cat <<EOF

Released $version in $BUNDLE ($old kept in $keep and $old_bundle). Next, in order:
  git add $BUNDLE training/export.py && git commit -m "cwe-review-small $version: ..."
  npm run eval                        # REPORT.md at that clean commit; compare with git show HEAD~1:$BUNDLE/REPORT.md
  npm run demo                        # then pin the new model.onnx sha256 in test/e2e/review-flow.test.ts
  npm run bench -- --quick --only model,latency
  npm run bench:findings -- $old_bundle $BUNDLE
and the release tables in README.md and training/README.md.
EOF
