# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A versioned release tree put in place in one call: unpack (or take a filled directory),
check, move into place, switch the links.

Every path here is root's (an install prefix such as /opt/nodejs, a link directory such as
/usr/local/bin), never one in a user's home. The tree is unpacked in a private staging
directory beside its destination and renamed into place complete, and each link is switched
with a rename: an interrupted run never leaves a half-unpacked tree where a link points.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import shutil
import stat
import tempfile

RELEASE_MODE = 0o755


class ReleaseError(Exception):
    """The release cannot be put in place; nothing that a link points at was changed."""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _unpack(src, sha256, member, staging, run):
    """The tree of archive ``src`` (its ``member`` directory, or all of it), unpacked in ``staging``."""
    if sha256:
        found = sha256_of(src)
        if found != sha256.lower():
            raise ReleaseError("SHA-256 mismatch for %s: got %s, expected %s. The file is damaged or is not the release it"
                               " claims to be; nothing was installed." % (src, found, sha256.lower()))
    # GNU tar strips leading slashes and refuses members with '..'; the owner is root, not the archive's.
    rc, _out, err = run(["tar", "--extract", "--gzip", "--no-same-owner", "--file=%s" % src, "--directory=%s" % staging])
    if rc:
        raise ReleaseError("cannot unpack %s: %s" % (src, err.strip()))
    tree = os.path.join(staging, member) if member else staging
    if not os.path.isdir(tree) or os.path.islink(tree):
        raise ReleaseError("%s has no directory %s" % (src, member))
    return tree


def _check_layout(tree, expect, what):
    missing = [path for path in expect if not os.path.isfile(os.path.join(tree, path))]
    if missing:
        raise ReleaseError("%s lacks %s: it is not the release it claims to be; nothing was installed." % (what, ", ".join(missing)))


def _make_directory(path):
    """Create ``path`` with mode 0755 whatever root's umask (a hardened 0077 would lock users
    out of the tree they run)."""
    if not os.path.isdir(path):
        os.makedirs(path)
        os.chmod(path, RELEASE_MODE)


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.unlink(path)


def place_tree(params, run):
    """Unpack or take ``src``, check it and rename it to ``dest`` (replacing a tree there with
    ``replace``); removes ``src``. Returns whether a tree was put in place."""
    src, dest = params["src"], params["dest"]
    if os.path.isdir(dest) and not os.path.islink(dest) and not params["replace"]:
        _remove(src)
        return False
    if not os.path.lexists(src):
        raise ReleaseError("%s does not exist" % src)
    parent = os.path.dirname(dest)
    _make_directory(parent)
    # Private (0700) until the tree is renamed out of it; the tree it replaces goes out the same way.
    staging = tempfile.mkdtemp(prefix=".staging-", dir=parent)
    replaced = os.path.join(parent, os.path.basename(staging).replace(".staging-", ".replaced-", 1))
    try:
        if os.path.isdir(src) and not os.path.islink(src):
            tree = src
        else:
            tree = _unpack(src, params["sha256"], params["member"], staging, run)
        _check_layout(tree, params["expect"], src)
        os.chmod(tree, RELEASE_MODE)
        if os.path.lexists(dest):
            os.rename(dest, replaced)
        try:
            os.rename(tree, dest)
        except OSError:
            if os.path.lexists(replaced):
                os.rename(replaced, dest)
            raise
    finally:
        for path in (staging, replaced, src):
            _remove(path)
    return True


def point_link(path, target):
    """Make ``path`` a symbolic link to ``target``, atomically; a path that is not a link is
    never replaced. Returns whether it changed."""
    try:
        info = os.lstat(path)
    except OSError:
        info = None
    if info is not None:
        if not stat.S_ISLNK(info.st_mode):
            raise ReleaseError("%s exists and is not a symbolic link: refusing to replace it by a link to %s" % (path, target))
        if os.readlink(path) == target:
            return False
    directory = os.path.dirname(path)
    _make_directory(directory)
    temporary = os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    _remove(temporary)
    os.symlink(target, temporary)
    os.rename(temporary, path)
    return True


def release_tree(params, check_mode, run):
    """The module's work: {changed, installed, links (the paths that changed)}."""
    present = os.path.isdir(params["dest"]) and not os.path.islink(params["dest"])
    installed = params["replace"] or not present
    links = dict(params["links"])
    if params["link"]:
        # `current` points at its sibling by name: the prefix can move without breaking it.
        links[params["link"]] = os.path.relpath(params["dest"], os.path.dirname(params["link"]))
    if check_mode:
        changed_links = [path for path, target in sorted(links.items())
                         if not (os.path.islink(path) and os.readlink(path) == target)]
        return dict(changed=installed or bool(changed_links), installed=installed, links=changed_links)
    installed = place_tree(params, run)
    changed_links = [path for path, target in sorted(links.items()) if point_link(path, target)]
    return dict(changed=installed or bool(changed_links), installed=installed, links=changed_links)


def run_module(module):
    """release_tree, for an AnsibleModule with its options: the release in place, then the module's exit."""
    def run(argv):
        return module.run_command(argv)
    try:
        result = release_tree(module.params, module.check_mode, run)
    except (ReleaseError, OSError) as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**result)
