# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mcp_user_config as root for two real accounts: env files and entries in one call, each user
in a process of its own, one failure isolated, nothing of one user reachable through another's
links, and no secret in any output."""

import json
import os
import shutil
import stat

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mcpfleet.mcp.plugins.modules import mcp_user_config
from test_act_as_user import alice, chown_tree, emptied, root_dir, state_of  # noqa: F401 pylint: disable=unused-import

COMMAND = "/opt/sentry-mcp/bin/sentry-mcp-stdio"
SERVER = os.path.join(os.path.dirname(os.path.dirname(__file__)), "servers", "fake_mcp.py")
ENV_FILE = ".config/sentry-mcp/env"
TOKENS = {"alice": "sntryu_" + "a1" * 32, "bob": "sntryu_" + "b2" * 32}


@pytest.fixture
def bob(accounts):
    return emptied(accounts["bob"])


def run(capsys, users, check=False, diff=False):
    with patch_module_args(dict(users=users, _ansible_check_mode=check, _ansible_diff=diff)), pytest.raises(SystemExit):
        mcp_user_config.main()
    out = capsys.readouterr().out
    return out, json.loads(out)


def user_spec(account, token, clients=("cursor", "amazonq"), inline=False):
    env_path = os.path.join(account.home, ENV_FILE)
    entries = []
    for client in clients:
        entry = dict(client=client, name="sentry", command=COMMAND, args=["--host=sentry.example.com"],
                     supersedes=[{"package": "@sentry/mcp-server"}])
        if inline:
            entry["mode"] = "0600"
        else:
            entry["env"] = {"SENTRY_MCP_ENV_FILE": env_path}
        entries.append(entry)
    if inline:
        return dict(user=account.name, env_file=dict(path=ENV_FILE, state="absent"), entries=entries,
                    env={"SENTRY_ACCESS_TOKEN": token}, known_secrets=[token])
    env_file = dict(path=ENV_FILE, env={"SENTRY_ACCESS_TOKEN": token, "SENTRY_ENVIRONMENT": "dev"}, header=["Managed by Ansible"])
    return dict(user=account.name, env_file=env_file, entries=entries, known_secrets=[token])


def stamps(account):
    found = {}
    for root, _dirs, files in os.walk(account.home):
        for name in files:
            path = os.path.join(root, name)
            info = os.lstat(path)
            found[path] = (info.st_mtime_ns, info.st_ino, info.st_uid, stat.S_IMODE(info.st_mode))
    return found


def test_check_then_real_then_nothing_to_do_for_two_users(alice, bob, capsys):
    users = [user_spec(alice, TOKENS["alice"]), user_spec(bob, TOKENS["bob"], inline=True)]
    out, result = run(capsys, users, check=True, diff=True)
    assert result["changed"] is True and stamps(alice) == {} and stamps(bob) == {}
    assert len(result["diff"]) == 4 and all(token not in out for token in TOKENS.values())

    out, result = run(capsys, users, diff=True)
    assert result["changed"] is True and result["failures"] == []
    assert all(token not in out for token in TOKENS.values())
    env_path = os.path.join(alice.home, ENV_FILE)
    with open(env_path) as handle:
        assert handle.read() == "# Managed by Ansible\nSENTRY_ACCESS_TOKEN=%s\nSENTRY_ENVIRONMENT=dev\n" % TOKENS["alice"]
    info, directory = os.stat(env_path), os.stat(os.path.dirname(env_path))
    assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (alice.uid, 0o600)
    assert (directory.st_uid, stat.S_IMODE(directory.st_mode)) == (alice.uid, 0o700)
    with open(os.path.join(alice.home, ".cursor", "mcp.json")) as handle:
        assert json.load(handle)["mcpServers"]["sentry"]["env"] == {"SENTRY_MCP_ENV_FILE": env_path}
    bob_cursor = os.path.join(bob.home, ".cursor", "mcp.json")
    with open(bob_cursor) as handle:
        assert json.load(handle)["mcpServers"]["sentry"]["env"] == {"SENTRY_ACCESS_TOKEN": TOKENS["bob"]}
    assert stat.S_IMODE(os.stat(bob_cursor).st_mode) == 0o600 and os.stat(bob_cursor).st_uid == bob.uid
    assert not os.path.exists(os.path.join(bob.home, ".config", "sentry-mcp"))
    by_user = dict((item["user"], item) for item in result["users"])
    assert [entry["client"] for entry in by_user[alice.name]["entries"]] == ["cursor", "amazonq"]
    assert by_user[alice.name]["env_file"]["changed"] is True and by_user[bob.name]["env_file"]["changed"] is False

    before = (stamps(alice), stamps(bob))
    out, result = run(capsys, users, diff=True)
    assert result["changed"] is False and (stamps(alice), stamps(bob)) == before
    assert all(token not in out for token in TOKENS.values())


def test_one_broken_file_fails_only_its_entry_and_names_it(alice, bob, capsys):
    broken = os.path.join(bob.home, ".cursor", "mcp.json")
    os.makedirs(os.path.dirname(broken))
    with open(broken, "w") as handle:
        handle.write('{\n  "mcpServers": {\n    "x": {"command": "a",,}\n  }\n}\n')
    chown_tree(os.path.join(bob.home, ".cursor"), bob)
    out, result = run(capsys, [user_spec(alice, TOKENS["alice"]), user_spec(bob, TOKENS["bob"], inline=True)])
    assert result["failed"] is True
    assert result["failures"] == [fail for fail in result["failures"] if fail.startswith(bob.name + " cursor: " + broken)]
    assert len(result["failures"]) == 1 and "line 3" in result["msg"]
    assert all(token not in out for token in TOKENS.values())
    # Everything else was done: alice's files, and bob's other client.
    assert os.path.exists(os.path.join(alice.home, ".cursor", "mcp.json"))
    assert os.path.exists(os.path.join(bob.home, ".aws", "amazonq", "mcp.json"))
    with open(broken) as handle:
        assert ",," in handle.read()  # a file that does not parse is never rewritten


def test_an_env_directory_linked_elsewhere_gives_the_user_nothing_more(alice, bob, root_dir, capsys):
    # bob points his env directory at root's directory and at alice's: his process can write neither.
    os.makedirs(os.path.join(alice.home, ".config", "sentry-mcp"), mode=0o700)
    chown_tree(os.path.join(alice.home, ".config"), alice)
    os.makedirs(os.path.join(bob.home, ".config"))
    os.symlink(root_dir, os.path.join(bob.home, ".config", "sentry-mcp"))
    chown_tree(os.path.join(bob.home, ".config"), bob)
    before = state_of(root_dir)
    out, result = run(capsys, [user_spec(bob, TOKENS["bob"], clients=("cursor",))])
    assert result["failed"] is True and state_of(root_dir) == before
    assert result["failures"][0].startswith(bob.name + ": env file: ")
    assert TOKENS["bob"] not in out
    os.unlink(os.path.join(bob.home, ".config", "sentry-mcp"))
    os.symlink(os.path.join(alice.home, ".config", "sentry-mcp"), os.path.join(bob.home, ".config", "sentry-mcp"))
    out, result = run(capsys, [user_spec(bob, TOKENS["bob"], clients=("cursor",))])
    assert result["failed"] is True and os.listdir(os.path.join(alice.home, ".config", "sentry-mcp")) == []


def test_absent_removes_the_env_file_and_its_directory_only_when_left_empty(alice, bob, capsys):
    run(capsys, [user_spec(alice, TOKENS["alice"]), user_spec(bob, TOKENS["bob"])])
    keep = os.path.join(bob.home, ".config", "sentry-mcp", "notes.txt")
    with open(keep, "w") as handle:
        handle.write("bob's own\n")
    chown_tree(os.path.dirname(keep), bob)
    removal = [dict(user=account.name, env_file=dict(path=ENV_FILE, state="absent"),
                    entries=[dict(client="cursor", name="sentry", state="absent")]) for account in (alice, bob)]
    _out, result = run(capsys, removal, check=True)
    assert result["changed"] is True and os.path.exists(os.path.join(alice.home, ENV_FILE))
    _out, result = run(capsys, removal)
    assert result["changed"] is True
    assert not os.path.exists(os.path.join(alice.home, ".config", "sentry-mcp"))
    assert os.listdir(os.path.dirname(keep)) == ["notes.txt"]
    with open(os.path.join(alice.home, ".cursor", "mcp.json")) as handle:
        assert "sentry" not in json.load(handle)["mcpServers"]
    _out, result = run(capsys, removal)
    assert result["changed"] is False


def test_entries_are_validated_as_mcp_server_options(alice, capsys):
    out, result = run(capsys, [dict(user=alice.name, entries=[dict(client="cursor", name="sentry", state="gone",
                                                                   env={"SENTRY_ACCESS_TOKEN": TOKENS["alice"]})])])
    assert result["failed"] is True and result["msg"].startswith("users[%s].entries[0]: " % alice.name)
    assert "state" in result["msg"] and TOKENS["alice"] not in out


def test_a_value_on_two_lines_is_refused_without_showing_it(alice, capsys):
    secret = TOKENS["alice"] + "\nEVIL=1"
    out, result = run(capsys, [dict(user=alice.name, env_file=dict(path=ENV_FILE, env={"SENTRY_ACCESS_TOKEN": secret}))])
    assert result["failed"] is True and "SENTRY_ACCESS_TOKEN" in result["msg"] and TOKENS["alice"] not in out
    assert not os.path.exists(os.path.join(alice.home, ENV_FILE))


def test_probe_after_writing_in_the_same_call_each_user_as_itself(alice, bob, capsys, open_tmp, tmp_path):
    server = os.path.join(open_tmp, "fake_mcp.py")
    shutil.copy(SERVER, server)
    os.chmod(server, 0o644)
    users = [user_spec(alice, TOKENS["alice"]), user_spec(bob, TOKENS["bob"], inline=True)]
    for item in users:
        for entry in item["entries"]:
            entry.update(command="/usr/bin/python3", args=[server, "good"])
    broken = os.path.join(bob.home, ".cursor", "mcp.json")
    os.makedirs(os.path.dirname(broken))
    with open(broken, "w") as handle:
        handle.write('{"mcpServers": {,}}\n')
    chown_tree(os.path.join(bob.home, ".cursor"), bob)
    probe = dict(timeout=10, reuse=dict(state_file=str(tmp_path / "probes.json"), files=["~/" + ENV_FILE]))

    for run_number in (1, 2):
        with patch_module_args(dict(users=users, probe=probe)), pytest.raises(SystemExit):
            mcp_user_config.main()
        out = capsys.readouterr().out
        assert all(token not in out for token in TOKENS.values())
        result = json.loads(out)
        # bob's broken cursor file fails its entry, which is then not probed; the others answer.
        assert result["failed"] is True and len(result["failures"]) == 1 and result["failures"][0].startswith(bob.name + " cursor: ")
        assert [(item["user"], item["client"], item.get("failed", False)) for item in result["probes"]] == [
            (alice.name, "cursor", False), (alice.name, "amazonq", False), (bob.name, "amazonq", False)]
        assert all(item["tools"] == ["echo", "env"] for item in result["probes"])
        assert result["probes"][1]["same_launch_as"] == "cursor"
        # The second run wrote nothing and started nothing: each launch is as it passed.
        assert result["launches"] == (2 if run_number == 1 else 0)
        assert all(item.get("reused", False) is (run_number == 2) for item in result["probes"])
    assert all(token not in open(str(tmp_path / "probes.json")).read() for token in TOKENS.values())


def test_a_negative_probe_concurrency_is_refused_before_anything_is_written(alice, capsys, tmp_path):
    users = [user_spec(alice, TOKENS["alice"])]
    with patch_module_args(dict(users=users, probe=dict(concurrency=-1))), pytest.raises(SystemExit):
        mcp_user_config.main()
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] is True and "probe.concurrency" in result["msg"]
    assert not os.path.exists(os.path.join(alice.home, ENV_FILE))
