# Sourced by this experiment's scripts. Work files live OUTSIDE the repository, in $ALBERT_EXP_DIR
# (default /work/exp), because they are large and rebuildable; what a new machine cannot rebuild —
# the newest pretraining checkpoint and the metrics so far — is kept in state/ here and committed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
EXP="${ALBERT_EXP_DIR:-/work/exp}"
SHARED="${ALBERT_SHARED_DIR:-$REPO/../shared}"
STATE="$HERE/state"
RUN="$EXP/pretrain-h256-long"
mkdir -p "$EXP"
export ALBERT_JAVA_OPTS="${ALBERT_JAVA_OPTS:--Xmx3g}"

# A private copy of the built tool: rebuilding the repository must not replace the jar under a
# JVM that runs for hours. Made once per machine (delete $EXP/tool to refresh it).
tool() {
  if [[ ! -f "$EXP/tool/jobs/target/albert-jobs.jar" ]]; then
    [[ -f "$REPO/jobs/target/albert-jobs.jar" ]] || (cd "$REPO" && ./mvnw -B -ntp -q package -DskipTests)
    rm -rf "$EXP/tool.tmp"; mkdir -p "$EXP/tool.tmp/jobs/target"
    cp -r "$REPO/submit-scripts" "$REPO/conf" "$EXP/tool.tmp/"
    cp "$REPO/jobs/target/albert-jobs.jar" "$REPO/jobs/target/provided-classpath.txt" "$EXP/tool.tmp/jobs/target/"
    mv "$EXP/tool.tmp" "$EXP/tool"
  fi
  "$EXP/tool/submit-scripts/albert" "$@"
}

# An arm's starting point as `albert finetune` flags, into the array `from`: `scratch` (random
# weights of the experiment's config and vocabulary) or a model directory.
init_flags() {
  if [[ "$1" == scratch ]]; then
    from=(--init-config albert-h256-l4-v16k.json --spm-model vocab/imdb16k.model)
  else
    from=(--model "$1")
  fi
}

# The run directory of a continuation phase (pretrain-phase.sh: phase2 → $EXP/pretrain-h256-phase2)
# or of another model size's first run (pretrain.sh h512 → $EXP/pretrain-h512).
run_dir() { case "$1" in h[0-9]*) echo "$EXP/pretrain-$1" ;; *) echo "$EXP/pretrain-h256-$1" ;; esac; }

# On a fresh machine, seeds a run directory (arg 1) with the checkpoint and metrics committed in a
# state directory (arg 2), so `--resume` continues where the last machine stopped.
restore_state() {
  local run="$1" state="$2" step_dir
  if [[ ! -d "$run/checkpoints" && -d "$state/checkpoint" ]]; then
    step_dir="$(ls -d "$state"/checkpoint/step-* | head -1)"
    mkdir -p "$run/checkpoints"
    cp -r "$step_dir" "$run/checkpoints/"
    cp "$state/metrics.jsonl" "$run/"
    echo "restored $(basename "$step_dir") from $state"
  fi
}
