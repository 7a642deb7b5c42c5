#!/usr/bin/env bash
# make bench: every benchmark in turn, each printing its table and writing bench/results/<name>.md.
# Options of one benchmark through the environment, e.g.
#   BENCH_FLEET_ARGS="--sizes 3 --runs 2" make bench   (the fleet targets only: the demo fleet size)
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python

server=$(bash tests/setup/sentry-mcp-tree.sh)
bash tests/setup/node-fixture.sh >/dev/null

echo "== startup: spawn to MCP initialize answer"
.venv/bin/ansible-playbook bench/launcher.yml -e server_prefix="$server" >/dev/null
# shellcheck disable=SC2086  # word splitting of the options is intended
$py bench/startup.py --server-prefix "$server" --launcher build/bench/sentry-mcp/bin/sentry-mcp-stdio ${BENCH_STARTUP_ARGS:-}

echo "== module_edit: mcp_server against slurp | combine | copy"
# shellcheck disable=SC2086
$py bench/module_edit.py ${BENCH_MODULE_EDIT_ARGS:-}

echo "== fleet: rollout converge time, today's collection against the baseline commit, and with mitogen"
# shellcheck disable=SC2086
$py bench/fleet.py ${BENCH_FLEET_ARGS:-}

echo "== users: the rollout with 2, 50 and 200 users on one host"
# shellcheck disable=SC2086
$py bench/users.py ${BENCH_USERS_ARGS:-}

echo "== docs/docsite/rst/benchmarks.rst: quoting the new tables"
$py docs/readme.py
