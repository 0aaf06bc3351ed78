#!/usr/bin/env bash
# Thin wrapper kept for old instructions: the benchmark is `albert bench vocab` (see its --help).
# Usage: submit-scripts/bench-vocab.sh [albert bench vocab flags]   (e.g. --corpus gutenberg --json)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ALBERT_JAVA_OPTS="${ALBERT_JAVA_OPTS:--Xmx8g}" exec "$here/albert" bench vocab "$@"
