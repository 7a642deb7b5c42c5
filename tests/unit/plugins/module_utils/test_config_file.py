# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading, locking and atomically replacing a config file."""

import fcntl
import os
import stat

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mcpfleet.mcp.plugins.module_utils._config_file import (
    ConfigFileError, check_readable, locked, make_parents, read_text, real_path, write_atomic)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import Account

# As root, created directories must really be handed over to another account.
OWNER = Account("owner", 65534, 65534, "/nonexistent", "/bin/false") if os.geteuid() == 0 else \
    Account("owner", os.getuid(), os.getgid(), "/nonexistent", "/bin/false")


@pytest.fixture
def module():
    with patch_module_args({}):
        yield AnsibleModule(argument_spec={}, add_file_common_args=True)


def test_real_path_follows_symlinks_and_refuses_directories(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link.json").symlink_to(tmp_path / "real" / "mcp.json")
    assert real_path(str(tmp_path / "link.json")) == str(tmp_path / "real" / "mcp.json")
    with pytest.raises(ConfigFileError, match="real is a directory"):
        real_path(str(tmp_path / "real"))


# The account `nobody` stands for a developer whose home root edits; only root can act for it.
NOBODY = Account("nobody", 65534, 65534, "/nonexistent", "/usr/sbin/nologin")
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="acting for another account needs root")


@as_root
def test_a_users_symlink_is_not_followed_to_a_file_it_does_not_own(tmp_path):
    (tmp_path / "root-only.json").write_text("{}")
    (tmp_path / "mcp.json").symlink_to(tmp_path / "root-only.json")
    with pytest.raises(ConfigFileError, match="which nobody does not own"):
        real_path(str(tmp_path / "mcp.json"), NOBODY)
    # Nor to a file still to be created in a directory it does not own.
    (tmp_path / "new.json").symlink_to("/etc/mcpfleet-test-cron")
    with pytest.raises(ConfigFileError, match="not followed as root"):
        real_path(str(tmp_path / "new.json"), NOBODY)


@as_root
def test_a_users_symlink_to_its_own_file_is_followed(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    os.chown(str(mine), NOBODY.uid, NOBODY.gid)
    (tmp_path / "mcp.json").symlink_to(mine / "mcp.json")
    assert real_path(str(tmp_path / "mcp.json"), NOBODY) == str(mine / "mcp.json")
    # A plain path is the path asked for, whoever owns it.
    assert real_path(str(tmp_path / "plain.json"), NOBODY) == str(tmp_path / "plain.json")


@as_root
def test_root_reads_for_a_user_only_what_the_user_could_read(tmp_path):
    secret = tmp_path / "secret.env"
    secret.write_text("TOKEN=x\n")
    secret.chmod(0o600)
    with pytest.raises(ConfigFileError, match="not readable by nobody"):
        read_text(str(secret), NOBODY)
    with pytest.raises(ConfigFileError, match="not readable by nobody"):
        check_readable(str(secret), NOBODY)
    secret.chmod(0o644)
    assert read_text(str(secret), NOBODY) == "TOKEN=x\n"
    os.chown(str(secret), NOBODY.uid, NOBODY.gid)
    secret.chmod(0o600)
    assert read_text(str(secret), NOBODY) == "TOKEN=x\n"


def test_read_text(tmp_path):
    path = tmp_path / "mcp.json"
    assert read_text(str(path)) is None
    path.write_bytes(b"\xef\xbb\xbf{}\r\n")
    assert read_text(str(path)) == "\ufeff{}\r\n"
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(ConfigFileError, match=r"mcp.json is not UTF-8 text \(byte 7\)"):
        read_text(str(path))


def test_make_parents_gives_new_directories_to_the_user(tmp_path):
    old = os.umask(0o022)
    try:
        created = make_parents(str(tmp_path / ".config" / "Code" / "User"), OWNER)
    finally:
        os.umask(old)
    assert created == [str(tmp_path / ".config"), str(tmp_path / ".config" / "Code"), str(tmp_path / ".config" / "Code" / "User")]
    modes = [stat.S_IMODE(os.stat(path).st_mode) for path in created]
    assert modes == [0o700, 0o755, 0o755]
    assert all((os.stat(path).st_uid, os.stat(path).st_gid) == (OWNER.uid, OWNER.gid) for path in created)
    assert make_parents(str(tmp_path / ".config"), OWNER) == []


def test_make_parents_refuses_a_file_in_the_way(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigFileError, match="file is not a directory"):
        make_parents(str(tmp_path / "file" / "sub"), OWNER)


def test_lock_is_exclusive_across_open_file_descriptions(tmp_path):
    with locked(str(tmp_path)):
        fd = os.open(str(tmp_path), os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
    fd = os.open(str(tmp_path), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)


def test_new_file_is_0600_whatever_the_umask(module, tmp_path):
    path = str(tmp_path / "mcp.json")
    old = os.umask(0)
    try:
        write_atomic(module, path, '{"a": "ü"}\n')
        assert os.umask(0) == 0  # restored
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert open(path, "rb").read() == '{"a": "ü"}\n'.encode("utf-8")
    assert os.listdir(str(tmp_path)) == ["mcp.json"]


def test_existing_file_is_replaced_keeping_mode_and_owner(module, tmp_path):
    path = tmp_path / "mcp.json"
    path.write_text("{}")
    os.chmod(str(path), 0o640)
    os.chown(str(path), OWNER.uid, OWNER.gid)
    inode = os.stat(str(path)).st_ino
    write_atomic(module, str(path), '{"x": 1}')
    info = os.stat(str(path))
    assert path.read_text() == '{"x": 1}'
    assert info.st_ino != inode  # replaced by rename, never truncated in place
    assert (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (0o640, OWNER.uid, OWNER.gid)
    assert os.listdir(str(tmp_path)) == ["mcp.json"]
