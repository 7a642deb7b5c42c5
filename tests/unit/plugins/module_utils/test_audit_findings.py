# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit's pure functions: one file's text through a client profile, without any file."""

import json

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _audit, _clients, _launch
from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import get_profile

TOKEN = "sntryu_" + "5" * 64


def report(client, data, mode=0o600):
    text = data if isinstance(data, str) else json.dumps(data)
    return _audit.file_report("alice", client, get_profile(client), "/home/alice/f.json", text, "alice", mode)


@pytest.mark.parametrize("version, unpinned", [
    (None, True), ("latest", True), ("next", True), ("^0.39.0", True), ("0.x", True),
    ("0.39.0", False), ("1.0.0-rc.1", False),
])
def test_only_an_exact_version_is_pinned(version, unpinned):
    package = "@sentry/mcp-server" + ("@" + version if version else "")
    item = report("cursor", {"mcpServers": {"s": {"command": "bunx", "args": [package]}}})
    assert [finding["kind"] for finding in item["findings"]] == (["unpinned_package"] if unpinned else [])


def test_an_installed_tree_or_a_binary_is_not_a_package_to_pin():
    item = report("cursor", {"mcpServers": {
        "tree": {"command": "node", "args": ["/opt/x/node_modules/@sentry/mcp-server/dist/index.js"]},
        "binary": {"command": "/opt/sentry-mcp/bin/sentry-mcp-stdio"}}})
    assert item["findings"] == [] and [server["runner"] for server in item["servers"]] == ["node", None]


def test_opencode_argv_and_environment_are_read_as_the_client_reads_them():
    item = report("opencode", {"mcp": {"s": {"type": "local", "command": ["npx", "-y", "@sentry/mcp-server", "--access-token=" + TOKEN],
                                             "environment": {"SENTRY_HOST": "{env:HOST}"}}}})
    (server,) = item["servers"]
    assert (server["command"], server["package"], server["secrets"]) == (
        "npx", "@sentry/mcp-server", [dict(where="args", name="--access-token", held="literal")])
    kinds = sorted(finding["kind"] for finding in item["findings"])
    assert kinds == ["literal_secret", "secret_on_command_line", "unpinned_package"]
    assert TOKEN[:12] not in json.dumps(item)


def test_a_placeholder_on_the_command_line_is_no_literal():
    item = report("claude_code", {"mcpServers": {"s": {"command": "/bin/s", "args": ["--auth-token", "${SENTRY_TOKEN}"]}}})
    assert item["servers"][0]["secrets"] == [dict(where="args", name="--auth-token", held="placeholder")]
    assert item["findings"] == []


@pytest.mark.parametrize("mode, readable", [(0o600, False), (0o640, True), (0o604, True), (0o700, False)])
def test_a_file_with_a_literal_secret_must_be_private(mode, readable):
    item = report("kiro", {"mcpServers": {"s": {"command": "/bin/s", "env": {"API_KEY": "plain-value"}}}}, mode)
    assert ("readable_secret_file" in [finding["kind"] for finding in item["findings"]]) is readable
    assert "plain-value" not in json.dumps(item)


def test_a_servers_key_of_the_wrong_type_names_its_line():
    item = report("zed", '{\n  // settings\n  "context_servers": [],\n}\n')
    assert item["parse_error"] == "/home/alice/f.json: line 3, column 22: the value at context_servers is an array, not an object"
    assert item["findings"][0]["kind"] == "unparsable_file"


def test_an_empty_file_or_one_without_servers_has_none():
    assert report("cursor", "")["servers"] == [] and report("cursor", {"other": 1})["servers"] == []


def test_a_flag_and_its_secret_are_one_secret():
    assert _launch.secret_args(["--access-token", TOKEN, TOKEN, "--api-key=k"]) == [
        ("--access-token", TOKEN), (None, TOKEN), ("--api-key", "k")]
    assert _launch.secrets_in_args(["--access-token", "${X}", "--token=abc"]) == ["abc"]


