#!/usr/bin/env bash
# Builds dist-pkg/maillogd_<version>-<release>_<arch>.deb with dpkg-deb from the staged tree:
# control fields (Depends from dpkg-shlibdeps), maintainer scripts, conffiles, copyright and
# changelog. `npm run package:deb`.

source "$(dirname "$0")/lib.sh"

command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null || die "needs dpkg-dev (apt-get install dpkg-dev)"
require_service_files

MAINT=$(maintainer)
ARCH=$(dpkg --print-architecture)
DEB_VERSION="$VERSION-$PKG_RELEASE"
ROOT="$BUILD/deb/maillogd_${DEB_VERSION}_$ARCH"
DOC="$ROOT/usr/share/doc/maillogd"
rm -rf "$BUILD/deb" && mkdir -p "$ROOT"

stage_app "$ROOT$APP_PREFIX"
stage_system_files "$ROOT" /lib/systemd/system

step "documentation, copyright, changelog"
install -d -m 0755 "$DOC"
# Uncompressed: maillogd.service names them as file:/usr/share/doc/maillogd/*.md.
install -m 0644 "$REPO/README.md" "$REPO/docs/CONFIG.md" "$DOC/"
NODE=$(node_runtime)
gzip -9n < "$(node_license "$NODE")" > "$DOC/nodejs-LICENSE.gz"

# One copyright paragraph per npm module, with the licence its package.json declares.
modules_copyright() {
  node -e '
    const fs = require("fs"), path = require("path");
    const nm = process.argv[1], out = [];
    const dirs = [];
    for (const e of fs.readdirSync(nm).sort()) {
      if (e.startsWith("@")) for (const s of fs.readdirSync(path.join(nm, e)).sort()) dirs.push(e + "/" + s);
      else dirs.push(e);
    }
    for (const name of dirs) {
      const dir = path.join(nm, name);
      const p = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      let lic = typeof p.license === "string" ? p.license : (p.license?.type ?? "unknown");
      lic = lic.replace(/^\((.*)\)$/, "$1");
      const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
      const where = `usr/lib/maillogd/node_modules/${name}`;
      let para = `Files: ${where}/*\nCopyright: the authors of ${name} ${p.version}\n`;
      if (lic === "MIT") para += "License: Expat\n";
      else para += `License: ${lic}\n ${file ? `The full text is in /${where}/${file}.` : `As declared in /${where}/package.json.`}\n`;
      out.push(para);
    }
    process.stdout.write(out.join("\n"));
  ' "$ROOT$APP_PREFIX/node_modules"
}
{
  sed -e "s/@YEAR@/$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)/" -e "s/@NODE_VERSION@/$("$NODE" -v)/" \
    -e '/^#/d' -e '/@MODULES@/,$d' "$PKG_DIR/debian/copyright.in"
  modules_copyright
  echo
  sed -e '1,/@MODULES@/d' "$PKG_DIR/debian/copyright.in"
} > "$DOC/copyright"
chmod 0644 "$DOC/copyright"

{
  printf 'maillogd (%s) unstable; urgency=medium\n\n' "$DEB_VERSION"
  printf '  * maillogd %s, with the Node.js %s runtime.\n\n' "$VERSION" "$("$NODE" -v)"
  printf ' -- %s  %s\n' "$MAINT" "$(LC_ALL=C date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$DOC/changelog.Debian.gz"
chmod 0644 "$DOC/changelog.Debian.gz"

install -D -m 0644 "$PKG_DIR/debian/lintian-overrides" "$ROOT/usr/share/lintian/overrides/maillogd"

step "dpkg-shlibdeps on the Node runtime and the native modules"
SHL="$BUILD/deb/shlibdeps"
mkdir -p "$SHL/debian"
printf 'Source: maillogd\n\nPackage: maillogd\nArchitecture: any\n' > "$SHL/debian/control"
mapfile -t ELF < <(find "$ROOT$APP_PREFIX" -type f \( -name node -o -name '*.node' \))
SHLIBS=$(cd "$SHL" && dpkg-shlibdeps -O "${ELF[@]}" 2>&1 | sed -n 's/^shlibs:Depends=//p')
[ -n "$SHLIBS" ] || die "dpkg-shlibdeps found no dependencies for: ${ELF[*]}"

step "control files"
install -d -m 0755 "$ROOT/DEBIAN"
SOCKETS=$(unit_files | grep '\.socket$' | sed "s/.*/'&'/" | tr '\n' ' ' | sed 's/ $//')
for s in postinst prerm postrm; do
  sed "s/#SOCKETS#/$SOCKETS/g" "$PKG_DIR/debian/$s" > "$ROOT/DEBIAN/$s"
  chmod 0755 "$ROOT/DEBIAN/$s"
done
printf '/etc/logrotate.d/maillogd\n/etc/maillogd/maillogd.ini\n' > "$ROOT/DEBIAN/conffiles"
HOMEPAGE=$(pkg_field homepage)
SIZE=$(du -sk --apparent-size --exclude=DEBIAN "$ROOT" | cut -f1)
sed -e "s|@VERSION@|$DEB_VERSION|" -e "s|@ARCH@|$ARCH|" -e "s|@MAINTAINER@|$MAINT|" \
  -e "s|@INSTALLED_SIZE@|$SIZE|" -e "s|@SHLIBS_DEPENDS@|$SHLIBS|" \
  -e "s|@HOMEPAGE@|${HOMEPAGE:+Homepage: $HOMEPAGE\\n}|" \
  "$PKG_DIR/debian/control.in" | sed -e '/^#/d' -e '/^$/d' > "$ROOT/DEBIAN/control"
(cd "$ROOT" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$ROOT/DEBIAN/md5sums"
chmod 0644 "$ROOT/DEBIAN/control" "$ROOT/DEBIAN/conffiles" "$ROOT/DEBIAN/md5sums"

# Every date inside the package is the commit's, so rebuilds do not differ by their dates.
find "$ROOT" -newermt "@$SOURCE_DATE_EPOCH" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$OUT"
DEB="$OUT/maillogd_${DEB_VERSION}_$ARCH.deb"
step "dpkg-deb --build $DEB"
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >&2
echo "$DEB"
