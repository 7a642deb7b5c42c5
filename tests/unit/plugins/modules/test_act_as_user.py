# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Attacks by ordinary users on root's runs of mcp_server and mcp_probe, with real accounts.

Root runs the modules for alice or bob; alice and bob try to turn that against root's files, each
other's secrets, or a program that writes the same file. Each test states the attack and what
must hold. Races run in bounded loops.
"""

import ctypes
import hashlib
import json
import os
import signal
import stat
import sys
import time

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _probe
from ansible_collections.mcpfleet.mcp.plugins.modules import mcp_probe, mcp_server

TOKEN_ALICE = "sntryu_" + "a" * 60 + "test"
TOKEN_BOB = "sntryu_" + "b" * 60 + "test"
MARKER = "ROOT-ONLY-" + "9" * 20
# In root's world-readable file: alice may read it herself, so seeing it is no gain for her.
PUBLIC = "ROOT-PUBLIC-" + "8" * 20
COMMAND = "/opt/sentry-mcp/bin/sentry-mcp-stdio"
SERVER = os.path.join(os.path.dirname(os.path.dirname(__file__)), "servers", "fake_mcp.py")


def run(module, capsys, args, diff=False):
    args = dict(args, _ansible_diff=diff)
    with patch_module_args(args), pytest.raises(SystemExit):
        module.main()
    out = capsys.readouterr().out
    return out, json.loads(out)


def as_user(account, loop):
    """Fork a process that is ``account`` and runs ``loop()``; return its pid."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.setgroups([account.gid])
            os.setresgid(account.gid, account.gid, account.gid)
            os.setresuid(account.uid, account.uid, account.uid)
            loop()
        finally:
            os._exit(0)
    return pid


def stop(pid):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def chown_tree(path, account):
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), account.uid, account.gid)
    os.lchown(path, account.uid, account.gid)


def state_of(directory):
    """Every file below ``directory``: owner, mode and content hash (what an attack could change)."""
    found = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = os.path.join(root, name)
            info = os.lstat(path)
            digest = hashlib.sha256(open(path, "rb").read()).hexdigest() if stat.S_ISREG(info.st_mode) else None
            found[path] = (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode), digest)
    return found


@pytest.fixture
def root_dir(open_tmp):
    """A directory of root's with a root-only file (0600, a marker inside) and a root file (0644)."""
    path = os.path.join(open_tmp, "root")
    os.makedirs(os.path.join(path, "amazonq"))
    os.chmod(path, 0o755)
    with open(os.path.join(path, "secret.json"), "w") as handle:
        handle.write('{"mcpServers": {"x": {"command": "%s"}}}' % MARKER)
    os.chmod(os.path.join(path, "secret.json"), 0o600)
    with open(os.path.join(path, "amazonq", "mcp.json"), "w") as handle:
        handle.write('{"mcpServers": {"x": {"command": "%s"}}}' % PUBLIC)
    os.chmod(os.path.join(path, "amazonq", "mcp.json"), 0o644)
    return path


