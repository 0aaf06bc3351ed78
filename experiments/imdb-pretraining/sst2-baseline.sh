#!/usr/bin/env bash
# TF-IDF (word uni+bigrams) + logistic regression on the same 10,000 SST-2 phrases, on dev.tsv.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$EXP"
tool baseline --train sst2-train10k.tsv --test "$SHARED/datasets/sst2/dev.tsv" --format tsv \
  --text-col sentence --label-col label --output ft/baseline-tfidf --overwrite
