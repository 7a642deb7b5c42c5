# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The launcher's env file: the one writer (render_env_file) and the real launcher, rendered from
the stdio_server role's template, read the same format."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from ansible_collections.mcpfleet.mcp.plugins.module_utils._launcher_env import LauncherEnvError, render_env_file

ROLE = Path(__file__).resolve().parents[4] / "roles" / "stdio_server"
AWKWARD = {
    "DEMO_TOKEN": "tok'en\"with$HOME`id`$(id);|&<>*?[a]\\n\\",
    "DEMO_HOST": "  spaces around  ",
    "DEMO_EQUALS": "a=b==c",
    "DEMO_HASH": "#not a comment # either",
    "DEMO_EMPTY": "",
    "DEMO_UNICODE": "zürich \u2028 tab\there \x0c",
    "NODE_EXTRA_CA_CERTS": "/etc/ssl/ca bundle.pem",
}


def launcher(tmp_path, **overrides):
    """The launcher script as the role renders it, with node replaced by a program that prints
    its environment and arguments as JSON."""
    loader = DataLoader()
    variables = {}
    for part in ("defaults", "vars"):
        variables.update(loader.load_from_file(str(ROLE / part / "main.yml"), trusted_as_template=True))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    node = bin_dir / "node"
    node.write_text("#!%s\nimport json, os, sys\nprint(json.dumps({'env': dict(os.environ), 'argv': sys.argv[2:]}))\n" % sys.executable)
    node.chmod(0o755)
    variables.update(stdio_server_name="demo", stdio_server_package="@example/demo", stdio_server_version="1.2.3",
                     stdio_server_secret_env="DEMO_TOKEN", stdio_server_node_bin_dir=str(bin_dir),
                     stdio_server_prefix=str(tmp_path / "prefix"), **overrides)
    text = (ROLE / "templates" / "launcher.sh.j2").read_text()
    script = tmp_path / "launcher"
    script.write_text(Templar(loader=loader, variables=variables).template(trust_as_template(text)))
    script.chmod(0o755)
    return script


# The Debian targets run the launcher with dash (/bin/sh); bash is what a user may call it with.
SHELLS = [shell for shell in ("dash", "bash") if shutil.which(shell)] or ["sh"]


def run(script, env, shell="sh"):
    done = subprocess.run([shell, str(script), "--flag", "two words"], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


ALLOWED = ["DEMO_HOST", "DEMO_EQUALS", "DEMO_HASH", "DEMO_EMPTY", "DEMO_UNICODE"]


@pytest.mark.parametrize("shell", SHELLS)
def test_the_launcher_exports_every_value_the_writer_wrote_verbatim(tmp_path, shell):
    script = launcher(tmp_path, stdio_server_env_allowlist=ALLOWED)
    env_file = tmp_path / "env"
    env_file.write_text(render_env_file(AWKWARD, ["Managed by Ansible", "KEY=VALUE, no quotes"]), encoding="utf-8")
    seen = run(script, {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MCP_ENV_FILE": str(env_file), "LANG": "C.UTF-8"}, shell)
    assert dict((name, seen["env"].get(name)) for name in AWKWARD) == AWKWARD
    assert seen["argv"] == ["--flag", "two words"]


def test_the_launcher_takes_only_the_allowed_names_and_unsets_the_inherited_ones(tmp_path):
    script = launcher(tmp_path, stdio_server_env_allowlist=["DEMO_HOST"], stdio_server_launcher_unset=["DEMO_URL"])
    env_dir = tmp_path / ".config" / "demo-mcp"
    env_dir.mkdir(parents=True)
    # Without the variable the entry sets, the launcher reads the default file in the home.
    (env_dir / "env").write_text(render_env_file({"DEMO_HOST": "h", "DEMO_OTHER": "x", "PATH": "/evil"}, []))
    seen = run(script, {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DEMO_URL": "http://elsewhere"})
    assert seen["env"]["DEMO_HOST"] == "h"
    assert "DEMO_OTHER" not in seen["env"] and "DEMO_URL" not in seen["env"]
    assert seen["env"]["PATH"] == "/usr/bin:/bin"


@pytest.mark.parametrize("env, header", [
    ({"A": "two\nlines"}, []), ({"A": "carriage\rreturn"}, []), ({"A": "nul\x00byte"}, []),
    ({"A=B": "value"}, []), ({"": "value"}, []), ({"1A": "value"}, []), ({"A.B": "value"}, []), ({"A": "value"}, ["two\nlines"]),
])
def test_the_writer_refuses_what_the_launcher_could_not_read_back(env, header):
    with pytest.raises(LauncherEnvError) as caught:
        render_env_file(env, header)
    # The message names the variable, never its value.
    assert not any(word in str(caught.value) for word in ("lines", "return", "byte", "value="))


def test_the_text_is_the_header_then_the_variables_by_name():
    assert render_env_file({"B": "2", "A": "1"}, ["Managed"]) == "# Managed\nA=1\nB=2\n"
