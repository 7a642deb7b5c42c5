# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The digest of an installed package tree, kept beside the tree, and the check of a tree
against it.

The digest is one SHA-256 over every entry of the tree below its top directory, in the order of
the bytes of their relative paths: for each, its kind (``f`` file, ``d`` directory, ``l``
symbolic link, ``o`` anything else), its mode (four octal digits), its path, and the SHA-256 of
a file's content or a link's target, each field ended by a NUL byte. It names no host, owner or
time: the same tree gives the same digest on every host, and on the controller.

The record (``<tree>.tree.json``) holds the digest, every entry's line of it (to tell what
changed) and a fingerprint of the entries' inode, size, times, owner and mode. A check compares the
fingerprint first: any change through the file system (a write, chmod, chown, rename, a new or
removed file) changes an entry's ctime, which only setting the clock back could fake. Only when the
fingerprint differs are the contents hashed again and compared, so a rerun reads no file
content of an unchanged tree.

Trees are root's (under an install prefix), never in a user's home. Nothing here follows a
symbolic link: directories and files are opened relative to their parent with O_NOFOLLOW, so a
link, even one swapped in during the walk, is hashed as its target's text and never entered.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import stat
import tempfile
import time

RECORD_SUFFIX = ".tree.json"
RECORD_FORMAT = 1
# A drift report lists at most this many paths of each kind of change.
CHANGES_SHOWN = 20
# npm's own record of node_modules, written from npm's configuration (registry addresses) and
# read by npm only: normalize_tree removes it, so that a mirror does not change the digest.
NPM_HIDDEN_LOCKFILE = ".package-lock.json"

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_OPEN_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC


class TreeError(Exception):
    """The tree cannot be read or recorded."""


def record_path(tree):
    """Where the record of ``tree`` is kept: beside it, ``<tree>.tree.json``."""
    return tree.rstrip("/") + RECORD_SUFFIX


def _kind(mode):
    if stat.S_ISREG(mode):
        return "f"
    if stat.S_ISDIR(mode):
        return "d"
    if stat.S_ISLNK(mode):
        return "l"
    return "o"


