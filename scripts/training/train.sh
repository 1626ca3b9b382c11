#!/usr/bin/env bash
# npm run train: corpus → pretraining (masked LM, then causal LM from it) → window export
# (labelled + background) → fine-tuning → ONNX export (fine-tuned bundle + the pretrained-only
# "base" bundle) → parity check → npm run eval. About 2 h 50 min on 2 cores.
# Fixed seeds throughout; schedules are fitted to the time budgets, so a busier CPU trains
# fewer steps. Starts fresh unless TRAIN_RESUME=1 (then each stage resumes or reuses what is
# there). Budgets: MLM_MINUTES (40), CLM_MINUTES (75), FINETUNE_MINUTES (45);
# BACKGROUND_WINDOWS (8000) unlabelled windows of ordinary code as negatives.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=/usr/bin/python3
MLM_MINUTES="${MLM_MINUTES:-40}"
CLM_MINUTES="${CLM_MINUTES:-75}"
FINETUNE_MINUTES="${FINETUNE_MINUTES:-45}"
BACKGROUND_WINDOWS="${BACKGROUND_WINDOWS:-8000}"
MODEL_DIR="${MODEL_DIR:-models/cwe-review-small}"
BASE_DIR=training/runs/base
mkdir -p training/runs training/cache

stage() { echo; echo "=== [$(date -u +%H:%M:%S)] $* ==="; }
started=$(date +%s)

if ! "$PY" -c "import torch, onnx, numpy" 2>/dev/null; then
  echo "train: $PY lacks torch/onnx/numpy: apt-get install -y python3-torch python3-onnx python3-numpy libopenblas0-pthread" >&2
  exit 2
fi

if [ "${TRAIN_RESUME:-0}" != "1" ]; then
  rm -rf training/runs/pretrain-mlm training/runs/pretrain training/runs/finetune "$BASE_DIR"
fi

if [ "${TRAIN_RESUME:-0}" = "1" ] && [ -f training/cache/corpus.json ]; then
  stage "corpus: reusing training/cache/corpus.json"
else
  stage "corpus"
  npx tsx scripts/training/build-corpus.ts
fi

stage "pretraining, masked LM (${MLM_MINUTES} min budget; log also in training/runs/pretrain-mlm.log)"
"$PY" training/pretrain.py --objective mlm --out training/runs/pretrain-mlm --max-minutes "$MLM_MINUTES" 2>&1 \
  | tee -a training/runs/pretrain-mlm.log

# The masked LM learns the vocabulary's statistics; the causal LM, started from it, learns from
# every position and breaks past the unigram plateau where the masked LM stalls on this budget.
stage "pretraining, causal LM (${CLM_MINUTES} min budget; log also in training/runs/pretrain.log)"
"$PY" training/pretrain.py --objective clm --init training/runs/pretrain-mlm/encoder.pt --lr 6e-4 \
  --out training/runs/pretrain --max-minutes "$CLM_MINUTES" 2>&1 | tee -a training/runs/pretrain.log

stage "windows from data/*.jsonl, and ${BACKGROUND_WINDOWS} background windows of ordinary code"
npx tsx scripts/training/export-windows.ts
npx tsx scripts/training/export-background.ts --windows "$BACKGROUND_WINDOWS"

stage "fine-tuning (${FINETUNE_MINUTES} min budget; log also in training/runs/finetune.log)"
"$PY" training/finetune.py --init training/runs/pretrain/encoder.pt --out training/runs/finetune \
  --background windows-background.jsonl --max-minutes "$FINETUNE_MINUTES" 2>&1 | tee training/runs/finetune.log

stage "export"
"$PY" training/export.py --model training/runs/finetune/model.pt --out "$MODEL_DIR"
"$PY" training/export.py --encoder training/runs/pretrain/encoder.pt --out "$BASE_DIR"
npx tsx scripts/training/check-parity.ts "$MODEL_DIR"
npx tsx scripts/training/check-parity.ts "$BASE_DIR"

if npm run | grep -q "^  eval$"; then
  stage "eval"
  npm run eval
else
  echo "train: no eval script yet (npm run eval); skipped"
fi
echo "train: done in $(( ($(date +%s) - started) / 60 )) min"
