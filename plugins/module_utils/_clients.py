# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where each MCP client keeps its servers, and how it writes one entry.

Everything client-specific is DATA in PROFILES; the functions below interpret it and never
branch on a client's name. A profile holds:

``title``           the client's name for people
``grammar``         what the client's parser accepts: ``json`` (strict), ``jsonc`` (comments and
                    trailing commas), ``json_comments`` (comments, no trailing commas), ``toml``
                    or ``yaml`` (see ``_documents``)
``key``             the path of the object that maps server names to entries (None: the
                    ``key`` option is required)
``named_list``      the servers are a list whose items carry their name in this member, not a
                    mapping (Continue); None for a mapping
``paths``           ``user``: candidate files (``${VAR}`` templates, the first that exists wins,
                    else the first); ``workspace``: candidates relative to the workspace folder
                    (``${NAME}``: the server's name, for clients that keep one file per server)
``editor``          for files inside an editor's user-data dir: the default editor (EDITORS)
``runs_in_editor``  the client is an extension, so the ``editor`` option may choose its host
``transports``      per transport: ``const`` keys of every entry, and ``fields``, the pairs
                    (option, entry key); the pseudo option ``argv`` stores command and args as
                    one list
``defaults``        keys a new entry gets, which the user may change afterwards
``alternates``      keys of other forms the client reads for the same settings (its own ``mcp
                    add`` may write them); the module owns them and converges the entry to its
                    one form, so the client runs what was configured
``nested``          an alternate key whose object holds a whole transport form and which the
                    client runs in preference to the entry's own keys (read so, by the probe)
``companion``       a list elsewhere in the file that names the server too (``item`` is a
                    format string with ``{name}``), added and removed with the entry
``skeleton``        the data of a new file besides the servers
``placeholders``    the placeholder syntax the client expands (see ``_placeholders.STYLES``)
``secrets``         how a secret can be given without writing it into this file
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os
from string import Template

from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import JsoncError, json_equal
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import expand_home

# Defaults of the environment variables clients honour, for the TARGET user: the module runs
# as root or through become, so its own environment says nothing about the user's.
VARIABLE_DEFAULTS = {
    "XDG_CONFIG_HOME": "${HOME}/.config",
    "XDG_DATA_HOME": "${HOME}/.local/share",
    "COPILOT_HOME": "${HOME}/.copilot",
    "CODEX_HOME": "${HOME}/.codex",
}

# VS Code-style user-data dirs (``UD``); extension storage is ``UD/User/globalStorage/<id>``.
EDITORS = {
    "code_server": "${XDG_DATA_HOME}/code-server",
    "vscode": "${XDG_CONFIG_HOME}/Code",
    "vscode_insiders": "${XDG_CONFIG_HOME}/Code - Insiders",
    "vscodium": "${XDG_CONFIG_HOME}/VSCodium",
    "vscode_server": "${HOME}/.vscode-server/data",
    "cursor": "${XDG_CONFIG_HOME}/Cursor",
    "windsurf": "${XDG_CONFIG_HOME}/Windsurf",
}

OPTION_FIELDS = ("command", "args", "env", "env_file", "cwd", "url", "headers")

# The deepest nesting of arrays and objects in an entry (the entry itself is level 1). The entry
# goes back to the controller in the module's result, and Ansible's controller walks results
# recursively (it fails somewhere near 300 levels); real entries nest 3 or 4 levels.
ENTRY_MAX_DEPTH = 64

_VSCODE_TRANSPORTS = {
    "stdio": {"const": {"type": "stdio"},
              "fields": (("command", "command"), ("args", "args"), ("env", "env"), ("env_file", "envFile"), ("cwd", "cwd"))},
    "http": {"const": {"type": "http"}, "fields": (("url", "url"), ("headers", "headers"))},
}
_VSCODE_SECRETS = ("envFile", "${env:X}", "${input:id}")


def _vscode_family(title, editor):
    return _profile(title, "jsonc", ("servers",), ("${USER_DATA_DIR}/User/mcp.json",), (".vscode/mcp.json",),
                    _VSCODE_TRANSPORTS, "vscode", _VSCODE_SECRETS, editor=editor)


def _profile(title, grammar, key, user, workspace, transports, placeholders, secrets, **more):
    profile = {
        "title": title,
        "grammar": grammar,
        "key": key,
        "named_list": None,
        "paths": {"user": user, "workspace": workspace},
        "editor": None,
        "runs_in_editor": False,
        "transports": transports,
        "defaults": {},
        "alternates": (),
        "nested": None,
        "companion": None,
        "skeleton": {},
        "placeholders": placeholders,
        "secrets": secrets,
    }
    profile.update(more)
    return profile


_STDIO_PLAIN = (("command", "command"), ("args", "args"), ("env", "env"))
_STDIO_CWD = (("command", "command"), ("args", "args"), ("cwd", "cwd"), ("env", "env"))
_HTTP_PLAIN = (("url", "url"), ("headers", "headers"))
_MCP_SERVERS = ("mcpServers",)


def _gemini_family(title, user, workspace):
    """Gemini CLI and its fork Qwen Code: the same file grammar and entries, their own paths."""
    return _profile(
        title, "json_comments", _MCP_SERVERS, (user,), (workspace,),
        {"stdio": {"const": {}, "fields": _STDIO_PLAIN + (("cwd", "cwd"),)},
         "http": {"const": {"type": "http"}, "fields": _HTTP_PLAIN}},
        "gemini", ("$X", "${X}"),
        alternates=("httpUrl",))


PROFILES = {
    "code_server": _vscode_family("code-server", "code_server"),
    "vscode": _vscode_family("VS Code", "vscode"),
    "vscode_insiders": _vscode_family("VS Code Insiders", "vscode_insiders"),
    "vscodium": _vscode_family("VSCodium", "vscodium"),
    "vscode_server": _vscode_family("VS Code server (Remote-SSH, tunnels)", "vscode_server"),
    "amazonq": _profile(
        "Amazon Q (IDE plugin, legacy mcp.json)", "json", _MCP_SERVERS,
        ("${HOME}/.aws/amazonq/mcp.json",), (".amazonq/mcp.json",),
        {"stdio": {"const": {}, "fields": _STDIO_PLAIN},
         "http": {"const": {"type": "http"}, "fields": _HTTP_PLAIN}},
        None, ()),
    "amazonq_agent": _profile(
        "Amazon Q (IDE plugin, agent file)", "json", _MCP_SERVERS,
        ("${HOME}/.aws/amazonq/agents/default.json",), (".amazonq/agents/default.json",),
        {"stdio": {"const": {}, "fields": _STDIO_PLAIN},
         "http": {"const": {"type": "http"}, "fields": _HTTP_PLAIN}},
        None, (),
        companion={"key": ("tools",), "item": "@{name}"},
        skeleton={"name": "default", "tools": ["*"], "useLegacyMcpJson": True}),
    "kiro": _profile(
        "Kiro", "json", _MCP_SERVERS,
        ("${HOME}/.kiro/settings/mcp.json",), (".kiro/settings/mcp.json",),
        {"stdio": {"const": {}, "fields": _STDIO_PLAIN},
         "http": {"const": {}, "fields": _HTTP_PLAIN}},
        "shell", ("${X}",)),
    "cursor": _profile(
        "Cursor", "json", _MCP_SERVERS,
        ("${HOME}/.cursor/mcp.json",), (".cursor/mcp.json",),
        {"stdio": {"const": {"type": "stdio"}, "fields": _STDIO_PLAIN + (("env_file", "envFile"),)},
         "http": {"const": {}, "fields": _HTTP_PLAIN}},
        "vscode", ("envFile", "${env:X}")),
    "windsurf": _profile(
        "Windsurf", "json", _MCP_SERVERS,
        ("${HOME}/.codeium/windsurf/mcp_config.json",), (),
        {"stdio": {"const": {}, "fields": _STDIO_PLAIN},
         "http": {"const": {}, "fields": (("url", "serverUrl"), ("headers", "headers"))}},
        "windsurf", ("${env:X}", "${file:/path}")),
    "claude_desktop": _profile(
        "Claude Desktop", "json", _MCP_SERVERS,
        ("${XDG_CONFIG_HOME}/Claude/claude_desktop_config.json",), (),
        {"stdio": {"const": {}, "fields": _STDIO_PLAIN}},
        None, ()),
    # ~/.claude.json also holds the app's state: like every profile, only the entry is touched.
    "claude_code": _profile(
        "Claude Code", "json", _MCP_SERVERS,
        ("${HOME}/.claude.json",), (".mcp.json",),
        {"stdio": {"const": {"type": "stdio"}, "fields": _STDIO_PLAIN},
         "http": {"const": {"type": "http"}, "fields": _HTTP_PLAIN}},
        "shell", ("${X}", "${X:-default}")),
    # `cline mcp add` writes {"transport": {...}}, which Cline then runs instead of the entry's
    # keys. Without "timeout" (seconds) it gives initialize 3 s: too short for a cold Node server.
    "cline": _profile(
        "Cline", "json", _MCP_SERVERS,
        ("${HOME}/.cline/data/settings/cline_mcp_settings.json",), (),
        {"stdio": {"const": {"type": "stdio"}, "fields": _STDIO_CWD},
         "http": {"const": {"type": "streamableHttp"}, "fields": _HTTP_PLAIN}},
        None, (),
        defaults={"timeout": 60}, alternates=("transport",), nested="transport"),
    "roo_code": _profile(
        "Roo Code", "json", _MCP_SERVERS,
        ("${USER_DATA_DIR}/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json",), (".roo/mcp.json",),
        {"stdio": {"const": {"type": "stdio"}, "fields": _STDIO_CWD},
         "http": {"const": {"type": "streamable-http"}, "fields": _HTTP_PLAIN}},
        "vscode", ("${env:X}",),
        editor="code_server", runs_in_editor=True),
    "copilot_cli": _profile(
        "GitHub Copilot CLI", "json", _MCP_SERVERS,
        ("${COPILOT_HOME}/mcp-config.json",), (".mcp.json",),
        {"stdio": {"const": {"type": "local"}, "fields": _STDIO_PLAIN},
         "http": {"const": {"type": "http"}, "fields": _HTTP_PLAIN}},
        "shell", ("${X}",),
        defaults={"tools": ["*"]}),
    # Gemini CLI takes "httpUrl" as deprecated; its own `mcp add -t http` writes url + type.
    "gemini_cli": _gemini_family("Gemini CLI", "${HOME}/.gemini/settings.json", ".gemini/settings.json"),
    "qwen_code": _gemini_family("Qwen Code", "${HOME}/.qwen/settings.json", ".qwen/settings.json"),
    "zed": _profile(
        "Zed", "jsonc", ("context_servers",),
        ("${XDG_CONFIG_HOME}/zed/settings.json",), (".zed/settings.json",),
        {"stdio": {"const": {"source": "custom"}, "fields": _STDIO_PLAIN},
         "http": {"const": {}, "fields": _HTTP_PLAIN}},
        None, (),
        defaults={"enabled": True}),
    "opencode": _profile(
        "opencode", "jsonc", ("mcp",),
        ("${XDG_CONFIG_HOME}/opencode/opencode.json", "${XDG_CONFIG_HOME}/opencode/opencode.jsonc"),
        ("opencode.json", "opencode.jsonc"),
        {"stdio": {"const": {"type": "local"}, "fields": (("argv", "command"), ("env", "environment"))},
         "http": {"const": {"type": "remote"}, "fields": _HTTP_PLAIN}},
        "opencode", ("{env:X}", "{file:path}"),
        defaults={"enabled": True}),
    # Codex does not expand variables in its entries; env_vars forwards named variables of its own
    # environment. Its startup_timeout_sec defaults to 10 s, too short for a Node server on a busy
    # host (see the README's Codex section): new entries get 60, a user's own value stays.
    "codex": _profile(
        "Codex CLI", "toml", ("mcp_servers",),
        ("${CODEX_HOME}/config.toml",), (".codex/config.toml",),
        {"stdio": {"const": {}, "fields": _STDIO_CWD},
         "http": {"const": {}, "fields": (("url", "url"), ("headers", "http_headers"))}},
        None, ("env_vars",),
        defaults={"startup_timeout_sec": 60}),
    # Continue's mcpServers is a list of items named by "name"; a workspace keeps one block file
    # per server in .continue/mcpServers/. A config file needs name, version and schema.
    "continue": _profile(
        "Continue", "yaml", ("mcpServers",),
        ("${HOME}/.continue/config.yaml",), (".continue/mcpServers/${NAME}.yaml",),
        {"stdio": {"const": {"type": "stdio"}, "fields": _STDIO_CWD},
         "http": {"const": {"type": "streamable-http"}, "fields": (("url", "url"),)}},
        None, ("${{ secrets.X }}",),
        named_list="name",
        skeleton={"name": "Local Assistant", "version": "1.0.0", "schema": "v1"}),
    "generic": _profile(
        "any other client (give path and key)", "jsonc", None, (), (),
        {"stdio": {"const": {}, "fields": _STDIO_CWD},
         "http": {"const": {}, "fields": _HTTP_PLAIN}},
        None, ()),
}

CLIENT_ARGUMENT_SPEC = dict(
    client=dict(type="str", required=True, choices=sorted(PROFILES)),
    user=dict(type="str"),
    name=dict(type="str", required=True),
    # Paths are str, not path: a leading ~ is the target user's home, not that of the
    # user the module runs as.
    path=dict(type="str"),
    key=dict(type="str", no_log=False),
    scope=dict(type="str", default="user", choices=["user", "workspace"]),
    workspace=dict(type="str"),
    user_data_dir=dict(type="str"),
    editor=dict(type="str", choices=sorted(EDITORS)),
    user_env=dict(type="dict"),
)
# The options of CLIENT_ARGUMENT_SPEC that say where an entry lives (beside client and user).
ENTRY_LOCATION_OPTIONS = ("path", "key", "scope", "workspace", "user_data_dir", "editor", "user_env")


def audited_clients():
    """Every client with a file of its own in the user's home (``generic`` has none)."""
    return sorted(name for name, profile in PROFILES.items() if profile["paths"]["user"])


class ClientError(Exception):
    """A request the client's profile cannot satisfy."""


def get_profile(name, key=None):
    """Return a copy of the profile of client ``name``; ``key`` (dotted) overrides its key path."""
    if name not in PROFILES:
        raise ClientError("unknown client %r; known clients: %s" % (name, ", ".join(sorted(PROFILES))))
    profile = copy.deepcopy(PROFILES[name])
    profile["name"] = name
    if key is not None:
        parts = tuple(key.split("."))
        if not all(parts):
            raise ClientError("key %r: expected names separated by dots, such as mcp.servers" % (key,))
        profile["key"] = parts
    if profile["key"] is None:
        raise ClientError("client %s needs the option key (the dotted path of the servers object, such as mcpServers)" % name)
    return profile


def _absolute(value, account, what):
    if not isinstance(value, str):
        raise ClientError("%s must be a path, got %r" % (what, value))
    value = expand_home(value, account)
    if not os.path.isabs(value):
        raise ClientError("%s must be an absolute path (or start with ~/ for the user's home), got %r" % (what, value))
    return os.path.normpath(value)


def _variables(profile, account, user_data_dir, editor, user_env):
    user_env = user_env or {}
    unknown = sorted(set(user_env) - set(VARIABLE_DEFAULTS))
    if unknown:
        raise ClientError("user_env: unknown variable(s) %s; the clients' paths use %s"
                          % (", ".join(unknown), ", ".join(sorted(VARIABLE_DEFAULTS))))
    variables = {"HOME": account.home}
    for name, default in VARIABLE_DEFAULTS.items():
        if user_env.get(name):
            variables[name] = _absolute(user_env[name], account, "user_env.%s" % name)
        else:
            variables[name] = Template(default).substitute(variables)
    if editor is not None and not profile["runs_in_editor"]:
        raise ClientError("option editor applies only to clients that run inside an editor (%s), not to %s"
                          % (", ".join(sorted(n for n, p in PROFILES.items() if p["runs_in_editor"])), profile["name"]))
    if user_data_dir is not None and profile["editor"] is None:
        raise ClientError("option user_data_dir does not apply to client %s: its files are not in an editor's user-data dir"
                          % profile["name"])
    if user_data_dir is not None:
        variables["USER_DATA_DIR"] = _absolute(user_data_dir, account, "user_data_dir")
    elif profile["editor"] is not None:
        variables["USER_DATA_DIR"] = Template(EDITORS[editor or profile["editor"]]).substitute(variables)
    return variables


def _file_name(name):
    """A server name that also names a file (one block file per server): no path, no dot file."""
    if not name or "/" in name or "\0" in name or name.startswith("."):
        raise ClientError("server name %r cannot name a file: the client keeps one file per server in a workspace" % (name,))
    return name


def resolve_config_path(profile, account, scope="user", workspace=None, path=None, user_data_dir=None, editor=None, user_env=None,
                        name=None):
    """Return the config file of ``profile`` for ``account`` (an ``_users.Account``).

    ``path`` wins over everything; ``scope=workspace`` needs ``workspace``; ``~`` in any path
    option is the account's home. Of several candidate files the first existing one is used,
    else the first. ``name`` is the server's, for workspace files named after it.
    """
    variables = _variables(profile, account, user_data_dir, editor, user_env)
    if path:
        return _absolute(path, account, "path")
    if scope == "workspace":
        if not workspace:
            raise ClientError("scope=workspace needs the option workspace (the project folder)")
        base = _absolute(workspace, account, "workspace")
        candidates = [os.path.join(base, Template(relative).safe_substitute(NAME=_file_name(name)) if "${NAME}" in relative else relative)
                      for relative in profile["paths"]["workspace"]]
        if not candidates:
            raise ClientError("client %s has no workspace configuration file; use scope=user" % profile["name"])
    else:
        candidates = [Template(template).substitute(variables) for template in profile["paths"]["user"]]
        if not candidates:
            raise ClientError("client %s needs the option path (it has no default file)" % profile["name"])
    for candidate in candidates:
        if os.path.lexists(candidate):
            return candidate
    return candidates[0]


def resolve_from_params(profile, account, params):
    """resolve_config_path with the options of CLIENT_ARGUMENT_SPEC."""
    return resolve_config_path(profile, account, scope=params["scope"], workspace=params["workspace"], path=params["path"],
                               user_data_dir=params["user_data_dir"], editor=params["editor"], user_env=params["user_env"],
                               name=params.get("name"))


def transports(profile):
    """The transports the client supports, in a stable order."""
    return sorted(profile["transports"])


def managed_keys(profile):
    """Entry keys the module owns: const and field keys of every transport."""
    keys = set(profile["alternates"])
    for shape in profile["transports"].values():
        keys.update(shape["const"])
        keys.update(key for dummy, key in shape["fields"])
    return keys


def _option_keys(profile):
    return set(key for shape in profile["transports"].values() for dummy, key in shape["fields"])


def secret_keys(profile):
    """Entry keys whose values are secrets (the env and headers maps, whatever the client calls them)."""
    keys = set()
    for shape in profile["transports"].values():
        keys.update(key for option, key in shape["fields"] if option in ("env", "headers"))
    return tuple(sorted(keys))


def _expressible(shape):
    """The options one transport's entries can hold (``argv`` holds command and args)."""
    options = set(option for option, dummy in shape["fields"])
    if "argv" in options:
        options.update(("command", "args"))
    return options


def build_entry(profile, spec):
    """Build the client-native entry for ``spec``.

    ``spec`` has ``transport`` (default stdio), the OPTION_FIELDS (None: not set) and ``extra``
    (keys merged last; they may override const and default keys, not the keys of options).
    """
    transport = spec.get("transport") or "stdio"
    shape = profile["transports"].get(transport)
    if shape is None:
        raise ClientError("client %s does not support transport %s (it supports: %s)"
                          % (profile["name"], transport, ", ".join(transports(profile))))
    expressible = _expressible(shape)
    given = [field for field in OPTION_FIELDS if spec.get(field) is not None]
    for field in given:
        if field not in expressible:
            other = [name for name, candidate in sorted(profile["transports"].items()) if field in _expressible(candidate)]
            if other:
                raise ClientError("option %s does not apply to transport %s of client %s (it belongs to transport %s)"
                                  % (field, transport, profile["name"], ", ".join(other)))
            raise ClientError("client %s cannot express option %s: its %s entries take %s only (secret mechanisms: %s)"
                              % (profile["name"], field, transport, ", ".join(sorted(expressible)),
                                 ", ".join(profile["secrets"]) or "none"))
    marker = shape["fields"][0][0]
    if marker == "argv":
        marker = "command"
    if spec.get(marker) is None:
        raise ClientError("transport %s needs the option %s" % (transport, marker))
    entry = dict(shape["const"])
    for option, key in shape["fields"]:
        if option == "argv":
            entry[key] = [spec["command"]] + list(spec.get("args") or [])
        elif spec.get(option) is not None:
            entry[key] = spec[option]
    for key, value in profile["defaults"].items():
        entry.setdefault(key, copy.deepcopy(value))
    extra = spec.get("extra") or {}
    clash = sorted(set(extra) & _option_keys(profile))
    if clash:
        raise ClientError("extra must not set %s: use the module's options for them" % ", ".join(clash))
    entry.update(copy.deepcopy(extra))
    return entry


def _transport_of(profile, entry):
    for name in transports(profile):
        marker_key = profile["transports"][name]["fields"][0][1]
        if marker_key in entry:
            return name
    return None


def read_entry(profile, entry):
    """Normalize a client-native entry into a spec (the inverse of build_entry)."""
    if not isinstance(entry, dict):
        raise ClientError("the entry is a %s, expected an object" % type(entry).__name__)
    nested = entry.get(profile["nested"]) if profile["nested"] else None
    if isinstance(nested, dict):
        # What the client runs: the nested form, over the entry's own keys.
        entry = dict((key, value) for key, value in entry.items() if key != profile["nested"])
        entry.update(nested)
    spec = dict((field, None) for field in OPTION_FIELDS)
    spec["transport"] = _transport_of(profile, entry)
    used = set()
    if spec["transport"] is not None:
        shape = profile["transports"][spec["transport"]]
        for key, value in shape["const"].items():
            if entry.get(key) == value:
                used.add(key)
        for option, key in shape["fields"]:
            if key not in entry:
                continue
            used.add(key)
            if option == "argv" and isinstance(entry[key], list) and entry[key]:
                spec["command"], spec["args"] = entry[key][0], list(entry[key][1:])
            elif option != "argv":
                spec[option] = entry[key]
    spec["extra"] = dict((key, value) for key, value in entry.items() if key not in used)
    return spec


def find_entry(profile, document, name):
    """Return the entry of server ``name`` in a parsed document (``_documents``), or None.

    A servers key or an entry of the wrong type fails with the line and column of the value, and
    so does an entry nested deeper than ENTRY_MAX_DEPTH.
    """
    path = tuple(profile["key"]) + (name,)
    try:
        entry = document.get(path)
        if not isinstance(entry, dict):
            # Going one level deeper makes the document raise its positioned type error.
            document.get(path + ("",))
        document.limit_depth(path, ENTRY_MAX_DEPTH)
    except KeyError:
        return None
    except JsoncError as exc:
        raise ClientError(str(exc))
    return entry


def merge_entry(profile, current, spec, exclusive=False):
    """The entry to write: build_entry(spec), keeping what the user added to ``current``.

    Keys the module does not manage (``disabled``, ``autoApprove``, ...) and user changes to
    default keys stay, unless ``exclusive``.
    """
    desired = build_entry(profile, spec)
    if current is None or exclusive:
        return desired
    managed = managed_keys(profile)
    extra = spec.get("extra") or {}
    merged = {}
    for key, value in current.items():
        if key in desired:
            keep_user_value = key in profile["defaults"] and key not in extra
            merged[key] = value if keep_user_value else desired[key]
        elif key not in managed:
            merged[key] = value
    for key, value in desired.items():
        merged.setdefault(key, value)
    return merged


def _sync(document, path, current, desired):
    """Edit ``document`` at ``path`` from ``current`` to ``desired``, one member at a time."""
    for key in current:
        if key not in desired:
            document.delete(path + (key,))
    for key, value in desired.items():
        if key in current and json_equal(current[key], value):
            continue
        if key in current and isinstance(current[key], dict) and isinstance(value, dict):
            _sync(document, path + (key,), current[key], value)
        else:
            document.set(path + (key,), value)


def _companion(profile, name):
    companion = profile["companion"]
    if companion is None:
        return None, None
    return companion["key"], companion["item"].format(name=name)


def apply_entry(profile, document, name, entry):
    """Make server ``name`` equal ``entry`` in ``document`` (and list it in the companion list).

    Types are checked before the first edit, so a positioned error points into the file as read.
    """
    current = find_entry(profile, document, name)
    key, item = _companion(profile, name)
    if key is not None:
        try:
            items = document.get(key)
        except KeyError:
            items = None
        if not isinstance(items, list) or item not in items:
            document.append(key, item)  # creates a missing list; any other type fails with its position
    path = tuple(profile["key"]) + (name,)
    if current is None:
        document.set(path, entry)
    else:
        _sync(document, path, current, entry)


def remove_entry(profile, document, name):
    """Remove server ``name`` (and its companion item) from ``document``."""
    find_entry(profile, document, name)  # wrong types fail here, with their position
    key, item = _companion(profile, name)
    if key is not None:
        document.remove_value(key, item)
    document.delete(tuple(profile["key"]) + (name,))


def new_file_data(profile):
    """The data of a config file that does not exist yet (before the entry is added)."""
    return copy.deepcopy(profile["skeleton"])
