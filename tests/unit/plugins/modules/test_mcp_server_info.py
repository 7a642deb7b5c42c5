# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mcp_server_info end to end, in process, on real files of several clients under a temporary home."""

import json
import os
import pwd
import shutil

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _audit
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import Account
from ansible_collections.mcpfleet.mcp.plugins.modules import mcp_server_info
from test_act_as_user import alice, chown_tree  # noqa: F401 pylint: disable=unused-import

SENTRY_TOKEN = "sntryu_" + "0123456789abcdef" * 4
GITHUB_TOKEN = "ghp_" + "Z9y8X7w6V5u4" * 3
BEARER_TOKEN = "sntryu_" + "fedcba9876543210" * 4
TOKENS = (SENTRY_TOKEN, GITHUB_TOKEN, BEARER_TOKEN)

CODE_SERVER = """// alice's code-server MCP servers
{
  "servers": {
    /* pinned, token from an env file */
    "sentry": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "@sentry/mcp-server@0.39.0"],
      "envFile": "${userHome}/.config/sentry-mcp/env",
    },
    "github": {"type": "stdio", "command": "github-mcp", "env": {"GITHUB_TOKEN": "${env:GITHUB_TOKEN}"}},
  },
}
"""
AMAZONQ = json.dumps({"mcpServers": {
    "Sentry": {"command": "npx", "args": ["@sentry/mcp-server@latest", "--access-token", SENTRY_TOKEN]}}}, indent=2)
CURSOR = json.dumps({"mcpServers": {
    "github": {"type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
               "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": GITHUB_TOKEN}},
    "remote": {"url": "https://mcp.sentry.dev/mcp", "headers": {"Authorization": "Bearer " + BEARER_TOKEN}}}}, indent=2)
BROKEN = '{\n  "mcpServers": {\n    "x": {"command": "a",}\n  }\n}\n'
WRONG_ENTRY = '{\n  "mcpServers": {\n    "bad": 3,\n    "good": {"command": "/usr/local/bin/good-mcp"}\n  }\n}\n'

FILES = {
    "code_server": ((".local", "share", "code-server", "User", "mcp.json"), CODE_SERVER, 0o600),
    "amazonq": ((".aws", "amazonq", "mcp.json"), AMAZONQ, 0o644),
    "cursor": ((".cursor", "mcp.json"), CURSOR, 0o600),
    "claude_desktop": ((".config", "Claude", "claude_desktop_config.json"), BROKEN, 0o600),
    "kiro": ((".kiro", "settings", "mcp.json"), WRONG_ENTRY, 0o640),
}


@pytest.fixture
def home(open_tmp, monkeypatch):
    """A home for the target user; as root the user is really someone else (nobody)."""
    entry = pwd.getpwuid(65534 if os.geteuid() == 0 else os.geteuid())
    path = os.path.join(open_tmp, "home")
    os.mkdir(path)
    account = Account(entry.pw_name, entry.pw_uid, entry.pw_gid, path, entry.pw_shell)
    monkeypatch.setattr(_audit, "get_account", lambda name=None: account)
    return account


def write_files(account, files=None):
    for where, text, mode in (files or FILES).values():
        path = os.path.join(account.home, *where)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(text)
        os.chmod(path, mode)
    if os.geteuid() == 0:
        chown_tree(account.home, account)


@pytest.fixture
def run(capsys):
    def run_module(args, check=False):
        with patch_module_args(dict(args, _ansible_check_mode=check)):
            with pytest.raises(SystemExit):
                mcp_server_info.main()
        return json.loads(capsys.readouterr().out)
    return run_module


def by_client(result):
    (user,) = result["users"]
    return dict((item["client"], item) for item in user["files"])


def kinds(item):
    return sorted((finding["kind"], finding["server"]) for finding in item["findings"])


def assert_no_secret(result):
    text = json.dumps(result)
    for token in TOKENS:
        assert token not in text and token[:12] not in text and token[-12:] not in text


