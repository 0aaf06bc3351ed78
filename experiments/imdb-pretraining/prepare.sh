#!/usr/bin/env bash
# Rebuilds every input of the experiment from ../shared/datasets (deterministic: seeded throughout):
# the IMDB unsup corpus, its 16k vocabulary, the pretraining shards, the model config and the
# SST-2 training sample. Idempotent: finished steps are skipped. ≈ 15 min on 2 idle cores.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$EXP"

# 1. IMDB unsup reviews, one per line, HTML line breaks as spaces (50,000 lines, 63 MB).
if [[ ! -f imdb-unsup.txt ]]; then
  zcat "$SHARED/datasets/imdb/unsup.tsv.gz" | tail -n +2 | cut -f2- | sed 's#<br /># #g' > imdb-unsup.txt.tmp
  mv imdb-unsup.txt.tmp imdb-unsup.txt
fi
# 2. The vocabulary (committed in state/ too, so a resumed run is sure to use the same pieces).
mkdir -p vocab
if [[ ! -f vocab/imdb16k.model ]]; then
  if [[ -f "$STATE/imdb16k.model" ]]; then
    cp "$STATE/imdb16k.model" vocab/
  else
    tool train-vocab --input imdb-unsup.txt --format lines --vocab-size 16000 --output vocab/imdb16k.model
    mkdir -p "$STATE"; cp vocab/imdb16k.model "$STATE/"
  fi
fi
# 3. Pretraining shards: 128 tokens, a fresh mask every epoch (285,454 instances, 28.0 M tokens).
if [[ ! -f prep-imdb16k-128/manifest.json ]]; then
  tool prep --input imdb-unsup.txt --format lines --spm-model vocab/imdb16k.model --max-seq-length 128 \
    --dynamic-masking --dupe-factor 2 --output prep-imdb16k-128 --overwrite
fi
#    The same at 256 tokens for the sequence-length lever (pretrain-phase.sh phaseN-s256): at most 40
#    masked positions, 0.15 × 256 as 20 is for 128.
if [[ ! -f prep-imdb16k-256/manifest.json ]]; then
  tool prep --input imdb-unsup.txt --format lines --spm-model vocab/imdb16k.model --max-seq-length 256 \
    --max-predictions-per-seq 40 --dynamic-masking --dupe-factor 2 --output prep-imdb16k-256 --overwrite
fi
# 4. The model: H256/L4/E128 with the IMDB vocabulary, no dropout (3.05 M parameters).
sed -e 's/"vocab_size": 30000/"vocab_size": 16000/' \
    -e 's/"attention_probs_dropout_prob": 0.1/"attention_probs_dropout_prob": 0.0/' \
    -e 's/"hidden_dropout_prob": 0.1/"hidden_dropout_prob": 0.0/' \
    "$REPO/conf/albert-small-h256-l4.json" > albert-h256-l4-v16k.json
#    The same at H 512 (8 heads of 64, FFN 2048; ≈ 5.7 M parameters), for the model-size lever.
sed -e 's/"hidden_size": 256/"hidden_size": 512/' -e 's/"intermediate_size": 1024/"intermediate_size": 2048/' \
    -e 's/"num_attention_heads": 4/"num_attention_heads": 8/' albert-h256-l4-v16k.json > albert-h512-l4-v16k.json
# 5. SST-2: the same 10,000 shuffled training phrases for every arm (header kept).
if [[ ! -f sst2-train10k.tsv ]]; then
  python3 - "$SHARED/datasets/sst2/train.tsv" > sst2-train10k.tsv <<'PY'
import random, sys
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
body = rows[1:]
random.Random(13).shuffle(body)
print(rows[0]); print("\n".join(body[:10000]))
PY
fi
# 6. IMDB labelled reviews for the IMDB arms: label and text, HTML line breaks as spaces as in the
#    pretraining corpus (25,000 + 25,000 rows, header kept).
for split in train test; do
  if [[ ! -f imdb-$split.tsv ]]; then
    zcat "$SHARED/datasets/imdb/$split.tsv.gz" | cut -f3,4 | sed 's#<br /># #g' > imdb-$split.tsv.tmp
    mv imdb-$split.tsv.tmp imdb-$split.tsv
  fi
done
echo "prepared in $EXP"