def _file_sha256(dir_fd, name, info):
    """The SHA-256 of a regular file's content, opened without following a link or blocking;
    None when what is there now is no longer that regular file."""
    try:
        fd = os.open(name, _OPEN_FILE, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or now.st_ino != info.st_ino:
            return None
        digest = hashlib.sha256()
        while True:
            block = os.read(fd, 1 << 20)
            if not block:
                return digest.hexdigest()
            digest.update(block)
    finally:
        os.close(fd)


def _entries(dir_fd, prefix):
    """(fd of the parent directory, name, relative path as bytes, lstat) of every entry below
    the directory ``dir_fd``, a directory before what is in it. A directory is entered by a
    descriptor opened with O_NOFOLLOW and checked to be the one listed."""
    with os.scandir(dir_fd) as found:
        listed = list(found)
    for entry in listed:
        path = prefix + os.fsencode(entry.name)
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # removed during the walk: absent, as it is now
        yield dir_fd, entry.name, path, info
        if stat.S_ISDIR(info.st_mode):
            try:
                child = os.open(entry.name, _OPEN_DIRECTORY, dir_fd=dir_fd)
            except OSError:
                continue
            try:
                if os.fstat(child).st_ino == info.st_ino:
                    yield from _entries(child, path + b"/")
            finally:
                os.close(child)


def _fingerprint_fields(info):
    return b"%d %d %d %d %d %d %o" % (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_uid, info.st_gid, info.st_mode)


def _open_tree(tree, what):
    try:
        return os.open(tree, _OPEN_DIRECTORY)
    except OSError as exc:
        raise TreeError("cannot %s the tree %s: %s" % (what, tree, exc.strerror))


def scan(tree, contents=True):
    """Every entry below ``tree``, sorted by path: (path as bytes, kind, mode, content,
    fingerprint bytes, lstat). ``content`` is a file's SHA-256 (only with ``contents``), a
    link's target, or ''."""
    top = _open_tree(tree, "read")
    found = []
    try:
        for dir_fd, name, path, info in _entries(top, b""):
            kind = _kind(info.st_mode)
            content = ""
            if kind == "l":
                content = os.fsdecode(os.readlink(name, dir_fd=dir_fd))
            elif kind == "f" and contents:
                content = _file_sha256(dir_fd, name, info)
                if content is None:
                    kind, content = "o", ""
            found.append((path, kind, stat.S_IMODE(info.st_mode), content, _fingerprint_fields(info), info))
    finally:
        os.close(top)
    found.sort(key=lambda entry: entry[0])
    return found


def _normal_mode(mode):
    """u=rwX,go=rX: what every user may read, and run where anyone could."""
    return 0o755 if stat.S_ISDIR(mode) or mode & 0o111 else 0o644


def _fix(fd, info, as_root):
    if as_root and (info.st_uid, info.st_gid) != (0, 0):
        os.fchown(fd, 0, 0)
    if stat.S_IMODE(info.st_mode) != _normal_mode(info.st_mode):
        os.fchmod(fd, _normal_mode(info.st_mode))


def normalize_tree(tree):
    """Make ``tree`` what the same lock gives everywhere: without npm's hidden lockfile, modes
    u=rwX,go=rX, and root's when run as root (the umask and npm's configuration of the host
    it was built on then make no difference). Nothing is reached through a symbolic link."""
    as_root = os.geteuid() == 0
    top = _open_tree(tree, "normalize")
    try:
        try:
            modules = os.open("node_modules", _OPEN_DIRECTORY, dir_fd=top)
        except OSError:
            modules = None
        if modules is not None:
            try:
                os.unlink(NPM_HIDDEN_LOCKFILE, dir_fd=modules)
            except OSError:
                pass  # none there
            finally:
                os.close(modules)
        _fix(top, os.fstat(top), as_root)
        for dir_fd, name, _path, info in _entries(top, b""):
            if stat.S_ISLNK(info.st_mode):
                if as_root and (info.st_uid, info.st_gid) != (0, 0):
                    os.chown(name, 0, 0, dir_fd=dir_fd, follow_symlinks=False)
                continue
            flags = _OPEN_DIRECTORY if stat.S_ISDIR(info.st_mode) else _OPEN_FILE
            fd = os.open(name, flags, dir_fd=dir_fd)
            try:
                now = os.fstat(fd)
                if now.st_ino == info.st_ino and (stat.S_ISDIR(now.st_mode) or stat.S_ISREG(now.st_mode)):
                    _fix(fd, now, as_root)
            finally:
                os.close(fd)
    finally:
        os.close(top)


def _line(entry):
    path, kind, mode, content = entry[:4]
    return b"%s\0%04o\0%s\0%s\0" % (kind.encode("ascii"), mode, path, content.encode("utf-8", "surrogateescape"))


def digest_of(entries):
    """The tree's digest (see the module's documentation) of entries scanned with contents."""
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(_line(entry))
    return digest.hexdigest()


def fingerprint_of(entries):
    """A SHA-256 of every entry's path, inode, size, times, owner and mode: host-local, cheap."""
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(entry[0] + b"\0" + entry[4] + b"\0")
    return digest.hexdigest()


def manifest_of(entries):
    """path -> 'kind mode content' of each entry, to tell later what changed."""
    return dict((os.fsdecode(entry[0]), "%s %04o %s" % (entry[1], entry[2], entry[3])) for entry in entries)


def _foreign(entries, owner):
    """The paths of the entries not owned by ``owner`` (uid, gid)."""
    return [os.fsdecode(entry[0]) for entry in entries if (entry[5].st_uid, entry[5].st_gid) != tuple(owner)]


def _summary(entries):
    files = [entry for entry in entries if entry[1] == "f"]
    return dict(files=len(files), bytes=sum(entry[5].st_size for entry in files))


def _write_record(path, record):
    """Replace the record at ``path`` in one rename; 0644, as the tree it describes."""
    handle, temporary = tempfile.mkstemp(prefix=".tree-record-", dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(handle, "w") as stream:
            json.dump(record, stream, sort_keys=True, separators=(",", ":"))
        os.chmod(temporary, 0o644)
        os.rename(temporary, path)
    except Exception:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise


def _scan_whole(tree):
    """The entries of a tree about to be recorded, and its owner; every entry must be a file,
    directory or link of that owner."""
    try:
        top = os.lstat(tree)
    except OSError as exc:
        raise TreeError("cannot read the tree %s: %s" % (tree, exc.strerror))
    if not stat.S_ISDIR(top.st_mode):
        raise TreeError("cannot read the tree %s: it is not a directory" % tree)
    entries = scan(tree)
    owner = [top.st_uid, top.st_gid]
    foreign = _foreign(entries, owner)
    if foreign:
        raise TreeError("the tree %s has %d entries not owned by uid %d gid %d as the tree is, such as %s"
                        % (tree, len(foreign), owner[0], owner[1], foreign[0]))
    odd = [os.fsdecode(entry[0]) for entry in entries if entry[1] == "o"]
    if odd:
        raise TreeError("the tree %s has %s, which is not a regular file, directory or symbolic link" % (tree, odd[0]))
    return entries, owner


def _check_expected(tree, digest, expect):
    if expect and digest != expect.lower():
        raise TreeError("the tree %s has digest %s, not %s, the digest its lock describes: it is not the tree"
                        " the lock was made and reviewed with; nothing was recorded or switched to it" % (tree, digest, expect.lower()))


def digest_tree(params, check_mode):
    """tree_digest's work on ``path``: normalize, hash, check against ``expect``, and keep the
    record beside ``record_as`` (default ``path``): the path the tree has, or gets when it is
    renamed into place (a rename keeps every entry's inode and times). Check mode only hashes.
    Returns {digest, files, bytes, record ('' when none was kept)}."""
    tree = params["path"]
    if params["normalize"] and not check_mode:
        normalize_tree(tree)
    entries, owner = _scan_whole(tree)
    digest = digest_of(entries)
    _check_expected(tree, digest, params["expect"])
    summary = _summary(entries)
    result = dict(digest=digest, record="", **summary)
    if params["record"] and not check_mode:
        result["record"] = record_path(params["record_as"] or tree)
        _write_record(result["record"], dict(format=RECORD_FORMAT, digest=digest, fingerprint=fingerprint_of(entries), owner=owner,
                                             recorded_at=int(time.time()), facts=params["facts"], manifest=manifest_of(entries),
                                             **summary))
    return result


def read_record(tree):
    """The record kept beside ``tree``, or None when there is none that this code can read."""
    try:
        with open(record_path(tree), "rb") as stream:
            record = json.loads(stream.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        return None
    for key, kind in (("digest", str), ("fingerprint", str), ("manifest", dict), ("owner", list), ("facts", dict)):
        if not isinstance(record.get(key), kind):
            return None
    return record


def _changes(recorded, found, foreign):
    """What differs between a recorded manifest and the one found: changed, added, removed and
    foreign-owned paths (at most CHANGES_SHOWN each) and the count of each."""
    kinds = dict(
        changed=sorted(path for path in found if path in recorded and found[path] != recorded[path]),
        added=sorted(path for path in found if path not in recorded),
        removed=sorted(path for path in recorded if path not in found),
        owner=sorted(foreign),
    )
    return dict(counts=dict((kind, len(paths)) for kind, paths in kinds.items()),
                **dict((kind, paths[:CHANGES_SHOWN]) for kind, paths in kinds.items()))


def check_tree(tree, content=False):
    """Whether ``tree`` is still the tree its record describes.

    Returns {path, state, checked, digest, ...}: ``state`` is ``intact``, ``drifted`` (with
    ``changes``), ``unrecorded`` (a tree without a readable record) or ``missing``; ``checked``
    says how (``fingerprint``: unchanged since it was recorded, nothing hashed again;
    ``content``: hashed again). With ``content`` the contents are always hashed again."""
    result = dict(path=tree, state="missing", checked="none", digest="")
    try:
        top = os.lstat(tree)
    except OSError:
        return result
    if not stat.S_ISDIR(top.st_mode):
        return result
    record = read_record(tree)
    if record is None:
        result["state"] = "unrecorded"
        if content:
            entries = scan(tree)
            result.update(checked="content", digest=digest_of(entries), **_summary(entries))
        return result
    result.update(recorded_digest=record["digest"], facts=record["facts"], files=record.get("files"),
                  bytes=record.get("bytes"), recorded_at=record.get("recorded_at"))
    if not content:
        if fingerprint_of(scan(tree, contents=False)) == record["fingerprint"]:
            result.update(state="intact", checked="fingerprint", digest=record["digest"])
            return result
    entries = scan(tree)
    result.update(checked="content", digest=digest_of(entries), **_summary(entries))
    changes = _changes(record["manifest"], manifest_of(entries), _foreign(entries, record["owner"]))
    if result["digest"] == record["digest"] and not changes["owner"]:
        result["state"] = "intact"
    else:
        result.update(state="drifted", changes=changes)
    return result


def describe_changes(changes):
    """'1 changed (node_modules/x/index.js), 2 added (...)': a drift in one line, paths only."""
    parts = []
    for kind, label in (("changed", "changed"), ("added", "added"), ("removed", "removed"), ("owner", "owned by another user")):
        count = changes["counts"][kind]
        if count:
            shown = ", ".join(changes[kind][:3]) + (", ..." if count > 3 else "")
            parts.append("%d %s (%s)" % (count, label, shown))
    return "; ".join(parts) or "no entry differs, but the digest does"
