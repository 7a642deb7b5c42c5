# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mcp_user_config at size, as root: 200 real accounts x 2 clients in one call, with the probe.

The servers run a bounded number at once (probe.concurrency), and every user ends with exactly
their own files, each probe passes as its user, and one user's config file that does not parse
fails that entry alone.
"""

import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import tempfile
import uuid

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mcpfleet.mcp.plugins.modules import mcp_user_config

USERS = 200
BROKEN = 57
SERVER = os.path.join(os.path.dirname(os.path.dirname(__file__)), "servers", "fake_mcp.py")
ENV_FILE = ".config/sentry-mcp/env"
TOKEN = re.compile(r"sntryu_[0-9]{64}")
BROKEN_TEXT = '{\n  "mcpServers": {\n    "x": {"command": "a",,}\n  }\n}\n'


def token(index):
    return "sntryu_%064d" % index


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """(accounts, a directory they can all pass through): USERS real throwaway accounts."""
    if os.geteuid() != 0:
        pytest.skip("creating accounts and acting for them needs root")
    base = tempfile.mkdtemp(prefix="mcpfleet-many-", dir="/tmp")
    os.chmod(base, 0o711)
    prefix = "mcpm%s" % uuid.uuid4().hex[:5]
    names = []
    try:
        for index in range(USERS):
            name = "%s%03d" % (prefix, index)
            subprocess.run(["useradd", "--create-home", "--home-dir", os.path.join(base, name), "--shell", "/bin/sh",
                            "--user-group", name], check=True, stdout=subprocess.DEVNULL)
            names.append(name)
        shutil.copy(SERVER, os.path.join(base, "fake_mcp.py"))
        os.chmod(os.path.join(base, "fake_mcp.py"), 0o644)
        for name in ("running", "counts"):
            os.mkdir(os.path.join(base, name))
            os.chmod(os.path.join(base, name), 0o1777)
        yield [pwd.getpwnam(name) for name in names], base
    finally:
        for name in names:
            subprocess.run(["userdel", name], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run(["groupdel", name], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(base, ignore_errors=True)


def server_script(base):
    """The server of every entry: it counts the servers running beside it (itself included) into
    a file of its user, then becomes the fake MCP server until the probe ends it."""
    return ("touch {base}/running/$$; ls {base}/running | wc -l >> {base}/counts/$(id -u); "
            "/usr/bin/python3 {base}/fake_mcp.py good; rm {base}/running/$$").format(base=base)


def spec(entry, base, index):
    env_path = os.path.join(entry.pw_dir, ENV_FILE)
    entries = [dict(client=client, name="sentry", command="/bin/sh", args=["-c", server_script(base)],
                    env={"SENTRY_MCP_ENV_FILE": env_path}) for client in ("cursor", "amazonq")]
    return dict(user=entry.pw_name, env_file=dict(path=ENV_FILE, env={"SENTRY_ACCESS_TOKEN": token(index)}),
                entries=entries, known_secrets=[token(index)])


def read(path):
    with open(path) as handle:
        return handle.read()


def test_two_hundred_users_end_with_exactly_their_own_files_and_one_broken_file_stops_no_one(many, capsys, tmp_path):
    accounts, base = many
    broken = os.path.join(accounts[BROKEN].pw_dir, ".cursor", "mcp.json")
    os.makedirs(os.path.dirname(broken))
    with open(broken, "w") as handle:
        handle.write(BROKEN_TEXT)
    for path in (os.path.dirname(broken), broken):
        os.chown(path, accounts[BROKEN].pw_uid, accounts[BROKEN].pw_gid)
    probe = dict(timeout=30, concurrency=3, reuse=dict(state_file=str(tmp_path / "probes.json"), files=["~/" + ENV_FILE]))

    with patch_module_args(dict(users=[spec(entry, base, index) for index, entry in enumerate(accounts)], probe=probe)):
        with pytest.raises(SystemExit):
            mcp_user_config.main()
    out = capsys.readouterr().out
    result = json.loads(out)

    assert all(token(index) not in out for index in range(USERS))
    broken_user = accounts[BROKEN].pw_name
    assert len(result["failures"]) == 1 and result["failures"][0].startswith("%s cursor: %s" % (broken_user, broken))
    assert "line 3" in result["failures"][0]
    assert read(broken) == BROKEN_TEXT
    probed = [(item["user"], item["client"]) for item in result["probes"] if not item.get("failed")]
    assert len(probed) == 2 * USERS - 1 and (broken_user, "cursor") not in probed
    assert result["launches"] == USERS  # each user's two clients share one launch
    # One server per user, never more than probe.concurrency of them at once.
    counts = dict((name, [int(line) for line in read(os.path.join(base, "counts", name)).split()])
                  for name in os.listdir(os.path.join(base, "counts")))
    assert sorted(counts) == sorted(str(entry.pw_uid) for entry in accounts)
    assert all(len(seen) == 1 and 1 <= seen[0] <= 3 for seen in counts.values())
    # Each outcome is its own user's: the files written, and the directory its server started in.
    homes = dict((entry.pw_name, entry.pw_dir) for entry in accounts)
    assert [item["user"] for item in result["users"]] == [entry.pw_name for entry in accounts]
    paths = [(item["user"], part["path"]) for item in result["users"] for part in item["entries"] if "path" in part]
    assert len(paths) == 2 * USERS - 1 and all(path.startswith(homes[user] + "/") for user, path in paths)
    assert all(item["launch"]["cwd"] == homes[item["user"]] for item in result["probes"] if not item.get("failed"))
    for index, entry in enumerate(accounts):
        env_path = os.path.join(entry.pw_dir, ENV_FILE)
        assert read(env_path) == "SENTRY_ACCESS_TOKEN=%s\n" % token(index)
        written = [env_path, os.path.join(entry.pw_dir, ".aws", "amazonq", "mcp.json")]
        if index != BROKEN:
            written.append(os.path.join(entry.pw_dir, ".cursor", "mcp.json"))
        for path in written[1:]:
            assert json.loads(read(path))["mcpServers"]["sentry"]["env"] == {"SENTRY_MCP_ENV_FILE": env_path}
        for path in written:
            info = os.lstat(path)
            assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (entry.pw_uid, 0o600), path
        # No token of anyone else anywhere in the home.
        found = set()
        for root, _dirs, files in os.walk(entry.pw_dir):
            for name in files:
                found.update(TOKEN.findall(read(os.path.join(root, name))))
        assert found == {token(index)}
