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
    ConfigFileError, locked, make_parents, read_text, real_path, write_atomic)
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
