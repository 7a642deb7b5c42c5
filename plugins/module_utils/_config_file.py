# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read, lock, back up and atomically replace a client config file, as the user who owns it.

Everything here runs in a process that already is the file's user (see ``_as_user``), so
symlinks are simply followed: they cannot lead anywhere the user could not go anyway.

- Only regular files are read, without ever blocking: a FIFO, socket or device at the path is
  refused before it is opened for real, and a file above the size bound is refused.
- A write goes to a new temp file in the same directory (created exclusively, 0600 or the final
  mode from its first byte), is fsynced, and replaces the file by rename; the directory is then
  fsynced. The file's mode is kept.
- A program that rewrites the file in place without any lock (editors, some CLIs) may be caught
  mid-save: see ``Snapshot`` and ``still_current`` for how an edit is never computed from, or
  written over, a torn read.
- A backup is written from the very bytes that were read, to a new name, exclusively and 0600.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ctypes
import errno
import fcntl
import os
import signal
import stat
import time

NEW_FILE_MODE = 0o600
BACKUP_MODE = 0o600
DEFAULT_MAX_SIZE = 32 * 1024 * 1024
# How long a writer waits for another mcpfleet writer's lock on the directory.
LOCK_TIMEOUT = 20.0


class ConfigFileError(Exception):
    """The file cannot be read or written as a config file."""


# Linux file leases (fcntl(2)): a read lease tells us when anyone opens the file for writing.
F_SETLEASE = 1024
F_GETLEASE = 1025
# How long to wait for a program that has the file open for writing (a save in progress).
WRITER_WAIT = 2.0


class Snapshot:
    """What a read of the path saw: the text (None: no file), the file's identity and mode.

    With ``watch`` the file stays open and, where the kernel grants one, holds a read lease
    from before the first byte was read, so that any later open for writing (a program that
    rewrites the file in place) is known: see ``written_since``.
    """

    def __init__(self, text, data=None, identity=None, mode=None, fd=None, leased=False):
        self.text = text
        self.data = data
        self.identity = identity
        self.mode = mode
        self.fd = fd
        self.leased = leased

    @property
    def exists(self):
        return self.text is not None

    def close(self):
        if self.fd is not None:
            if self.leased:
                # Explicitly: a forked copy of the descriptor would otherwise keep the lease.
                fcntl.fcntl(self.fd, F_SETLEASE, fcntl.F_UNLCK)
                self.leased = False
            os.close(self.fd)
            self.fd = None

    def written_since(self):
        """True when someone opened the file for writing after it was read (the lease broke)."""
        return self.leased and fcntl.fcntl(self.fd, F_GETLEASE) != fcntl.F_RDLCK


def _identity(info):
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _try_lease(fd):
    """Take a read lease on ``fd``; False when someone has the file open for writing."""
    try:
        fcntl.fcntl(fd, F_SETLEASE, fcntl.F_RDLCK)
        return True
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EBUSY):
            return False
        raise


def real_path(path):
    """Follow symlinks to the file that is really edited; refuse a directory."""
    target = os.path.realpath(path)
    if os.path.isdir(target):
        raise ConfigFileError("%s is a directory, expected a config file" % path)
    return target


def _kind(mode):
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory")):
        if test(mode):
            return name
    return "not a regular file"


