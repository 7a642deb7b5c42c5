#!/usr/bin/env bash
# The version matrix: ansible-test sanity and the unit tests on every ansible-core line that
# meta/runtime.yml's requires_ansible admits but .venv does not carry (.venv is 2.21:
# `make sanity` and `make unit`). One cached venv per line (tests/venvs/core-<line>).
# Sanity runs on every target Python found here (python3.8 ... python3.14 on PATH or in pyenv).
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${MATRIX_CORES:-2.19 2.20}
sanity_root=build/sanity/ansible_collections/mcpfleet/mcp
pythons=$PWD/build/target-pythons
rm -rf "$pythons" && mkdir -p "$pythons"
pyenv_root=$(pyenv root 2>/dev/null || echo /nonexistent)
for minor in 8 9 10 11 12 13 14; do
  for p in "$(command -v "python3.$minor" 2>/dev/null || true)" "$pyenv_root/versions/3.$minor."*"/bin/python3.$minor"; do
    if [ -n "$p" ] && [ -x "$p" ] && "$p" -c '' 2>/dev/null; then ln -sf "$(readlink -f "$p")" "$pythons/python3.$minor"; break; fi
  done
done
echo "matrix: target Pythons $(cd "$pythons" && echo python3.*)"
for line in $lines; do
  venv=$(bash tests/setup/tool-venv.sh "core-$line")
  bash tests/setup/ansible-test-pip.sh "$venv"
  echo "matrix: ansible-core $("$venv/bin/python" -c 'import ansible; print(ansible.__version__)')"
  # MATRIX_SANITY=no: the unit tests alone (tests/load/gates.sh runs them again and again under load).
  if [ "${MATRIX_SANITY:-yes}" != no ]; then
    (cd "$sanity_root" && PATH="$venv/bin:$pythons:$PATH" "$venv/bin/ansible-test" sanity --local --color no)
  fi
  # The tests that run ansible-core code (tests/unit/doubles check the test doubles, not the collection).
  PATH="$venv/bin:$PATH" "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/unit/plugins tests/unit/test_collection.py
done
echo "matrix: ansible-core $lines passed"
