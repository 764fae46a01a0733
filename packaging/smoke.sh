#!/bin/bash
# Runs inside a clean Debian root where maillogd is installed (test.sh copies it in and runs it
# with chroot): starts the daemon as the maillogd user without systemd, sends syslog over UDP,
# TCP and the unix socket, checks the files, their owners and modes and the database, rotates
# with the installed logrotate config, checks that the daemon reopened, and stops it.
# Prints "ok ..." per check; exits non-zero at the first failure.

set -uo pipefail

CONF=/etc/maillogd/maillogd.ini
LOGS=/var/log/maillogd
PIDFILE=/run/maillogd/maillogd.pid
SOCK=/run/maillogd/log.sock
TOKEN=${1:-smoke$$}
DAEMON_PID=
FAILED=0

ok() { printf 'ok   %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; FAILED=1; exit 1; }
# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds or time runs out.
wait_for() {
  local n=$(( $1 * 10 )); shift
  while [ "$n" -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
  return 1
}
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
owner_mode() { [ "$(stat -c '%U:%G %a' "$1")" = "$2" ] || { echo "  $1 is $(stat -c '%U:%G %a' "$1"), expected $2"; return 1; }; }
alive() { [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; }
dead() { ! alive; }
has() { grep -qF -- "$2" "$1" 2>/dev/null; }
not() { ! "$@"; }

stop_daemon() {
  if alive; then kill -TERM "$DAEMON_PID"; wait_for 20 dead || kill -KILL "$DAEMON_PID"; fi
}
on_exit() {
  stop_daemon
  if [ "$FAILED" != 0 ] && [ -f /tmp/maillogd.out ]; then
    echo "--- daemon output"; tail -n 30 /tmp/maillogd.out
    echo "--- paniclog"; tail -n 30 "$LOGS/paniclog" 2>/dev/null
  fi
}
trap on_exit EXIT

check "maillogd --version" sh -c '/usr/sbin/maillogd --version | grep -q "^maillogd [0-9]"'
addons_load() {
  local f n=0
  for f in $(find /usr/lib/maillogd/node_modules -name '*.node'); do
    /usr/lib/maillogd/node -e 'process.dlopen({ exports: {} }, process.argv[1])' "$f" || return 1
    n=$((n + 1))
  done
  [ "$n" -gt 0 ]
}
check "every native addon loads into the bundled runtime" addons_load
check "installed config passes --check-config" setpriv --reuid=maillogd --regid=maillogd --init-groups \
  /usr/sbin/maillogd --config "$CONF" --check-config
# The commented examples at the end of the installed config, uncommented into conf.d/.
examples_parse() {
  local ex=/etc/maillogd/conf.d/zz-smoke-examples.ini rc=0
  sed -n '/^; Examples, to copy/,$p' "$CONF" | grep '^;  ' | sed 's/^;   \{0,1\}//' > "$ex"
  grep -q '^\[output\.' "$ex" || rc=1
  /usr/sbin/maillogd --config "$CONF" --check-config >/dev/null || rc=1
  rm -f "$ex"
  return "$rc"
}
check "the config's commented examples pass --check-config" examples_parse
check "log dir maillogd:maillogd 0750" owner_mode "$LOGS" "maillogd:maillogd 750"
check "state dir maillogd:maillogd 0750" owner_mode /var/lib/maillogd "maillogd:maillogd 750"
check "runtime dir maillogd:maillogd 0755" owner_mode /run/maillogd "maillogd:maillogd 755"

# setpriv execs: the process started is the daemon itself (runuser would stay as a parent that a
# HUP kills). The daemon's pid is the pid file's, checked below.
setsid setpriv --reuid=maillogd --regid=maillogd --init-groups \
  /usr/sbin/maillogd --config "$CONF" </dev/null >/tmp/maillogd.out 2>&1 &
DAEMON_PID=$!
pid_written() { [ -s "$PIDFILE" ] || { alive || fail "the daemon exited during start"; return 1; }; }
check "daemon writes its pid file (every input listening)" wait_for 30 pid_written
check "pid file names the started process" [ "$(cat "$PIDFILE")" = "$DAEMON_PID" ]
check "daemon runs as maillogd" [ "$(stat -c %U "/proc/$DAEMON_PID")" = maillogd ]
status_names_pid() { maillogctl --config "$CONF" status 2>&1 | grep -qw "$DAEMON_PID"; }
check "maillogctl status answers over the control socket" status_names_pid
check "the udp input reads with recvmmsg (the packaged udp_recv addon loads)" grep -q 'udp 127.0.0.1:5514, reading with recvmmsg' "$LOGS/paniclog"
check "unix socket $SOCK is 0666" sh -c "[ -S $SOCK ] && [ \"\$(stat -c %a $SOCK)\" = 666 ]"

logger -n 127.0.0.1 -P 5514 -d -p mail.info -t postfix/smtpd "udp-$TOKEN connect from example.org"
logger -n 127.0.0.1 -P 5514 -T -p mail.warning -t postfix/qmgr "tcp-$TOKEN 4F1A2B3C4D: from=<a@example.org>"
logger -u "$SOCK" -p mail.notice -t dovecot "unix-$TOKEN imap-login: Login"
logger -n 127.0.0.1 -P 5514 -T -p user.info -t cron "user-$TOKEN not mail"
for via in udp tcp unix; do
  check "$via record in mail.log" wait_for 10 has "$LOGS/mail.log" "$via-$TOKEN"
  check "$via record in all.log" wait_for 10 has "$LOGS/all.log" "$via-$TOKEN"
done
check "user.info record in all.log" wait_for 10 has "$LOGS/all.log" "user-$TOKEN"
check "user.info record not in mail.log" not has "$LOGS/mail.log" "user-$TOKEN"
check "mail.log maillogd:maillogd 0640" owner_mode "$LOGS/mail.log" "maillogd:maillogd 640"
check "all.log maillogd:maillogd 0640" owner_mode "$LOGS/all.log" "maillogd:maillogd 640"
in_db() { maillogctl query --config "$CONF" --grep "$1-$TOKEN" --format json 2>/dev/null | grep -q "$1-$TOKEN"; }
check "records in SQLite (maillogctl query)" wait_for 10 in_db tcp
check "database owned by maillogd" [ "$(stat -c %U /var/lib/maillogd/maillogd.db)" = maillogd ]

check "logrotate -f accepts the config" logrotate -f /etc/logrotate.d/maillogd
check "mail.log rotated to mail.log.1" has "$LOGS/mail.log.1" "udp-$TOKEN"
logger -n 127.0.0.1 -P 5514 -T -p mail.info -t postfix/smtpd "after-rotate-$TOKEN"
check "after rotation, records go to the new mail.log (reopened)" wait_for 10 has "$LOGS/mail.log" "after-rotate-$TOKEN"
check "and not to mail.log.1" not has "$LOGS/mail.log.1" "after-rotate-$TOKEN"
check "daemon still running after the HUP" alive
check "new mail.log maillogd:maillogd 0640" owner_mode "$LOGS/mail.log" "maillogd:maillogd 640"

kill -TERM "$DAEMON_PID"
check "SIGTERM stops the daemon" wait_for 20 dead
check "pid file removed at stop" [ ! -e "$PIDFILE" ]
exit 0
