# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The mcp_server module end to end, in process, on files under a temporary home."""

import json
import multiprocessing
import os
import pwd
import stat

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mcpfleet.mcp.plugins.module_utils._documents import profile_document
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import Document
from ansible_collections.mcpfleet.mcp.plugins.module_utils import _server_entry
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import Account
from ansible_collections.mcpfleet.mcp.plugins.modules import mcp_server

OLD = "sntryu_" + "0" * 60 + "old0"
NEW = "sntryu_" + "0" * 60 + "new0"
OTHER = "ghp_" + "0" * 32 + "other"
COMMAND = "/opt/sentry-mcp/bin/sentry-mcp-stdio"


@pytest.fixture
def home(open_tmp, monkeypatch):
    """A home directory for the target user; as root the user is really someone else (nobody)."""
    entry = pwd.getpwuid(65534 if os.geteuid() == 0 else os.geteuid())
    path = os.path.join(open_tmp, "home")
    os.mkdir(path)
    os.chown(str(path), entry.pw_uid, entry.pw_gid)
    account = Account(entry.pw_name, entry.pw_uid, entry.pw_gid, str(path), entry.pw_shell)
    monkeypatch.setattr(_server_entry, "get_account", lambda name: account)
    return account


@pytest.fixture
def run(capsys):
    def run_module(args, check=False, diff=False):
        args = dict(args)
        args.setdefault("name", "sentry")
        args["_ansible_check_mode"] = check
        args["_ansible_diff"] = diff
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                mcp_server.main()
        return json.loads(capsys.readouterr().out)
    return run_module


def snapshot(path):
    info = os.stat(path)
    with open(path, "rb") as handle:
        return handle.read(), info.st_mtime_ns, info.st_ino, stat.S_IMODE(info.st_mode)