def emptied(account):
    """``account`` with an empty home again."""
    import shutil
    for name in os.listdir(account.home):
        path = os.path.join(account.home, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    return account


@pytest.fixture
def alice(accounts):
    """alice with an empty home again for every test."""
    return emptied(accounts["alice"])


# -- privilege: root's own files ---------------------------------------------------------------


def test_a_directory_named_dollar_home_behind_a_dangling_link_gives_root_nothing(alice, root_dir, capsys, monkeypatch):
    # Ansible's file helpers expand $HOME as root: the link must never be resolved by root.
    monkeypatch.setenv("HOME", root_dir)
    os.makedirs(os.path.join(alice.home, ".cursor", "$HOME"))
    os.symlink("$HOME/secret.json", os.path.join(alice.home, ".cursor", "mcp.json"))
    chown_tree(os.path.join(alice.home, ".cursor"), alice)
    before = state_of(root_dir)
    out, result = run(mcp_server, capsys, dict(client="cursor", user=alice.name, name="sentry", command=COMMAND), diff=True)
    assert state_of(root_dir) == before and MARKER not in out
    written = os.path.join(alice.home, ".cursor", "$HOME", "secret.json")  # what alice herself would get
    assert result["changed"] is True and os.stat(written).st_uid == alice.uid


@pytest.mark.parametrize("backup", [False, True])
def test_a_link_to_a_root_file_is_refused_by_the_kernel(alice, root_dir, capsys, backup):
    os.makedirs(os.path.join(alice.home, ".aws"))
    os.symlink(os.path.join(root_dir, "amazonq"), os.path.join(alice.home, ".aws", "amazonq"))
    chown_tree(os.path.join(alice.home, ".aws"), alice)
    before = state_of(root_dir)
    out, result = run(mcp_server, capsys, dict(client="amazonq", user=alice.name, name="sentry", command=COMMAND,
                                               backup=backup), diff=True)
    assert result["failed"] and "Permission denied" in result["msg"]
    assert state_of(root_dir) == before and PUBLIC not in out


def test_a_backup_is_the_users_and_private_from_its_first_byte(alice, capsys):
    path = os.path.join(alice.home, "mcp.json")
    with open(path, "w") as handle:
        handle.write('{"mcpServers": {"sentry": {"command": "/old", "env": {"T": "%s"}}}}' % TOKEN_ALICE)
    os.chmod(path, 0o644)
    chown_tree(path, alice)
    old = os.umask(0o022)
    try:
        out, result = run(mcp_server, capsys, dict(client="kiro", path=path, user=alice.name, name="sentry", command=COMMAND,
                                                   backup=True))
    finally:
        os.umask(old)
    info = os.lstat(result["backup_file"])
    assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (alice.uid, 0o600) and TOKEN_ALICE not in out
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644  # the file keeps its own mode


def _exchange_loop(a, b, seconds):
    libc = ctypes.CDLL(None, use_errno=True)

    def loop():
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            libc.renameat2(-100, a.encode(), -100, b.encode(), 2)
    return loop


def test_racing_a_parent_directory_against_a_link_to_root_gains_nothing(alice, root_dir, capsys):
    # alice swaps ~/.aws (hers) with a symlink to root's directory, as fast as she can.
    aws = os.path.join(alice.home, ".aws")
    evil = os.path.join(alice.home, ".aws-evil")
    os.symlink(root_dir, evil)
    os.lchown(evil, alice.uid, alice.gid)
    before = state_of(root_dir)
    for _attempt in range(20):
        if not os.path.lexists(aws):
            os.mkdir(aws)
            os.chown(aws, alice.uid, alice.gid)
        racer = as_user(alice, _exchange_loop(aws, evil, 5))
        try:
            out, _result = run(mcp_server, capsys, dict(client="amazonq", user=alice.name, name="sentry", command=COMMAND),
                               diff=True)
        finally:
            stop(racer)
        # The race may let alice's process read root's world-readable file (PUBLIC), which she can
        # read anyway; never the root-only one, and root's files stay as they were.
        assert MARKER not in out
        assert state_of(root_dir) == before
        if os.path.islink(aws):  # undo the last exchange so the next round starts alike
            os.rename(aws, evil + ".tmp")
            os.rename(evil, aws)
            os.rename(evil + ".tmp", evil)


def test_a_fifo_or_a_device_at_the_path_fails_at_once_and_stays(alice, capsys):
    fifo = os.path.join(alice.home, "fifo.json")
    os.mkfifo(fifo)
    device = os.path.join(alice.home, "zero.json")
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 5))
    chown_tree(alice.home, alice)
    for path, kind in ((fifo, "a FIFO"), (device, "a character device")):
        # An open that blocked on the FIFO would end in the user process's timeout, not this.
        _out, result = run(mcp_server, capsys, dict(client="kiro", path=path, user=alice.name, name="sentry", command=COMMAND))
        assert result["failed"] and result["msg"] == "%s is %s, expected a regular config file: not read" % (path, kind)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stat.S_ISCHR(os.lstat(device).st_mode)


def test_a_huge_sparse_file_is_refused_by_size(alice, capsys):
    path = os.path.join(alice.home, "big.json")
    with open(path, "wb") as handle:
        handle.truncate(2 * 1024 ** 3)
    chown_tree(path, alice)
    _out, result = run(mcp_server, capsys, dict(client="kiro", path=path, user=alice.name, name="sentry", command=COMMAND))
    assert result["failed"] and "more than the limit of 33554432" in result["msg"] and path in result["msg"]