@pytest.mark.parametrize("check", [False, True])
def test_every_client_file_is_audited_and_no_secret_comes_back(home, run, check):
    write_files(home)
    result = run(dict(clients=sorted(FILES) + ["zed"]), check=check)
    assert_no_secret(result)
    assert result["changed"] is False and result["users"][0]["user"] == home.name and result["users"][0]["error"] is None
    files = by_client(result)

    code_server = files["code_server"]
    assert (code_server["exists"], code_server["owner"], code_server["mode"], code_server["parse_error"]) == (
        True, home.name, "0600", None)
    assert code_server["path"] == os.path.join(home.home, ".local/share/code-server/User/mcp.json")
    assert code_server["servers"] == [
        dict(name="sentry", transport="stdio", command="npx", package="@sentry/mcp-server", version="0.39.0", runner="npx",
             secrets=[dict(where="env", name="${userHome}/.config/sentry-mcp/env", held="env_file")]),
        dict(name="github", transport="stdio", command="github-mcp", package=None, version=None, runner=None,
             secrets=[dict(where="env", name="GITHUB_TOKEN", held="placeholder")]),
    ]
    assert code_server["findings"] == []

    amazonq = files["amazonq"]
    assert amazonq["mode"] == "0644"
    assert amazonq["servers"] == [dict(name="Sentry", transport="stdio", command="npx", package="@sentry/mcp-server",
                                       version="latest", runner="npx",
                                       secrets=[dict(where="args", name="--access-token", held="literal")])]
    assert kinds(amazonq) == [("literal_secret", "Sentry"), ("readable_secret_file", None),
                              ("secret_on_command_line", "Sentry"), ("unpinned_package", "Sentry")]

    cursor = files["cursor"]
    assert [(server["name"], server["transport"], server["secrets"]) for server in cursor["servers"]] == [
        ("github", "stdio", [dict(where="env", name="GITHUB_PERSONAL_ACCESS_TOKEN", held="literal")]),
        ("remote", "http", [dict(where="headers", name="Authorization", held="literal")]),
    ]
    # 0600: literal secrets, but nobody else reads them; no version at all is unpinned too.
    assert kinds(cursor) == [("literal_secret", "github"), ("literal_secret", "remote"), ("unpinned_package", "github")]

    broken = files["claude_desktop"]
    path = os.path.join(home.home, ".config/Claude/claude_desktop_config.json")
    assert broken["parse_error"].startswith(path + ": line 3, column ") and broken["servers"] == []
    assert kinds(broken) == [("unparsable_file", None)]

    # An entry of the wrong type is reported with its position; the other entries are still audited.
    kiro = files["kiro"]
    assert kiro["parse_error"].startswith(os.path.join(home.home, ".kiro/settings/mcp.json") + ": line 3, column ")
    assert [server["name"] for server in kiro["servers"]] == ["good"] and kinds(kiro) == [("unparsable_file", None)]

    zed = files["zed"]
    assert (zed["exists"], zed["owner"], zed["mode"], zed["servers"], zed["findings"]) == (False, None, None, [], [])

    # The top-level findings are every file's, flattened, each naming user, client and path.
    flat = [finding for item in files.values() for finding in item["findings"]]
    assert result["findings"] == flat
    assert set(finding["kind"] for finding in flat) == set(("literal_secret", "secret_on_command_line", "unpinned_package",
                                                            "readable_secret_file", "unparsable_file"))
    assert all(finding["user"] == home.name and finding["path"] == files[finding["client"]]["path"] for finding in flat)


def test_every_client_with_a_user_file_is_read_by_default(home, run):
    result = run({})
    clients = [item["client"] for item in result["users"][0]["files"]]
    assert clients == sorted(clients) and "generic" not in clients and {"code_server", "amazonq", "opencode"} <= set(clients)
    assert result["findings"] == []


def tree(directory):
    """Every path below ``directory``, with the mtime and content of each file."""
    found = {}
    for root, dirs, names in os.walk(directory):
        for name in dirs + names:
            path = os.path.join(root, name)
            found[path] = (os.stat(path).st_mtime_ns, open(path, "rb").read()) if name in names else None
    return found


def test_the_audit_changes_nothing(home, run):
    write_files(home)
    before = tree(home.home)
    run(dict(clients=sorted(FILES)))
    assert tree(home.home) == before


def test_a_secret_as_an_entry_name_or_command_is_masked_too(home, run):
    text = json.dumps({"mcpServers": {SENTRY_TOKEN: {"command": GITHUB_TOKEN, "env": {"TOKEN": SENTRY_TOKEN}},
                                      "x": {"command": "x", "env": {"API_KEY": GITHUB_TOKEN}}}})
    write_files(home, {"cursor": ((".cursor", "mcp.json"), text, 0o600)})
    result = run(dict(clients=["cursor"]))
    assert_no_secret(result)
    assert len(result["findings"]) == 2


