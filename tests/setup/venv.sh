#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and the pinned toolchain; reuse it while the pins are unchanged.
set -euo pipefail
cd "$(dirname "$0")/../.."
want=$(cat tests/requirements-dev.txt tests/constraints.txt | sha256sum | cut -c1-16)
if [ -x .venv/bin/python ] && [ "$(cat .venv/.pins 2>/dev/null)" = "$want" ]; then exit 0; fi
python=$(bash tests/setup/find-python.sh)
echo "Creating .venv with $python"
rm -rf .venv
"$python" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  -r tests/requirements-dev.txt -c tests/constraints.txt
echo "$want" > .venv/.pins
