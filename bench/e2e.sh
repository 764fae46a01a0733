#!/usr/bin/env bash
# End-to-end benchmark against rsyslog in the same run, with the shared harness
# (../shared/bench: loggen / udp-pace → receiver → one file, RESULT lines).
#
#   bench/e2e.sh [REPS]          default 5 interleaved repetitions
#   CASES=tcp|udp bench/e2e.sh   only one transport (default: both)
#
# Cases, each run for rsyslog (stock and tuned) and maillogd (UDP: read with recvmmsg, and with
# node:dgram as `maillogd-dgram`), interleaved so that background noise spreads over all receivers:
#   tcp  RFC 3164, LF framing, loggen at max rate, 1,000,000 messages
#   tcp  RFC 5424, octet counting, loggen at max rate, 1,000,000 messages
#   udp  RFC 3164, udp-pace at 150k msg/s, 750,000 messages
#   udp  RFC 3164, udp-pace asked for 250k msg/s (more than it can send on 2 cores: the
#        sender's maximum), 1,000,000 messages
# Output: bench/out/e2e.log (RESULT lines) and a median table from summarize.sh.
# Needs a built daemon (npm run build) and root for apt (setup.sh).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PROJECT="$(cd "$HERE/.." && pwd)"
REPS=${1:-5}
SRC=${BENCH_HARNESS:-$PROJECT/../shared/bench}
H="$HERE/out/harness"
mkdir -p "$HERE/out"
if [ ! -x "$H/run.sh" ]; then
  rm -rf "$H"
  cp -r "$SRC" "$H"
fi
bash "$H/setup.sh" >/dev/null
[ -f "$PROJECT/dist/cli/maillogd.js" ] || (cd "$PROJECT" && npm run build)
LOG="$HERE/out/e2e.log"
: > "$LOG"
MAILLOGD=(-- "$HERE/maillogd-receiver.sh" {TRANSPORT} {PORT} {OUT} {TMP})

# A run during which other processes burnt more than NOISE_MAX CPU-seconds is run again (up to
# 3 times); every RESULT line stays in the log and summarize.sh drops the noisy ones.
NOISE_MAX=${NOISE_MAX:-1.5}
one() { # label receiver transport count rate [env...] [-- cmd]
  local label=$1 recv=$2 tr=$3 cnt=$4 rate=$5; shift 5
  local envs=() cmd=() line oc a
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  cmd=("$@")
  for ((a = 1; a <= 3; a++)); do
    line=$(env LABEL="$label" RESULTS_LOG="$LOG" QUIET_WAIT="${QUIET_WAIT:-60}" "${envs[@]}" \
      "$H/run.sh" "$recv" "$tr" "$cnt" "$rate" "${cmd[@]}" 2>&1 | tail -1)
    echo "$line"
    oc=$(sed -n 's/.*other_cpu_s=\([0-9.]*\).*/\1/p' <<< "$line")
    awk -v o="${oc:-0}" -v m="$NOISE_MAX" 'BEGIN{exit !(o > m)}' || break
  done
}

for ((r = 1; r <= REPS; r++)); do
  echo "== repetition $r of $REPS"
  if [ "${CASES:-all}" != udp ]; then
    one rsyslog rsyslog tcp 1000000 max
    one maillogd custom tcp 1000000 max "${MAILLOGD[@]}"
    one rsyslog rsyslog tcp 1000000 max FORMAT=5424
    one maillogd custom tcp 1000000 max FORMAT=5424 "${MAILLOGD[@]}"
  fi
  if [ "${CASES:-all}" != tcp ]; then
    one rsyslog-tuned rsyslog-tuned udp 750000 150000 SENDER=pace
    one maillogd custom udp 750000 150000 SENDER=pace "${MAILLOGD[@]}"
    one maillogd-dgram custom udp 750000 150000 SENDER=pace UDP_METHOD=dgram "${MAILLOGD[@]}"
    one rsyslog-tuned rsyslog-tuned udp 1000000 250000 SENDER=pace
    one maillogd custom udp 1000000 250000 SENDER=pace "${MAILLOGD[@]}"
    one maillogd-dgram custom udp 1000000 250000 SENDER=pace UDP_METHOD=dgram "${MAILLOGD[@]}"
  fi
done
NOISE_MAX=$NOISE_MAX bash "$H/summarize.sh" "$LOG"
