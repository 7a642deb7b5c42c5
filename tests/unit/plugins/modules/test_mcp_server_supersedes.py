# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mcp_server supersedes: hand-made entries of any name replaced, described without secrets."""

import json
import os

import pytest
import yaml

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _launch
from test_mcp_server import COMMAND, home, run  # noqa: F401 pylint: disable=unused-import

TOKEN = "sntryu_" + "a1" * 32
OTHER_TOKEN = "sntryu_" + "b2" * 32
ROLES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "roles")
# The sentry_mcp role's own matchers, so that these tests prove what the role adopts.
with open(os.path.join(ROLES, "sentry_mcp", "defaults", "main.yml")) as _defaults:
    SENTRY = yaml.safe_load(_defaults)["sentry_mcp_adopt_matchers"]
HAND_MADE = """{
  "mcpServers": {
    "Sentry": {"command": "npx", "args": ["@sentry/mcp-server@latest", "--access-token", "%s", "--host=s.example.com"]},
    "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"]}
  }
}
""" % TOKEN


@pytest.mark.parametrize("command,args", [
    ("npx", ["@sentry/mcp-server"]),
    ("npx", ["-y", "@sentry/mcp-server@0.39.0"]),
    ("bunx", ["@sentry/mcp-server@latest"]),
    ("pnpm", ["dlx", "@sentry/mcp-server"]),
    ("yarn", ["dlx", "@sentry/mcp-server@latest"]),
    ("npm", ["exec", "--yes", "@sentry/mcp-server"]),
    ("/usr/bin/node", ["/usr/lib/node_modules/@sentry/mcp-server/dist/index.js"]),
    ("/usr/local/bin/sentry-mcp", []),
    ("sentry-mcp", ["--access-token=x"]),
    ("node", ["/home/bob/src/sentry-mcp/packages/mcp-server/dist/index.js", "--access-token", "x"]),
])
def test_every_runner_form_matches(command, args):
    assert any(_launch.matches(m, command, args) for m in SENTRY)


@pytest.mark.parametrize("command,args", [
    ("npx", ["@sentry/mcp-server-other"]),
    ("npx", ["-y", "@modelcontextprotocol/server-github"]),
    ("node", ["/x/node_modules/other/dist/index.js"]),
    ("/opt/sentry-mcp/bin/sentry-mcp-stdio", []),
])
def test_other_servers_do_not_match(command, args):
    assert not any(_launch.matches(m, command, args) for m in SENTRY)


def _write(home, text, mode=0o644, where=(".aws", "amazonq", "mcp.json")):
    path = os.path.join(home.home, *where)
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as handle:
        handle.write(text)
    os.chmod(path, mode)
    if os.geteuid() == 0:
        for index in range(1, len(where) + 1):
            os.chown(os.path.join(home.home, *where[:index]), home.uid, home.gid)
    return path


def test_adopts_hand_made_entry_check_diff_idempotent(home, run):
    path = _write(home, HAND_MADE)
    task = dict(client="amazonq", command=COMMAND, supersedes=SENTRY, known_secrets=[TOKEN])
    result = run(task, check=True, diff=True)
    assert TOKEN not in json.dumps(result) and "sntryu_" not in json.dumps(result)
    assert result["changed"] is True, result
    assert open(path).read() == HAND_MADE
    assert result["superseded"] == [dict(name="Sentry", package="@sentry/mcp-server", version="latest",
                                         options={"--access-token": None, "--host": "s.example.com"},
                                         exposures=[dict(kind="args", file_mode="0644", matches_known=True)])]

    result = run(task)
    text = open(path).read()
    assert result["changed"] is True and TOKEN not in text
    data = json.loads(text)
    assert sorted(data["mcpServers"]) == ["github", "sentry"]
    assert data["mcpServers"]["github"] == {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"]}

    result = run(task)
    assert result["changed"] is False and result["superseded"] == []


def test_known_secret_that_differs(home, run):
    _write(home, HAND_MADE.replace('"--access-token", "%s"' % TOKEN, '"--access-token=%s"' % TOKEN))
    result = run(dict(client="amazonq", command=COMMAND, supersedes=SENTRY, known_secrets=[OTHER_TOKEN]), diff=True)
    assert result["superseded"][0]["exposures"] == [dict(kind="args", file_mode="0644", matches_known=False)]
    assert "sntryu_" not in json.dumps(result)


def test_env_exposure_and_name_independence(home, run):
    text = '{"mcpServers": {"my-sentry": {"command": "sentry-mcp", "env": {"SENTRY_ACCESS_TOKEN": "%s"}}}}' % TOKEN
    path = _write(home, text)
    result = run(dict(client="amazonq", command=COMMAND, supersedes=SENTRY), diff=True)
    assert result["superseded"][0]["name"] == "my-sentry"
    assert result["superseded"][0]["exposures"] == [dict(kind="env", file_mode="0644")]
    assert "sntryu_" not in json.dumps(result)
    assert list(json.loads(open(path).read())["mcpServers"]) == ["sentry"]


def test_comments_kept_and_diff_redacted_in_jsonc(home, run):
    text = """{
  // hand-made, keep this comment
  "servers": {
    "sentry-mcp": {"type": "stdio", "command": "pnpm", "args": ["dlx", "@sentry/mcp-server", "--access-token=%s"]}, // trailing
    "other": {"type": "stdio", "command": "uvx", "args": ["mcp-server-time"]},
  },
}
""" % TOKEN
    path = _write(home, text, mode=0o600, where=(".local", "share", "code-server", "User", "mcp.json"))
    result = run(dict(client="code_server", command=COMMAND, supersedes=SENTRY), diff=True)
    assert result["changed"] is True and "sntryu_" not in json.dumps(result)
    assert "sentry-mcp" in result["diff"]["before"] and "********" in result["diff"]["before"]
    after = open(path).read()
    assert "// hand-made, keep this comment" in after and '"other": {"type": "stdio", "command": "uvx"' in after
    assert TOKEN not in after and '"sentry-mcp":' not in after
    assert result["superseded"][0]["exposures"] == [dict(kind="args", file_mode="0600")]


def test_without_supersedes_hand_made_entry_stays(home, run):
    path = _write(home, HAND_MADE)
    result = run(dict(client="amazonq", command=COMMAND))
    assert "superseded" not in result
    assert "Sentry" in json.loads(open(path).read())["mcpServers"]


def test_hand_made_entry_under_the_managed_name_is_reported_and_rewritten(home, run):
    path = _write(home, '{"mcpServers": {"sentry": {"command": "sentry-mcp", "args": ["--access-token", "%s"]}}}' % TOKEN)
    task = dict(client="amazonq", command=COMMAND, supersedes=SENTRY, known_secrets=[TOKEN])
    result = run(task)
    assert [item["name"] for item in result["superseded"]] == ["sentry"]
    assert result["superseded"][0]["exposures"] == [dict(kind="args", file_mode="0644", matches_known=True)]
    assert json.loads(open(path).read())["mcpServers"] == {"sentry": {"command": COMMAND}}
    assert "sntryu_" not in json.dumps(result)
    # The managed entry itself is never reported, even when a matcher would select it.
    again = run(dict(task, supersedes=SENTRY + [{"command": COMMAND}]))
    assert again["changed"] is False and again["superseded"] == []
