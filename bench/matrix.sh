#!/usr/bin/env bash
# The standard load matrix: 10, 100, 200, 500 and 1000 concurrent calls against a server
# this starts (fresh SQLite database, provider fakes in the loadgen's process), then the
# results, the command and the machine go into docs/BENCHMARKS.md (the "Load" section is
# replaced; everything else is kept).
#
#   bench/matrix.sh                      # the standard matrix
#   CALLS=10,100 DURATION=10 bench/matrix.sh
#
# Server, fakes and callers share this machine's cores: the numbers are what one machine
# does with all three on it.
set -euo pipefail

cd "$(dirname "$0")/.."
CALLS=${CALLS:-10,100,200,500,1000}
RAMP=${RAMP:-15}
DURATION=${DURATION:-25}
OUT=${OUT:-bench/results}
DOC=docs/BENCHMARKS.md
mkdir -p "$OUT"

cargo build --release -p switchboard
BIN=${CARGO_TARGET_DIR:-target}/release/switchboard

# Many sockets per call (media, STT, TTS, LLM) on both ends.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

load_before=$(uptime | sed 's/.*load average: //')
command="$BIN loadgen --calls $CALLS --ramp-up-secs $RAMP --duration-secs $DURATION --json $OUT/matrix.json --markdown $OUT/matrix.md --svg $OUT/matrix.svg"
echo "$command"
$command
load_after=$(uptime | sed 's/.*load average: //')

section=$(mktemp)
{
  echo "## Load: \`switchboard loadgen\` matrix"
  echo
  echo "Simulated callers (docs/loadgen.md) against a server started for each point, with the"
  echo "provider fakes at issue 8's latencies: STT final 150 ms after the end of speech (the"
  echo "fake's endpointing wait comes first), LLM first token 250 ms then 50 tokens/s, TTS first"
  echo "byte 120 ms. Each point ramps its calls up over ${RAMP} s and measures ${DURATION} s with all of"
  echo "them up. Every call: a greeting, then cycles of a question, its answer, another question"
  echo "talked over 400 ms into a talk spurt of the answer, and the answer to that."
  echo
  echo "Command (from \`bench/matrix.sh\`, $(date -u +%Y-%m-%d\ %H:%M) UTC):"
  echo
  echo '```sh'
  echo "$command"
  echo '```'
  echo
  echo "Machine: \`nproc\` = $(nproc), $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(rustc --version), release profile."
  echo "Load averages (1, 5, 15 min) before: $load_before; after: $load_after. The server, the"
  echo "fakes and up to 1000 callers share these cores, and other builds may have been running:"
  echo "treat the numbers as what one loaded 2-core machine does."
  echo
  cat "$OUT/matrix.md"
  echo
  echo "- **voice-to-voice**: the caller's end of speech to the first agent audio it receives."
  echo "- **server-added**: voice-to-voice minus the fakes' configured delays (STT final, LLM first"
  echo "  token and the tokens of the first clause, TTS first byte) and the STT's endpointing wait"
  echo "  (the fake's own detector run over the caller's phrase)."
  echo "- **pacing error**: how late each agent frame arrived against its chunk's real-time schedule"
  echo "  (on-time frames count as 0)."
  echo "- **barge-in silence**: caller speech onset over the agent to the agent going quiet in the"
  echo "  caller's ear; **clear**: to the \`clear\` message, which the LLM agent sends only once the"
  echo "  caller's words confirm an interruption (interim transcripts, docs/conversation.md)."
  echo "- **RSS per call**: (largest steady RSS - idle RSS) / calls, from \`/proc/<pid>/status\`;"
  echo "  **CPU**: utime + stime over the steady state from \`/proc/<pid>/stat\`, 100 % = one core."
  echo
  echo "![latency distribution and p50/p99 by concurrent calls](../bench/results/matrix.svg)"
  echo
} > "$section"

# Replace the old Load section (up to the next "## " heading) or append one.
awk -v section="$section" '
  /^## Load: / { while ((getline line < section) > 0) print line; skipping = 1; next }
  skipping && /^## / { skipping = 0 }
  !skipping { print }
' "$DOC" > "$DOC.new"
if ! grep -q '^## Load: ' "$DOC"; then
  { echo; cat "$section"; } >> "$DOC.new"
fi
mv "$DOC.new" "$DOC"
rm -f "$section"
echo "wrote $DOC and $OUT/"
