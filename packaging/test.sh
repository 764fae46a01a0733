#!/usr/bin/env bash
# `npm run test:packaging`: builds the .deb and the .rpm and lints them; installs the .deb into
# clean Debian 12 and 13 roots (debootstrap minbase, cached) and runs smoke.sh there without
# systemd, then removes and purges it; checks the rpm's file list, scripts and dependencies and
# runs the same smoke test on its payload in a clean Debian 12 root. Needs root. Prints one
# PASS/FAIL line per step and a summary.
#
# Environment: MAILLOGD_TEST_SUITES (default "bookworm trixie"), MAILLOGD_TEST_CACHE (default
# /var/cache/maillogd-test), MAILLOGD_TEST_MIRROR (default: this machine's Debian mirror),
# MAILLOGD_TEST_NO_BUILD=1 to test the packages already in dist-pkg/.

source "$(dirname "$0")/lib.sh"
set +e   # each step decides; the summary reports

SUITES=${MAILLOGD_TEST_SUITES:-bookworm trixie}
CACHE=${MAILLOGD_TEST_CACHE:-/var/cache/maillogd-test}
# The chroots share the host's network: the packaged config's ports must be free here.
PORTS="tcp:5514 udp:5514 udp:2000"
CACHE_RECIPE="v1 debootstrap --variant=minbase --include=adduser,bsdutils; apt-get install logrotate"

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, mount, chroot)"
for t in debootstrap chroot dpkg-deb lintian rpmbuild rpmlint rpm2cpio cpio flock; do
  command -v "$t" >/dev/null || die "needs $t (apt-get install debootstrap lintian rpm rpmlint cpio)"
done

mirror() {
  if [ -n "${MAILLOGD_TEST_MIRROR:-}" ]; then echo "$MAILLOGD_TEST_MIRROR"; return; fi
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -E '^(deb|URIs:)' | grep -oE 'https?://[^ ]+/debian/?( |$)' | tr -d ' ' | head -n 1
}
MIRROR=$(mirror)
[ -n "$MIRROR" ] || die "no Debian mirror in /etc/apt/sources.list*; set MAILLOGD_TEST_MIRROR"

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -w 1800 9 || die "another packaging test holds $CACHE/.lock"

# --- mounts and processes: everything under $RUN is undone on exit, whatever happened --------

