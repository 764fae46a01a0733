#!/usr/bin/env bash
# RELP ingest against rsyslog's imrelp in the same run, with the shared harness (../shared/bench):
# loggen → TCP → an rsyslog relay (omrelp, window RELP_WINDOW, default 8192) → the receiver's RELP
# server → one file. Both receivers get the same relay and sender. maillogd acknowledges a message
# only once its journal has it on disk (group commit); rsyslog's imrelp acknowledges once the
# message is in its in-memory queue.
#
#   bench/relp.sh [REPS] [COUNT]     default 3 interleaved repetitions of 500,000 messages
#
# Output: bench/out/relp.log (RESULT lines) and a median table from summarize.sh.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PROJECT="$(cd "$HERE/.." && pwd)"
REPS=${1:-3}
COUNT=${2:-500000}
SRC=${BENCH_HARNESS:-$PROJECT/../shared/bench}
H="$HERE/out/harness"
mkdir -p "$HERE/out"
if [ ! -x "$H/run.sh" ]; then
  rm -rf "$H"
  cp -r "$SRC" "$H"
fi
bash "$H/setup.sh" >/dev/null
[ -f "$PROJECT/dist/cli/maillogd.js" ] || (cd "$PROJECT" && npm run build)
LOG="$HERE/out/relp.log"
: > "$LOG"
NOISE_MAX=${NOISE_MAX:-1.5}
one() { # label receiver [-- cmd]
  local label=$1 recv=$2 line oc a; shift 2
  for ((a = 1; a <= 3; a++)); do
    line=$(env LABEL="$label" RESULTS_LOG="$LOG" QUIET_WAIT="${QUIET_WAIT:-60}" \
      "$H/run.sh" "$recv" relp "$COUNT" max "$@" 2>&1 | tail -1)
    echo "$line"
    oc=$(sed -n 's/.*other_cpu_s=\([0-9.]*\).*/\1/p' <<< "$line")
    awk -v o="${oc:-0}" -v m="$NOISE_MAX" 'BEGIN{exit !(o > m)}' || break
  done
}
for ((r = 1; r <= REPS; r++)); do
  echo "== repetition $r of $REPS"
  one rsyslog rsyslog
  one maillogd custom -- "$HERE/maillogd-receiver.sh" {TRANSPORT} {PORT} {OUT} {TMP}
done
NOISE_MAX=$NOISE_MAX bash "$H/summarize.sh" "$LOG"
