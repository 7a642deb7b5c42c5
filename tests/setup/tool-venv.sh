#!/usr/bin/env bash
# Create .venvs/<name> from tests/<name>/requirements.txt and constraints.txt; reuse it while
# those pins are unchanged. For tools whose pins clash with .venv (galaxy-importer) and for
# the older ansible-core lines of the version matrix. PYTHON picks the interpreter.
# Prints the venv's path.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=$1
reqs=tests/venvs/$name/requirements.txt
cons=tests/venvs/$name/constraints.txt
venv=.venvs/$name
want=$(cat "$reqs" "$cons" | sha256sum | cut -c1-16)
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.pins" 2>/dev/null)" = "$want" ]; then echo "$PWD/$venv"; exit 0; fi
python=$(bash tests/setup/find-python.sh)
echo "Creating $venv with $python" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs" -c "$cons" >&2
echo "$want" > "$venv/.pins"
echo "$PWD/$venv"
