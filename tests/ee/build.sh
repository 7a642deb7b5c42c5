#!/usr/bin/env bash
# make ee: build the execution environment image mcpfleet/ee:<version> from
# execution-environment.yml with ansible-builder, on the base made by tests/images/ee-base.sh,
# with no registry and no Galaxy. Stages what the definition copies in (build/ee-files):
#   collections/community/hashi_vault  the copy the toolchain's `ansible` package carries
#   node/node-linux-x64.tar.gz         the official Node.js release with npm (node-fixture.sh)
# then checks the image: what it must hold, and no compiler. Warm (nothing changed), Docker's
# layer cache makes the build a few seconds.
#   tests/ee/build.sh build/mcpfleet-mcp-<version>.tar.gz
set -euo pipefail
cd "$(dirname "$0")/../.."
tarball=$1
version=$(sed -n 's/^version: *//p' galaxy.yml)
image=mcpfleet/ee:$version
files=build/ee-files
log=build/ee-build.log
started=$SECONDS

[ -f "$tarball" ] || { echo "ee: no collection tarball $tarball (make collection)" >&2; exit 1; }
bash tests/images/ee-base.sh

node=$(readlink -f "$(bash tests/setup/node-fixture.sh)")
node_version=$(basename "$node" | sed -n 's/^node-v\([0-9.]*\)-linux-.*/\1/p')
hashi_vault=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/ansible_collections/community/hashi_vault
[ -f "$hashi_vault/MANIFEST.json" ] || { echo "ee: no community.hashi_vault in .venv (make venv)" >&2; exit 1; }

rm -rf "$files"
mkdir -p "$files/collections/community" "$files/node"
cp -r "$hashi_vault" "$files/collections/community/"
find "$files/collections" -name __pycache__ -prune -exec rm -rf {} +
cp "$(dirname "$node")/v$node_version/$(basename "$node").tar.gz" "$files/node/node-linux-x64.tar.gz"

echo "ee: ansible-builder build -> $image (log: $log)"
if ! .venv/bin/ansible-builder build -f execution-environment.yml -c build/ee --container-runtime docker \
    -t "$image" -v 2 >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "ee: ansible-builder build failed (log: $log)" >&2
  exit 1
fi
seconds=$((SECONDS - started))

# What the image must hold, and no compiler left in it.
docker run --rm "$image" bash -euo pipefail -c '
  for tool in gcc cc c++ g++ clang make; do
    if command -v "$tool" >/dev/null; then echo "ee: the image has a compiler toolchain: $tool" >&2; exit 1; fi
  done
  collections=$(ansible-galaxy collection list --format json 2>/dev/null)
  for name in mcpfleet.mcp community.hashi_vault; do
    grep -q "\"$name\"" <<<"$collections" || { echo "ee: $name is not in the image" >&2; exit 1; }
  done
  python3 -c "import hvac"
  node --version >/dev/null && npm --version >/dev/null && ansible-runner --version >/dev/null && ssh -V 2>/dev/null
'
size=$(docker image inspect -f '{{ .Size }}' "$image")
echo "ee: $image built in ${seconds} s, $((size / 1000000)) MB; holds mcpfleet.mcp, community.hashi_vault, hvac, ansible-runner, Node $node_version with npm; no compiler"
