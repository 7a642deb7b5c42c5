# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The probe against a real server built on the official MCP Python SDK 2.x (python_sdk_server.py).

The SDK's server speaks both revisions and locks its connection to the one the first request
opens: the probe's server/discover must open a 2026-07-28 session, and the tools/list and
tools/call after it must carry the envelope (the SDK refuses them otherwise).
"""

import json
import os
import sys

import pytest

# The collection's own MCP client (tests/conftest.py puts the collection on sys.path).
from ansible_collections.mcpfleet.mcp.plugins.module_utils import _mcp_stdio as mcp_stdio

SERVER = os.path.join(os.path.dirname(__file__), "python_sdk_server.py")


@pytest.fixture
def env(tmp_path):
    # The venv's python finds the SDK by itself: nothing inherited.
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8"}


def test_a_server_on_the_official_python_sdk_answers_through_server_discover(env):
    warnings = []
    facts = mcp_stdio.probe([sys.executable, SERVER], env, timeout=30, call={"tool": "add", "arguments": {"a": 2, "b": 40}},
                            warnings=warnings)
    assert (facts["handshake"], facts["protocol_version"]) == ("discover", "2026-07-28")
    # The serverInfo stamp the SDK puts in the _meta of its 2026-07-28 results.
    assert facts["server_info"] == {"name": "sdk-tiny", "version": "0.0.1"}
    assert facts["tools"] == ["add"]
    assert facts["call_result"]["structuredContent"] == {"result": 42}
    assert json.loads(facts["call_result"]["content"][0]["text"]) == 42
    assert warnings == []


def test_the_same_server_asked_initialize_alone_negotiates_the_older_revision(env):
    # What an older client sees: so the 2026-07-28 above came from server/discover.
    with mcp_stdio.StdioServer([sys.executable, SERVER], env, timeout=30) as server:
        assert server.initialize()["protocolVersion"] == "2025-11-25"
        assert (server.handshake, server.protocol_version) == ("initialize", "2025-11-25")
        assert [tool["name"] for tool in server.list_tools()] == ["add"]
