# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real clients read what mcpfleet.mcp.mcp_server wrote, and connect to the real server.

For every pinned client: the module writes the user's file (fresh, and over a file of the
user's own with comments, another server and unknown keys), the client's own `mcp add` (where it
has one) and the module alternate, and the client's own listing must show every server
connected. Every client command runs as a throwaway user in a network namespace with loopback
only.
"""

import tomllib

import pytest

import module
import steps
from clients import CLIENTS, existing_text
from conftest import TABLE
from fake_tokens import PUBLIC_TOKEN

SENTRY_TOOLS = [
    "find_organizations", "find_projects", "update_issue", "search_events", "analyze_issue_with_seer",
    "search_issues", "get_sentry_resource", "search_sentry_tools", "execute_sentry_tool",
]
ALL = sorted(CLIENTS)
WITH_ADD = sorted(name for name, spec in CLIENTS.items() if spec["add"])


def _assert_connected(servers, name, command, output):
    """``name`` is listed with ``command`` and connected (the 9 tools, where the client lists tools)."""
    assert name in servers, "%s missing from the listing:\n%s" % (name, output[-3000:])
    server = servers[name]
    if server.command is not None:
        assert server.command == command, server
    assert server.connected, "%s not connected: %r\n%s" % (name, server, output[-3000:])
    if server.tools is not None:
        # Copilot's log lists them sorted, the others in the server's order.
        assert sorted(server.tools) == sorted(SENTRY_TOOLS), server
    if hasattr(server, "enabled"):
        # Copilot CLI: `mcp get` says the entry is enabled, and its session counted the tools.
        assert server.enabled == "Enabled", server
        assert server.tool_count == len(SENTRY_TOOLS), server
    return server


def _users_own_file(tier, user, client):
    """Give the user a file of their own (comments where the grammar allows, another server,
    unknown keys): (client spec, path, text)."""
    spec = CLIENTS[client]
    path = spec.get("existing_file", spec["file"])
    original = existing_text(client, tier.server_argv(), {"SENTRY_ACCESS_TOKEN": steps.OTHER})
    user.write(path, original)
    return spec, path, original


def _comments(spec, text):
    return spec["grammar"]["comments"].findall(text)


@pytest.mark.parametrize("client", ALL)
def test_fresh_file(tier, user, client):
    assert tier.installed_version(client) == tier.pins[client]["version"]
    result = steps.module_entry(tier, user, client)
    assert result["changed"] is True
    servers, output = steps.client_list(tier, user, client)
    server = _assert_connected(servers, "sentry", steps.module_command(tier), output)
    TABLE[client] = {
        "title": tier.pins[client]["title"], "version": tier.installed_version(client),
        "connected": "yes",
        "tools": len(server.tools) if server.tools is not None else "not exposed",
    }
    # Run again: nothing to do, the file stays.
    before = user.read(CLIENTS[client]["file"])
    assert steps.module_entry(tier, user, client)["changed"] is False
    assert user.read(CLIENTS[client]["file"]) == before


@pytest.mark.parametrize("client", ALL)
def test_existing_file_keeps_what_the_user_had(tier, user, client):
    spec, path, original = _users_own_file(tier, user, client)
    assert bool(_comments(spec, original)) == spec["comments"]
    result = steps.module_entry(tier, user, client)
    assert result["changed"] is True
    assert result["path"] == user.path(path)
    text = user.read(path)
    assert _comments(spec, text) == _comments(spec, original)
    assert any(marker in original for marker in spec["grammar"]["kept"])
    for marker in spec["grammar"]["kept"]:
        assert text.count(marker) == original.count(marker), marker
    servers, output = steps.client_list(tier, user, client, names=("sentry", "keep"))
    _assert_connected(servers, "sentry", steps.module_command(tier), output)
    _assert_connected(servers, "keep", steps.module_command(tier), output)


@pytest.mark.parametrize("client", WITH_ADD)
def test_client_add_and_module_alternate(tier, user, client):
    spec, path, original = _users_own_file(tier, user, client)
    assert steps.module_entry(tier, user, client)["changed"] is True
    other_argv = tier.server_argv(port=9001)
    if spec.get("add_token_flag"):
        other_argv.append("--access-token=" + PUBLIC_TOKEN)
    steps.client_add(tier, user, client, "other", other_argv)
    again = steps.module_entry(tier, user, client)
    assert again["changed"] is False, again.get("diff")
    text = user.read(path)
    if spec["client_add_keeps_comments"]:
        assert _comments(spec, text) == _comments(spec, original)
    servers, output = steps.client_list(tier, user, client, names=("sentry", "keep", "other"))
    _assert_connected(servers, "sentry", steps.module_command(tier), output)
    _assert_connected(servers, "keep", steps.module_command(tier), output)
    _assert_connected(servers, "other", " ".join(other_argv), output)


def test_cline_runs_the_module_command_after_its_own_add_of_the_same_name(tier, user):
    steps.module_entry(tier, user, "cline")
    own = tier.server_argv(port=9001)
    steps.client_add(tier, user, "cline", "sentry", own)
    servers, output = steps.client_list(tier, user, "cline")
    # Cline's own add wins at first: it runs its command (this is what the module must undo).
    assert servers["sentry"].command == " ".join(own), output
    result = steps.module_entry(tier, user, "cline")
    assert result["changed"] is True
    assert '"transport"' not in user.read(CLIENTS["cline"]["file"])
    servers, output = steps.client_list(tier, user, "cline")
    server = _assert_connected(servers, "sentry", steps.module_command(tier), output)
    assert server.timeout == 60


def test_gemini_disables_user_servers_in_an_untrusted_folder(tier, user):
    steps.module_entry(tier, user, "gemini_cli")
    servers, output = steps.client_list(tier, user, "gemini_cli", env={"GEMINI_CLI_TRUST_WORKSPACE": None})
    assert servers["sentry"].status == "Disabled", output
    assert servers["sentry"].connected is False
    assert "disabled because this folder is untrusted" in output


def test_codex_remove_and_module_alternate(tier, user):
    # `codex mcp remove` rewrites every [mcp_servers.*] table in its own form; the module reads
    # what it left as the same entry, and the module's own removal keeps everything else.
    spec, path, original = _users_own_file(tier, user, "codex")
    assert steps.module_entry(tier, user, "codex")["changed"] is True
    done = user.run([tier.bin("codex"), "mcp", "remove", "keep"], env=spec.get("env"))
    assert done.status == 0, done.output[-3000:]
    assert steps.module_entry(tier, user, "codex")["changed"] is False
    servers, output = steps.client_list(tier, user, "codex")
    _assert_connected(servers, "sentry", steps.module_command(tier), output)
    removed, dummy = module.run_module({"client": "codex", "user": user.name, "name": "sentry", "state": "absent"})
    assert removed["changed"] is True
    left, before = tomllib.loads(user.read(path)), tomllib.loads(original)
    assert left.pop("mcp_servers", {}) == {}
    before.pop("mcp_servers")
    assert left == before


@pytest.mark.parametrize("client", ALL)
def test_an_entry_whose_server_exits_is_not_connected(tier, user, client):
    # The control: without its token the real server exits 1 at start, and the same listing and
    # parser must say so. A parser that always found "connected" would fail here.
    steps.module_entry(tier, user, client, env={"SENTRY_NO_TOKEN": "1"})
    servers, output = steps.client_list(tier, user, client)
    assert "sentry" in servers, output
    assert servers["sentry"].connected is False, servers["sentry"]
    assert not servers["sentry"].tools
