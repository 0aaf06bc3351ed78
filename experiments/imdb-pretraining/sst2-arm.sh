#!/usr/bin/env bash
# One SST-2 arm: fine-tune on the 10,000-phrase sample (2 epochs, batch 32, 64 tokens, seed 5 unless
# SEED is given: the fine-tuning seed's spread is the noise floor of comparisons between arms), then
# evaluate on dev.tsv (6,735 phrases). INIT is `scratch` (random weights of the same config) or a
# model directory (a pretraining checkpoint). Usage: sst2-arm.sh NAME scratch|MODEL_DIR LR [SEED]
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
name="$1" init="$2" lr="$3" seed="${4:-5}"
cd "$EXP"; mkdir -p ft
init_flags "$init"
tool finetune "${from[@]}" --train sst2-train10k.tsv --format tsv --text-col sentence --label-col label \
  --validation-fraction 0.05 --epochs 2 --lr "$lr" --batch 32 --micro-batch 32 --workers 1 \
  --max-seq-length 64 --seed "$seed" --output "ft/$name" --overwrite
tool eval --model "ft/$name" --data "$SHARED/datasets/sst2/dev.tsv" --format tsv --text-col sentence \
  --label-col label --output "ft/$name-dev.json"
