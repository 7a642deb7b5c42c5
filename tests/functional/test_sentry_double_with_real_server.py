"""The real @sentry/mcp-server, pointed at the Sentry API double, answers whoami and
find_organizations for the token's user; every call it makes is one the double implements.

Needs the pinned server tree (tests/setup/sentry-mcp-tree.sh installs it from the npm registry)
and a node: $MCPFLEET_TEST_NODE, else build/fixtures/node/current/bin/node, else node on PATH.
"""

import json
import os
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "doubles"))

from _http_double import JsonSource, start_in_thread  # noqa: E402  pylint: disable=wrong-import-position
from sentry_api import SentryHandler, validate_tokens  # noqa: E402  pylint: disable=wrong-import-position

# The collection's own MCP client (tests/conftest.py puts the collection on sys.path).
from ansible_collections.mcpfleet.mcp.plugins.module_utils import _mcp_stdio as mcp_stdio  # noqa: E402  pylint: disable=wrong-import-position

ALICE = "sntryu_" + "0" * 60 + "a11c"
BOB = "sntryu_" + "0" * 61 + "b0b"
UNKNOWN = "sntryu_" + "0" * 60 + "dead"
TOKENS = {
    ALICE: {
        "user": {"id": "101", "name": "Alice Example", "email": "alice@example.test", "username": "alice"},
        "scopes": ["org:read", "project:read", "project:write", "team:read", "team:write", "event:write"],
        "organizations": [{"id": "1", "slug": "acme", "name": "Acme"}, {"id": "2", "slug": "umbrella", "name": "Umbrella Corp"}],
        "projects": {"acme": [{"id": "11", "slug": "web", "name": "Web", "platform": "python"}]},
    },
    BOB: {
        "user": {"id": "102", "name": "Bob Example", "email": "bob@example.test"},
        "scopes": ["event:write"],
        "organizations": [{"id": "1", "slug": "acme", "name": "Acme"}],
    },
}
WHOAMI = ("execute_sentry_tool", {"name": "whoami", "arguments": {}})
FIND_ORGANIZATIONS = ("find_organizations", {})


@pytest.fixture
def sentry(tmp_path):
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps(TOKENS))
    server = start_in_thread(SentryHandler, JsonSource(path=str(path), validate=validate_tokens))
    yield server
    server.shutdown()
    server.server_close()


def ask(server_argv, sentry, tmp_path, token, *calls):
    """Run the server with token in its environment; [(isError, result)] for each tools/call."""
    argv = server_argv + ["--host=127.0.0.1:%d" % sentry.server_address[1], "--insecure-http"]
    # An explicit environment: nothing inherited (SENTRY_URL would beat --host, SENTRY_DSN send telemetry).
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8", "SENTRY_ACCESS_TOKEN": token}
    answers = []
    with mcp_stdio.StdioServer(argv, env, timeout=20) as server:
        assert server.initialize()["serverInfo"] == {"name": "Sentry MCP", "version": "0.39.0"}
        for tool, arguments in calls:
            result = server.request("tools/call", {"name": tool, "arguments": arguments})
            answers.append((bool(result.get("isError")), result))
    return answers


def calls_made(sentry):
    return [(entry["path"], entry["query"], entry["status"], entry["auth"]) for entry in sentry.snapshot()]


def test_whoami_and_find_organizations_answer_for_the_tokens_user(server_argv, sentry, tmp_path):
    whoami, orgs = ask(server_argv, sentry, tmp_path, ALICE, WHOAMI, FIND_ORGANIZATIONS)
    assert whoami[0] is False
    assert whoami[1]["structuredContent"]["user"] == {"id": "101", "name": "Alice Example", "email": "alice@example.test"}
    assert orgs[0] is False
    assert orgs[1]["structuredContent"] == {
        "organizations": [
            {"slug": "acme", "webUrl": sentry.url + "/organizations/acme/", "regionUrl": None},
            {"slug": "umbrella", "webUrl": sentry.url + "/organizations/umbrella/", "regionUrl": None},
        ],
        "hasMore": False,
    }
    # Nothing at start-up, one GET per tool, each a route the double implements.
    assert calls_made(sentry) == [
        ("/api/0/auth/", "", 200, "user:alice"),
        ("/api/0/organizations/", "per_page=26", 200, "user:alice"),
    ]
    assert {entry["user_agent"] for entry in sentry.snapshot()} == {"sentry-mcp/0.39.0 (https://mcp.sentry.dev)"}


def test_unknown_token_is_authorization_expired(server_argv, sentry, tmp_path):
    for is_error, result in ask(server_argv, sentry, tmp_path, UNKNOWN, WHOAMI, FIND_ORGANIZATIONS):
        assert is_error
        assert result["content"][0]["text"].startswith("**Authorization Expired**")
    assert calls_made(sentry) == [
        ("/api/0/auth/", "", 401, "invalid"),
        ("/api/0/organizations/", "per_page=26", 401, "invalid"),
    ]


def test_missing_scope_surfaces_only_at_the_tool_call(server_argv, sentry, tmp_path):
    # The server does not check scopes: whoami works, find_organizations gets Sentry's 403.
    whoami, orgs = ask(server_argv, sentry, tmp_path, BOB, WHOAMI, FIND_ORGANIZATIONS)
    assert whoami[0] is False and whoami[1]["structuredContent"]["user"]["email"] == "bob@example.test"
    assert orgs[0] is True
    assert "You do not have permission to perform this action." in orgs[1]["content"][0]["text"]