def test_the_audited_clients_are_those_with_a_user_file():
    assert "generic" not in _clients.audited_clients() and "roo_code" in _clients.audited_clients()


CODEX_RECIPE = """# by hand, from the wiki
model = "gpt-5-codex"

[mcp_servers.sentry-hand]
command = "npx"
args = ["-y", "@sentry/mcp-server@latest", "--access-token", "%s"]
""" % TOKEN

CONTINUE_RECIPE = """name: Mine
version: 1.0.0
mcpServers:
  - name: Sentry  # from the wiki
    command: npx
    args: ["@sentry/mcp-server@latest"]
    env: {SENTRY_ACCESS_TOKEN: %s}
""" % TOKEN


@pytest.mark.parametrize("client, text, where", [("codex", CODEX_RECIPE, "args"), ("continue", CONTINUE_RECIPE, "env")])
def test_the_manual_recipe_is_found_in_codex_and_continue_files(client, text, where):
    item = report(client, text, 0o644)
    (server,) = item["servers"]
    assert (server["runner"], server["package"], server["version"]) == ("npx", "@sentry/mcp-server", "latest")
    assert [secret["where"] for secret in server["secrets"]] == [where]
    kinds = sorted(finding["kind"] for finding in item["findings"])
    expected = ["literal_secret", "readable_secret_file", "unpinned_package"]
    assert kinds == sorted(expected + (["secret_on_command_line"] if where == "args" else []))
    assert TOKEN[:12] not in json.dumps(item)


@pytest.mark.parametrize("client, text, line", [
    ("codex", "[mcp_servers.a]\ncommand = 'x'\n[mcp_servers.a]\n", 3),
    ("continue", "name: a\nversion: 1\nmcpServers:\n  - !tag {name: a}\n", 4),
])
def test_an_unreadable_codex_or_continue_file_is_a_finding_with_its_line(client, text, line):
    item = report(client, text)
    assert item["parse_error"].startswith("/home/alice/f.json: line %d, column " % line)
    assert [finding["kind"] for finding in item["findings"]] == ["unparsable_file"]


SENTRY_LAUNCH = ["/opt/sentry-mcp/bin/sentry-mcp-stdio", "--host=sentry.example.com"]
HAND_MADE = {"mcpServers": {
    "sentry": {"command": SENTRY_LAUNCH[0], "args": SENTRY_LAUNCH[1:]},
    "rogue": {"command": "npx", "args": ["-y", "rogue-mcp@1.0.0"]},
    "renamed": {"command": SENTRY_LAUNCH[0], "args": SENTRY_LAUNCH[1:]},
}}


def test_servers_the_policy_keeps_from_running_are_findings_and_the_approved_one_is_not():
    policy = dict(path="/etc/claude-code/managed-settings.json", exclusive=True, deny=[],
                  allow=[{"serverCommand": SENTRY_LAUNCH}])
    item = _audit.file_report("alice", "claude_code", get_profile("claude_code"), "/home/alice/.claude.json",
                              json.dumps(HAND_MADE), "alice", 0o600, policy=policy)
    assert [(server["name"], server["blocked"]) for server in item["servers"]] == [
        ("sentry", None), ("rogue", "allowedMcpServers has no serverCommand entry for what it launches"), ("renamed", None)]
    blocked = [finding for finding in item["findings"] if finding["kind"] == "blocked_by_policy"]
    assert [(finding["server"], finding["user"], finding["client"]) for finding in blocked] == [("rogue", "alice", "claude_code")]
    assert "/etc/claude-code/managed-settings.json" in blocked[0]["detail"]


def test_without_a_policy_no_server_is_judged():
    item = report("claude_code", HAND_MADE)
    assert "blocked" not in item["servers"][0]
    assert [finding for finding in item["findings"] if finding["kind"] == "blocked_by_policy"] == []
