#!/usr/bin/env bash
# Build an official-layout Node.js release for the tests, with no access to nodejs.org:
# the npm registry package node-linux-<arch> carries the official binaries, `npm pack npm@X`
# gives npm, laid out and linked as in nodejs.org's tarball. Writes
#   build/fixtures/node/v<version>/node-v<version>-linux-<arch>.tar.gz (+ .tar.xz) + SHASUMS256.txt
#     (the layout of https://nodejs.org/dist, so it can be served as nodejs_tarball_base_url)
#   build/fixtures/node/node-v<version>-linux-<arch>/ and a `current` symlink to it
#     (a real Node for the controller: prepend build/fixtures/node/current/bin to PATH)
# Reused when present. Prints the absolute path of `current`.
set -euo pipefail
cd "$(dirname "$0")/../.."

# One source of truth for the version: the role's default.
version=${NODE_FIXTURE_VERSION:-$(sed -n 's/^nodejs_version: *"\{0,1\}\([0-9.]*\)"\{0,1\}$/\1/p' roles/nodejs/defaults/main.yml)}
npm_version=${NODE_FIXTURE_NPM_VERSION:-10.9.9}
arch=${NODE_FIXTURE_ARCH:-x64}
[ -n "$version" ] || { echo "node-fixture: no nodejs_version in roles/nodejs/defaults/main.yml" >&2; exit 1; }

root=build/fixtures/node
name=node-v$version-linux-$arch
dist=$root/v$version

check() {  # the unpacked tree runs and reports the expected versions
  local bin=$root/$name/bin got
  got=$("$bin/node" --version)
  [ "$got" = "v$version" ] || { echo "node-fixture: $bin/node --version printed $got, expected v$version" >&2; return 1; }
  # npm's shebang is `env node`: run it with this Node, as a user of the tree would.
  got=$(PATH="$PWD/$bin:$PATH" "$bin/npm" --version 2>/dev/null)
  [ "$got" = "$npm_version" ] || { echo "node-fixture: $bin/npm --version printed $got, expected $npm_version" >&2; return 1; }
}

mkdir -p "$root"
# Several test runs may ask for the fixture at once: build it once.
exec 9>"$root/.lock"
flock 9

if [ -f "$dist/SHASUMS256.txt" ] && [ -x "$root/$name/bin/node" ] && check; then
  ln -sfn "$name" "$root/current"
  echo "$PWD/$root/current"
  exit 0
fi

command -v npm >/dev/null || { echo "node-fixture: npm is needed on the controller to fetch the packages" >&2; exit 1; }
tmp=$(mktemp -d "$PWD/$root/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "node-fixture: npm pack node-linux-$arch@$version npm@$npm_version" >&2
(cd "$tmp" && npm pack --silent "node-linux-$arch@$version" "npm@$npm_version" >/dev/null 2>"$tmp/npm.log") \
  || { cat "$tmp/npm.log" >&2; exit 1; }

tree=$tmp/$name
mkdir -p "$tree/lib/node_modules/npm"
# package.json is the registry wrapper's, not part of a Node release.
tar -xzf "$tmp/node-linux-$arch-$version.tgz" -C "$tree" --strip-components=1 --exclude=package/package.json
tar -xzf "$tmp/npm-$npm_version.tgz" -C "$tree/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$tree/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$tree/bin/npx"

# Reproducible archives: same inputs, same bytes, same checksums.
pack() {  # compressor command...
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp" -cf - "$name" | "$@"
}
files=("$name.tar.gz")
pack gzip -n -6 >"$tmp/$name.tar.gz"
if command -v xz >/dev/null; then
  pack xz -T0 -1 >"$tmp/$name.tar.xz"
  files+=("$name.tar.xz")
fi
# nodejs.org's format: "<sha256>  <file>" per line.
(cd "$tmp" && sha256sum "${files[@]}") >"$tmp/SHASUMS256.txt"

rm -rf "${dist:?}" "${root:?}/$name"
mkdir -p "$dist"
mv "$tmp/SHASUMS256.txt" "${files[@]/#/$tmp/}" "$dist/"
mv "$tree" "$root/$name"
ln -sfn "$name" "$root/current"
check
echo "$PWD/$root/current"
