# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mcp_probe, run by ansible-playbook, against the real pinned @sentry/mcp-server 0.39.0.

The server's API calls go to the Sentry API double on loopback (--host, --insecure-http). The
official MCP Python SDK, as an independent client, must see the same tools. The fake tokens
must appear nowhere in Ansible's -vvv output or in the registered results.
"""

import json
import os
import subprocess
import sys

import anyio
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "doubles"))

from _http_double import JsonSource, start_in_thread  # noqa: E402  pylint: disable=wrong-import-position
from sentry_api import SentryHandler, validate_tokens  # noqa: E402  pylint: disable=wrong-import-position

TOKEN = "sntryu_" + "0" * 60 + "900d"
WRONG = "sntryu_" + "0" * 60 + "bad0"
USER = {"id": "7", "name": "Probe Tester", "email": "probe@example.test"}
TOOLS = [
    "find_organizations", "find_projects", "update_issue", "search_events", "analyze_issue_with_seer",
    "search_issues", "get_sentry_resource", "search_sentry_tools", "execute_sentry_tool",
]
WHOAMI = {"tool": "execute_sentry_tool", "arguments": {"name": "whoami", "arguments": {}}}


@pytest.fixture(scope="module")
def sentry():
    server = start_in_thread(SentryHandler, JsonSource(text=json.dumps({TOKEN: {"user": USER, "scopes": ["org:read"]}}),
                                                       validate=validate_tokens))
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def playbook_run(server_argv, sentry, tmp_path_factory):
    """Run three probes in one playbook; return (registered results, Ansible's whole output)."""
    work = tmp_path_factory.mktemp("probe")
    # The collection from this working tree, through a link of its own (never the checkout's parent).
    link = work / "collections" / "ansible_collections" / "mcpfleet" / "mcp"
    link.parent.mkdir(parents=True)
    link.symlink_to(ROOT)
    node, entry = server_argv
    host_args = ["--host=127.0.0.1:%d" % sentry.server_address[1], "--insecure-http"]
    (work / "sentry.env").write_text("SENTRY_ACCESS_TOKEN=%s\n" % TOKEN)
    (work / "mcp.json").write_text("""{
  // code-server's user mcp.json: the token comes from an envFile, never from this file
  "servers": {
    "sentry": {
      "type": "stdio",
      "command": %s,
      "args": %s,
      "envFile": %s,
    },
  },
}
""" % (json.dumps(node), json.dumps([entry] + host_args), json.dumps(str(work / "sentry.env"))))
    probe_entry = {"client": "code_server", "path": str(work / "mcp.json"), "name": "sentry", "timeout": 30}
    tasks = [
        {"name": "list", "mcpfleet.mcp.mcp_probe": dict(probe_entry, expect_tools=TOOLS), "register": "listed"},
        {"name": "whoami", "mcpfleet.mcp.mcp_probe": dict(probe_entry, call=WHOAMI), "register": "whoami"},
        {"name": "wrong token", "mcpfleet.mcp.mcp_probe": {
            "command": node, "args": [entry] + host_args, "env": {"SENTRY_ACCESS_TOKEN": WRONG}, "call": WHOAMI, "timeout": 30,
        }, "register": "wrong", "failed_when": False},
        {"name": "save", "ansible.builtin.copy": {
            "content": "{{ {'listed': listed, 'whoami': whoami, 'wrong': wrong} | to_json }}", "dest": str(work / "results.json"),
        }},
    ]
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, "tasks": tasks}]
    (work / "play.yml").write_text(json.dumps(play))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(work / "collections"), ANSIBLE_HOME=str(work / "ansible-home"),
               ANSIBLE_LOCAL_TEMP=str(work / "ansible-home" / "tmp"), ANSIBLE_NOCOLOR="1", ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
               ANSIBLE_LOCALHOST_WARNING="0")
    playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    done = subprocess.run([playbook, "-vvv", "-i", "localhost,", str(work / "play.yml")],
                          env=env, capture_output=True, text=True, timeout=240, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    return json.loads((work / "results.json").read_text()), output


def test_the_real_server_answers_with_its_identity_and_tools(playbook_run):
    listed = playbook_run[0]["listed"]
    assert not listed.get("failed"), listed
    assert listed["changed"] is False
    assert listed["server_info"] == {"name": "Sentry MCP", "version": "0.39.0"}
    # 0.39.0 answers server/discover with -32601 (method not found): the initialize fallback
    # answered, on the same process (a server started again would have left a warning).
    assert (listed["handshake"], listed["protocol_version"]) == ("initialize", "2025-11-25")
    assert not listed.get("warnings")
    assert listed["tools"] == TOOLS and len(TOOLS) == 9
    assert 0 < listed["ready_ms"] <= listed["total_ms"] < 30000
    assert "SENTRY_ACCESS_TOKEN" in listed["launch"]["env_names"]


def test_a_tool_call_reaches_the_api_with_the_env_file_token(playbook_run, sentry):
    whoami = playbook_run[0]["whoami"]
    assert not whoami.get("failed"), whoami
    assert whoami["call_result"]["structuredContent"]["user"] == USER
    # Nothing at start-up: the env file's token reached the API with the one call, the wrong one with its own.
    assert [(entry["path"], entry["status"], entry["auth"]) for entry in sentry.snapshot()] == [
        ("/api/0/auth/", 200, "user:probe@example.test"),
        ("/api/0/auth/", 401, "invalid"),
    ]


def test_a_wrong_token_is_a_tool_error(playbook_run):
    wrong = playbook_run[0]["wrong"]
    assert wrong["failure"] == {"kind": "tool_error", "phase": "tools/call"}
    assert wrong["msg"].startswith("tool execute_sentry_tool returned an error: **Authorization Expired**")
    assert wrong["tools"] == TOOLS


def test_the_tokens_appear_nowhere(playbook_run):
    results, output = playbook_run
    text = json.dumps(results)
    for token in (TOKEN, WRONG):
        assert token not in output
        assert token not in text


async def _sdk_tool_names(argv, env):
    params = StdioServerParameters(command=argv[0], args=argv[1:], env=env)
    names, cursor = [], None
    with anyio.fail_after(30), open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                assert (init.server_info.name, init.server_info.version) == ("Sentry MCP", "0.39.0")
                while True:
                    page = await session.list_tools(params={"cursor": cursor} if cursor else None)
                    names.extend(tool.name for tool in page.tools)
                    cursor = page.next_cursor
                    if not cursor:
                        return names


def test_the_official_sdk_sees_the_same_tools(playbook_run, server_argv, tmp_path):
    names = anyio.run(_sdk_tool_names, server_argv + ["--host=127.0.0.1:9", "--insecure-http"],
                      {"SENTRY_ACCESS_TOKEN": WRONG, "HOME": str(tmp_path)})
    assert names == playbook_run[0]["listed"]["tools"]
