# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reuse of a recent successful probe of the very same launch.

A launch is fingerprinted in the user's process, from what the client would start (command,
arguments, environment, directory, all read afresh on every run), the contents of the files the
launch reads (such as the env file the launcher takes its secrets from, read as the user) and
the caller's inputs (versions and checksums of what the command runs). Only the SHA-256 leaves
that process: the state holds no secret. Root keeps the results of successful probes by
fingerprint in a root-owned file in a directory that only root can write; a launch whose
fingerprint passed within the maximum age is not started again. A failed probe is never kept.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import stat
import tempfile
import time

from ansible_collections.mcpfleet.mcp.plugins.module_utils._config_file import ConfigFileError, read_bytes
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import expand_home

REUSE_SPEC = dict(type="dict", options=dict(
    state_file=dict(type="path", required=True),
    max_age=dict(type="int", default=86400),
    inputs=dict(type="raw", default={}),
    files=dict(type="list", elements="str", default=[]),
))
# What a kept result may hold: the facts of a probe, never the user's process details.
KEPT = ("server_info", "protocol_version", "handshake", "tools", "ready_ms", "total_ms", "call_result")


class ReuseError(Exception):
    """The state file cannot be used safely."""


def fingerprint(argv, env, cwd, reuse, account):
    """The SHA-256 of a launch and of everything it reads; computed as the user."""
    digests = []
    for path in reuse["files"]:
        path = expand_home(path, account)
        try:
            data = read_bytes(path, what="file of the launch")[0]
        except ConfigFileError as exc:  # an unreadable file is part of the state, as its message
            data = ("unreadable: %s" % exc).encode("utf-8")
        digests.append([path, None if data is None else hashlib.sha256(data).hexdigest()])
    material = json.dumps([argv, sorted(env.items()), cwd, reuse["inputs"], digests], sort_keys=True, default=str)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _check_directory(path):
    directory = os.path.dirname(path) or "."
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ReuseError("%s must be a directory that only uid %d can write, to keep probe results in" % (directory, os.geteuid()))


def load(reuse, now=None):
    """fingerprint -> kept result of the probes that are fresh; {} when there is no state."""
    path = reuse["state_file"]
    _check_directory(path)
    if reuse["max_age"] <= 0:
        return {}
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return {}
    with os.fdopen(fd, "rb") as handle:
        try:
            state = json.loads(handle.read().decode("utf-8"))
        except ValueError:
            return {}
    now = time.time() if now is None else now
    probes = state.get("probes") if isinstance(state, dict) else None
    return dict((key, item) for key, item in (probes or {}).items()
                if isinstance(item, dict) and 0 <= now - item.get("probed_at", 0) <= reuse["max_age"])


def kept(result, now=None):
    """What is kept of a successful probe's result."""
    item = dict((key, result[key]) for key in KEPT if key in result)
    item["probed_at"] = int(time.time() if now is None else now)
    return item


def save(reuse, probes):
    """Replace the state by ``probes`` (fingerprint -> kept result), atomically, mode 0600."""
    path = reuse["state_file"]
    _check_directory(path)
    try:
        fd, temporary = tempfile.mkstemp(prefix=".probe-state-", dir=os.path.dirname(path) or ".")
    except OSError as exc:
        raise ReuseError("cannot keep the probe results in %s: %s" % (path, exc))
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(dict(probes=probes), handle, sort_keys=True)
        os.rename(temporary, path)
    except (OSError, ValueError) as exc:
        os.unlink(temporary)
        raise ReuseError("cannot keep the probe results in %s: %s" % (path, exc))
