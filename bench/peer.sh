#!/usr/bin/env bash
# Quality on the peer corpus, credwall beside the anchors, in one run.
#   bash bench/peer.sh [SHARED_DIR]   (default ../shared; anchors from shared/bench/install-anchors.sh)
set -euo pipefail
shared="${1:-$(cd "$(dirname "$0")/../.." && pwd)/shared}"
export PATH="${ANCHORS_PREFIX:-/tmp/anchors}/bin:$PATH"
score="python3 $shared/bench/score.py --corpus $shared/corpus/peer.jsonl"
echo "== credwall"; $score --tool generic-json --cmd 'credwall scan --format json {dir}' --json-out /tmp/credwall-peer.json | grep -E "OVERALL|MACRO|wall|^source|/" || true
for t in betterleaks detect-secrets secretlint; do
  command -v "$t" >/dev/null || continue
  echo "== $t"; $score --tool "$t" | grep -E "OVERALL|MACRO|wall" || true
done