def _open_regular(path, max_size, what):
    """Open the regular file ``path`` for reading without ever blocking; (None, None) if missing."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        raise ConfigFileError("cannot read %s %s: %s" % (what, path, exc.strerror))
    if not stat.S_ISREG(info.st_mode):
        raise ConfigFileError("%s is %s, expected a regular %s: not read" % (path, _kind(info.st_mode), what))
    if info.st_size > max_size:
        raise ConfigFileError("%s has %d bytes, more than the limit of %d for a %s: not read (see max_size)"
                              % (path, info.st_size, max_size, what))
    try:
        # O_NONBLOCK: the path may have been swapped for a FIFO since the stat.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        raise ConfigFileError("cannot read %s %s: %s" % (what, path, exc.strerror))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigFileError("%s is %s, expected a regular %s: not read" % (path, _kind(info.st_mode), what))
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def _read_fd(fd, path, max_size, what, offset=None):
    chunks, total = [], 0
    try:
        while True:
            size = min(1 << 20, max_size + 1 - total)
            chunk = os.read(fd, size) if offset is None else os.pread(fd, size, offset + total)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            if total > max_size:
                raise ConfigFileError("%s grew past the limit of %d bytes for a %s: not read" % (path, max_size, what))
    except OSError as exc:
        raise ConfigFileError("cannot read %s %s: %s" % (what, path, exc.strerror))


def read_bytes(path, max_size=DEFAULT_MAX_SIZE, what="config file"):
    """Return (bytes, stat) of the regular file ``path``, or (None, None) when it does not exist.

    Never blocks and never reads more than ``max_size`` bytes: anything but a regular file, or a
    file larger than the bound, is refused with a message naming it.
    """
    fd, info = _open_regular(path, max_size, what)
    if fd is None:
        return None, None
    try:
        return _read_fd(fd, path, max_size, what), info
    finally:
        os.close(fd)


def decode(path, data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigFileError("%s is not UTF-8 text (byte %d)" % (path, exc.start))


def read_snapshot(path, max_size=DEFAULT_MAX_SIZE, watch=False):
    """Read ``path`` into a Snapshot (text None when the file does not exist); see Snapshot."""
    deadline = time.monotonic() + WRITER_WAIT
    while True:
        fd, info = _open_regular(path, max_size, "config file")
        if fd is None:
            return Snapshot(None)
        leased = False
        try:
            if watch:
                try:
                    signal.signal(signal.SIGIO, signal.SIG_IGN)  # a lease break must not kill us
                    leased = _try_lease(fd)
                except (OSError, ValueError):
                    leased = None  # not the file's owner, or no leases on this file system
                if leased is False:
                    # Open for writing by someone: a save in progress; look again. A program that
                    # keeps it open for writing would write into the file we replace: not edited.
                    if time.monotonic() >= deadline:
                        raise ConfigFileError("%s is held open for writing by another program (longer than %ss): not edited"
                                              % (path, WRITER_WAIT))
                    os.close(fd)
                    time.sleep(0.002)
                    continue
            data = _read_fd(fd, path, max_size, "config file")
            snapshot = Snapshot(decode(path, data), data, _identity(info), stat.S_IMODE(info.st_mode),
                                fd if watch else None, bool(leased))
        except BaseException:
            os.close(fd)
            raise
        if not watch:
            os.close(fd)
        return snapshot


def read_text(path, max_size=DEFAULT_MAX_SIZE):
    """Return the file's text, or None when it does not exist."""
    return read_snapshot(path, max_size).text


def still_current(path, snapshot, max_size=DEFAULT_MAX_SIZE):
    """True when ``path`` still holds exactly what ``snapshot`` read (same file, same bytes)."""
    try:
        data, info = read_bytes(path, max_size)
    except ConfigFileError:
        return False
    if data is None or not snapshot.exists:
        return data is None and not snapshot.exists
    return _identity(info) == snapshot.identity and data == snapshot.data


def make_parents(directory):
    """Create ``directory`` and missing parents; return those created.

    Hidden directories (``~/.cursor``) get 0700, others 0755, whatever the umask.
    """
    missing = []
    while not os.path.isdir(directory):
        if os.path.lexists(directory):
            raise ConfigFileError("%s is not a directory" % directory)
        missing.append(directory)
        directory = os.path.dirname(directory)
    created = []
    for path in reversed(missing):
        mode = 0o700 if os.path.basename(path).startswith(".") else 0o755
        try:
            os.mkdir(path, mode)
        except FileExistsError:
            continue  # made by a concurrent writer
        except OSError as exc:
            raise ConfigFileError("cannot create directory %s: %s" % (path, exc.strerror))
        os.chmod(path, mode)
        created.append(path)
    return created


class locked:
    """Hold an exclusive flock on ``directory`` (the file itself is replaced by rename).

    Only cooperating writers (this module) take it; the wait for it is bounded.
    """

    def __init__(self, directory, timeout=LOCK_TIMEOUT):
        self.directory = directory
        self.timeout = timeout
        self.fd = None

    def __enter__(self):
        self.fd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN) or time.monotonic() > deadline:
                    os.close(self.fd)
                    raise ConfigFileError("cannot lock %s for writing: %s" % (
                        self.directory, "another writer held it for %ss" % self.timeout if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN)
                        else exc.strerror))
                time.sleep(0.01)

    def __exit__(self, *exc_info):
        os.close(self.fd)