mounts_under() { awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r; }
kill_under() {
  local p r sig hit
  for sig in TERM KILL; do
    hit=0
    for p in /proc/[0-9]*; do
      r=$(readlink "$p/root" 2>/dev/null) || continue
      case "$r" in "$1"/*) kill -s "$sig" "${p#/proc/}" 2>/dev/null && hit=1 ;; esac
    done
    [ "$hit" = 0 ] && return
    [ "$sig" = TERM ] && sleep 1
  done
}
release() {
  local dir=$1 m
  kill_under "$dir"
  for m in $(mounts_under "$dir"); do umount "$m" 2>/dev/null || umount -l "$m"; done
  if [ -z "$(mounts_under "$dir")" ]; then rm -rf "$dir"; else echo "left mounted: $(mounts_under "$dir")" >&2; fi
}
# Runs left by a run that was killed (the lock says none is running now).
for stale in "$CACHE"/run.*; do [ -d "$stale" ] && release "$stale"; done
RUN=$(mktemp -d "$CACHE/run.XXXXXX")
trap 'release "$RUN"' EXIT
trap 'exit 130' INT TERM

# Runs a command inside a root with a clean environment: nothing of this machine's (NODE_*,
# npm_*, locale) leaks into what a fresh system would see.
in_root() { local r=$1; shift; env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb chroot "$r" "$@"; }

# A fresh root on top of a cached one (overlayfs: the cache stays clean), with /proc.
new_root() {
  local name=$1 lower=$2 d="$RUN/$1"
  mkdir -p "$d/upper" "$d/work" "$d/root"
  mount -t overlay overlay -o "lowerdir=$lower,upperdir=$d/upper,workdir=$d/work" "$d/root" || return 1
  mount -t proc proc "$d/root/proc" || return 1
  # A private devpts instance, for apt's terminal log.
  mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$d/root/dev/pts" || return 1
  cp /etc/resolv.conf "$d/root/etc/resolv.conf"
  echo "$d/root"
}

# The cached minbase root of a suite, made again after 30 days so that its package lists still
# match the mirror. logrotate comes in a second step: on trixie it pulls in systemd, whose
# pre-dependencies debootstrap's --include cannot order.
cached() {
  [ -d "$CACHE/$1" ] && [ "$(cat "$CACHE/$1.stamp" 2>/dev/null)" = "$CACHE_RECIPE" ] &&
    [ -n "$(find "$CACHE/$1.stamp" -mtime -30)" ]
}
ensure_cache() {
  local suite=$1 dir="$CACHE/$1" build="$RUN/cache-$1"
  if cached "$suite"; then return 0; fi
  rm -rf "$dir" "$dir.stamp"
  debootstrap --variant=minbase --include=adduser,bsdutils "$suite" "$build" "$MIRROR" || return 1
  mount -t proc proc "$build/proc" || return 1
  in_root "$build" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends logrotate || return 1
  in_root "$build" apt-get clean
  umount "$build/proc"
  mv "$build" "$dir" && echo "$CACHE_RECIPE" > "$dir.stamp"
}

# --- steps ----------------------------------------------------------------------------------

PASSED=0 FAILED=0 SUMMARY=()
LOGS="$BUILD/test-logs"   # kept after the run; ignored by git
rm -rf "$LOGS" && mkdir -p "$LOGS"
# step_run NAME COMMAND...: runs COMMAND in a subshell (set -e), its output in $LOGS.
step_run() {
  local name=$1 log t0=$SECONDS rc; shift
  log="$LOGS/$(echo "$name" | tr -cs 'A-Za-z0-9\n' _ | sed 's/^_//; s/_$//').log"
  printf '\n=== %s\n' "$name"
  ( set -e; "$@" ) >"$log" 2>&1
  rc=$?
  if [ "$rc" = 0 ]; then
    grep -E '^(ok|note) |^W: |: W: ' "$log" | sed 's/^/  /'
    PASSED=$((PASSED + 1)); SUMMARY+=("PASS  $name ($((SECONDS - t0)) s)"); echo "PASS ($((SECONDS - t0)) s)"
  else
    tail -n 40 "$log" | sed 's/^/  | /'
    FAILED=$((FAILED + 1)); SUMMARY+=("FAIL  $name ($((SECONDS - t0)) s)"); echo "FAIL ($((SECONDS - t0)) s), log: $log"
  fi
  return "$rc"
}
ok() { echo "ok   $*"; }
expect() { local what=$1; shift; if "$@"; then ok "$what"; else echo "FAIL $what"; return 1; fi; }
absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }
not() { ! "$@"; }
contains() { grep -qE -- "$2" <<<"$1"; }

ARCH=$(dpkg --print-architecture)
RPM_ARCH=$(rpm --eval '%{_arch}')
DEB="$OUT/maillogd_${VERSION}-${PKG_RELEASE}_$ARCH.deb"
RPM="$OUT/maillogd-$VERSION-$PKG_RELEASE.$RPM_ARCH.rpm"

build_deb() { "$PKG_DIR/build-deb.sh"; }
build_rpm() { "$PKG_DIR/build-rpm.sh"; }

lint_deb() {
  local out
  out=$(lintian --tag-display-limit 0 "$DEB" 2>&1 | grep -v 'running with root privileges')
  printf '%s\n' "$out" | grep -E '^(E|W): ' || true
  expect "lintian reports no E: tags" not_has_errors "$out"
}
not_has_errors() { ! grep -qE '^E: ' <<<"$1"; }

deb_metadata() {
  local f; f=$(dpkg-deb -f "$DEB")
  expect "Depends: adduser, logrotate and the shared libraries" contains "$(dpkg-deb -f "$DEB" Depends)" 'libc6 .*libstdc\+\+6.*adduser, logrotate$'
  expect "no Provides/Conflicts/Replaces (coexists with rsyslog)" not contains "$f" '^(Provides|Conflicts|Replaces|Breaks):'
  expect "not a system-log-daemon" not contains "$f" 'system-log-daemon'
  expect "conffiles: maillogd.ini and the logrotate file" [ "$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xOf - ./conffiles | sort | tr '\n' ' ')" = "/etc/logrotate.d/maillogd /etc/maillogd/maillogd.ini " ]
  local files; files=$(dpkg-deb -c "$DEB" | awk '{ print $1, $2, $6 }')
  for p in ./usr/sbin/maillogd ./usr/bin/maillogctl ./usr/lib/maillogd/node ./usr/lib/maillogd/dist/cli/maillogd.js \
    ./usr/lib/maillogd/package.json ./lib/systemd/system/maillogd.service ./etc/maillogd/conf.d/ \
    ./usr/lib/tmpfiles.d/maillogd.conf ./usr/share/doc/maillogd/copyright ./usr/share/doc/maillogd/changelog.Debian.gz; do
    expect "ships $p" contains "$files" " ${p//+/\\+}$"
  done
  expect "no build leftovers (obj.target, .deps, *.h, sources, test dirs, .npmignore)" \
    not contains "$files" '(obj\.target|/\.deps/|\.h$|/deps/|/src/.*\.cc?$|/tests?/|\.npmignore$|test_extension)'
  expect "better_sqlite3.node mode 0644" contains "$files" '^-rw-r--r-- root/root .*better_sqlite3\.node$'
  expect "the udp input's udp_recv.node, mode 0644" contains "$files" '^-rw-r--r-- root/root \./usr/lib/maillogd/dist/native/udp_recv\.node$'
  expect "no native addon executable" not contains "$files" '^-rwx.*\.node$'
}

lint_rpm() {
  local out
  out=$(rpmlint -r "$PKG_DIR/rpm/maillogd.rpmlintrc" "$BUILD/rpm/maillogd.spec" "$RPM" 2>&1)
  printf '%s\n' "$out" | grep -E ': (E|W): ' | grep -v files-duplicate || true
  expect "rpmlint: 0 errors" contains "$out" 'checked; 0 errors'
}

rpm_metadata() {
  local list scripts req prov
  list=$(rpm -qlp "$RPM" 2>/dev/null); scripts=$(rpm -qp --scripts "$RPM" 2>/dev/null)
  req=$(rpm -qp --requires "$RPM" 2>/dev/null); prov=$(rpm -qp --provides "$RPM" 2>/dev/null)
  for p in /usr/sbin/maillogd /usr/bin/maillogctl /usr/lib/maillogd/node /usr/lib/maillogd/dist/cli/maillogd.js \
    /usr/lib/systemd/system/maillogd.service /etc/maillogd/maillogd.ini /etc/maillogd/conf.d /etc/logrotate.d/maillogd \
    /usr/lib/tmpfiles.d/maillogd.conf /var/log/maillogd /var/lib/maillogd /run/maillogd; do
    expect "lists $p" contains "$list" "^$p$"
  done
  expect "no /usr/lib/.build-id links" not contains "$list" '\.build-id'
  expect "%config(noreplace) files" [ "$(rpm -qp --configfiles "$RPM" 2>/dev/null | tr '\n' ' ')" = "/etc/logrotate.d/maillogd /etc/maillogd/maillogd.ini " ]
  expect "log and state dirs 0750 maillogd:maillogd" contains "$(rpm -qp --qf '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\n]' "$RPM")" \
    '^drwxr-x--- maillogd:maillogd /var/log/maillogd$'
  expect "%pre creates the group and user with groupadd -r / useradd -r" contains "$scripts" 'groupadd -r maillogd.*'
  expect "  ... useradd -r" contains "$scripts" 'useradd -r -g maillogd'
  expect "%post: tmpfiles, then systemctl preset only where systemd runs" contains "$scripts" '-d /run/systemd/system \]; then systemctl --no-reload preset maillogd.service'
  expect "%preun disables the service and sockets on erase" contains "$scripts" 'systemctl --no-reload disable --now maillogd.service'
  expect "%postun restarts on upgrade" contains "$scripts" 'try-restart maillogd.service'
  expect "requires logrotate" contains "$req" '^logrotate$'
  expect "requires libc and libstdc++ (from the ELF files)" contains "$req" '^libstdc\+\+\.so\.6\(CXXABI'
  expect "does not require a system nodejs" not contains "$req" 'nodejs|^node'
  expect "provides nothing from node_modules, no system-log-daemon" [ "$(grep -vcE '^(config\(maillogd\)|maillogd|maillogd\(x86-64\)) = ' <<<"$prov")" = 0 ]
  expect "no conflicts" [ -z "$(rpm -qp --conflicts "$RPM" 2>/dev/null)" ]
}

ports_free() {
  local spec proto port hex busy=0
  for spec in $PORTS; do
    proto=${spec%%:*} port=${spec#*:}; hex=$(printf ':%04X' "$port")
    if [ "$proto" = tcp ]; then
      awk -v h="$hex" 'NR > 1 && substr($2, length($2) - 4) == h && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 && busy=1
    else
      awk -v h="$hex" 'NR > 1 && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' /proc/net/udp /proc/net/udp6 && busy=1
    fi
    if [ "$busy" = 1 ]; then echo "FAIL $proto port $port is in use on this machine; the chroot shares its network: stop that listener"; return 1; fi
  done
  ok "ports $PORTS free on the host"
}

smoke() {
  local root=$1 tag=$2
  ports_free
  cp "$PKG_DIR/smoke.sh" "$root/tmp/smoke.sh"
  in_root "$root" /bin/bash /tmp/smoke.sh "$tag"
}

deb_on() {
  local suite=$1 root deb_in
  ensure_cache "$suite"
  root=$(new_root "deb-$suite" "$CACHE/$suite")
  deb_in="/tmp/$(basename "$DEB")"
  cp "$DEB" "$root$deb_in"
  note="note $suite: $(cat "$root/etc/debian_version")"; echo "$note"
  in_root "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb_in"
  ok "apt-get install ./$(basename "$DEB")"
  expect "runtime's libraries all present (ldd)" not contains "$(in_root "$root" ldd /usr/lib/maillogd/node /usr/lib/maillogd/node_modules/better-sqlite3/build/Release/better_sqlite3.node)" 'not found'
  expect "system user maillogd, home /var/lib/maillogd, no login" contains "$(in_root "$root" getent passwd maillogd)" '^maillogd:x:[0-9]+:[0-9]+:.*:/var/lib/maillogd:/usr/sbin/nologin$'
  expect "group maillogd" contains "$(in_root "$root" getent group maillogd)" '^maillogd:'
  expect "maillogd.service enabled (multi-user.target.wants)" [ -L "$root/etc/systemd/system/multi-user.target.wants/maillogd.service" ]
  expect "socket units not enabled" [ -z "$(ls "$root/etc/systemd/system/sockets.target.wants/" 2>/dev/null | grep maillogd)" ]

  smoke "$root" "deb-$suite-$$"

  # The upgrade path: postinst configure with the old version, as after an upgrade.
  in_root "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall "$deb_in"
  ok "apt-get install --reinstall"
  expect "reinstall: service still enabled, sockets still not" \
    eval "[ -L '$root/etc/systemd/system/multi-user.target.wants/maillogd.service' ] && ! ls '$root/etc/systemd/system/sockets.target.wants/' 2>/dev/null | grep -q maillogd"
  expect "reinstall: log dir untouched" [ "$(in_root "$root" stat -c '%U:%G %a' /var/log/maillogd)" = "maillogd:maillogd 750" ]

  in_root "$root" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q maillogd
  ok "apt-get remove"
  expect "remove: program files gone" absent "$root/usr/lib/maillogd"
  expect "remove: configuration kept" [ -f "$root/etc/maillogd/maillogd.ini" ]
  expect "remove: logs kept" [ -f "$root/var/log/maillogd/mail.log" ]
  expect "remove: state kept" [ -f "$root/var/lib/maillogd/maillogd.db" ]
  expect "remove: user kept" in_root "$root" getent passwd maillogd
  echo "left by an administrator" > "$root/var/log/maillogd/admin-notes.txt"

  in_root "$root" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q maillogd
  ok "apt-get purge"
  expect "purge: state /var/lib/maillogd gone" absent "$root/var/lib/maillogd"
  expect "purge: the daemon's log files gone, an administrator's file kept" \
    [ "$(cd "$root/var/log/maillogd" && ls -A)" = admin-notes.txt ]
  expect "purge: /run/maillogd gone" absent "$root/run/maillogd"
  expect "purge: /etc/maillogd gone" absent "$root/etc/maillogd"
  expect "purge: /etc/logrotate.d/maillogd gone" absent "$root/etc/logrotate.d/maillogd"
  expect "purge: user and group gone" eval "! in_root '$root' getent passwd maillogd >/dev/null && ! in_root '$root' getent group maillogd >/dev/null"
  expect "purge: enablement symlink gone" absent "$root/etc/systemd/system/multi-user.target.wants/maillogd.service"
  expect "purge: dpkg forgot the package" eval "! in_root '$root' dpkg -s maillogd >/dev/null 2>&1"
  release "$RUN/deb-$suite"
}

rpm_payload() {
  local suite=bookworm root
  ensure_cache "$suite"
  root=$(new_root rpm-payload "$CACHE/$suite")
  rpm2cpio "$RPM" | (cd "$root" && cpio -idm --quiet --no-absolute-filenames)
  ok "payload extracted (rpm2cpio | cpio -idm) into a clean $suite root"
  # What rpm -i would run and set: %pre, the owners and modes of %files, %post.
  rpm -qp --qf '%{PREIN}' "$RPM" > "$root/tmp/pre.sh"
  in_root "$root" /bin/sh /tmp/pre.sh 1
  expect "%pre made the user" contains "$(in_root "$root" getent passwd maillogd)" '^maillogd:x:.*:/var/lib/maillogd:/sbin/nologin$'
  rpm -qp --qf '[%{FILEMODES:octal} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILENAMES}\n]' "$RPM" |
    awk '$2 != "root" || $3 != "root"' | while read -r mode user group path; do
      mkdir -p "$root$path"   # %ghost /run/maillogd is not in the payload
      in_root "$root" chown "$user:$group" "$path"
      chmod "$(printf '%o' $((8#$mode & 07777)))" "$root$path"
    done
  rpm -qp --qf '%{POSTIN}' "$RPM" > "$root/tmp/post.sh"
  in_root "$root" /bin/sh /tmp/post.sh 1
  ok "ran %pre and %post, applied the %files owners and modes"
  expect "/usr/sbin/maillogd --version" contains "$(in_root "$root" /usr/sbin/maillogd --version)" "^maillogd $VERSION$"
  smoke "$root" "rpm-$$"
  release "$RUN/rpm-payload"
}

# --- run --------------------------------------------------------------------------------------

T0=$SECONDS
echo "maillogd $VERSION packaging test; suites: $SUITES; mirror: $MIRROR; cache: $CACHE"
if [ "${MAILLOGD_TEST_NO_BUILD:-}" = 1 ] && [ -f "$DEB" ] && [ -f "$RPM" ]; then
  echo "using the packages in $OUT"
else
  step_run "build .deb (npm run package:deb)" build_deb
  step_run "build .rpm (npm run package:rpm)" build_rpm
fi
if [ -f "$DEB" ]; then
  step_run "lintian" lint_deb
  step_run ".deb control data and contents" deb_metadata
  for suite in $SUITES; do
    cached "$suite" || step_run "debootstrap $suite (cached in $CACHE/$suite)" ensure_cache "$suite"
    step_run ".deb on Debian $suite: install, run, logrotate, remove, purge" deb_on "$suite"
  done
fi
if [ -f "$RPM" ]; then
  step_run "rpmlint" lint_rpm
  step_run ".rpm file list, scripts, requires" rpm_metadata
  step_run ".rpm payload on Debian bookworm: run, logrotate" rpm_payload
fi

printf '\n=== summary (%d s)\n' "$((SECONDS - T0))"
printf '%s\n' "${SUMMARY[@]}"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
