# Shared by build-deb.sh and build-rpm.sh: package metadata, and the staged application tree
# (compiled dist/, a runtime-only package.json, production node_modules, the Node runtime) that
# both packages install as /usr/lib/maillogd. Sourced, not run.

set -euo pipefail

PKG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$PKG_DIR/.." && pwd)
BUILD="$PKG_DIR/build"          # scratch space, ignored by git
OUT="$REPO/dist-pkg"
APP_PREFIX=/usr/lib/maillogd

die() { printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }
step() { printf '==> %s\n' "$*" >&2; }

pkg_field() { node -p "require('$REPO/package.json')[process.argv[1]] ?? ''" "$1"; }

VERSION=$(pkg_field version)
[ -n "$VERSION" ] || die "no version in package.json"
# Debian revision / rpm release of this packaging of $VERSION.
PKG_RELEASE=${PKG_RELEASE:-1}

# Whose name goes into the control file, changelog and spec: MAILLOGD_MAINTAINER, else
# package.json "author", else the author of the commit being packaged.
maintainer() {
  local m=${MAILLOGD_MAINTAINER:-}
  [ -n "$m" ] || m=$(node -p "const a = require('$REPO/package.json').author; typeof a === 'object' && a ? (a.email ? a.name + ' <' + a.email + '>' : a.name) : (a ?? '')")
  [ -n "$m" ] || m=$(git -C "$REPO" log -1 --format='%an <%ae>' 2>/dev/null || true)
  [ -n "$m" ] || die "no maintainer: set \"author\" in package.json"
  printf '%s\n' "$m"
}

# Timestamps inside the packages: the packaged commit's, so rebuilds do not differ by them.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH

# Files another part of the project provides; the packages are not built without them.
require_service_files() {
  local f missing=0
  for f in systemd/maillogd.service logrotate/maillogd; do
    if [ ! -f "$REPO/$f" ]; then
      printf '%s: error: %s is missing; the package needs it\n' "$(basename "$0")" "$f" >&2
      missing=1
    fi
  done
  [ "$missing" = 0 ] || exit 1
}

# The unit files shipped: the service and whichever socket units exist.
unit_files() { (cd "$REPO/systemd" && ls maillogd.service maillogd-*.socket 2>/dev/null); }

# The Node runtime to ship: MAILLOGD_NODE, else the node on PATH. Its major version must be the
# one package.json's engines range names, and it must be the runtime npm builds native modules
# for (npm's nodedir headers), which the load check in stage_app proves.
node_runtime() {
  local n=${MAILLOGD_NODE:-$(command -v node)}
  n=$(readlink -f "$n")
  [ -x "$n" ] || die "no Node runtime at $n"
  local major
  major=$("$n" -p 'process.versions.node.split(".")[0]')
  [ "$major" = 20 ] || die "$n is Node $major; the package ships Node 20 (ABI 115)"
  printf '%s\n' "$n"
}

node_license() {
  local n=$1 d
  for d in "$(dirname "$n")/../share/doc/nodejs" /usr/share/doc/nodejs; do
    [ -f "$d/LICENSE" ] && { printf '%s\n' "$d/LICENSE"; return; }
  done
  die "cannot find the Node.js LICENSE file next to $n"
}

# Production node_modules for the lock file, built once per (lock file, runtime) and reused:
# `npm ci --omit=dev` in a scratch copy, so the repository's own node_modules is never touched.
production_modules() {
  local node=$1 key dir
  key=$( { cat "$REPO/package-lock.json"; node -p "JSON.stringify([require('$REPO/package.json').dependencies, require('$REPO/package.json').optionalDependencies])"; "$node" -p 'process.version + process.arch + process.versions.modules'; } | sha256sum | cut -c1-16)
  dir="$BUILD/modules-$key"
  if [ ! -d "$dir/node_modules" ]; then
    step "npm ci --omit=dev (cache key $key; builds better-sqlite3 for $("$node" -v))"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    # Only what npm ci reads: no scripts of ours run, the lock file decides every version.
    node -e '
      const p = require(process.argv[1]);
      const out = { name: p.name, version: p.version, type: p.type, dependencies: p.dependencies, optionalDependencies: p.optionalDependencies, devDependencies: p.devDependencies };
      require("fs").writeFileSync(process.argv[2], JSON.stringify(out, null, 2) + "\n");
    ' "$REPO/package.json" "$dir.tmp/package.json"
    cp "$REPO/package-lock.json" "$dir.tmp/"
    (cd "$dir.tmp" && PATH="$(dirname "$node"):$PATH" npm ci --omit=dev --no-audit --no-fund --loglevel=error >&2)
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  printf '%s\n' "$dir/node_modules"
}

