#!/usr/bin/env bash
# Build the collection's HTML documentation (antsibull-docs + Sphinx) into build/docs-site/build/html,
# from the collection as installed under build/collections, with -W (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
site=build/docs-site
rm -rf "$site" && mkdir -p "$site"
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error --sphinx-theme alabaster \
  --dest-dir "$site" mcpfleet.mcp >/dev/null
# Offline: instead of docs.ansible.com's inventory, a local one with the few labels the
# generated pages point at; any other reference there stays an error.
python docs/intersphinx.py "$site/ansible_devel.inv"
cat >> "$site/conf.py" <<'PY'
intersphinx_mapping = {'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', '../ansible_devel.inv')}
PY
# build.sh: antsibull-docs writes the RST, then sphinx-build -W --keep-going.
bash "$site/build.sh" > "$site/build.log" 2>&1 || { cat "$site/build.log" >&2; exit 1; }
echo "docs-site: $site/build/html/index.html"
