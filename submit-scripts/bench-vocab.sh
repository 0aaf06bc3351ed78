#!/usr/bin/env bash
# Quality/throughput benchmark of `albert train-vocab` against spm_train (issue 4).
#
# For each corpus, trains a unigram model with ALBERT's settings twice on the same ALBERT-preprocessed
# lines — ours (Spark local[*]) and Debian's spm_train — and prints one markdown row: tokens per
# character on held-out text (Java tokenizer; "spm_encode agrees" checks spm_encode gives the same
# token counts), wall time, and memory (ours: peak heap of the driver JVM, which in local mode also
# runs the executors; spm_train: max RSS).
#
# Needs: the project built (mvn -o install -DskipTests), spm_train/spm_encode (apt-get install
# sentencepiece), /usr/bin/time, and the shared datasets (SHARED, default ../shared).
# Usage: submit-scripts/bench-vocab.sh [WORKDIR]      (env: SHARED, IMDB_VOCAB, GUT_VOCAB)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
WORK="${1:-$ROOT/work-out/bench-vocab}"
IMDB_VOCAB="${IMDB_VOCAB:-30000}"
GUT_VOCAB="${GUT_VOCAB:-8000}"
JAR="${JAR:-$ROOT/jobs/target/albert-jobs.jar}"
CP="$JAR:$(cat "$ROOT/jobs/target/provided-classpath.txt")"
OPENS="@$ROOT/conf/jvm-options"
for t in spm_train spm_encode /usr/bin/time; do command -v "$t" >/dev/null || { echo "missing $t (apt-get install sentencepiece time)" >&2; exit 2; }; done
mkdir -p "$WORK"
run() { java $OPENS -Xmx8g -cp "$CP" org.albertspark.vocab.VocabBenchmark "$@"; }
G="$SHARED/datasets/gutenberg"
GTRAIN="$G/austen-emma.txt,$G/austen-persuasion.txt,$G/austen-sense.txt,$G/blake-poems.txt,$G/chesterton-ball.txt,$G/chesterton-brown.txt,$G/chesterton-thursday.txt,$G/melville-moby_dick.txt,$G/milton-paradise.txt,$G/shakespeare-caesar.txt,$G/shakespeare-hamlet.txt"
GHELD="$G/shakespeare-macbeth.txt,$G/whitman-leaves.txt"
IMDB_TRAIN="$SHARED/datasets/imdb/unsup.tsv.gz:1"
IMDB_HELD="$SHARED/datasets/imdb/test.tsv.gz:3"
echo "| corpus | vocab | train sentences | held-out chars | tokens/char ours | tokens/char spm_train | ours vs spm | spm_encode agrees | ours wall | spm_train wall | ours driver peak heap | spm_train max RSS |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
run gutenberg "$WORK" "$GUT_VOCAB" 100000000 "$GTRAIN" "$GHELD"
run imdb-unsup-25k "$WORK" "$IMDB_VOCAB" 25000 "$IMDB_TRAIN" "$IMDB_HELD"
run imdb-unsup-50k "$WORK" "$IMDB_VOCAB" 50000 "$IMDB_TRAIN" "$IMDB_HELD"
