#!/usr/bin/env bash
# Install the pinned @sentry/mcp-server into build/fixtures/sentry-mcp-server/<version>
# (reused when present). Tests and benchmarks launch this real server.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=${SENTRY_MCP_VERSION:-$(sed -n 's/^sentry_mcp_version: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' roles/sentry_mcp/defaults/main.yml 2>/dev/null || true)}
version=${version:-0.39.0}
prefix=build/fixtures/sentry-mcp-server/$version
if [ -f "$prefix/node_modules/@sentry/mcp-server/package.json" ]; then echo "$PWD/$prefix"; exit 0; fi
mkdir -p "$prefix"
npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$prefix" "@sentry/mcp-server@$version" >&2
echo "$PWD/$prefix"
