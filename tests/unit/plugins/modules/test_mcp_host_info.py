# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mcp_host_info: every fact a rerun decides on, in one call."""

import hashlib
import json
import os
import pwd

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mcpfleet.mcp.plugins.modules import mcp_host_info


def run(capsys, args, check=False):
    with patch_module_args(dict(args, _ansible_check_mode=check)), pytest.raises(SystemExit):
        mcp_host_info.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def node_tree(tmp_path):
    """A Node.js layout as the tarball has it: bin/node, bin/npm -> ../lib/node_modules/npm/bin/npm-cli.js."""
    bin_dir = tmp_path / "node" / "bin"
    npm_dir = tmp_path / "node" / "lib" / "node_modules" / "npm"
    (npm_dir / "bin").mkdir(parents=True)
    bin_dir.mkdir(parents=True)
    (bin_dir / "node").write_text("#!/bin/sh\necho v22.23.3\n")
    (bin_dir / "node").chmod(0o755)
    (npm_dir / "bin" / "npm-cli.js").write_text("")
    (npm_dir / "package.json").write_text(json.dumps({"name": "npm", "version": "10.9.9"}))
    (bin_dir / "npm").symlink_to("../lib/node_modules/npm/bin/npm-cli.js")
    return bin_dir


def test_one_call_reads_accounts_node_packages_and_files(capsys, tmp_path, node_tree):
    me = pwd.getpwuid(os.geteuid()).pw_name
    launcher = tmp_path / "launcher"
    launcher.write_text("#!/bin/sh\n")
    launcher.chmod(0o750)
    (tmp_path / "current").symlink_to("1.2.3")
    package = tmp_path / "package.json"
    package.write_text(json.dumps({"name": "@sentry/mcp-server", "version": "1.2.3"}))
    result = run(capsys, dict(users=[me, "no-such-user-here"], node_bin_dir=str(node_tree),
                              files=[str(launcher), str(tmp_path / "current"), str(tmp_path), str(tmp_path / "gone")],
                              packages=[str(package), str(tmp_path / "missing.json")]), check=True)
    assert result["changed"] is False and result["architecture"] == os.uname().machine
    assert list(result["accounts"]) == [me] and result["accounts"][me]["home"] == pwd.getpwnam(me).pw_dir
    assert result["node"] == {"bin_dir": str(node_tree), "version": "22.23.3", "npm": True, "npm_version": "10.9.9"}
    files = result["files"]
    assert files[str(launcher)] == {"exists": True, "type": "file", "mode": "0750", "uid": os.geteuid(), "gid": os.getegid(),
                                    "sha1": hashlib.sha1(b"#!/bin/sh\n").hexdigest()}
    assert files[str(tmp_path / "current")]["type"] == "link" and files[str(tmp_path / "current")]["target"] == "1.2.3"
    assert files[str(tmp_path)]["type"] == "directory" and files[str(tmp_path / "gone")] == {"exists": False}
    assert result["packages"] == {str(package): "1.2.3", str(tmp_path / "missing.json"): ""}


def test_a_node_that_does_not_run_reads_as_no_version(capsys, tmp_path):
    (tmp_path / "node").write_text("#!/bin/sh\nexit 3\n")
    (tmp_path / "node").chmod(0o755)
    assert run(capsys, dict(node_bin_dir=str(tmp_path)))["node"] == {"bin_dir": str(tmp_path), "version": "", "npm": False, "npm_version": ""}
    assert "node" not in run(capsys, {})


def test_match_finds_the_server_in_each_users_files_read_as_the_user(capsys, accounts):
    alice, bob = accounts["alice"], accounts["bob"]
    path = os.path.join(alice.home, ".aws", "amazonq", "mcp.json")
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as stream:
        json.dump({"mcpServers": {"sentry": {"command": "npx", "args": ["-y", "@sentry/mcp-server@0.39.0"]},
                                  "other": {"command": "other-mcp"}}}, stream)
    for directory in (os.path.dirname(os.path.dirname(path)), os.path.dirname(path), path):
        os.chown(directory, alice.uid, alice.gid)
    # bob's home is not readable by alice: each user's files are read by that user's process.
    result = run(capsys, dict(users=[alice.name, bob.name, "no-such-user-here"], match=[{"package": "@sentry/mcp-server"}]))
    assert [user["user"] for user in result["servers"]] == [alice.name, bob.name]
    found = dict((item["client"], item) for item in result["servers"][0]["files"])
    assert [(server["name"], server["matched"]) for server in found["amazonq"]["servers"]] == [("sentry", True), ("other", False)]
    assert result["servers"][1]["error"] is None and not any(item["exists"] for item in result["servers"][1]["files"])


def test_without_match_no_home_is_read(capsys, accounts):
    assert "servers" not in run(capsys, dict(users=[accounts["alice"].name]))
