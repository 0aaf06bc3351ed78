#!/usr/bin/env bash
# The pretraining run: H256/L4 on IMDB unsup, 10,000 steps of 64 × 128 tokens (82 M tokens ≈ 2.9
# epochs of the 28 M-token shards), AdamW 5e-4, 250 warmup steps, linear decay over all 10,000.
# `pretrain.sh h512` runs the same recipe (same data order, seed 7) at H 512, so its metrics compare
# with the H256 run's step by step: the model-size lever, in $EXP/pretrain-h512 and state/h512.
# Resumable at any point: continues from the newest checkpoint in its run folder, or on a fresh
# machine from the one committed in state/ (./save-state.sh [h512] puts it there). Stop it with kill;
# run again to resume.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
size="${1:-h256}"
case "$size" in
  h256) run="$RUN"; state="$STATE" ;;
  h512) run="$(run_dir h512)"; state="$STATE/h512" ;;
  *) echo "unknown size '$size': h256 (default) or h512" >&2; exit 2 ;;
esac
cd "$EXP"
[[ -f prep-imdb16k-128/manifest.json && -f albert-$size-l4-v16k.json ]] || { echo "run ./prepare.sh first" >&2; exit 2; }
restore_state "$run" "$state"
tool --version >/dev/null
exec "$EXP/tool/submit-scripts/albert" pretrain --data prep-imdb16k-128 --config "albert-$size-l4-v16k.json" \
  --spm-model vocab/imdb16k.model --steps 10000 --global-batch 64 --micro-batch 32 --workers 1 \
  --optimizer adamw --lr 5e-4 --warmup-steps 250 --weight-decay 0.01 --clip-norm 1.0 --seed 7 \
  --checkpoint-every 250 --keep-checkpoints 2 --log-every 25 --output "$run" --resume
