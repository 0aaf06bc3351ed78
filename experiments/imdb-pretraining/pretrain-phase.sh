#!/usr/bin/env bash
# A continuation phase of pretraining: more steps from the previous phase's last checkpoint, with
# fresh AdamW moments, the rate back up to 5e-4 after 100 warmup steps and a linear decay over the
# phase (so each phase ends annealed within one session), a new data order per phase.
# Why: phase 1's MLM accuracy was still rising (0.22 → 0.23 over its last 2,000 steps) while its
# rate decayed to 0, and the fine-tuning gain tracks MLM.
#   phase2: 2,000 steps from phase 1's step 10,000 (≈ 49 min here), seed 8
#   phaseN (N ≥ 3): 2,000 steps from phase N-1's step 2,000 (≈ 47–50 min), seed 6 + N
#   phaseN-s256: the same at 256 tokens (prepare.sh's prep-imdb16k-256, batch 32 × 256: the same
#     tokens per step), from phase N-1-s256 if it exists, else from phase N-1 at 128 — the
#     sequence-length lever: positions 128–255 are trained only here.
# Resumable as pretrain.sh: from $EXP/pretrain-h256-PHASE's newest checkpoint, or from state/PHASE
# on a new machine (./save-state.sh PHASE puts it there).
# Usage: pretrain-phase.sh phaseN[-s256] (N ≥ 2)
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
phase="${1:?usage: pretrain-phase.sh phaseN[-s256] (N >= 2)}"
[[ "$phase" =~ ^phase([0-9]+)(-s256)?$ && ${BASH_REMATCH[1]} -ge 2 ]] || { echo "unknown phase '$phase': phase2, phase3, ..., phase6-s256, ..." >&2; exit 2; }
n=${BASH_REMATCH[1]} suffix="${BASH_REMATCH[2]}" steps=2000 seed=$((6 + n))
if [[ -n "$suffix" ]]; then seq=256 batch=(--global-batch 32 --micro-batch 16); else seq=128 batch=(--global-batch 64 --micro-batch 32); fi
if (( n == 2 )); then init="$STATE/checkpoint/step-10000"
elif [[ -n "$suffix" && -d "$STATE/phase$((n - 1))$suffix" ]]; then init="$STATE/phase$((n - 1))$suffix/checkpoint/step-2000"
else init="$STATE/phase$((n - 1))/checkpoint/step-2000"; fi
cd "$EXP"
[[ -f prep-imdb16k-$seq/manifest.json ]] || { echo "run ./prepare.sh first" >&2; exit 2; }
[[ -d "$init" ]] || { echo "$phase starts from $init, which is missing" >&2; exit 2; }
run="$(run_dir "$phase")"
restore_state "$run" "$STATE/$phase"
tool --version >/dev/null
exec "$EXP/tool/submit-scripts/albert" pretrain --data "prep-imdb16k-$seq" \
  --init-from "$init" --spm-model vocab/imdb16k.model \
  --steps "$steps" "${batch[@]}" --workers 1 \
  --optimizer adamw --lr 5e-4 --warmup-steps 100 --weight-decay 0.01 --clip-norm 1.0 --seed "$seed" \
  --checkpoint-every 250 --keep-checkpoints 2 --log-every 25 --output "$run" --resume
