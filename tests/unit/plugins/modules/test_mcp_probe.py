# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mcp_probe end to end in-process: entry reading, launch environment, redaction, failures."""

import json
import os
import pwd
import re
import sys

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.mcpfleet.mcp.plugins.module_utils import _probe
from ansible_collections.mcpfleet.mcp.plugins.module_utils._mcp_stdio import PROTOCOL_VERSION
from ansible_collections.mcpfleet.mcp.plugins.module_utils._redact import MASK
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import Account
from ansible_collections.mcpfleet.mcp.plugins.modules import mcp_probe

SERVER = os.path.join(os.path.dirname(os.path.dirname(__file__)), "servers", "fake_mcp.py")
TOKEN = "sntryu_" + "0" * 60 + "test"
FILE_TOKEN = "sntryu_" + "1" * 60 + "file"
CLIENT_TOKEN = "sntryu_" + "2" * 60 + "clnt"


def run(capsys, args, check_mode=False):
    """Run the module; return (failed, result), with the raw output checked for every fake token."""
    args = dict(args, _ansible_check_mode=check_mode)
    with patch_module_args(args), pytest.raises(SystemExit):
        mcp_probe.main()
    out = capsys.readouterr().out
    for secret in (TOKEN, FILE_TOKEN, CLIENT_TOKEN):
        assert secret not in out
    result = json.loads(out)
    assert result.get("changed") is not True
    return bool(result.get("failed")), result


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fake account for the user running the tests, whose home is a temp dir."""
    me = pwd.getpwuid(os.geteuid())
    account = Account(me.pw_name, me.pw_uid, me.pw_gid, str(tmp_path), "/bin/sh")
    monkeypatch.setattr(_probe, "get_account", lambda name=None: account)
    return tmp_path


def seen_by_server(result):
    return json.loads(result["call_result"]["content"][0]["text"])


def write_config(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_direct_command_answers(capsys, home):
    failed, result = run(capsys, {"command": sys.executable, "args": [SERVER, "good"], "timeout": 10})
    assert not failed
    assert result["server_info"] == {"name": "fake", "version": "1.2.3"}
    assert result["protocol_version"] == PROTOCOL_VERSION
    # fake_mcp in mode good refuses server/discover (method not found): initialize answered.
    assert result["handshake"] == "initialize"
    assert result["tools"] == ["echo", "env"]
    assert 0 <= result["ready_ms"] <= result["total_ms"]
    assert result["launch"] == {"command": sys.executable, "cwd": str(home), "env_names": ["HOME", "LANG", "LOGNAME", "PATH", "SHELL", "USER"]}


def test_a_2026_server_answers_through_server_discover(capsys, home):
    failed, result = run(capsys, {"command": sys.executable, "args": [SERVER, "discover"], "timeout": 10, "call": {"tool": "echo"}})
    assert not failed
    assert (result["handshake"], result["protocol_version"]) == ("discover", "2026-07-28")
    assert result["server_info"] == {"name": "fake", "version": "1.2.3"}
    assert result["tools"] == ["echo", "env"]
    assert "warnings" not in result


def test_a_server_that_exits_on_server_discover_passes_with_a_warning(capsys, home):
    failed, result = run(capsys, {"command": sys.executable, "args": [SERVER, "discover_exit"], "timeout": 10})
    assert not failed
    assert (result["handshake"], result["protocol_version"]) == ("initialize", PROTOCOL_VERSION)
    assert "the server exited with code 5 during server/discover" in json.dumps(result["warnings"])


def test_check_mode_probes_too(capsys, home):
    failed, result = run(capsys, {"command": sys.executable, "args": [SERVER, "good"], "timeout": 10}, check_mode=True)
    assert not failed
    assert result["tools"] == ["echo", "env"]


def test_ide_environment_and_secret_redaction(capsys, home):
    (home / "server.env").write_text("FROM_FILE=%s\n" % FILE_TOKEN)
    failed, result = run(capsys, {
        "command": sys.executable, "args": [SERVER, "good"], "timeout": 10,
        "env": {"SENTRY_ACCESS_TOKEN": TOKEN, "SHELL": None},
        "env_file": "server.env", "client_env": {"FROM_CLIENT": CLIENT_TOKEN}, "path_env": "/opt/node/bin:/usr/bin:/bin",
        "call": {"tool": "env"},
    })
    assert not failed
    env = seen_by_server(result)["env"]
    assert env == {
        "HOME": str(home), "USER": pwd.getpwuid(os.geteuid()).pw_name, "LOGNAME": pwd.getpwuid(os.geteuid()).pw_name,
        "LANG": "C.UTF-8", "PATH": "/opt/node/bin:/usr/bin:/bin",
        "FROM_CLIENT": MASK, "FROM_FILE": MASK, "SENTRY_ACCESS_TOKEN": MASK,
    }
    assert "SENTRY_ACCESS_TOKEN" in result["launch"]["env_names"]


def test_expect_tools(capsys, home):
    failed, result = run(capsys, {"command": sys.executable, "args": [SERVER, "good"], "timeout": 10, "expect_tools": ["env", "whoami"]})
    assert failed
    assert result["msg"] == "the server answered but does not list the expected tools whoami"
    assert result["failure"] == {"kind": "missing_tools", "phase": "tools/list"}
    assert result["tools"] == ["echo", "env"]


def test_early_exit_stderr_is_redacted(capsys, home):
    failed, result = run(capsys, {"command": sys.executable, "args": [SERVER, "crash"], "env": {"FAKE_TOKEN": TOKEN}, "timeout": 10})
    assert failed
    assert result["failure"] == {"kind": "early_exit", "phase": "initialize", "exit_code": 3}
    assert result["stderr"] == "starting\nfatal: token %s rejected" % MASK
    assert "server_info" not in result
    assert result["total_ms"] >= 0


def test_tool_error_message_is_redacted(capsys, home):
    failed, result = run(capsys, {
        "command": sys.executable, "args": [SERVER, "tool_error"], "env": {"SENTRY_ACCESS_TOKEN": TOKEN}, "timeout": 10,
        "call": {"tool": "echo", "arguments": {"text": "token %s expired" % TOKEN}},
    })
    assert failed
    assert result["msg"] == "tool echo returned an error: token %s expired" % MASK
    assert result["failure"] == {"kind": "tool_error", "phase": "tools/call"}
    assert result["call_result"]["isError"] is True
    assert result["tools"] == ["echo", "env"]


def test_timeout(capsys, home):
    failed, result = run(capsys, {"command": sys.executable, "args": [SERVER, "silent"], "timeout": 0.5})
    assert failed
    assert result["failure"] == {"kind": "timeout", "phase": "initialize"}
    assert result["msg"] == "no answer to initialize within the timeout of 0.5s"


def test_command_not_found_on_the_ide_path(capsys, home):
    failed, result = run(capsys, {"command": "npx", "args": ["-y", "@sentry/mcp-server"], "path_env": str(home)})
    assert failed
    assert result["failure"] == {"kind": "command_not_found", "phase": "spawn"}
    assert "npx was not found on the server's PATH=%s" % home in result["msg"]


def test_code_server_entry_read_like_vscode(capsys, home):
    (home / "bin").mkdir()
    (home / "fake_mcp.py").symlink_to(SERVER)
    (home / "secrets.env").write_text("SENTRY_ACCESS_TOKEN=%s\n" % FILE_TOKEN)
    config = write_config(home / ".local/share/code-server/User/mcp.json", """{
  // the Sentry server, as code-server's Copilot Chat reads it
  "servers": {
    "sentry": {
      "type": "stdio",
      "command": "%s",
      "args": ["~/fake_mcp.py", "good", "${userHome}${pathSeparator}x", "${workspaceFolder}", "${env:SENTRY_HOST}"],
      "envFile": "${userHome}/secrets.env",
      "env": {"FROM_CLIENT": "${env:FROM_CLIENT}", "PATH": "${userHome}/tools"},
      "cwd": "~/bin",
    },
  },
}
""" % sys.executable)
    failed, result = run(capsys, {
        "client": "code_server", "name": "sentry", "timeout": 10, "call": {"tool": "env"}, "workspace": "~/project",
        "client_env": {"FROM_CLIENT": CLIENT_TOKEN, "SENTRY_HOST": "sentry.internal"},
    })
    assert not failed, result
    seen = seen_by_server(result)
    assert seen["cwd"] == str(home / "bin")
    assert seen["env"]["SENTRY_ACCESS_TOKEN"] == MASK
    assert seen["env"]["FROM_CLIENT"] == MASK
    # VS Code appends an entry's PATH (a secret like every env value) to the inherited one.
    assert seen["env"]["PATH"] == "/usr/local/bin:/usr/bin:/bin:" + MASK
    assert seen["argv"] == ["good", "%s/x" % home, "%s/project" % home, MASK]
    assert result["launch"]["path"] == str(config)


def test_claude_code_entry_with_shell_placeholders(capsys, home):
    write_config(home / ".claude.json", json.dumps({"numStartups": 3, "mcpServers": {"sentry": {
        "type": "stdio", "command": sys.executable, "args": [SERVER, "good"],
        "env": {"SENTRY_ACCESS_TOKEN": "${TOKEN}", "SENTRY_HOST": "${SENTRY_HOST:-sentry.io}"}}}}))
    failed, result = run(capsys, {"client": "claude_code", "name": "sentry", "timeout": 10, "call": {"tool": "env"}, "client_env": {"TOKEN": TOKEN}})
    assert not failed
    env = seen_by_server(result)["env"]
    assert (env["SENTRY_ACCESS_TOKEN"], env["SENTRY_HOST"]) == (MASK, MASK)
    # Claude Code does not expand ~ nor default cwd to a workspace: the home.
    assert seen_by_server(result)["cwd"] == str(home)


def test_opencode_command_array_and_file_placeholder(capsys, home):
    (home / ".sentry-token").write_text(FILE_TOKEN + "\n")
    write_config(home / ".config/opencode/opencode.jsonc", json.dumps({"mcp": {"sentry": {
        "type": "local", "command": [sys.executable, SERVER, "good"], "enabled": True,
        "environment": {"SENTRY_ACCESS_TOKEN": "{file:~/.sentry-token}"}}}}))
    failed, result = run(capsys, {"client": "opencode", "name": "sentry", "timeout": 10, "call": {"tool": "env"}})
    assert not failed
    # The server got the file's token; the result shows it masked.
    assert json.loads(result["call_result"]["content"][0]["text"])["env"]["SENTRY_ACCESS_TOKEN"] == MASK


@pytest.mark.parametrize("entry, message", [
    ({"type": "stdio", "command": "node", "env": {"T": "${input:sentry-token}"}}, r"\$\{input:sentry-token\} needs interactive input"),
    ({"type": "http", "url": "https://mcp.sentry.dev/mcp"}, "is not a stdio server \\(transport http\\): the probe speaks stdio only"),
    ({"type": "stdio", "command": "node", "envFile": "/nonexistent/.env"}, "env file /nonexistent/.env cannot be read"),
    ({"type": "stdio", "command": "node", "args": "--stdio"}, "args of server sentry in .*/mcp.json must be a list"),
    ({"type": "stdio", "command": ""}, "the server has no command"),
])
def test_entries_that_cannot_be_launched(capsys, home, entry, message):
    write_config(home / ".local/share/code-server/User/mcp.json", json.dumps({"servers": {"sentry": entry}}))
    failed, result = run(capsys, {"client": "code_server", "name": "sentry"})
    assert failed
    assert result["failure"] == {"kind": "config", "phase": "setup"}
    assert re.search(message, result["msg"])


def test_missing_entry_and_missing_file(capsys, home):
    failed, result = run(capsys, {"client": "cursor", "name": "sentry"})
    assert failed
    assert result["msg"] == "%s/.cursor/mcp.json does not exist: client cursor has no configuration for %s" % (home, pwd.getpwuid(os.geteuid()).pw_name)
    write_config(home / ".cursor/mcp.json", '{"mcpServers": {}}')
    failed, result = run(capsys, {"client": "cursor", "name": "sentry"})
    assert result["msg"] == "%s/.cursor/mcp.json has no server named sentry under mcpServers" % home


def test_disabled_entry_is_probed_with_a_warning(capsys, home):
    write_config(home / ".cline/data/settings/cline_mcp_settings.json", json.dumps({"mcpServers": {"sentry": {
        "type": "stdio", "command": sys.executable, "args": [SERVER, "good"], "disabled": True}}}))
    failed, result = run(capsys, {"client": "cline", "name": "sentry", "timeout": 10})
    assert not failed
    assert "server sentry is disabled in %s/.cline" % home in json.dumps(result["warnings"])


@pytest.mark.parametrize("args, message", [
    ({"command": "node", "path": "/x"}, "path applies to client only"),
    ({"client": "cursor", "name": "s", "args": ["x"]}, "args applies to command only"),
    ({"client": "cursor", "name": "s", "command": "node"}, "mutually exclusive: client|command"),
    ({"client": "cursor"}, "missing parameter\\(s\\) required by 'client': name"),
    ({"command": "node", "timeout": 0}, "timeout must be positive"),
])
def test_option_combinations(capsys, home, args, message):
    failed, result = run(capsys, args)
    assert failed
    assert re.search(message, result["msg"])


def test_a_non_root_module_cannot_switch_users(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(_probe.ProbeSetupError, match="cannot start the server as bob: the module runs as uid 1000; use become_user: bob"):
        _probe.check_can_act(Account("bob", 1001, 1001, "/home/bob", "/bin/bash"))
    _probe.check_can_act(Account("me", 1000, 1000, "/home/me", "/bin/bash"))


@pytest.mark.skipif(os.geteuid() != 0 or not os.access("/usr/bin/python3", os.X_OK), reason="switching users needs root")
def test_root_runs_the_server_as_the_user(capsys):
    failed, result = run(capsys, {"user": "nobody", "command": "/usr/bin/python3", "args": [SERVER, "good"], "cwd": "/tmp", "timeout": 10,
                                  "call": {"tool": "env"}})
    assert not failed
    seen = seen_by_server(result)
    nobody = pwd.getpwnam("nobody")
    assert (seen["uid"], seen["gid"]) == (nobody.pw_uid, nobody.pw_gid)
    assert (seen["env"]["USER"], seen["env"]["HOME"]) == ("nobody", nobody.pw_dir)