def test_user_and_all_users_exclude_each_other(home, run):
    result = run(dict(user="alice", all_users=True))
    assert result["failed"] and "mutually exclusive" in result["msg"]


def test_an_unknown_client_is_refused(home, run):
    result = run(dict(clients=["generic"]))
    assert result["failed"] and "clients" in result["msg"]


# -- as root, for real accounts ------------------------------------------------------------------


def test_all_users_reads_each_users_files_as_that_user(accounts, alice, run):  # noqa: F811
    bob = accounts["bob"]
    write_files(alice, {"amazonq": FILES["amazonq"]})
    # bob links his file to alice's (0644, but in her 0750 home): as bob the kernel refuses it.
    shutil.rmtree(os.path.join(bob.home, ".aws"), ignore_errors=True)
    os.makedirs(os.path.join(bob.home, ".aws", "amazonq"))
    os.symlink(os.path.join(alice.home, ".aws", "amazonq", "mcp.json"), os.path.join(bob.home, ".aws", "amazonq", "mcp.json"))
    chown_tree(bob.home, bob)
    result = run(dict(all_users=True, clients=["amazonq"]))
    assert_no_secret(result)
    users = dict((user["user"], user) for user in result["users"])
    assert {alice.name, bob.name} <= set(users)
    # An account whose home does not exist (nobody's /nonexistent) is skipped. Only accounts of
    # this test are looked up: another run on the machine may remove its own accounts meanwhile.
    assert not os.path.isdir(pwd.getpwnam("nobody").pw_dir) and "nobody" not in users
    (alice_file,) = users[alice.name]["files"]
    assert alice_file["owner"] == alice.name and kinds(alice_file)[0] == ("literal_secret", "Sentry")
    (bob_file,) = users[bob.name]["files"]
    assert bob_file["servers"] == [] and "Permission denied" in bob_file["parse_error"]
    assert kinds(bob_file) == [("unparsable_file", None)]
    assert [finding["user"] for finding in result["findings"] if finding["path"] == bob_file["path"]] == [bob.name]


def test_root_reads_one_named_user(accounts, alice, run):  # noqa: F811
    write_files(alice, {"cursor": FILES["cursor"]})
    result = run(dict(user=alice.name, clients=["cursor"]))
    assert_no_secret(result)
    assert [user["user"] for user in result["users"]] == [alice.name]
    assert by_client(result)["cursor"]["owner"] == alice.name


def test_all_users_skips_an_account_that_cannot_enter_its_home(accounts, alice, run):  # noqa: F811
    bob = accounts["bob"]
    info = os.stat(bob.home)
    os.chown(bob.home, 0, 0)
    os.chmod(bob.home, 0o700)
    try:
        result = run(dict(all_users=True, clients=["amazonq"]))
    finally:
        os.chown(bob.home, info.st_uid, info.st_gid)
        os.chmod(bob.home, 0o750)
    names = [user["user"] for user in result["users"]]
    assert alice.name in names and bob.name not in names
    assert not [finding for finding in result["findings"] if finding["user"] == bob.name]


def test_match_says_which_entries_launch_a_given_server(home, run):
    write_files(home)
    sentry = [{"package": "@sentry/mcp-server"}, {"command": "sentry-mcp"}]
    result = run(dict(users=[home.name], clients=["code_server", "amazonq", "cursor"], match=sentry))
    matched = dict(((item["client"], server["name"]), server["matched"])
                   for item in result["users"][0]["files"] for server in item["servers"])
    assert matched == {("code_server", "sentry"): True, ("code_server", "github"): False, ("amazonq", "Sentry"): True,
                       ("cursor", "github"): False, ("cursor", "remote"): False}
    (unmatched,) = by_client(run(dict(clients=["amazonq"])))["amazonq"]["servers"]
    assert unmatched["name"] == "Sentry" and "matched" not in unmatched
    assert_no_secret(result)


def test_users_and_user_exclude_each_other(run):
    result = run(dict(users=["a"], user="a"))
    assert result["failed"] is True and "mutually exclusive" in result["msg"]
