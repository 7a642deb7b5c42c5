# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read, lock and atomically replace a client config file.

The contract is that of community.general's ini_file, tightened for files that hold secrets:
the temp file lives in the target's own directory (so the rename is atomic and never crosses
file systems), is created 0600, is fsynced before the rename and the directory after it, and a
file that did not exist never passes through a world-readable mode. Writers take an exclusive
flock on the parent directory and re-read the file under it, so two concurrent writers both
keep their entries.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import fcntl
import os
import stat
import tempfile

NEW_FILE_MODE = 0o600


class ConfigFileError(Exception):
    """The file cannot be read or written as a config file."""


def acting_for(account):
    """True when root reads or writes files on behalf of another, unprivileged account.

    Such an account controls its own home: a symlink or an env file there must not let it make
    root read or write files it could not touch itself.
    """
    return account is not None and os.geteuid() == 0 and account.uid != 0


def _nearest_existing(path):
    while not os.path.lexists(path):
        path = os.path.dirname(path)
    return path


def real_path(path, account=None):
    """Follow symlinks to the file that is really edited; refuse a directory.

    Acting for ``account`` as root, a symlink is followed only to a file (or, for a file still
    to be created, a directory) that the account owns.
    """
    target = os.path.realpath(path)
    if os.path.isdir(target):
        raise ConfigFileError("%s is a directory, expected a config file" % path)
    if acting_for(account) and target != os.path.normpath(os.path.abspath(path)):
        owner = os.stat(_nearest_existing(target)).st_uid
        if owner != account.uid:
            raise ConfigFileError("%s leads by symlink to %s, which %s does not own (uid %d): not followed as root"
                                  % (path, target, account.name, owner))
    return target


def check_readable(path, account):
    """Acting for ``account`` as root, refuse a file that the account itself could not read."""
    if not acting_for(account):
        return
    try:
        info = os.stat(path)
    except OSError:
        return  # reading it reports the problem
    if info.st_uid == account.uid:
        allowed = info.st_mode & stat.S_IRUSR
    elif info.st_gid in os.getgrouplist(account.name, account.gid):
        allowed = info.st_mode & stat.S_IRGRP
    else:
        allowed = info.st_mode & stat.S_IROTH
    if not allowed:
        raise ConfigFileError("%s is not readable by %s: not read on its behalf" % (path, account.name))


def read_text(path, account=None):
    """Return the file's text, or None when it does not exist (read as ``account`` would)."""
    check_readable(path, account)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigFileError("cannot read %s: %s" % (path, exc.strerror))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigFileError("%s is not UTF-8 text (byte %d)" % (path, exc.start))


def make_parents(directory, account):
    """Create ``directory`` and missing parents, owned by ``account``; return those created.

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
            continue  # made by a concurrent writer: not ours to chown
        os.chmod(path, mode)
        os.chown(path, account.uid, account.gid)
        created.append(path)
    return created


@contextlib.contextmanager
def locked(directory):
    """Hold an exclusive flock on ``directory`` (the file itself is replaced by rename)."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def write_atomic(module, path, text):
    """Replace ``path`` with ``text`` via a temp file in the same directory and module.atomic_move.

    An existing file keeps its owner, mode and SELinux context (atomic_move copies them); a new
    file is created NEW_FILE_MODE and owned by the user running the module.
    """
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        creating = not os.path.exists(path)
        # atomic_move gives a new file 0666 & ~umask: a umask of 077 keeps it 0600 from the start.
        umask = os.umask(0o077) if creating else None
        try:
            module.atomic_move(tmp, path, unsafe_writes=module.params.get("unsafe_writes", False))
        finally:
            if umask is not None:
                os.umask(umask)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