# -- secrets of other users ------------------------------------------------------------------


def _alice_secrets(alice, home_mode, file_mode):
    os.chmod(alice.home, home_mode)
    env_file = os.path.join(alice.home, "env")
    with open(env_file, "w") as handle:
        handle.write("SENTRY_ACCESS_TOKEN=%s\n" % TOKEN_ALICE)
    os.chmod(env_file, file_mode)
    config = os.path.join(alice.home, "mcp.json")
    with open(config, "w") as handle:
        handle.write('{"servers": {"sentry": {"command": "%s", "args": ["%s", "echo_env"], "env": {"T": "%s"}}}}'
                     % (sys.executable, SERVER, TOKEN_ALICE))
    os.chmod(config, file_mode)
    chown_tree(env_file, alice)
    chown_tree(config, alice)
    return env_file, config


@pytest.mark.parametrize("home_mode, file_mode", [(0o750, 0o600), (0o700, 0o644)])
def test_bobs_probe_cannot_reach_alices_env_file(accounts, alice, capsys, home_mode, file_mode):
    bob = accounts["bob"]
    env_file, _config = _alice_secrets(alice, home_mode, file_mode)
    try:
        out, result = run(mcp_probe, capsys, dict(user=bob.name, command=sys.executable, args=[SERVER, "echo_env"],
                                                  env_file=env_file, timeout=10))
    finally:
        os.chmod(alice.home, 0o750)
    assert result["failed"] and result["failure"]["kind"] == "config" and "Permission denied" in result["msg"]
    assert TOKEN_ALICE not in out and "a" * 20 not in out


def test_bobs_config_linked_to_alices_is_not_read(accounts, alice, capsys):
    bob = accounts["bob"]
    _env_file, config = _alice_secrets(alice, 0o700, 0o644)
    link = os.path.join(bob.home, ".vscode-mcp.json")
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(config, link)
    try:
        out, result = run(mcp_probe, capsys, dict(user=bob.name, client="vscode", path=link, name="sentry", timeout=10))
    finally:
        os.unlink(link)
        os.chmod(alice.home, 0o750)
    assert result["failed"] and "Permission denied" in result["msg"]
    assert TOKEN_ALICE not in out and "a" * 20 not in out


def _swap_loop(path, target, text):
    """Replace ``path`` atomically, over and over, by a link to ``target`` and by a file of ``text``
    (each kept about as long as the other)."""
    def loop():
        os.symlink(target, path + ".link")
        with open(path + ".file", "w") as handle:
            handle.write(text)
        while True:
            for source in (path + ".link", path + ".file"):
                os.link(source, path + ".next", follow_symlinks=False)
                os.replace(path + ".next", path)
                time.sleep(0.0005)
    return loop


def test_swapping_bobs_env_file_for_a_link_to_alices_gains_nothing(accounts, alice, capsys, open_tmp, monkeypatch):
    # bob races his own envFile between a file of his and a link to alice's 0600 env file.
    bob = accounts["bob"]
    # The module kills every descendant of its process when it ends; here that would be the racer.
    monkeypatch.setattr(_probe, "kill_descendants", lambda: None)
    alice_env, _config = _alice_secrets(alice, 0o750, 0o600)
    server = os.path.join(open_tmp, "fake_mcp.py")
    with open(SERVER) as source, open(server, "w") as copy:
        copy.write(source.read())
    os.chmod(server, 0o644)
    env_file, dump = os.path.join(bob.home, "env"), os.path.join(bob.home, "dump.json")
    for name in (env_file, dump, env_file + ".link", env_file + ".file", env_file + ".next"):
        if os.path.lexists(name):
            os.unlink(name)

    def probe():
        out, result = run(mcp_probe, capsys, dict(user=bob.name, command="/usr/bin/python3", args=[server, "good"],
                                                  env_file=env_file, env={"FAKE_ENV_DUMP": dump}, timeout=10))
        assert TOKEN_ALICE not in out and "a" * 20 not in out
        if result.get("failed"):
            assert "Permission denied" in result["msg"] or "does not exist" in result["msg"], result["msg"]
            return "denied"
        with open(dump) as handle:
            assert json.load(handle)["SENTRY_ACCESS_TOKEN"] == TOKEN_BOB
        os.unlink(dump)
        return "bob's"

    # Each side of the race on its own: the link is denied, bob's own file is read.
    os.symlink(alice_env, env_file)
    os.lchown(env_file, bob.uid, bob.gid)
    assert probe() == "denied"
    os.unlink(env_file)
    with open(env_file, "w") as handle:
        handle.write("SENTRY_ACCESS_TOKEN=%s\n" % TOKEN_BOB)
    os.chown(env_file, bob.uid, bob.gid)
    assert probe() == "bob's"
    os.unlink(env_file)
    # Then the race: whichever side each read meets, it is one of those two.
    racer = as_user(bob, _swap_loop(env_file, alice_env, "SENTRY_ACCESS_TOKEN=%s\n" % TOKEN_BOB))
    try:
        for _attempt in range(20):
            probe()
    finally:
        stop(racer)


