#!/usr/bin/env bash
# Builds dist-pkg/maillogd-<version>-<release>.<arch>.rpm with rpmbuild and rpm/maillogd.spec
# from the same staged tree as the .deb (units under /usr/lib/systemd/system). Works on Debian
# with its `rpm` package. `npm run package:rpm`.

source "$(dirname "$0")/lib.sh"

command -v rpmbuild >/dev/null || die "needs rpmbuild (apt-get install rpm)"
require_service_files

MAINT=$(maintainer)
RPM_ARCH=$(rpm --eval '%{_arch}')
TOP="$BUILD/rpm"
ROOT="$TOP/stage"
rm -rf "$TOP" && mkdir -p "$ROOT" "$TOP/RPMS"

stage_app "$ROOT$APP_PREFIX"
stage_system_files "$ROOT" /usr/lib/systemd/system
install -D -m 0644 "$REPO/README.md" "$ROOT/usr/share/doc/maillogd/README.md"
install -D -m 0644 "$REPO/docs/CONFIG.md" "$ROOT/usr/share/doc/maillogd/CONFIG.md"
NODE=$(node_runtime)
install -D -m 0644 "$(node_license "$NODE")" "$ROOT/usr/share/licenses/maillogd/nodejs-LICENSE"
# Listed in %files (owner and mode come from the spec); /run/maillogd as %ghost.
install -d -m 0750 "$ROOT/var/log/maillogd" "$ROOT/var/lib/maillogd"
install -d -m 0755 "$ROOT/run/maillogd"

SPEC="$TOP/maillogd.spec"
URL=$(pkg_field homepage)
SOCKETS=$(unit_files | grep '\.socket$' | tr '\n' ' ' | sed 's/ $//')
SOCKET_FILES=$(for u in $SOCKETS; do printf '%%{_unitdir}/%s\\n' "$u"; done)
sed -e "s|@VERSION@|$VERSION|g" -e "s|@RELEASE@|$PKG_RELEASE|g" -e "s|@PACKAGER@|$MAINT|g" \
  -e "s|@URL@|${URL:+URL:            $URL\\n}|" -e "s|@SOCKET_UNITS@|$SOCKETS|" -e "s|@SOCKET_FILES@|$SOCKET_FILES|" \
  -e "s|@DATE@|$(LC_ALL=C date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %d %Y')|" -e "s|@NODE_VERSION@|$("$NODE" -v)|" \
  "$PKG_DIR/rpm/maillogd.spec" > "$SPEC"
! grep -v '^#' "$SPEC" | grep '@[A-Z_]*@' || die "unfilled fields in $SPEC"

step "rpmbuild -bb $SPEC"
# rpm warns that user maillogd does not exist here: it is created by %pre on the target.
rpmbuild -bb --quiet \
  --define "_topdir $TOP" \
  --define "_rpmdir $TOP/RPMS" \
  --define "stageroot $ROOT" \
  --define "use_source_date_epoch_as_buildtime 1" \
  --define "_binary_payload w19T.zstdio" \
  "$SPEC" 2>&1 | grep -v -E "(user|group) maillogd does not exist - using root" >&2 || true

RPM="$TOP/RPMS/$RPM_ARCH/maillogd-$VERSION-$PKG_RELEASE.$RPM_ARCH.rpm"
[ -f "$RPM" ] || die "rpmbuild made no $RPM"
mkdir -p "$OUT"
cp "$RPM" "$OUT/"
echo "$OUT/$(basename "$RPM")"
