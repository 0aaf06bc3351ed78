#!/usr/bin/env bash
# Copies the newest complete checkpoint of the pretraining run and its metrics into state/, to be
# committed: the one thing a new machine cannot rebuild (≈ 37 MB: weights + AdamW moments).
# Usage: save-state.sh [NAME]   (a continuation phase's run, e.g. phase2, or another size's run, e.g.
# h512, goes to state/NAME)
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if [[ -n "${1:-}" ]]; then RUN="$(run_dir "$1")"; STATE="$STATE/$1"; fi
newest="$(ls -d "$RUN"/checkpoints/step-* 2>/dev/null | sort -V | tail -1)"
[[ -n "$newest" ]] || { echo "no checkpoint in $RUN" >&2; exit 2; }
rm -rf "$STATE/checkpoint.tmp"; mkdir -p "$STATE/checkpoint.tmp"
cp -r "$newest" "$STATE/checkpoint.tmp/"
rm -rf "$STATE/checkpoint"; mv "$STATE/checkpoint.tmp" "$STATE/checkpoint"
cp "$RUN/metrics.jsonl" "$STATE/"
echo "saved $(basename "$newest") to $STATE"
