#!/usr/bin/env bash
# Issue 9's "SOP accuracy rises clearly within a few hundred steps", tested at a larger batch: the
# run's config (H256/L4, 16 k vocabulary) from random weights, 500 steps of 256 × 128 tokens with
# LAMB (lr 2e-3, 50 warmup steps, linear decay). At batch 64 (pretrain.sh) SOP left chance after
# ≈ 1,500 steps ≈ 96 k pairs; if the onset follows the pairs seen, it comes by step ≈ 400 here.
# Resumable: run again to continue from the newest checkpoint (every 50 steps) in $EXP.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$EXP"
[[ -f prep-imdb16k-128/manifest.json ]] || { echo "run ./prepare.sh first" >&2; exit 2; }
tool pretrain --data prep-imdb16k-128 --config albert-h256-l4-v16k.json \
  --spm-model vocab/imdb16k.model --steps 500 --global-batch 256 --micro-batch 32 --workers 1 \
  --optimizer lamb --lr 2e-3 --warmup-steps 50 --weight-decay 0.01 --clip-norm 1.0 --seed 7 \
  --checkpoint-every 50 --keep-checkpoints 1 --log-every 10 --output sop-onset-b256 --resume
