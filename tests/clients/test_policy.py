# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real clients enforce the policy mcpfleet.mcp.mcp_policy writes.

The module writes the client's real system policy file (this tier runs as root, one run at a
time under the heavy-job lock); the file and its directory are removed afterwards, and a test
refuses to start where the directory already exists, so nothing of the machine's is touched.
A hand-made server that connects before the policy is blocked after it, while the managed
server still connects, and the throwaway user can neither change nor remove the policy.
"""

import os
import shutil

import pytest

import module
import steps

POLICY_DIRS = {"claude_code": "/etc/claude-code", "gemini_cli": "/etc/gemini-cli"}


@pytest.fixture
def policy_dir(request):
    directory = POLICY_DIRS[request.param]
    if os.path.lexists(directory):
        pytest.fail("%s exists on this machine: the test writes that client's real policy and would change it" % directory)
    yield request.param
    shutil.rmtree(directory, ignore_errors=True)


def _policy(tier, client, **options):
    argv = tier.server_argv()
    params = dict({"client": client, "name": "sentry", "command": argv[0], "args": argv[1:]}, **options)
    result, dummy = module.run_module(params, name="mcpfleet.mcp.mcp_policy")
    assert not result.get("failed"), result
    return result


def _assert_blocked(tier, user, client, servers, output):
    """The client's own word for the hand-made server under the policy."""
    if client == "gemini_cli":
        # "⛔ rogue: ... (stdio) - Blocked"
        assert servers["rogue"].status == "Blocked", output
        return
    # Claude Code 2.1.332 leaves a blocked server out of `mcp list`, and `mcp get` denies it exists.
    assert "rogue" not in servers, output
    got = user.run([tier.bin(client), "mcp", "get", "rogue"])
    assert got.status == 1 and 'No MCP server named "rogue"' in got.output, got.output


@pytest.mark.parametrize("policy_dir", sorted(POLICY_DIRS), indirect=True)
def test_policy_blocks_a_hand_made_server_and_keeps_the_managed_one(tier, user, policy_dir):
    client = policy_dir
    steps.module_entry(tier, user, client)
    rogue = tier.server_argv(port=9001)
    steps.client_add(tier, user, client, "rogue", rogue)
    # The control: without a policy the hand-made server connects.
    servers, output = steps.client_list(tier, user, client, names=("sentry", "rogue"))
    assert servers["rogue"].connected, output

    written = _policy(tier, client, exclusive=True)
    assert written["changed"] is True
    assert _policy(tier, client)["changed"] is False
    path = written["path"]
    info = os.stat(path)
    assert (info.st_uid, info.st_mode & 0o777) == (0, 0o644)

    servers, output = steps.client_list(tier, user, client, names=("sentry", "rogue"))
    assert servers["sentry"].connected, output
    assert servers["sentry"].command == steps.module_command(tier)
    _assert_blocked(tier, user, client, servers, output)
    # The audit judges as the client does: the hand-made server is blocked, the managed one not.
    audit, dummy = module.run_module({"user": user.name, "clients": [client]}, name="mcpfleet.mcp.mcp_server_info")
    assert [(p["client"], p["exists"], p["exclusive"]) for p in audit["policies"]] == [(client, True, True)]
    blocked = dict((row["name"], row["blocked"]) for row in audit["users"][0]["files"][0]["servers"])
    assert blocked["sentry"] is None and blocked["rogue"], blocked
    assert [(f["kind"], f["server"]) for f in audit["findings"] if f["kind"] == "blocked_by_policy"] == [("blocked_by_policy", "rogue")]

    before = open(path).read()
    for argv in (["sh", "-c", "echo '{}' > " + path], ["rm", "-f", path], ["mv", path, path + ".off"],
                 ["sh", "-c", "echo x > %s/x.json" % os.path.dirname(path)]):
        done = user.run(argv)
        assert done.status != 0 and "Permission denied" in done.output, (argv, done.output)
    assert open(path).read() == before

    removed = _policy(tier, client, state="absent")
    assert removed["changed"] is True and removed["policy"]["exclusive"] is False
    servers, output = steps.client_list(tier, user, client, names=("sentry", "rogue"))
    assert servers["rogue"].connected, output