def _write_new(path, data, mode):
    """Create ``path`` exclusively with ``mode`` from the first byte, write ``data``, fsync."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), mode & 0o600)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        return fd
    except BaseException:
        os.close(fd)
        os.unlink(path)
        raise


def _fresh_name(path, suffix):
    return "%s.%d.%s%s" % (path, os.getpid(), os.urandom(4).hex(), suffix)


def write_backup(path, snapshot):
    """Write the snapshot's bytes to a new ``<file>.<timestamp>~`` beside it; return its name.

    Exclusive creation: a name planted in advance is never followed or overwritten.
    """
    stamp = time.strftime("%Y-%m-%d@%H:%M:%S")
    for _attempt in range(5):
        name = "%s.%s.%s~" % (path, stamp, os.urandom(3).hex())
        try:
            os.close(_write_new(name, snapshot.data, BACKUP_MODE))
            return name
        except FileExistsError:
            continue
        except OSError as exc:
            raise ConfigFileError("cannot back up %s to %s: %s" % (path, name, exc.strerror))
    raise ConfigFileError("cannot back up %s: every fresh name was taken" % path)


AT_FDCWD = -100
RENAME_NOREPLACE = 1
RENAME_EXCHANGE = 2


def _libc_renameat2():
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function


_RENAMEAT2 = []


def _renameat2(src, dst, flags):
    """renameat2(2); False when the C library, kernel or file system lacks it (callers fall back)."""
    if not _RENAMEAT2:
        _RENAMEAT2.append(_libc_renameat2())  # looked up once: the swap must follow its check at once
    function = _RENAMEAT2[0]
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(src), AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), dst)


def _create(tmp, path):
    """Move ``tmp`` to ``path`` unless a file appeared there meanwhile; False when one did."""
    try:
        if not _renameat2(tmp, path, RENAME_NOREPLACE):
            os.link(tmp, path)  # fails as well when the name is taken
            os.unlink(tmp)
    except FileExistsError:
        os.unlink(tmp)
        return False
    return True


def _watch(path):
    """Open ``path`` (our new file) for reading with a read lease: a Snapshot that only watches."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    try:
        leased = _try_lease(fd)
    except OSError:
        leased = False  # no leases on this file system: nothing to watch with
    return Snapshot("", fd=fd, leased=leased)


def _swap(tmp, path, snapshot):
    """Exchange ``tmp`` and ``path``; False (and swapped back) when path was not left as the snapshot.

    Swapped back when the path held another file (a program replaced it by rename meanwhile),
    or when a program opened the snapshot's file for writing between the last look and the
    exchange: that program is held by the lease until we let go, and its write must land in
    the file at ``path``, so the old file goes back there before anything is released.
    """
    if snapshot.written_since():
        return False
    if not _renameat2(tmp, path, RENAME_EXCHANGE):
        os.rename(tmp, path)  # no exchange here: still_current just checked
        return True
    displaced = os.lstat(tmp)
    if (displaced.st_dev, displaced.st_ino) != snapshot.identity[:2] or snapshot.written_since():
        _renameat2(tmp, path, RENAME_EXCHANGE)
        os.unlink(tmp)
        return False
    os.unlink(tmp)
    return True


WRITTEN = "written"
STALE = "stale"
REDO = "redo"


def commit(path, snapshot, text, mode, ownership=None, max_size=DEFAULT_MAX_SIZE):
    """Put ``text`` at ``path`` in place of what ``snapshot`` read there, through a temp file.

    ``mode`` is the file's final mode from the first byte; ``ownership`` (uid, gid, -1 for
    unchanged) is set on the temp file. Returns:
    - WRITTEN: done;
    - STALE: the path no longer holds the snapshot, or a program opened it for writing;
      nothing was written: read again;
    - REDO: written, but a program opened the new file for writing right away (it may write
      what it read before): read again once it is done, and redo the edit.
    """
    directory = os.path.dirname(path)
    tmp = _fresh_name(os.path.join(directory, "." + os.path.basename(path)), ".tmp")
    try:
        fd = _write_new(tmp, text.encode("utf-8"), mode)
    except OSError as exc:
        raise ConfigFileError("cannot write %s: %s" % (path, exc.strerror))
    ours = None
    try:
        try:
            if ownership and ownership != (-1, -1):
                os.fchown(fd, *ownership)
        finally:
            os.close(fd)
        # Watched before it is placed: a program that opens it for writing at once is known.
        ours = _watch(tmp)
        if not snapshot.exists:
            placed = _create(tmp, path)
        else:
            # Still what we read, and nobody opened it for writing: only then swap.
            placed = still_current(path, snapshot, max_size) and _swap(tmp, path, snapshot)
        if not placed:
            if os.path.lexists(tmp):
                os.unlink(tmp)
            return STALE
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return REDO if ours.written_since() else WRITTEN
    except OSError as exc:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise ConfigFileError("cannot write %s: %s" % (path, exc.strerror))
    finally:
        if ours is not None:
            ours.close()
