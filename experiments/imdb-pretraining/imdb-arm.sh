#!/usr/bin/env bash
# One IMDB arm: fine-tune on the 25,000 training reviews (prepare.sh's imdb-train.tsv; 5 % held out
# for validation, EPOCHS epochs (default 1), batch 32, SEQ tokens (default 128, the pretraining
# length), seed SEED (default 5; it also draws the validation part); TRAIN_WINDOWS examples per
# review: default 1 = its first SEQ tokens, 0 = all its windows), then evaluate on the 25,000 test
# reviews (imdb-test.tsv), each scored through SEQ-token windows overlapping by SEQ/2 with logits
# averaged (albert eval's default aggregation), beside TF-IDF+LR's 0.9044 on the same test set.
# SEQ 256 wants a model pretrained at 256 (pretrain-phase.sh phaseN-s256): positions past 128 are
# untrained otherwise.
# INIT is `scratch` (random weights of the same config) or a model directory.
# Usage: imdb-arm.sh NAME scratch|MODEL_DIR LR [EPOCHS [TRAIN_WINDOWS [SEQ [SEED]]]]
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
name="$1" init="$2" lr="$3" epochs="${4:-1}" train_windows="${5:-1}" seq="${6:-128}" seed="${7:-5}"
cd "$EXP"; mkdir -p ft
init_flags "$init"
tool finetune "${from[@]}" --train imdb-train.tsv --format tsv --text-col text \
  --label-col label --validation-fraction 0.05 --epochs "$epochs" --lr "$lr" --batch 32 \
  --micro-batch 32 --workers 1 --max-seq-length "$seq" --train-windows "$train_windows" --seed "$seed" \
  --output "ft/imdb-$name" --overwrite
tool eval --model "ft/imdb-$name" --data imdb-test.tsv --format tsv --text-col text \
  --label-col label --max-seq-length "$seq" --stride $((seq / 2)) --output "ft/imdb-$name-test.json"