def test_create_in_check_mode_then_for_real_then_nothing_to_do(home, run):
    task = dict(client="cursor", command=COMMAND, args=["--host=sentry.example.com"], env={"SENTRY_ACCESS_TOKEN": NEW})
    path = os.path.join(home.home, ".cursor", "mcp.json")
    result = run(task, check=True, diff=True)
    assert result["changed"] is True and result["path"] == path
    assert not os.path.exists(os.path.dirname(path))
    assert '"command": "%s"' % COMMAND in result["diff"]["after"] and result["diff"]["before"] == ""

    result = run(task)
    assert result["changed"] is True
    assert result["entry"] == {"type": "stdio", "command": COMMAND, "args": ["--host=sentry.example.com"],
                               "env": {"SENTRY_ACCESS_TOKEN": "********"}}
    info = os.stat(path)
    assert (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (0o600, home.uid, home.gid)
    parent = os.stat(os.path.dirname(path))
    assert (stat.S_IMODE(parent.st_mode), parent.st_uid) == (0o700, home.uid)
    assert json.loads(open(path).read()) == {"mcpServers": {"sentry": {
        "type": "stdio", "command": COMMAND, "args": ["--host=sentry.example.com"], "env": {"SENTRY_ACCESS_TOKEN": NEW}}}}

    before = snapshot(path)
    for check, diff in ((True, False), (True, True), (False, False), (False, True)):
        result = run(task, check=check, diff=diff)
        assert result["changed"] is False
        assert snapshot(path) == before
    assert result["diff"]["before"] == result["diff"]["after"]


VSCODE = """{
\t// alice's servers
\t"servers": {
\t\t"github": {
\t\t\t"type": "http",
\t\t\t"url": "https://api.githubcopilot.com/mcp/", // remote
\t\t\t"headers": {"Authorization": "Bearer %s"},
\t\t},
\t},
\t/* inputs for prompts */
\t"inputs": [],
}
""" % OTHER


def test_comments_and_every_byte_outside_the_entry_survive(home, run):
    path = os.path.join(home.home, "mcp.json")
    with open(path, "w") as handle:
        handle.write(VSCODE)
    result = run(dict(client="code_server", path=path, command=COMMAND, env_file="${userHome}/.config/sentry-mcp/env"))
    assert result["changed"] is True
    text = open(path).read()
    assert '\t\t"sentry": {\n\t\t\t"type": "stdio",\n\t\t\t"command": "%s",\n\t\t\t"envFile": ' % COMMAND in text
    document = Document(text, grammar="jsonc")
    document.delete(("servers", "sentry"))
    assert document.text == VSCODE


def test_secrets_are_masked_on_both_sides_of_the_diff_and_in_results(home, run):
    path = os.path.join(home.home, ".claude.json")
    with open(path, "w") as handle:
        json.dump({"numStartups": 7, "mcpServers": {
            "github": {"type": "http", "url": "https://x", "headers": {"Authorization": "Bearer " + OTHER}},
            "sentry": {"type": "stdio", "command": COMMAND, "args": ["--access-token=" + OLD], "env": {"SENTRY_ACCESS_TOKEN": OLD}},
        }}, handle, indent=2)
    task = dict(client="claude_code", path=path, command=COMMAND, env={"SENTRY_ACCESS_TOKEN": NEW})
    for check in (True, False):
        result = run(task, check=check, diff=True)
        dumped = json.dumps(result)
        assert result["changed"] is True
        assert OLD not in dumped and NEW not in dumped and OTHER not in dumped
        assert '"SENTRY_ACCESS_TOKEN": "********"' in result["diff"]["before"]
        assert '"SENTRY_ACCESS_TOKEN": "******** (changed)"' in result["diff"]["after"]
    data = json.load(open(path))
    assert data["numStartups"] == 7
    assert data["mcpServers"]["sentry"] == {"type": "stdio", "command": COMMAND, "env": {"SENTRY_ACCESS_TOKEN": NEW}}


def test_a_parse_error_names_file_line_and_column_and_leaves_the_file_alone(home, run):
    path = os.path.join(home.home, "mcp.json")
    with open(path, "w") as handle:
        handle.write('{\n  // a comment Cursor does not accept\n  "mcpServers": {}\n}\n')
    before = snapshot(path)
    result = run(dict(client="cursor", path=path, command=COMMAND, env={"T": NEW}))
    assert result["failed"] is True
    assert result["msg"].startswith(path + ": line 2, column 3: ")
    assert snapshot(path) == before


@pytest.mark.parametrize("content, message", [
    ('{"mcpServers": {"sentry": ["npx"]}}', "line 1, column 27: the value at mcpServers.sentry is an array, not an object"),
    ('{"mcpServers": true}', "line 1, column 16: the value at mcpServers is a boolean, not an object"),
    ('{"mcpServers": {}, "tools": {"@sentry": 1}}', "line 1, column 29: the value at tools is an object, not an array"),
])
def test_wrong_types_fail_with_their_position(home, run, content, message):
    path = os.path.join(home.home, "agent.json")
    with open(path, "w") as handle:
        handle.write(content)
    before = snapshot(path)
    result = run(dict(client="amazonq_agent", path=path, command=COMMAND))
    assert result["msg"] == "%s: %s" % (path, message)
    assert snapshot(path) == before
    result = run(dict(client="amazonq_agent", path=path, state="absent"))
    assert result["msg"] == "%s: %s" % (path, message)
    assert snapshot(path) == before


def test_absent_removes_the_entry_and_its_tool_only(home, run):
    path = os.path.join(home.home, ".aws", "amazonq", "agents", "default.json")
    task = dict(client="amazonq_agent", command=COMMAND)
    assert run(task)["changed"] is True
    assert json.load(open(path)) == {"name": "default", "tools": ["*", "@sentry"], "useLegacyMcpJson": True,
                                     "mcpServers": {"sentry": {"command": COMMAND}}}
    result = run(dict(client="amazonq_agent", state="absent"), diff=True)
    assert result["changed"] is True and result["entry"] is None
    assert json.load(open(path)) == {"name": "default", "tools": ["*"], "useLegacyMcpJson": True, "mcpServers": {}}
    before = snapshot(path)
    assert run(dict(client="amazonq_agent", state="absent"))["changed"] is False
    assert snapshot(path) == before


def test_absent_on_a_missing_file_creates_nothing(home, run):
    result = run(dict(client="zed", state="absent"))
    assert result["changed"] is False and result["entry"] is None
    assert os.listdir(home.home) == []


def test_create_false_refuses_a_missing_file(home, run):
    result = run(dict(client="zed", command=COMMAND, create=False))
    assert result["failed"] is True and "does not exist and create=false" in result["msg"]
    assert os.listdir(home.home) == []


def test_a_symlinked_config_is_followed(home, run):
    os.makedirs(os.path.join(home.home, "dotfiles"))
    os.chown(os.path.join(home.home, "dotfiles"), home.uid, home.gid)
    real = os.path.join(home.home, "dotfiles", "cursor-mcp.json")
    with open(real, "w") as handle:
        handle.write('{"mcpServers": {}}\n')
    os.chmod(real, 0o640)
    os.chown(real, home.uid, home.gid)  # the user's own file, in the user's dotfiles
    link = os.path.join(home.home, "mcp.json")
    os.symlink(real, link)
    result = run(dict(client="cursor", path=link, command=COMMAND))
    assert result["changed"] is True and result["path"] == link
    assert os.path.islink(link)
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640
    assert json.load(open(real))["mcpServers"]["sentry"]["command"] == COMMAND


def test_a_symlink_to_a_file_only_root_may_write_changes_nothing(home, run, open_tmp):
    victim = os.path.join(open_tmp, "victim.json")
    with open(victim, "w") as handle:
        handle.write('{"mcpServers": {}}\n')
    os.chmod(victim, 0o644)
    link = os.path.join(home.home, "mcp.json")
    os.symlink(victim, link)
    before = snapshot(victim)
    result = run(dict(client="cursor", path=link, command=COMMAND))
    if os.geteuid() == 0:  # the edit runs as nobody: the kernel refuses it, whatever the path
        assert result["failed"] and "Permission denied" in result["msg"] and open_tmp in result["msg"]
        assert snapshot(victim) == before and os.stat(victim).st_uid == 0
    else:  # not root: the module can only touch what its own user may, as usual
        assert result["changed"] is True


def test_mode_option_and_backup(home, run):
    path = os.path.join(home.home, "mcp.json")
    with open(path, "w") as handle:
        handle.write('{"mcpServers": {"sentry": {"command": "/old"}}}')
    result = run(dict(client="kiro", path=path, command=COMMAND, mode="0640", backup=True))
    assert result["changed"] is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert open(result["backup_file"]).read() == '{"mcpServers": {"sentry": {"command": "/old"}}}'
    result = run(dict(client="kiro", path=path, command=COMMAND, mode="0600"))
    assert result["changed"] is True and "backup_file" not in result
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_unmanaged_keys_stay_unless_exclusive(home, run):
    path = os.path.join(home.home, "mcp.json")
    with open(path, "w") as handle:
        handle.write('{"mcpServers": {"sentry": {"command": "/old", "disabled": true, "autoApprove": ["whoami"]}}}')
    run(dict(client="kiro", path=path, command=COMMAND))
    assert json.load(open(path))["mcpServers"]["sentry"] == {"command": COMMAND, "disabled": True, "autoApprove": ["whoami"]}
    run(dict(client="kiro", path=path, command=COMMAND, exclusive=True, extra={"timeout": 60000}))
    assert json.load(open(path))["mcpServers"]["sentry"] == {"command": COMMAND, "timeout": 60000}


@pytest.mark.parametrize("task, message", [
    (dict(client="continue", transport="http", url="https://x", headers={"A": "b"}), "client continue cannot express option headers"),
    (dict(client="continue", scope="workspace", workspace="~/app", name="../x", command=COMMAND), "cannot name a file"),
    (dict(client="amazonq", command=COMMAND, env_file="/x"), "client amazonq cannot express option env_file"),
    (dict(client="claude_desktop", transport="http", url="https://x"), "client claude_desktop does not support transport http"),
    (dict(client="cursor", command=COMMAND, env={"FLAG": True}), "env.FLAG must be a string"),
    (dict(client="generic", path="/x.json", command=COMMAND), "client generic needs the option key"),
])
def test_requests_the_client_cannot_satisfy(home, run, task, message):
    result = run(task)
    assert result["failed"] is True and message in result["msg"]
    assert os.listdir(home.home) == []


def test_numbers_in_env_become_strings(home, run):
    path = os.path.join(home.home, "mcp.json")
    run(dict(client="generic", key="mcp.servers", path=path, command=COMMAND, env={"PORT": 8080}))
    assert json.load(open(path)) == {"mcp": {"servers": {"sentry": {"command": COMMAND, "env": {"PORT": "8080"}}}}}


def test_a_file_unchanged_under_the_lock_is_parsed_once(home, run, monkeypatch):
    # The edit is computed before the lock and checked again under it; a large file that did not
    # change in between must not cost a second parse.
    path = os.path.join(home.home, "mcp.json")
    with open(path, "w") as handle:
        json.dump({"mcpServers": {"other": {"command": "x"}}, "big": ["y" * 100] * 1000}, handle)
    parses = os.path.join(home.home, "parses")  # the edit runs in the user's process: count in a file

    def counting(profile, text):
        with open(parses, "a") as handle:
            handle.write("parse\n")
        return profile_document(profile, text)
    monkeypatch.setattr(_server_entry, "profile_document", counting)
    result = run(dict(client="kiro", path=path, command=COMMAND))
    assert result["changed"] is True
    with open(parses) as handle:
        assert handle.read() == "parse\n"
    with open(path) as handle:
        assert json.load(handle)["mcpServers"]["sentry"]["command"] == COMMAND


def test_a_directory_is_not_a_config_file(home, run):
    result = run(dict(client="cursor", path=home.home, command=COMMAND))
    assert result["failed"] is True and result["msg"] == "%s is a directory, expected a config file" % home.home


def test_unknown_user(run):
    result = run(dict(client="cursor", user="mcpfleet_nobody_here", command=COMMAND))
    assert result["failed"] is True and result["msg"] == "unknown user 'mcpfleet_nobody_here': no such account on this host"


def _writer(path, names):
    # A child process: every run reads, edits and replaces the same file as its sibling.
    for name in names:
        with patch_module_args(dict(client="cursor", path=path, name=name, command=COMMAND)):
            try:
                mcp_server.main()
            except SystemExit:
                pass


def test_concurrent_writers_keep_each_others_entries(home):
    path = os.path.join(home.home, "mcp.json")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_writer, args=(path, ["%s%d" % (prefix, i) for i in range(12)])) for prefix in "ab"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert sorted(json.load(open(path))["mcpServers"]) == sorted("%s%d" % (p, i) for p in "ab" for i in range(12))
