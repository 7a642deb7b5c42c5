#!/usr/bin/env bash
# galaxy-importer on the built tarball, offline; fail on any error or warning it reports
# but the note that an ignore file exists: ours are empty (0 statements), so that one may pass.
set -euo pipefail
cd "$(dirname "$0")/../.."
tarball=$(realpath "$1")
venv=$(bash tests/setup/tool-venv.sh galaxy-importer)
log=build/import-check.log
mkdir -p build/import-tmp
# Run from build/import-tmp: it writes importer_result.json into the current directory.
(cd build/import-tmp && GALAXY_IMPORTER_CONFIG=$OLDPWD/tests/import/galaxy-importer.cfg \
  GALAXY_IMPORTER_TMP_ROOT_DIR=$PWD PATH="$venv/bin:$PATH" \
  "$venv/bin/python" -m galaxy_importer.main "$tarball") > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
bad=$(grep -E '^(WARNING|ERROR)|WARNING:|ERROR:' "$log" | grep -v 'Ignore files skip ansible-test sanity tests, found ignore-2\.[0-9]*\.txt with 0 statement(s)' || true)
if [ -n "$bad" ]; then cat "$log" >&2; echo "import-check: galaxy-importer reported the above" >&2; exit 1; fi
echo "import-check: galaxy-importer imports $(basename "$tarball") cleanly (log: $log)"
