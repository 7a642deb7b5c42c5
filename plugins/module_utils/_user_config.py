# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One user's MCP setup converged in one process that is the user: the env file that holds the
server's secrets, then the server entries in every client (see _server_entry).

A failure of one entry does not stop the others: each is reported on its own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

from ansible_collections.mcpfleet.mcp.plugins.module_utils._as_user import describe_error
from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import ClientError
from ansible_collections.mcpfleet.mcp.plugins.module_utils._config_file import (
    STALE,
    ConfigFileError,
    commit,
    make_parents,
    read_snapshot,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import JsoncError
from ansible_collections.mcpfleet.mcp.plugins.module_utils._probe import TARGET_OPTIONS, probe_targets_as_user
from ansible_collections.mcpfleet.mcp.plugins.module_utils._server_entry import edit_config

ENV_FILE_MODE = 0o600
ENV_DIR_MODE = 0o700
# A file replaced by another writer between our read and our rename is read again this often.
ENV_FILE_ROUNDS = 5


class EnvFileSpecError(ValueError):
    """An env file the launcher could not read back as it was meant (the message names no value)."""


def render_env_file(env, header):
    """The env file's text: the header as comments, then NAME=value lines sorted by name.

    The launcher reads it line by line and exports each line verbatim: a value cannot hold a
    line break, and nothing is quoted."""
    lines = ["# %s\n" % line for line in header]
    for name in sorted(env):
        value = str(env[name])
        if "\n" in value or "\r" in value or "=" in name or not name:
            raise EnvFileSpecError("env file variable %r: a name without '=' and a value on one line are required" % (name,))
        lines.append("%s=%s\n" % (name, value))
    return "".join(lines)


def _env_file_path(account, path):
    return path if os.path.isabs(path) else os.path.join(account.home, path)


def _remove_env_file(path, check_mode):
    """Remove the file, then its directory when nothing else is left in it."""
    changed = False
    if os.path.lexists(path):
        if os.path.isdir(path) and not os.path.islink(path):
            raise ConfigFileError("%s is a directory, not an env file: not removed" % path)
        changed = True
        if not check_mode:
            os.unlink(path)
    directory = os.path.dirname(path)
    if os.path.isdir(directory) and not os.path.islink(directory):
        # In check mode the file is still there: it does not count.
        if not [name for name in os.listdir(directory) if name != os.path.basename(path)]:
            changed = True
            if not check_mode:
                os.rmdir(directory)
    return changed


def _write_env_file(path, text, check_mode):
    """Create the directory (0700) and put ``text`` in the file (0600), atomically."""
    directory = os.path.dirname(path)
    changed = False
    if not os.path.isdir(directory):
        changed = True
        if check_mode:
            return True
        make_parents(os.path.dirname(directory))
        os.mkdir(directory, ENV_DIR_MODE)
    if stat.S_IMODE(os.lstat(directory).st_mode) != ENV_DIR_MODE:
        changed = True
        if not check_mode:
            os.chmod(directory, ENV_DIR_MODE)
    for _round in range(ENV_FILE_ROUNDS):
        snapshot = read_snapshot(path)
        if snapshot.text == text:
            if snapshot.mode != ENV_FILE_MODE:
                if not check_mode:
                    os.chmod(path, ENV_FILE_MODE)
                return True
            return changed
        if check_mode:
            return True
        if commit(path, snapshot, text, ENV_FILE_MODE) != STALE:
            return True
    raise ConfigFileError("%s kept changing while it was written" % path)


def converge_env_file(account, spec, check_mode):
    """{path, state, changed} for the env file of ``spec`` (path, state, env, header)."""
    path = _env_file_path(account, spec["path"])
    if spec["state"] == "absent":
        changed = _remove_env_file(path, check_mode)
    else:
        changed = _write_env_file(path, render_env_file(spec["env"] or {}, spec["header"] or []), check_mode)
    return dict(path=path, state=spec["state"], changed=changed)


def _failure(exc):
    if isinstance(exc, OSError):
        return describe_error(exc)
    return str(exc)


def converge_user(account, spec, check_mode, diff):
    """The whole work for one user, run as that user: {changed, env_file, entries}."""
    result = dict(changed=False, entries=[])
    if spec.get("env_file"):
        try:
            result["env_file"] = converge_env_file(account, spec["env_file"], check_mode)
        except (ConfigFileError, EnvFileSpecError, OSError) as exc:
            result["env_file"] = dict(path=spec["env_file"]["path"], failed=True, msg="env file: %s" % _failure(exc))
        result["changed"] = bool(result["env_file"].get("changed"))
    for params in spec["entries"]:
        try:
            entry = edit_config(account, params, check_mode, diff)
        except (ClientError, ConfigFileError, JsoncError, OSError) as exc:
            entry = dict(client=params["client"], failed=True, msg=_failure(exc))
        entry["name"] = params["name"]
        result["entries"].append(entry)
        result["changed"] = result["changed"] or bool(entry.get("changed"))
    return result


def converge_and_probe(account, spec, check_mode, diff, probe=None, fresh=()):
    """converge_user, then, with ``probe`` (mcp_probe's parameters), probe the user's present
    entries that converged, as their clients read them, in the same process of the user: each
    distinct launch once, all at once. The result has ``probes`` (mcp_probe's targets results)."""
    result = converge_user(account, spec, check_mode, diff)
    if probe:
        entries = [params for params, entry in zip(spec["entries"], result["entries"])
                   if params["state"] == "present" and not entry.get("failed")]
        targets = [dict(dict((key, params[key]) for key in TARGET_OPTIONS if params.get(key) is not None), name=params["name"])
                   for params in entries]
        outcomes = probe_targets_as_user(account, probe, targets, fresh) if targets else []
        result["probes"] = [dict(outcome, user=account.name, client=target["client"]) for target, outcome in zip(targets, outcomes)]
    return result
