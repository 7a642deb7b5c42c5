#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (ansible-core 2.21 needs it on the controller).
# `python3` is often older, and a pyenv shim on PATH may fail: try real interpreters.
set -u
ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }
candidates=("${PYTHON:-}" python3.14 python3.13 python3.12 python3)
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  while read -r v; do candidates+=("$root/versions/$v/bin/python3"); done < <(find "$root/versions" -mindepth 1 -maxdepth 1 -printf "%f\n" 2>/dev/null | sort -V -r)
fi
for c in "${candidates[@]}"; do
  [ -n "$c" ] || continue
  p=$(command -v "$c" 2>/dev/null) || continue
  # The real interpreter, never a venv's link to it: venv.sh deletes .venv before using it.
  if ok "$p"; then "$p" -c 'import os, sys; print(os.path.realpath(sys.executable))'; exit 0; fi
done
echo "No Python >= 3.12 found. Install one (e.g. apt-get install python3.12, or pyenv install 3.13) or set PYTHON=/path/to/python3.12+." >&2
exit 1
