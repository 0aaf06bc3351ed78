#!/usr/bin/env bash
# One topic arm (issue 13's "report dev-split figures for them too"): fine-tune on AG News
# (agnews/train.tsv, 4 classes, short) or 20 Newsgroups (20newsgroups/train.jsonl.gz, 20 classes,
# long posts with headers), holding out the rows `albert baseline --test-fraction 0.1 --seed 42`
# evaluates on (same seeded hash, so the figures stand side by side); EPOCHS epochs (default 2),
# batch 32, 128 tokens, seed 42. Validation scores long posts through 128-token windows (stride 64,
# mean), and the best epoch's held-out metrics are the arm's figures (finetune_metrics.json).
# INIT is `scratch` (random weights of the experiment's config) or a model directory.
# Usage: topic-arm.sh agnews|20ng NAME scratch|MODEL_DIR LR [EPOCHS]
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
data="$1" name="$2" init="$3" lr="$4" epochs="${5:-2}"
case "$data" in
  agnews) train="$SHARED/datasets/agnews/train.tsv" ;;
  20ng) train="$SHARED/datasets/20newsgroups/train.jsonl.gz" ;;
  *) echo "topic-arm.sh: data must be agnews or 20ng, got '$data'" >&2; exit 2 ;;
esac
cd "$EXP"; mkdir -p ft
init_flags "$init"
tool finetune "${from[@]}" --train "$train" --text-col text --label-col label \
  --validation-fraction 0.1 --seed 42 --epochs "$epochs" --lr "$lr" --batch 32 --micro-batch 32 \
  --workers 1 --max-seq-length 128 --output "ft/$data-$name" --overwrite