def test_a_fifo_as_env_file_fails_at_once(alice, capsys):
    fifo = os.path.join(alice.home, "env")
    os.mkfifo(fifo)
    chown_tree(fifo, alice)
    # A read that blocked on the FIFO would end in the probe's timeout, not this.
    _out, result = run(mcp_probe, capsys, dict(user=alice.name, command=sys.executable, args=[SERVER, "good"],
                                               env_file=fifo, timeout=10))
    assert result["failed"] and "is a FIFO" in result["msg"] and result["failure"]["kind"] == "config"


# -- a concurrent writer that rewrites the file in place ---------------------------------------


def _in_place_writer(path, stop_file):
    """Like an editor or CLI without locks: read, add its own record, truncate and rewrite."""
    def loop():
        count = 0
        while not os.path.exists(stop_file):
            try:
                with open(path) as handle:
                    data = json.load(handle)
            except ValueError:
                continue  # never happens with an atomic writer beside us: the test checks it
            data.setdefault("log", []).append(count)
            text = json.dumps(data)
            with open(path, "w") as handle:  # O_TRUNC: empty for a moment, then half written
                handle.write(text[:len(text) // 2])
                handle.flush()
                time.sleep(0.001)
                handle.write(text[len(text) // 2:])
            count += 1
            time.sleep(0.01)
    return loop


def _records(path):
    """How many records the writer has in the file; 0 while it is half written."""
    try:
        with open(path) as handle:
            return len(json.load(handle).get("log", []))
    except ValueError:
        return 0


def test_fifty_edits_beside_an_in_place_writer_lose_none_of_its_data(alice, capsys):
    path = os.path.join(alice.home, ".claude.json")
    stop_file = os.path.join(alice.home, "stop")
    with open(path, "w") as handle:
        json.dump({"numStartups": 7, "history": "h" * 20000, "mcpServers": {}}, handle)
    chown_tree(alice.home, alice)
    writer = as_user(alice, _in_place_writer(path, stop_file))
    edited = 0
    try:
        # Fifty edits at least, and as many more as it takes for the writer to write fifty records
        # meanwhile and for an edit to get through, however the two are scheduled. An edit that
        # the writer outpaces round after round is refused, and says why.
        for index in range(1000):
            _out, result = run(mcp_server, capsys, dict(client="claude_code", user=alice.name, name="s%d" % index,
                                                        command=COMMAND))
            if result.get("failed"):
                assert result["msg"].startswith("%s kept changing while it was edited" % path), result
            else:
                edited += 1
            if index >= 49 and edited and _records(path) >= 50:
                break
    finally:
        open(stop_file, "w").close()  # the writer finishes its round and leaves
        _pid, status = os.waitpid(writer, 0)
    with open(path) as handle:
        data = json.load(handle)
    # Every record the writer made is still there, in order, with everything else it stored.
    assert data["log"] == list(range(len(data["log"]))) and len(data["log"]) >= 50
    assert data["history"] == "h" * 20000 and data["numStartups"] == 7
