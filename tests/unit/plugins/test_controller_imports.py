"""The controller's plugins stay light to import.

Ansible resolves any one of the collection's filters by importing every file in plugins/filter,
and its collection loader compiles each file from source at every import: no bytecode cache. Each
task runs in a new worker process, so a rollout pays these imports once per task and host. The
TOML and YAML editors and the audit are module-side code of thousands of lines: while a filter
imported them, the filters cost 70 to 87 ms to import per task and host; without them 36 to 40 ms
(bench/HISTORY.md). The client profiles (module_utils/_clients.py, with the JSONC
helpers it needs) are shared on purpose: the controller plans with them.
"""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CONTROLLER_PLUGINS = sorted(
    "ansible_collections.mcpfleet.mcp.plugins.%s.%s" % (kind, name[:-3])
    for kind in ("filter", "test", "lookup")
    for name in os.listdir(os.path.join(ROOT, "plugins", kind))
    if name.endswith(".py") and not name.startswith("_")
)
# Module-side code a controller plugin has no use for.
HEAVY = ("_audit", "_documents", "_toml", "_yaml", "_config_file", "_policy", "_as_user", "_redact")

_PROBE = """
import json, sys
for name in sys.argv[1:]:
    __import__(name)
print(json.dumps(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('ansible_collections.mcpfleet.mcp.plugins.module_utils.'))))
"""


def _module_utils_imported_by(names):
    # A fresh interpreter: this test process has imported everything already.
    done = subprocess.run([sys.executable, "-c", _PROBE] + list(names), capture_output=True, text=True, check=True,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p)))
    return json.loads(done.stdout)


def test_there_are_controller_plugins_to_check():
    assert "ansible_collections.mcpfleet.mcp.plugins.filter.rollout" in CONTROLLER_PLUGINS
    assert len(CONTROLLER_PLUGINS) >= 8


@pytest.mark.parametrize("heavy", HEAVY)
def test_the_probe_sees_a_heavy_import(heavy):
    # The check below can fail: importing the module itself is seen.
    assert heavy in _module_utils_imported_by(["ansible_collections.mcpfleet.mcp.plugins.module_utils." + heavy])


def test_no_controller_plugin_imports_module_side_code():
    assert sorted(set(_module_utils_imported_by(CONTROLLER_PLUGINS)) & set(HEAVY)) == []
