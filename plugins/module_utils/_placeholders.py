# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Expand the placeholders an MCP client expands in a server entry, the way that client does.

Each client has its own syntax and its own answer to "the variable is not set":

* ``vscode`` (VS Code, code-server, VS Code server, Cursor, Roo Code): ``${env:X}`` (unset: empty),
  ``${userHome}``, ``${workspaceFolder}``, ``${workspaceFolderBasename}``, ``${pathSeparator}``,
  ``${/}``. ``${input:id}`` and ``${command:id}`` need the running editor; unknown names stay as
  written, as VS Code leaves them.
* ``shell`` (Claude Code, Kiro, Copilot CLI): ``${X}`` and ``${X:-default}``; an unset variable
  without a default is an error (the client refuses the entry).
* ``gemini``: ``$X`` and ``${X}``; unset: empty.
* ``opencode``: ``{env:X}`` (unset: empty) and ``{file:path}`` (trimmed content; ``~/`` is the
  home, relative to the config file's directory; unreadable: error).
* ``windsurf``: ``${env:X}`` (unset: empty) and ``${file:/path}`` (trimmed content; unreadable:
  left as written).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

STYLES = ("vscode", "shell", "gemini", "opencode", "windsurf")

_BRACED = re.compile(r"\$\{([^}]*)\}")
_GEMINI = re.compile(r"\$(?:(\w+)|\{([^}]*)\})")
_OPENCODE = re.compile(r"\{(env|file):([^}]*)\}")


class PlaceholderError(ValueError):
    """A placeholder that cannot be resolved outside the client (or that the client rejects)."""


class Context:
    """What placeholders are resolved against.

    ``env`` is the client's own environment (``${env:X}`` reads it), ``home`` the user's home,
    ``workspace`` the workspace folder (None outside a workspace), ``config_dir`` the directory of
    the config file (relative ``{file:...}`` paths). Contents read from files are collected in
    ``file_values``: they are usually secrets, and the caller redacts them. ``read`` returns a
    file's text (the probe reads only regular files, as the user, with a size bound).
    """

    def __init__(self, env, home, workspace=None, config_dir=None, read=None):
        self.env = env
        self.home = home
        self.workspace = workspace
        self.config_dir = config_dir
        self.read = read or _read_text
        self.file_values = []

    def read_file(self, path):
        if path == "~" or path.startswith("~/"):
            path = self.home + path[1:]
        elif not os.path.isabs(path):
            path = os.path.join(self.config_dir or self.home, path)
        value = self.read(path).strip()
        if value:
            self.file_values.append(value)
        return value


def _read_text(path):
    with open(path, "rb") as handle:
        return handle.read().decode("utf-8")


def _vscode(match, ctx):
    name = match.group(1)
    if name.startswith("env:"):
        return ctx.env.get(name[4:], "")
    if name == "userHome":
        return ctx.home
    if name in ("pathSeparator", "/"):
        return "/"
    if name in ("workspaceFolder", "workspaceFolderBasename"):
        if not ctx.workspace:
            raise PlaceholderError("${%s} needs a workspace folder: set the workspace option" % name)
        return ctx.workspace if name == "workspaceFolder" else os.path.basename(ctx.workspace.rstrip("/"))
    kind = name.split(":", 1)[0]
    if kind == "input":
        raise PlaceholderError("${%s} needs interactive input in the client; give the value through envFile or ${env:...} instead" % name)
    if kind in ("command", "config"):
        raise PlaceholderError("${%s} is resolved by the running editor and cannot be checked outside it" % name)
    return match.group(0)


def _windsurf(match, ctx):
    name = match.group(1)
    if name.startswith("env:"):
        return ctx.env.get(name[4:], "")
    if name.startswith("file:"):
        try:
            return ctx.read_file(name[5:])
        except (OSError, UnicodeDecodeError):
            return match.group(0)
    return match.group(0)


def _shell(match, ctx):
    name, sep, default = match.group(1).partition(":-")
    if name in ctx.env:
        return ctx.env[name]
    if sep:
        return default
    raise PlaceholderError("environment variable %s is not set and ${%s} has no default (${%s:-default})" % (name, name, name))


def _gemini(match, ctx):
    return ctx.env.get(match.group(1) or match.group(2), "")


def _opencode(match, ctx):
    kind, name = match.group(1), match.group(2)
    if kind == "env":
        return ctx.env.get(name, "")
    try:
        return ctx.read_file(name)
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaceholderError("{file:%s} cannot be read: %s" % (name, exc))


_RULES = {
    "vscode": (_BRACED, _vscode),
    "windsurf": (_BRACED, _windsurf),
    "shell": (_BRACED, _shell),
    "gemini": (_GEMINI, _gemini),
    "opencode": (_OPENCODE, _opencode),
}


def expand(value, style, ctx):
    """Expand one string; ``style`` None means the client expands nothing."""
    if style is None:
        return value
    if style not in _RULES:
        raise ValueError("unknown placeholder style %r" % (style,))
    pattern, replace = _RULES[style]
    return pattern.sub(lambda match: replace(match, ctx), value)


def expand_all(data, style, ctx):
    """Expand every string inside lists and dict values (keys stay as written)."""
    if isinstance(data, str):
        return expand(data, style, ctx)
    if isinstance(data, list):
        return [expand_all(item, style, ctx) for item in data]
    if isinstance(data, dict):
        return dict((key, expand_all(item, style, ctx)) for key, item in data.items())
    return data
