# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One server entry in one client's config file, edited by the process that is the file's user.

Shared by mcp_server (one entry, see run_module) and mcp_user_config (every entry of many users).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import os
import pwd
import random
import time

from ansible_collections.mcpfleet.mcp.plugins.module_utils._as_user import UserProcessError, call_as, describe_error
from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import (
    CLIENT_ARGUMENT_SPEC,
    ClientError,
    apply_entry,
    find_entry,
    get_profile,
    merge_entry,
    new_file_data,
    remove_entry,
    resolve_from_params,
    secret_keys,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._config_file import (
    DEFAULT_MAX_SIZE,
    NEW_FILE_MODE,
    ConfigFileError,
    REDO,
    WRITTEN,
    commit,
    locked,
    make_parents,
    read_snapshot,
    real_path,
    write_backup,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._documents import profile_document, render
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import JsoncError
from ansible_collections.mcpfleet.mcp.plugins.module_utils._supersede import MATCHERS_SPEC, describe_superseded, superseded_entries
from ansible_collections.mcpfleet.mcp.plugins.module_utils._redact import (
    collect, collect_document, controller_safe, redact_entry, redact_file_texts, redact_text,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import AccountError, get_account

# A read that does not parse may be a save in progress by a program that rewrites the file in
# place: it is read again this many times, this far apart, before the file counts as broken.
TORN_READS = 8
TORN_READ_PAUSE = 0.05
# How often the edit is redone when another writer changed the file before our rename, and
# the longest random pause before a new round (so that we fall out of step with that writer).
EDIT_ROUNDS = 30
EDIT_ROUND_JITTER = 0.01


def _string_map(option, value):
    """env and headers values are strings in every client; numbers are accepted and converted."""
    if value is None:
        return None
    result = {}
    for name, item in value.items():
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise ClientError("%s.%s must be a string" % (option, name))
        result[name] = item if isinstance(item, str) else str(item)
    return result


def _spec(params):
    if params["state"] == "absent":
        return None
    return dict(
        transport=params["transport"],
        command=params["command"],
        args=params["args"],
        env=_string_map("env", params["env"]),
        env_file=params["env_file"],
        cwd=params["cwd"],
        url=params["url"],
        headers=_string_map("headers", params["headers"]),
        extra=params["extra"],
    )


def _file_mode(value):
    """The O(mode) option: octal digits as a string, or the number itself."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        mode = value
    elif isinstance(value, str) and value.isdigit():
        mode = int(value, 8)
    else:
        raise ClientError("mode must be an octal number such as '0600', got %r" % (value,))
    if mode > 0o7777:
        raise ClientError("mode %r is out of range" % (value,))
    return mode


def _id(value, database, what):
    if value is None:
        return -1
    if value.isdigit():
        return int(value)
    try:
        return database(value)[2]
    except KeyError:
        raise ClientError("unknown %s %r" % (what, value))


class Editor:
    """One entry in one file: the edit, computed again from whatever the file holds now."""

    def __init__(self, profile, path, params):
        self.profile = profile
        self.path = path
        self.name = params["name"]
        self.spec = _spec(params)
        self.exclusive = params["exclusive"]
        self.create = params["create"]
        self.max_size = params["max_size"]
        # Whether a read saw content: an empty read after that is taken for a save in progress.
        self.had_content = False
        self.secrets_seen = set()
        self._last = None  # (bytes, edit) of the last content edited
        self.supersedes = params.get("supersedes") or []
        self.known_secrets = set(params.get("known_secrets") or [])
        self.superseded = []

    def edit(self, text):
        """Return (new text, entry before, entry after) for ``text`` (None: no file)."""
        if text is None:
            if self.spec is None:
                return None, None, None
            if not self.create:
                raise ConfigFileError("%s does not exist and create=false" % self.path)
            text = render(new_file_data(self.profile), self.profile["grammar"])
        document = profile_document(self.profile, text)
        current = find_entry(self.profile, document, self.name)
        # Every secret the file holds, shadowed copies of duplicate keys included: for masking.
        self.secrets_seen |= collect_document(document, self.profile["key"], secret_keys(self.profile))
        if self.spec is None:
            remove_entry(self.profile, document, self.name)
            return document.text, current, None
        entry = merge_entry(self.profile, current, self.spec, self.exclusive)
        # Matched on what the entry launches: hand-made entries have any name.
        self.superseded = []
        for name, other, secrets in superseded_entries(self.profile, document, self.name, self.supersedes, self.spec):
            self.secrets_seen |= secrets
            self.superseded.append(describe_superseded(name, other, self.known_secrets))
            if name != self.name:  # a hand-made entry under the managed name is simply rewritten
                remove_entry(self.profile, document, name)
        apply_entry(self.profile, document, self.name, entry)
        return document.text, current, entry

    def _edit_bytes(self, snapshot):
        """``edit`` of the snapshot's text, computed once per distinct content (a file read again
        under the lock is usually unchanged: a large one is then not parsed twice)."""
        if snapshot.data is not None and self._last is not None and self._last[0] == snapshot.data:
            return self._last[1]
        edit = self.edit(snapshot.text)
        self._last = (snapshot.data, edit)
        return edit

    def read(self, target, watch=False):
        """Snapshot the file and compute the edit; a read that does not parse is read again.

        A program that rewrites the file in place leaves it empty or half written for a moment:
        an edit computed from that would throw away everything it stores.
        """
        for attempt in range(TORN_READS):
            snapshot = read_snapshot(target, self.max_size, watch)
            if self.had_content and not (snapshot.text or "").strip() and attempt < TORN_READS - 1:
                snapshot.close()  # emptied since an earlier read: most likely truncated for a save
                time.sleep(TORN_READ_PAUSE)
                continue
            self.had_content = self.had_content or bool((snapshot.text or "").strip())
            try:
                return snapshot, self._edit_bytes(snapshot)
            except ClientError as exc:
                snapshot.close()
                raise ConfigFileError("%s: %s" % (self.path, exc))
            except JsoncError as exc:
                snapshot.close()
                if attempt == TORN_READS - 1 or not snapshot.exists:
                    raise ConfigFileError("%s: %s" % (self.path, exc))
            time.sleep(TORN_READ_PAUSE)
        raise AssertionError("unreachable")  # pragma: no cover


def _write(editor, target, params, ownership):
    """Write the edit; when another writer got in the way, redo it from what that writer left.

    Returns (the text the last edit started from, the edit, the backup file, whether written).
    """
    make_parents(os.path.dirname(target))
    backup_file = None
    wrote = False
    # Writers of this module wait for each other; other programs are caught by commit().
    with locked(os.path.dirname(target)):
        for _round in range(EDIT_ROUNDS):
            snapshot, edit = editor.read(target, watch=True)
            try:
                if edit[0] == snapshot.text:
                    return snapshot.text, edit, backup_file, wrote
                if params["backup"] and snapshot.exists and backup_file is None:
                    backup_file = write_backup(target, snapshot)
                mode = _file_mode(params["mode"])
                if mode is None:
                    mode = snapshot.mode if snapshot.exists else NEW_FILE_MODE
                status = commit(target, snapshot, edit[0], mode, ownership, editor.max_size)
            finally:
                snapshot.close()
            if status == WRITTEN:
                return snapshot.text, edit, backup_file, True
            if status == REDO:
                wrote = True  # ours is in place, but a program may have written over it: look again
            elif backup_file and not wrote:
                # Nothing was written: the backup is of a file that is gone; the next round backs up its successor.
                os.unlink(backup_file)
                backup_file = None
            time.sleep(random.uniform(0, EDIT_ROUND_JITTER))
    raise ConfigFileError("%s kept changing while it was edited (%d tries): another program is rewriting it"
                          % (editor.path, EDIT_ROUNDS))


def _attribute_changes(target, params, ownership):
    """What O(mode), O(owner) and O(group) would change on ``target``: (mode or None, ownership or None)."""
    info = os.stat(target)
    mode = _file_mode(params["mode"])
    uid, gid = ownership
    return (mode if mode is not None and info.st_mode & 0o7777 != mode else None,
            ownership if (uid not in (-1, info.st_uid)) or (gid not in (-1, info.st_gid)) else None)


def edit_config(account, params, check_mode, diff):
    """The whole task, run as ``account``: every path below is resolved, read and written by it."""
    profile = get_profile(params["client"], params["key"])
    path = resolve_from_params(profile, account, params)
    target = real_path(path)
    editor = Editor(profile, path, params)
    ownership = (_id(params["owner"], pwd.getpwnam, "owner"), _id(params["group"], grp.getgrnam, "group"))
    snapshot, (new_text, before_entry, entry) = editor.read(target)
    before_text, backup_file, wrote = snapshot.text, None, False
    if new_text != before_text and not check_mode:
        before_text, (new_text, before_entry, entry), backup_file, wrote = _write(editor, target, params, ownership)
    changed = wrote or new_text != before_text
    if not changed and snapshot.exists:
        # Nothing to edit; the file's attributes may still differ from the options.
        mode, owners = _attribute_changes(target, params, ownership)
        changed = mode is not None or owners is not None
        if changed and not check_mode:
            if mode is not None:
                os.chmod(target, mode)
            if owners is not None:
                os.chown(target, *owners)
    result = dict(path=path, client=params["client"], changed=changed)
    keys = secret_keys(profile)
    secrets = collect([before_entry, entry], keys, secret_params(params)) | editor.secrets_seen
    result["entry"] = redact_entry(entry, keys, secrets)
    if params.get("supersedes"):
        mode = "%04o" % snapshot.mode if snapshot.exists else None
        result["superseded"] = [dict(item, exposures=[dict(exposure, file_mode=mode) for exposure in item["exposures"]])
                                for item in editor.superseded]
    if backup_file:
        result["backup_file"] = backup_file
    if diff:
        before, after = redact_file_texts(before_text or "", new_text or "", profile["grammar"], profile["key"], keys, secrets,
                                          profile["named_list"])
        result["diff"] = dict(before=before, after=after, before_header=path, after_header=path)
    return result


def secret_params(params):
    values = []
    for option in ("env", "headers"):
        values.extend(str(value) for value in (params[option] or {}).values())
    values.extend(params.get("known_secrets") or [])
    return values


# The options of one entry (mcp_server's, and each entry of mcp_user_config).
ENTRY_ARGUMENT_SPEC = dict(
    CLIENT_ARGUMENT_SPEC,
    state=dict(type="str", default="present", choices=["present", "absent"]),
    transport=dict(type="str", default="stdio", choices=["stdio", "http"]),
    command=dict(type="str"),
    args=dict(type="list", elements="str"),
    env=dict(type="dict", no_log=True),
    env_file=dict(type="str"),
    cwd=dict(type="str"),
    url=dict(type="str"),
    headers=dict(type="dict", no_log=True),
    extra=dict(type="dict"),
    exclusive=dict(type="bool", default=False),
    create=dict(type="bool", default=True),
    backup=dict(type="bool", default=False),
    mode=dict(type="raw"),
    owner=dict(type="str"),
    group=dict(type="str"),
    max_size=dict(type="int", default=DEFAULT_MAX_SIZE),
    supersedes=MATCHERS_SPEC,
    known_secrets=dict(type="list", elements="str", no_log=True),
)


def run_module(module):
    """mcp_server, for an AnsibleModule with ENTRY_ARGUMENT_SPEC: the edit, then the module's exit."""
    secrets = secret_params(module.params)
    try:
        account = get_account(module.params["user"])
        # Root never touches the user's files itself: the edit runs in a process that is the user.
        result = call_as(account, edit_config, (account, module.params, module.check_mode, module._diff))
    except (AccountError, ClientError, ConfigFileError, JsoncError, UserProcessError) as exc:
        module.fail_json(msg=controller_safe(redact_text(str(exc), secrets)))
    except OSError as exc:
        module.fail_json(msg=controller_safe(redact_text(describe_error(exc), secrets)))
    module.exit_json(**controller_safe(result))
