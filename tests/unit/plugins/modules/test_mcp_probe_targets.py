# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mcp_probe with targets: many users' entries in one call, each distinct launch started once,
users side by side and a user's distinct launches one after the other, and every failure named."""

import json
import os
import pwd
import re
import shutil
import sys
import tempfile

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.mcpfleet.mcp.plugins.modules import mcp_probe
from test_mcp_probe import home  # noqa: F401 pylint: disable=unused-import

SERVER = os.path.join(os.path.dirname(os.path.dirname(__file__)), "servers", "fake_mcp.py")
TOKEN = "sntryu_" + "7" * 60 + "targ"


def run(capsys, args):
    with patch_module_args(args), pytest.raises(SystemExit):
        mcp_probe.main()
    out = capsys.readouterr().out
    assert TOKEN not in out
    result = json.loads(out)
    return bool(result.get("failed")), result


def write_json(path, data, owner=None):
    path = str(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as stream:
        json.dump(data, stream)
    if owner is not None:
        os.chown(path, owner.uid, owner.gid)


def shell_entry(script, python=sys.executable):
    """A stdio entry whose server runs ``script`` in sh, then becomes the fake server."""
    return {"command": "/bin/sh", "args": ["-c", script + "; exec %s %s good" % (python, SERVER)],
            "env": {"SENTRY_ACCESS_TOKEN": TOKEN}}


def test_clients_that_start_the_same_command_start_it_once(capsys, home):
    entry = shell_entry("echo started >> %s/starts" % home)
    write_json(home / ".claude.json", {"mcpServers": {"sentry": entry}})
    write_json(home / ".aws/amazonq/mcp.json", {"mcpServers": {"sentry": entry}})
    me = pwd.getpwuid(os.geteuid()).pw_name
    failed, result = run(capsys, {"name": "sentry", "timeout": 10, "targets": [
        {"user": me, "client": "claude_code"}, {"user": me, "client": "amazonq"}]})
    assert not failed, result
    assert (home / "starts").read_text() == "started\n"
    assert result["launches"] == 1
    first, second = result["targets"]
    assert (first["client"], second["client"]) == ("claude_code", "amazonq")
    assert "same_launch_as" not in first and second["same_launch_as"] == "claude_code"
    assert first["tools"] == second["tools"] == ["echo", "env"]
    # Each keeps where its own entry was read from.
    assert second["launch"]["path"] == str(home / ".aws/amazonq/mcp.json")


def test_distinct_launches_of_a_user_run_one_after_the_other_each_within_its_own_timeout(capsys, home):
    # Each server notes an overlap if another one of the user's is running, then takes 2.5 s to
    # start: together 5 s, more than the timeout of 4 s that each one has from its own start.
    script = ("[ -e %s/running ] && echo overlap >> %s/log; touch %s/running; sleep 2.5; %s %s good; rm %s/running"
              % (home, home, home, sys.executable, SERVER, home))
    for path, tag in ((".claude.json", "a"), (".cursor/mcp.json", "b")):
        write_json(home / path, {"mcpServers": {"sentry": {"command": "/bin/sh", "args": ["-c", script, tag],
                                                           "env": {"SENTRY_ACCESS_TOKEN": TOKEN}}}})
    failed, result = run(capsys, {"name": "sentry", "timeout": 4, "targets": [{"client": "claude_code"}, {"client": "cursor"}]})
    assert not failed, result
    assert result["launches"] == 2
    assert [target["tools"] for target in result["targets"]] == [["echo", "env"], ["echo", "env"]]
    assert not (home / "log").exists()


def test_every_failure_is_named_and_the_others_still_answer(capsys, home):
    write_json(home / ".claude.json", {"mcpServers": {"sentry": shell_entry("true")}})
    write_json(home / ".cursor/mcp.json", {"mcpServers": {"sentry": {"command": sys.executable, "args": [SERVER, "crash"]}}})
    failed, result = run(capsys, {"name": "sentry", "timeout": 10, "targets": [
        {"client": "claude_code"}, {"client": "cursor"}, {"client": "gemini_cli"}]})
    assert failed
    good, crashed, missing = result["targets"]
    assert not good.get("failed") and good["tools"] == ["echo", "env"]
    assert crashed["failure"]["kind"] == "early_exit"
    assert missing["failure"] == {"kind": "config", "phase": "setup"}
    assert result["launches"] == 2
    me = pwd.getpwuid(os.geteuid()).pw_name
    assert re.match(r"Servers that did not answer: %s in cursor: .+; %s in gemini_cli: .*settings.json does not exist" % (me, me),
                    result["msg"])


@pytest.mark.parametrize("args, message", [
    ({"name": "s", "targets": [{"client": "cursor"}], "client": "cursor"}, "mutually exclusive: client|targets"),
    ({"name": "s", "targets": [{"client": "cursor"}], "user": "bob"}, "targets gives every entry's client options; not with user"),
    ({"name": "s", "targets": []}, "targets must name at least one entry"),
    ({"targets": [{"client": "cursor"}]}, "missing parameter\\(s\\) required by 'targets': name"),
    ({"name": "s", "targets": [{"user": "bob"}]}, "missing required arguments: client found in targets"),
])
def test_targets_option_combinations(capsys, home, args, message):
    failed, result = run(capsys, args)
    assert failed
    assert re.search(message, result["msg"]), result["msg"]


@pytest.fixture
def rendezvous():
    """A directory every user can write to (sticky, like /tmp)."""
    path = tempfile.mkdtemp(prefix="mcpfleet-meet-", dir="/tmp")
    os.chmod(path, 0o1777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.skipif(not os.access("/usr/bin/python3", os.X_OK), reason="the users' servers run /usr/bin/python3")
def test_users_are_probed_at_the_same_time_each_as_itself(capsys, accounts, rendezvous):
    alice, bob = accounts["alice"], accounts["bob"]
    wait = "id -un > %s/%%s; while [ ! -e %s/%%s ]; do sleep 0.05; done" % (rendezvous, rendezvous)
    for account, (mine, theirs) in ((alice, ("alice", "bob")), (bob, ("bob", "alice"))):
        write_json(os.path.join(account.home, ".claude.json"),
                   {"mcpServers": {"sentry": shell_entry(wait % (mine, theirs), python="/usr/bin/python3")}}, owner=account)
    failed, result = run(capsys, {"name": "sentry", "timeout": 8, "targets": [
        {"user": alice.name, "client": "claude_code"}, {"user": bob.name, "client": "claude_code"}]})
    assert not failed, result
    assert [(target["user"], target["tools"]) for target in result["targets"]] == [(alice.name, ["echo", "env"]), (bob.name, ["echo", "env"])]
    # Each server ran as its own user.
    for role, account in (("alice", alice), ("bob", bob)):
        with open(os.path.join(rendezvous, role)) as stream:
            assert stream.read().strip() == account.name


def test_a_user_whose_process_fails_does_not_lose_the_others(capsys, accounts, rendezvous):
    alice, bob = accounts["alice"], accounts["bob"]
    write_json(os.path.join(alice.home, ".claude.json"),
               {"mcpServers": {"sentry": shell_entry("true", python="/usr/bin/python3")}}, owner=alice)
    # Bob's server never answers: his process is still busy at the deadline.
    write_json(os.path.join(bob.home, ".claude.json"),
               {"mcpServers": {"sentry": {"command": "/usr/bin/python3", "args": [SERVER, "silent"]}}}, owner=bob)
    failed, result = run(capsys, {"name": "sentry", "timeout": 2, "targets": [
        {"user": alice.name, "client": "claude_code"}, {"user": bob.name, "client": "claude_code"}]})
    assert failed
    good, silent = result["targets"]
    assert good["tools"] == ["echo", "env"] and not good.get("failed")
    assert silent["failure"]["kind"] == "timeout"
    assert "%s in claude_code" % bob.name in result["msg"] and "%s in claude_code" % alice.name not in result["msg"]
