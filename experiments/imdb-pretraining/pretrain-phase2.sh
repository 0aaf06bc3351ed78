#!/usr/bin/env bash
# Phase 2 of pretraining: 2,000 more steps (16 M tokens, 0.6 epochs) from phase 1's step-10,000
# model with fresh AdamW moments, lr back up to 5e-4 after 100 warmup steps, linear decay over the
# 2,000 steps (≈ 52 min here, so it ends annealed within one session), a new data order (seed 8).
# Why: phase 1's MLM accuracy was still rising (0.22 → 0.23 over its last 2,000 steps) while its
# rate decayed to 0, and the fine-tuning gain tracks MLM.
# Resumable as pretrain.sh: from $RUN2's newest checkpoint, or from state/phase2 on a new machine
# (./save-state.sh phase2 puts it there).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$EXP"
[[ -f prep-imdb16k-128/manifest.json ]] || { echo "run ./prepare.sh first" >&2; exit 2; }
restore_state "$RUN2" "$STATE/phase2"
tool --version >/dev/null
exec "$EXP/tool/submit-scripts/albert" pretrain --data prep-imdb16k-128 \
  --init-from "$STATE/checkpoint/step-10000" --spm-model vocab/imdb16k.model \
  --steps 2000 --global-batch 64 --micro-batch 32 --workers 1 \
  --optimizer adamw --lr 5e-4 --warmup-steps 100 --weight-decay 0.01 --clip-norm 1.0 --seed 8 \
  --checkpoint-every 250 --keep-checkpoints 2 --log-every 25 --output "$RUN2" --resume
