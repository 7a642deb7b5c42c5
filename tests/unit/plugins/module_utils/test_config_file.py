# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Config file primitives: regular files only, bounded reads, torn-read detection, safe writes."""

import errno
import fcntl
import os
import stat
import time

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _config_file
from ansible_collections.mcpfleet.mcp.plugins.module_utils._config_file import (
    REDO, STALE, WRITTEN, ConfigFileError, Snapshot, commit, locked, make_parents, read_bytes, read_snapshot, read_text,
    real_path, still_current, write_backup)


def test_real_path_follows_symlinks_and_refuses_directories(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("{}")
    (tmp_path / "link.json").symlink_to(real)
    assert real_path(str(tmp_path / "link.json")) == str(real)
    with pytest.raises(ConfigFileError, match="is a directory"):
        real_path(str(tmp_path))


def test_read_text(tmp_path):
    path = tmp_path / "mcp.json"
    assert read_text(str(path)) is None
    path.write_bytes('{"a": "ü"}'.encode("utf-8"))
    assert read_text(str(path)) == '{"a": "ü"}'
    path.write_bytes(b"\xff{}")
    with pytest.raises(ConfigFileError, match="is not UTF-8 text"):
        read_text(str(path))


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = str(tmp_path / "mcp.json")
    os.mkfifo(fifo)
    with pytest.raises(ConfigFileError, match="%s is a FIFO, expected a regular config file" % fifo):
        read_text(fifo)


@pytest.mark.parametrize("device, kind", [("/dev/zero", "a character device"), ("/dev/null", "a character device")])
def test_a_device_is_refused(device, kind):
    with pytest.raises(ConfigFileError, match="%s is %s" % (device, kind)):
        read_text(device)


def test_a_socket_is_refused(tmp_path):
    import socket
    path = str(tmp_path / "s")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    try:
        with pytest.raises(ConfigFileError, match="is a socket"):
            read_text(path)
    finally:
        server.close()


def test_a_file_above_the_bound_is_refused_without_reading_it(tmp_path):
    sparse = str(tmp_path / "big.json")
    with open(sparse, "wb") as handle:
        handle.truncate(2 * 1024 ** 3)  # 2 GB of holes: reading it would take all the memory
    with pytest.raises(ConfigFileError, match="big.json has 2147483648 bytes, more than the limit of 33554432"):
        read_text(sparse)
    with pytest.raises(ConfigFileError, match="more than the limit of 10"):
        read_bytes(sparse, max_size=10)


def test_still_current_sees_every_change(tmp_path):
    path = tmp_path / "mcp.json"
    path.write_text('{"a": 1}')
    snapshot = read_snapshot(str(path))
    assert still_current(str(path), snapshot)
    with open(str(path), "r+") as handle:  # in place, same size, same inode
        handle.write('{"b": 1}')
    assert not still_current(str(path), snapshot)
    path.unlink()
    assert not still_current(str(path), snapshot)
    assert still_current(str(path), read_snapshot(str(path)))  # absent then, absent now


def test_make_parents_creates_hidden_directories_private(tmp_path):
    created = make_parents(str(tmp_path / ".config" / "Code" / "User"))
    assert created == [str(tmp_path / ".config"), str(tmp_path / ".config" / "Code"), str(tmp_path / ".config" / "Code" / "User")]
    assert [stat.S_IMODE(os.stat(path).st_mode) for path in created] == [0o700, 0o755, 0o755]
    assert make_parents(str(tmp_path / ".config")) == []


def test_make_parents_refuses_a_file_in_the_way(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigFileError, match="file is not a directory"):
        make_parents(str(tmp_path / "file" / "sub"))


def test_lock_is_exclusive_and_its_wait_is_bounded(tmp_path):
    with locked(str(tmp_path)):
        fd = os.open(str(tmp_path), os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
        with pytest.raises(ConfigFileError, match="another writer held it for 0.1s"):
            with locked(str(tmp_path), timeout=0.1):
                pass


def test_new_file_has_its_final_mode_whatever_the_umask(tmp_path):
    path = str(tmp_path / "mcp.json")
    old = os.umask(0)
    try:
        assert commit(path, Snapshot(None), '{"a": "ü"}\n', 0o600) == WRITTEN
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert open(path, "rb").read() == '{"a": "ü"}\n'.encode("utf-8")
    assert os.listdir(str(tmp_path)) == ["mcp.json"]


def test_a_file_that_appeared_meanwhile_is_not_replaced(tmp_path):
    path = tmp_path / "mcp.json"
    missing = read_snapshot(str(path))
    path.write_text('{"theirs": 1}')
    assert commit(str(path), missing, "{}", 0o600) == STALE
    assert path.read_text() == '{"theirs": 1}' and os.listdir(str(tmp_path)) == ["mcp.json"]


def test_commit_renames_and_writes_nothing_over_a_changed_file(tmp_path):
    path = tmp_path / "mcp.json"
    path.write_text("{}")
    os.chmod(str(path), 0o640)
    inode = os.stat(str(path)).st_ino
    assert commit(str(path), read_snapshot(str(path)), '{"x": 1}', 0o640) == WRITTEN
    info = os.stat(str(path))
    assert path.read_text() == '{"x": 1}' and info.st_ino != inode  # never truncated in place
    assert stat.S_IMODE(info.st_mode) == 0o640
    snapshot = read_snapshot(str(path))
    path.write_text('{"theirs": 22}')
    assert commit(str(path), snapshot, '{"y": 1}', 0o640) == STALE
    assert path.read_text() == '{"theirs": 22}' and os.listdir(str(tmp_path)) == ["mcp.json"]


def test_a_file_renamed_into_place_after_the_check_is_swapped_back(tmp_path, monkeypatch):
    path = tmp_path / "mcp.json"
    path.write_text("{}")
    snapshot = read_snapshot(str(path))

    def replaced_after_the_check(*args):
        (tmp_path / "new").write_text('{"theirs": 1}')
        os.rename(str(tmp_path / "new"), str(path))  # an atomic writer wins the race
        return True
    monkeypatch.setattr(_config_file, "still_current", replaced_after_the_check)
    assert commit(str(path), snapshot, '{"ours": 1}', 0o600) == STALE
    assert path.read_text() == '{"theirs": 1}' and os.listdir(str(tmp_path)) == ["mcp.json"]


def test_an_open_for_writing_after_the_read_is_seen_through_the_lease(tmp_path):
    path = tmp_path / "mcp.json"
    path.write_text('{"before": 1}')
    snapshot = read_snapshot(str(path), watch=True)
    assert snapshot.leased
    pid = os.fork()
    if pid == 0:  # pragma: no cover - an in-place writer; its open waits for the lease
        os.close(snapshot.fd)
        with open(str(path), "w") as handle:
            handle.write('{"theirs": 1}')
        os._exit(0)
    deadline = time.monotonic() + 5
    while not snapshot.written_since() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert commit(str(path), snapshot, '{"ours": 1}', 0o600) == STALE
    finally:
        snapshot.close()  # lets the writer go on
        os.waitpid(pid, 0)
    assert path.read_text() == '{"theirs": 1}'


def _writer(target, text):
    """Fork an in-place writer of ``target`` (its open waits while a lease is held); return its pid."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        with open(target, "w") as handle:
            handle.write(text)
        os._exit(0)
    return pid


def _until(condition):
    deadline = time.monotonic() + 5
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.002)
    assert condition()


def test_a_writer_that_opened_the_file_just_before_the_exchange_gets_it_back(tmp_path, monkeypatch):
    path = tmp_path / "mcp.json"
    path.write_text('{"before": 1}')
    snapshot = read_snapshot(str(path), watch=True)
    state = {}
    exchange = _config_file._renameat2

    def a_writer_opens_first(src, dst, flags):
        if flags == _config_file.RENAME_EXCHANGE and "pid" not in state:
            state["pid"] = _writer(dst, '{"theirs": 1}')
            _until(snapshot.written_since)
        return exchange(src, dst, flags)
    monkeypatch.setattr(_config_file, "_renameat2", a_writer_opens_first)
    try:
        assert commit(str(path), snapshot, '{"ours": 1}', 0o600) == STALE
    finally:
        snapshot.close()  # lets the writer go on: into the file that is at the path again
        os.waitpid(state["pid"], 0)
    assert path.read_text() == '{"theirs": 1}' and os.listdir(str(tmp_path)) == ["mcp.json"]


def test_a_writer_that_opens_the_new_file_at_once_makes_the_edit_redone(tmp_path, monkeypatch):
    path = tmp_path / "mcp.json"
    path.write_text('{"before": 1}')
    snapshot = read_snapshot(str(path), watch=True)
    state = {}
    exchange, watch = _config_file._renameat2, _config_file._watch

    def watched(name):
        state["ours"] = watch(name)
        return state["ours"]

    def a_writer_opens_after(src, dst, flags):
        done = exchange(src, dst, flags)
        if flags == _config_file.RENAME_EXCHANGE and "pid" not in state:
            state["pid"] = _writer(dst, '{"theirs": 1}')
            _until(state["ours"].written_since)
        return done
    monkeypatch.setattr(_config_file, "_renameat2", a_writer_opens_after)
    monkeypatch.setattr(_config_file, "_watch", watched)
    try:
        assert commit(str(path), snapshot, '{"ours": 1}', 0o600) == REDO
    finally:
        snapshot.close()
        os.waitpid(state["pid"], 0)
    assert path.read_text() == '{"theirs": 1}'


def test_a_full_disk_names_the_file_and_leaves_it_intact(tmp_path, monkeypatch):
    path = tmp_path / "mcp.json"
    path.write_text('{"keep": true}')

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(_config_file.os, "write", full)
    with pytest.raises(ConfigFileError, match="cannot write %s: No space left on device" % path):
        commit(str(path), read_snapshot(str(path)), '{"new": true}', 0o600)
    monkeypatch.undo()
    assert path.read_text() == '{"keep": true}' and os.listdir(str(tmp_path)) == ["mcp.json"]


def test_a_backup_never_follows_a_planted_name(tmp_path, monkeypatch):
    path = tmp_path / "mcp.json"
    path.write_text('{"old": true}')
    victim = tmp_path / "victim"
    victim.write_text("precious")
    snapshot = read_snapshot(str(path))
    names = iter([b"\x00\x00\x01", b"\x00\x00\x01", b"\x00\x00\x02"])
    monkeypatch.setattr(_config_file.os, "urandom", lambda n: next(names))
    stamp = "2026-01-01@00:00:00"
    monkeypatch.setattr(_config_file.time, "strftime", lambda fmt: stamp)
    planted = tmp_path / ("mcp.json.%s.000001~" % stamp)
    planted.symlink_to(victim)
    old = os.umask(0)
    try:
        backup = write_backup(str(path), snapshot)
    finally:
        os.umask(old)
    assert backup == str(tmp_path / ("mcp.json.%s.000002~" % stamp))
    assert victim.read_text() == "precious" and os.path.islink(str(planted))
    info = os.lstat(backup)
    assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
    assert open(backup).read() == '{"old": true}'


def test_a_file_held_open_for_writing_is_not_edited(tmp_path, monkeypatch):
    # Its writer would go on writing into the file the edit replaces: refuse, name the file.
    monkeypatch.setattr(_config_file, "WRITER_WAIT", 0.2)
    path = tmp_path / "mcp.json"
    path.write_text("{}")
    with open(str(path), "a"):
        with pytest.raises(ConfigFileError, match="mcp.json is held open for writing by another program"):
            read_snapshot(str(path), watch=True)
    snapshot = read_snapshot(str(path), watch=True)
    assert snapshot.leased  # once it is closed
    snapshot.close()
