# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each client's placeholder syntax, expanded the way that client expands it."""

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils._placeholders import Context, PlaceholderError, expand, expand_all

ENV = {"TOKEN": "sntryu_" + "0" * 60 + "test", "EMPTY": "", "HOST": "sentry.internal"}


def ctx(tmp_path=None, workspace=None):
    return Context(ENV, "/home/alice", workspace=workspace, config_dir=str(tmp_path) if tmp_path else None)


@pytest.mark.parametrize("value, expected", [
    ("${env:TOKEN}", ENV["TOKEN"]),
    ("--host=${env:HOST}", "--host=sentry.internal"),
    ("${env:UNSET}", ""),
    ("${userHome}/.local/bin/node", "/home/alice/.local/bin/node"),
    ("a${pathSeparator}b${/}c", "a/b/c"),
    ("${TOKEN} $TOKEN {env:TOKEN}", "${TOKEN} $TOKEN {env:TOKEN}"),
    ("${unknownVariable}", "${unknownVariable}"),
])
def test_vscode(value, expected):
    assert expand(value, "vscode", ctx()) == expected


def test_vscode_workspace_folder():
    assert expand("${workspaceFolder}/.env", "vscode", ctx(workspace="/srv/app/")) == "/srv/app//.env"
    assert expand("${workspaceFolderBasename}", "vscode", ctx(workspace="/srv/app/")) == "app"
    with pytest.raises(PlaceholderError, match="needs a workspace folder"):
        expand("${workspaceFolder}/.env", "vscode", ctx())


@pytest.mark.parametrize("value, message", [
    ("${input:sentry-token}", r"\$\{input:sentry-token\} needs interactive input"),
    ("${command:pick}", "resolved by the running editor"),
    ("${config:editor.fontSize}", "resolved by the running editor"),
])
def test_vscode_needs_the_editor(value, message):
    with pytest.raises(PlaceholderError, match=message):
        expand(value, "vscode", ctx())


@pytest.mark.parametrize("value, expected", [
    ("${TOKEN}", ENV["TOKEN"]),
    ("${HOST:-sentry.io}", "sentry.internal"),
    ("${UNSET:-sentry.io}", "sentry.io"),
    ("${UNSET:-}", ""),
    ("${EMPTY:-x}", ""),
    ("$TOKEN {env:TOKEN}", "$TOKEN {env:TOKEN}"),
])
def test_shell(value, expected):
    assert expand(value, "shell", ctx()) == expected


def test_shell_unset_without_default_is_an_error():
    with pytest.raises(PlaceholderError, match="environment variable UNSET is not set"):
        expand("${UNSET}", "shell", ctx())
    # VS Code's syntax in a Claude Code file names a variable called "env:TOKEN".
    with pytest.raises(PlaceholderError, match="environment variable env:TOKEN is not set"):
        expand("${env:TOKEN}", "shell", ctx())


@pytest.mark.parametrize("value, expected", [
    ("$TOKEN", ENV["TOKEN"]),
    ("${HOST}:9000", "sentry.internal:9000"),
    ("$HOST_X", ""),
    ("$UNSET-${UNSET}", "-"),
    ("cost $ 5", "cost $ 5"),
])
def test_gemini(value, expected):
    assert expand(value, "gemini", ctx()) == expected


def test_opencode(tmp_path):
    (tmp_path / "token").write_text("  secret-from-file\n")
    context = ctx(tmp_path)
    assert expand("{env:TOKEN}", "opencode", context) == ENV["TOKEN"]
    assert expand("{env:UNSET}", "opencode", context) == ""
    assert expand("{file:token}", "opencode", context) == "secret-from-file"
    assert expand("{file:%s}" % (tmp_path / "token"), "opencode", context) == "secret-from-file"
    assert expand("${TOKEN}", "opencode", context) == "${TOKEN}"
    assert context.file_values == ["secret-from-file", "secret-from-file"]
    with pytest.raises(PlaceholderError, match="{file:missing} cannot be read"):
        expand("{file:missing}", "opencode", context)


def test_opencode_file_in_home(tmp_path):
    (tmp_path / ".sentry-token").write_text("from-home")
    assert expand("{file:~/.sentry-token}", "opencode", Context(ENV, str(tmp_path))) == "from-home"


def test_windsurf(tmp_path):
    (tmp_path / "token").write_text("from-file\n")
    context = ctx(tmp_path)
    assert expand("${env:TOKEN}", "windsurf", context) == ENV["TOKEN"]
    assert expand("${env:UNSET}", "windsurf", context) == ""
    assert expand("${file:%s}" % (tmp_path / "token"), "windsurf", context) == "from-file"
    # An unreadable file leaves the placeholder as written.
    assert expand("${file:/nonexistent/token}", "windsurf", context) == "${file:/nonexistent/token}"
    assert expand("${userHome}", "windsurf", context) == "${userHome}"
    assert context.file_values == ["from-file"]


def test_no_style_expands_nothing():
    assert expand("${env:TOKEN} ${TOKEN} $TOKEN", None, ctx()) == "${env:TOKEN} ${TOKEN} $TOKEN"


def test_unknown_style():
    with pytest.raises(ValueError, match="unknown placeholder style 'bash'"):
        expand("x", "bash", ctx())


def test_expand_all_walks_lists_and_dict_values():
    entry = {"command": "${userHome}/bin/node", "args": ["--host=${env:HOST}"], "env": {"${env:HOST}": "${env:TOKEN}"}, "cwd": None}
    assert expand_all(entry, "vscode", ctx()) == {
        "command": "/home/alice/bin/node",
        "args": ["--host=sentry.internal"],
        "env": {"${env:HOST}": ENV["TOKEN"]},
        "cwd": None,
    }
