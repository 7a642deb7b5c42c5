# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An AI client's administrator MCP policy: which servers the client itself lets run.

Each supported client reads a system-wide file that users cannot write, in its own format
(checked in the pinned clients' code). This module adds and removes the entries of one server
in that file, one server per call, so that several rollouts on one host add up; the allow-only
switch (``exclusive``) is a setting of the whole file. Everything else in the file is kept.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import stat

from ansible_collections.mcpfleet.mcp.plugins.module_utils._config_file import (
    STALE,
    ConfigFileError,
    commit,
    decode,
    locked,
    make_parents,
    read_bytes,
    read_snapshot,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._documents import open_document, render
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import JsoncError, json_equal

# Root-owned and readable by all: the clients run as the users, who must not change it.
POLICY_MODE = 0o644
ROOT = (0, 0)
EDIT_ROUNDS = 5
# Claude Code refuses other characters in an allowedMcpServers serverName.
_CLAUDE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


class PolicyError(Exception):
    """A request the client's policy cannot express, or a client without a policy."""


def _claude_items(rule, name, command, args, url):
    """Claude Code 2.1: entries of exactly one of serverName, serverCommand, serverUrl.

    An allow-list that holds any serverCommand entry admits a stdio server only by its exact
    command line, and one with any serverUrl entry a remote server only by its URL: a name
    entry alone would admit any command under that name, so an allowed server is entered by
    what it launches. A denied server is entered by name too, which blocks it whatever it runs.
    """
    if rule == "allow" and not _CLAUDE_NAME.match(name):
        raise PolicyError("Claude Code takes only letters, digits, '-' and '_' in an allowed server name")
    items = []
    if command is not None:
        items.append({"serverCommand": [command] + list(args or [])})
    if url is not None:
        items.append({"serverUrl": url})
    if rule == "deny" or not items:
        items.insert(0, {"serverName": name})
    return items


def _claude_launch(item):
    """The program a Claude Code entry admits or blocks by its command line, else None."""
    if isinstance(item, dict) and isinstance(item.get("serverCommand"), list) and item["serverCommand"]:
        return item["serverCommand"][0]
    return None


def _gemini_items(rule, name, command, args, url):
    """Gemini CLI 0.61: mcp.allowed and mcp.excluded hold server names (compared without case)."""
    del rule, command, args, url
    return [name]


def _url_matches(pattern, url):
    """Claude Code's serverUrl: the whole URL, ``*`` standing for any run of characters."""
    return isinstance(pattern, str) and re.match("^%s$" % ".*".join(re.escape(part) for part in pattern.split("*")), url) is not None


def _claude_matches(item, name, launch, url):
    if not isinstance(item, dict):
        return False
    if "serverName" in item:
        return item["serverName"] == name
    if "serverCommand" in item:
        return launch is not None and item["serverCommand"] == launch
    return url is not None and _url_matches(item.get("serverUrl"), url)


def _claude_blocks(policy, name, command, args, url):
    """Why Claude Code 2.1 blocks the server under ``policy`` (a summary), or None: a denied entry
    always wins; an allow-list with serverCommand entries admits a stdio server only by its exact
    command line, one with serverUrl entries a remote server only by URL, else by name."""
    launch = None if command is None else [command] + list(args or [])
    if any(_claude_matches(item, name, launch, url) for item in policy["deny"]):
        return "deniedMcpServers names it"
    if not policy["exclusive"]:
        return None
    allowed = [item for item in policy["allow"] if isinstance(item, dict)]
    by = "serverCommand" if launch is not None else "serverUrl"
    if any(by in item for item in allowed):
        if any(_claude_matches(item, name, launch, url) for item in allowed if by in item):
            return None
        return "allowedMcpServers has no %s entry for what it launches" % by
    if any(_claude_matches(item, name, launch, url) for item in allowed if "serverName" in item):
        return None
    return "allowedMcpServers does not name it"


def _gemini_blocks(policy, name, command, args, url):
    """Why Gemini CLI 0.61 blocks the server under ``policy``, or None: by name only; an empty
    allow-list restricts nothing (its own rule)."""
    del command, args, url
    if name in policy["deny"]:
        return "mcp.excluded names it"
    if policy["allow"] and name not in policy["allow"]:
        return "mcp.allowed does not name it"
    return None


CLIENTS = {
    "claude_code": {
        "title": "Claude Code", "path": "/etc/claude-code/managed-settings.json", "grammar": "json",
        "allow": ("allowedMcpServers",), "deny": ("deniedMcpServers",), "items": _claude_items,
        "blocks": _claude_blocks, "launch_of": _claude_launch,
    },
    "gemini_cli": {
        "title": "Gemini CLI", "path": "/etc/gemini-cli/settings.json", "grammar": "json_comments",
        "allow": ("mcp", "allowed"), "deny": ("mcp", "excluded"), "items": _gemini_items,
        "blocks": _gemini_blocks, "launch_of": lambda item: None, "empty_allows_all": True,
    },
}

# Clients that cannot be given an enforced policy on Linux here, and why. A user file is never
# used instead: the user could edit it.
REFUSED = {
    "qwen_code": "Qwen Code 0.24 merges mcp.allowed from the user's own settings into the system list "
                 "(merge strategy concat), so users could allow any server",
    "copilot_cli": "Copilot CLI's allowedMcpServers is an enterprise setting; no system file that the "
                   "pinned Copilot CLI reads it from was found",
    "code_server": "no machine-wide policy file that code-server reads chat.mcp.access from was found",
    "vscode": "no machine-wide policy file that a VS Code build on Linux reads chat.mcp.access from was "
              "proven here",
}


def supported_clients():
    return sorted(CLIENTS)


def client_spec(client):
    if client in CLIENTS:
        return CLIENTS[client]
    reason = REFUSED.get(client, "no administrator policy file on Linux is known for it")
    raise PolicyError("%s has no administrator MCP policy this module can write: %s. Supported: %s"
                      % (client, reason, ", ".join(supported_clients())))


def _get(document, keys):
    """The value at keys, None where a key is missing."""
    try:
        return document.get(keys)
    except KeyError:
        return None


def _list_at(document, keys, what):
    value = _get(document, keys)
    if value is not None and not isinstance(value, list):
        raise PolicyError("%s must be a list" % what)
    return value


def _allow_only(spec, allowed):
    """Whether an allow-list (None: none) blocks the servers it does not name. Gemini CLI
    restricts nothing with an empty one; Claude Code then allows nothing."""
    return bool(allowed) if spec.get("empty_allows_all") else allowed is not None


def _launches(params):
    """The (command, args) pairs a call is about: its launches, else its command and args."""
    if params.get("launches") is not None:
        return [(launch["command"], list(launch.get("args") or [])) for launch in params["launches"]]
    return [(params["command"], params["args"])]


def _items(spec, rule, name, params):
    """The entries for every launch of the call, each once."""
    items = []
    for command, args in _launches(params):
        for item in spec["items"](rule, name, command, args, params["url"]):
            if not any(json_equal(item, have) for have in items):
                items.append(item)
    return items


def _remove_launches(spec, document, keys, params, keep):
    """With launches, the set of the server's launches is the call's: an entry that starts one of
    their commands and is not in ``keep`` is an old launch of the server, and is removed."""
    if params.get("launches") is None:
        return
    commands = set(command for command, dummy in _launches(params))
    for have in list(_get(document, keys) or []):
        if spec["launch_of"](have) in commands and not any(json_equal(have, item) for item in keep):
            document.remove_value(keys, have)


def edit_policy(spec, text, params):
    """Return the new text of the policy file ``text`` (None: no file) for ``params``."""
    name, rule, state, exclusive = params["name"], params["rule"], params["state"], params["exclusive"]
    join = params.get("join", False)
    if name is None and exclusive is None:
        raise PolicyError("name or exclusive is required")
    if join and (exclusive is not None or rule != "allow"):
        raise PolicyError("join adds an allowed server to the allow-list there is: it takes neither exclusive nor rule=deny")
    if exclusive is False and state == "present" and rule == "allow" and name is not None:
        raise PolicyError("an allowed server needs allow-only mode in %s: exclusive=false turns it off" % spec["title"])
    if params.get("launches") == []:
        raise PolicyError("launches needs at least one launch: a server without any is removed with state=absent")
    document = open_document(text if text is not None else render({}, spec["grammar"]), spec["grammar"])
    allow_what, deny_what = ".".join(spec["allow"]), ".".join(spec["deny"])
    allowed = _list_at(document, spec["allow"], allow_what)
    _list_at(document, spec["deny"], deny_what)
    if name is not None:
        if state == "present" and join and not _allow_only(spec, allowed):
            # No allow-only mode: every server runs, and this call does not turn it on.
            pass
        elif state == "present":
            items = _items(spec, rule, name, params)
            if rule == "allow" and allowed is None and not exclusive:
                # Any allow-list blocks every server it does not name: that must be asked for.
                raise PolicyError("%s blocks every server that %s does not name: set exclusive=true to turn allow-only "
                                  "mode on" % (spec["title"], allow_what))
            keys = spec["allow"] if rule == "allow" else spec["deny"]
            _remove_launches(spec, document, keys, params, items)
            for item in items:
                if not any(json_equal(item, have) for have in _get(document, keys) or []):
                    document.append(keys, item)
        else:
            # The deny form names the server as well as its launch: it covers both rules' items.
            for rule_keys in (spec["allow"], spec["deny"]):
                for item in _items(spec, "deny", name, params):
                    document.remove_value(rule_keys, item)
                _remove_launches(spec, document, rule_keys, params, [])
            # A list emptied by removal is removed: an empty allow-list would block every server.
            for rule_keys in (spec["deny"],) + ((spec["allow"],) if exclusive is None else ()):
                if _get(document, rule_keys) == []:
                    document.delete(rule_keys)
                    # Gemini's "mcp" object, when nothing else is in it.
                    if len(rule_keys) > 1 and _get(document, rule_keys[:-1]) == {}:
                        document.delete(rule_keys[:-1])
    if exclusive is True and spec.get("empty_allows_all") and not _get(document, spec["allow"]):
        # An empty list would look like allow-only mode and let every server run.
        raise PolicyError("%s restricts nothing with an empty %s: allow-only mode needs an allowed server"
                          % (spec["title"], allow_what))
    if exclusive is True and _get(document, spec["allow"]) is None:
        document.set(spec["allow"], [])
    elif exclusive is False:
        document.delete(spec["allow"])
    if text is None and document.value == {}:
        return None
    return document.text


def summary(spec, text):
    """What the file enforces: {"exclusive", "allow", "deny"} (the client's own entries)."""
    if text is None:
        return {"exclusive": False, "allow": [], "deny": []}
    document = open_document(text, spec["grammar"])
    allowed = _list_at(document, spec["allow"], ".".join(spec["allow"]))
    denied = _list_at(document, spec["deny"], ".".join(spec["deny"]))
    return {"exclusive": _allow_only(spec, allowed), "allow": allowed or [], "deny": denied or []}


def blocked_by(client, policy, name, command=None, args=None, url=None):
    """Why ``client``'s policy (a ``summary``) keeps server ``name`` from running, or None."""
    return CLIENTS[client]["blocks"](policy, name, command, args, url)


def read_policy(client):
    """What ``client``'s policy file enforces now, read by root: {client, path, exists, exclusive,
    allow, deny, error}. A place another user could have redirected is not read (error)."""
    spec = CLIENTS[client]
    path = spec["path"]
    report = dict(client=client, path=path, exists=False, error=None, **summary(spec, None))
    try:
        _check_tree(os.path.dirname(path))
        if os.path.islink(path):
            raise ConfigFileError("%s is a link: not followed" % path)
        data, dummy = read_bytes(path)
        if data is not None:
            report.update(summary(spec, decode(path, data)), exists=True)
    except (ConfigFileError, JsoncError, PolicyError) as exc:
        report["error"] = "%s: %s" % (path, exc) if isinstance(exc, JsoncError) else str(exc)
    except OSError as exc:
        report["error"] = "%s: %s" % (path, exc.strerror)
    return report


def _check_tree(directory):
    """Refuse a policy place that anyone but root could have redirected: every existing directory
    from / down to ``directory`` must be a real directory (no link) owned by root, and those above
    it writable by no one else (a sticky one, such as /tmp, is fine). Root never follows a path
    another user controls."""
    path = os.path.abspath(directory)
    parts = [path]
    while os.path.dirname(path) != path:
        path = os.path.dirname(path)
        parts.append(path)
    for place in reversed(parts):
        try:
            info = os.lstat(place)
        except FileNotFoundError:
            return
        if not stat.S_ISDIR(info.st_mode):
            raise ConfigFileError("%s is not a directory (a link is not followed): no policy is written below it" % place)
        if info.st_uid != ROOT[0]:
            raise ConfigFileError("%s is not owned by root: a policy there could be changed by its owner" % place)
        if place != os.path.abspath(directory) and info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:
            raise ConfigFileError("%s can be written by others: a policy below it could be redirected" % place)


def _fix_directory(directory, check_mode):
    """The policy's directory must be root's and writable by no one else; True if it was not."""
    info = os.lstat(directory)
    wrong = (info.st_uid, info.st_gid) != ROOT or info.st_mode & 0o022
    if wrong and not check_mode:
        os.lchown(directory, *ROOT)
        os.chmod(directory, stat.S_IMODE(info.st_mode) & ~0o022)
    return bool(wrong)


def _fix_file(path, check_mode):
    """The policy file must be root's and 0644; True if it was not. Never through a link: while
    its directory was writable by others, the name may have been swapped for one."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ConfigFileError("%s cannot be opened without following a link: %s" % (path, exc.strerror))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigFileError("%s is not a regular file: not changed" % path)
        wrong = (info.st_uid, info.st_gid) != ROOT or stat.S_IMODE(info.st_mode) != POLICY_MODE
        if wrong and not check_mode:
            os.fchown(fd, *ROOT)
            os.fchmod(fd, POLICY_MODE)
    finally:
        os.close(fd)
    return bool(wrong)


def apply_policy(params, check_mode, diff):
    """Edit the policy file of ``params["client"]``; return the module's result."""
    spec = client_spec(params["client"])
    path = params["path"] or spec["path"]
    directory = os.path.dirname(path)
    result = {"changed": False, "path": path, "client": params["client"]}
    _check_tree(directory)
    # Made root's only before the file is looked at: then no one else can swap it for a link.
    repaired = os.path.isdir(directory) and _fix_directory(directory, check_mode)
    if os.path.islink(path) or (os.path.lexists(path) and not os.path.isfile(path)):
        raise ConfigFileError("%s is not a regular file (a link is not followed): not read" % path)
    if not os.path.isdir(directory):
        # Checked before anything is created: a refused request or a removal leaves no directory.
        new = _edit(spec, path, None, params)
        if check_mode or new is None:
            return _finish(result, spec, path, None, new, diff)
    created = make_parents(directory)
    with locked(directory):
        for _round in range(EDIT_ROUNDS):
            snapshot = read_snapshot(path)
            try:
                new = _edit(spec, path, snapshot.text, params)
                if check_mode or new == snapshot.text or new is None:
                    break
                if commit(path, snapshot, new, POLICY_MODE, ROOT) != STALE:
                    break
            finally:
                snapshot.close()
        else:
            raise ConfigFileError("%s kept changing while it was edited" % path)
    result["changed"] = repaired or _fix_directory(directory, check_mode) or bool(created)
    if os.path.exists(path):
        result["changed"] = _fix_file(path, check_mode) or result["changed"]
    return _finish(result, spec, path, snapshot.text, new, diff)


def _edit(spec, path, text, params):
    try:
        return edit_policy(spec, text, params)
    except (JsoncError, PolicyError) as exc:
        raise ConfigFileError("%s: %s" % (path, exc))


def _finish(result, spec, path, before, after, diff):
    result["changed"] = result["changed"] or before != after
    result["policy"] = summary(spec, after)
    if diff:
        result["diff"] = {"before": before or "", "after": after or "", "before_header": path, "after_header": path}
    return result


ARGUMENT_SPEC = dict(
    client=dict(type="str", required=True),
    name=dict(type="str"),
    rule=dict(type="str", default="allow", choices=["allow", "deny"]),
    command=dict(type="str"),
    args=dict(type="list", elements="str"),
    launches=dict(type="list", elements="dict", options=dict(
        command=dict(type="str", required=True),
        args=dict(type="list", elements="str", default=[]),
    )),
    url=dict(type="str"),
    exclusive=dict(type="bool"),
    join=dict(type="bool", default=False),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    path=dict(type="path"),
)


def run_module(module):
    try:
        result = apply_policy(module.params, module.check_mode, module._diff)
    except (PolicyError, ConfigFileError, JsoncError) as exc:
        module.fail_json(msg=str(exc))
    except OSError as exc:
        module.fail_json(msg="%s: %s" % (exc.filename or module.params["path"], exc.strerror))
    module.exit_json(**result)
