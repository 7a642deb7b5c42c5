# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a rollout needs to know of a host, read in one call: accounts, a Node.js, installed
package versions and the state of root-owned files. Each read is one small fact; a rerun
decides from them which tasks have anything to do.

Paths are the role's own (under a root-owned prefix), never in a user's home: those are read
only by a process that is the user (see _as_user).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import hashlib
import json
import os
import platform
import pwd
import stat

from ansible_collections.mcpfleet.mcp.plugins.module_utils._tree_digest import check_tree, record_path

# Files larger than this get no checksum: the role's own files are a few kilobytes.
CHECKSUM_LIMIT = 1024 * 1024


def accounts(names):
    """name -> {uid, gid, home} of the accounts that exist; the others are left out."""
    found = {}
    for name in names:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        found[name] = dict(uid=entry.pw_uid, gid=entry.pw_gid, home=entry.pw_dir)
    return found


def _kind(mode):
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    return "other"


def _sha1(path):
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()


def file_state(path):
    """{exists, type, mode, uid, gid, target (links), sha1 (small regular files)} of ``path``,
    not following a final symlink."""
    try:
        info = os.lstat(path)
    except OSError:
        return dict(exists=False)
    state = dict(exists=True, type=_kind(info.st_mode), mode="%04o" % stat.S_IMODE(info.st_mode), uid=info.st_uid, gid=info.st_gid)
    if state["type"] == "link":
        state["target"] = os.readlink(path)
    elif state["type"] == "file" and info.st_size <= CHECKSUM_LIMIT:
        state["sha1"] = _sha1(path)
    return state


def package_version(package_json):
    """The version a package.json declares, '' when there is none to read."""
    try:
        with open(package_json, "rb") as handle:
            data = json.loads(handle.read(CHECKSUM_LIMIT).decode("utf-8"))
    except (OSError, ValueError):
        return ""
    version = data.get("version") if isinstance(data, dict) else None
    return version if isinstance(version, str) else ""


def node_state(bin_dir, run):
    """{bin_dir, version, npm, npm_version} of the Node.js in ``bin_dir`` ('' for what is not there);
    ``run`` runs a command as AnsibleModule.run_command does.

    npm's version is read from its package.json beside the real npm script: starting npm costs
    half a second."""
    version = ""
    try:
        rc, out, _err = run([os.path.join(bin_dir, "node"), "--version"])
        if rc == 0:
            version = out.strip().lstrip("v")
    except OSError:
        pass
    npm = os.path.join(bin_dir, "npm")
    npm_version = ""
    if os.path.exists(npm):
        # .../lib/node_modules/npm/bin/npm-cli.js (tarball) or /usr/share/nodejs/npm/bin/npm-cli.js (distro)
        npm_version = package_version(os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(npm))), "package.json"))
    return dict(bin_dir=bin_dir, version=version, npm=os.path.exists(npm), npm_version=npm_version)


def tree_paths(trees):
    """The trees named: a path as it is; a glob pattern as the directories it matches that have
    a digest record beside them (what an audit looks for under an install prefix)."""
    found = []
    for tree in trees:
        if glob.has_magic(tree):
            found.extend(path for path in sorted(glob.glob(tree))
                         if os.path.isdir(path) and not os.path.islink(path) and os.path.isfile(record_path(path)))
        else:
            found.append(tree)
    return list(dict.fromkeys(found))


def host_state(users, node_bin_dir, files, packages, run, trees=(), tree_content=False):
    """Everything asked for, in one result. Each tree is checked against the digest recorded
    beside it, its contents hashed again only when its fingerprint changed (or with ``tree_content``)."""
    state = dict(architecture=platform.machine(), accounts=accounts(users))
    if node_bin_dir:
        state["node"] = node_state(node_bin_dir, run)
    state["files"] = dict((path, file_state(path)) for path in files)
    state["packages"] = dict((path, package_version(path)) for path in packages)
    state["trees"] = dict((path, check_tree(path, tree_content)) for path in tree_paths(trees))
    return state