# Deletes what only building needed, keeps what runs and each module's licence.
prune_modules() {
  local nm=$1
  rm -rf "$nm/.bin" "$nm/.package-lock.json"
  # Native modules (a binding.gyp beside package.json): of node-gyp's build/ only the addon
  # stays; compiler output (obj.target, .deps), bundled C sources and test extensions go.
  local gyp mod
  while IFS= read -r gyp; do
    mod=$(dirname "$gyp")
    [ -d "$mod/build" ] && find "$mod/build" -depth -mindepth 1 ! -path "$mod/build/Release" ! -path "$mod/build/Release/*.node" -exec rm -rf {} +
    rm -rf "$mod/deps" "$mod/src"
  done < <(find "$nm" -name binding.gyp -type f)
  find "$nm" -name test_extension.node -delete
  # nan is C++ headers for compiling addons (unix-dgram's); nothing loads it at run time.
  rm -rf "$nm/nan"
  find "$nm" -depth -type d \( -name test -o -name tests -o -name __tests__ -o -name .github -o -name example -o -name examples \) -exec rm -rf {} +
  find "$nm" -type f \( -name '.*' \
    -o -name '*.h' -o -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.gyp' -o -name '*.gypi' \
    -o -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name Makefile \) -delete
  # Their documentation (the licences stay beside the code they cover).
  find "$nm" -type f \( -iname 'readme*' -o -iname 'changelog*' -o -iname 'history.md' -o \( -name '*.md' -empty \) \) -delete
  find "$nm" -depth -type d -empty -delete
  # Shared objects: stripped as dh_strip does, not executable (lintian: shared-library-is-executable).
  find "$nm" -name '*.node' -type f -exec strip --remove-section=.comment --remove-section=.note --strip-unneeded {} + \
    -exec chmod 0644 {} +
  # Nothing in node_modules is run directly (.bin is gone): no file needs to be executable, and
  # the command-line scripts of build tools (prebuild-install, semver) lose their #! line.
  grep -rlZ --include='*.js' -m1 '^#!' "$nm" | xargs -0 -r sed -i '1{/^#!/d}'
  find "$nm" -type f -exec chmod 0644 {} +
  find "$nm" -type d -exec chmod 0755 {} +
}

# Builds the tree installed as /usr/lib/maillogd into $1 (created; must not exist).
stage_app() {
  local dest=$1 node tsc nm
  node=$(node_runtime)
  tsc="$REPO/node_modules/.bin/tsc"
  [ -x "$tsc" ] || die "TypeScript is not installed: run npm ci in $REPO first"
  mkdir -p "$dest"

  step "compiling src/ into the staging tree"
  "$tsc" -p "$REPO/tsconfig.build.json" --outDir "$dest/dist" --sourceMap false --declaration false >&2
  [ -f "$dest/dist/cli/maillogd.js" ] && [ -f "$dest/dist/cli/maillogctl.js" ] || die "the build made no dist/cli entry points"

  step "bundling the entry points (one module each to load at start)"
  "$node" "$REPO/scripts/bundle.mjs" "$dest/dist" --no-sourcemap >&2
  [ -f "$dest/dist/cli/sqlite-worker.js" ] || die "the bundle step made no dist/cli/sqlite-worker.js"
  [ -f "$dest/dist/cli/sqlite-checkpointer.js" ] || die "the bundle step made no dist/cli/sqlite-checkpointer.js"

  step "compiling the udp input's batched receive (native/udp_recv.c) for the shipped runtime"
  MAILLOGD_NATIVE=required "$node" "$REPO/scripts/build-native.mjs" "$dest/dist/native/udp_recv.node" >&2
  strip --remove-section=.comment --remove-section=.note --strip-unneeded "$dest/dist/native/udp_recv.node"

  # package.json: what Node reads at run time ("type": "module", the version for --version).
  node -e '
    const p = require(process.argv[1]);
    const out = { name: p.name, version: p.version, description: p.description, license: p.license, type: p.type, engines: p.engines, dependencies: p.dependencies, optionalDependencies: p.optionalDependencies };
    require("fs").writeFileSync(process.argv[2], JSON.stringify(out, null, 2) + "\n");
  ' "$REPO/package.json" "$dest/package.json"

  nm=$(production_modules "$node")
  step "copying production node_modules and removing build leftovers"
  cp -a "$nm" "$dest/node_modules"
  prune_modules "$dest/node_modules"

  step "bundling the Node runtime $("$node" -v) from $node"
  install -m 0755 "$node" "$dest/node"
  strip --remove-section=.comment --remove-section=.note "$dest/node"

  # The shipped runtime must load every dependency, optional ones included (a native module is
  # only usable when built for this runtime's ABI), and the app must start.
  (cd / && "$dest/node" --input-type=module -e '
    import { createRequire } from "node:module";
    import { pathToFileURL } from "node:url";
    const dest = process.argv[1], req = createRequire(dest + "/package.json"), p = req("./package.json");
    for (const name of Object.keys({ ...p.dependencies, ...p.optionalDependencies })) {
      try { await import(pathToFileURL(req.resolve(name)).href); }
      catch (err) { console.error(`cannot load ${name}: ${err.message.split("\n")[0]}`); process.exitCode = 1; }
    }
    const D = req("better-sqlite3");
    const db = new D(":memory:"); db.prepare("select 1").get(); db.close();
    const udp = req("./dist/native/udp_recv.node"), [fd] = udp.bind("127.0.0.1", 0);
    if (!(udp.receiveBuffer(fd, 0) > 0)) { console.error("udp_recv.node does not work"); process.exitCode = 1; }
  ' "$dest") || die "the bundled Node cannot load the staged node_modules (a module missing or built for another ABI)"
  "$dest/node" "$dest/dist/cli/maillogd.js" --version >/dev/null || die "the staged maillogd does not start"

  # The entry points run through /usr/sbin/maillogd and /usr/bin/maillogctl, not on their own.
  find "$dest/dist" -name '*.js' -exec sed -i '1{/^#!/d}' {} +
  find "$dest" -type d -exec chmod 0755 {} +
  find "$dest/dist" -type f -exec chmod 0644 {} +
  chmod 0644 "$dest/package.json"
}

# Installs the files outside /usr/lib/maillogd, shared by both packages, into the root $1.
# $2: where unit files go (/lib/systemd/system on Debian, /usr/lib/systemd/system on rpm).
stage_system_files() {
  local root=$1 unitdir=$2 u
  install -D -m 0755 "$PKG_DIR/bin/maillogd" "$root/usr/sbin/maillogd"
  install -D -m 0755 "$PKG_DIR/bin/maillogctl" "$root/usr/bin/maillogctl"
  install -D -m 0644 "$PKG_DIR/maillogd.ini" "$root/etc/maillogd/maillogd.ini"
  install -d -m 0755 "$root/etc/maillogd/conf.d"
  install -D -m 0644 "$REPO/logrotate/maillogd" "$root/etc/logrotate.d/maillogd"
  install -D -m 0644 "$PKG_DIR/tmpfiles.conf" "$root/usr/lib/tmpfiles.d/maillogd.conf"
  for u in $(unit_files); do
    install -D -m 0644 "$REPO/systemd/$u" "$root$unitdir/$u"
  done
}
