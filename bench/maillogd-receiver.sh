#!/usr/bin/env bash
# Receiver wrapper for ../shared/bench/run.sh (the "custom" receiver): writes a maillogd config
# into the run's temp dir, with the file output on the harness's {OUT}, and execs the daemon so
# its pid is the one the harness measures.
#   LABEL=maillogd ./run.sh custom tcp 1000000 max -- /path/to/bench/maillogd-receiver.sh {TRANSPORT} {PORT} {OUT} {TMP}
# UDP_METHOD=recvmmsg|dgram sets the udp input's receive_method (default: auto); UDP_RCVBUF its
# receive_buffer_bytes (default: the input's default).
set -euo pipefail
transport=$1 port=$2 out=$3 tmp=$4
here="$(cd "$(dirname "$0")/.." && pwd)"
cat > "$tmp/maillogd.ini" <<INI
[daemon]
log_root = $(dirname "$out")
state_dir = $tmp/state
paniclog = maillogd-panic.log
stats_interval_secs = 0

[input.in]
type = $transport
address = 127.0.0.1
port = $port
$([ "$transport" = udp ] && [ -n "${UDP_METHOD:-}" ] && echo "receive_method = $UDP_METHOD")
$([ "$transport" = udp ] && [ -n "${UDP_RCVBUF:-}" ] && echo "receive_buffer_bytes = $UDP_RCVBUF")

[output.out]
type = file
path = $(basename "$out")

[rule.all]
outputs = out
INI
exec node "$here/dist/cli/maillogd.js" --config "$tmp/maillogd.ini"
