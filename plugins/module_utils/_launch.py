# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What an entry launches (runner, package, version, options) and where it exposes secrets.

Shared by mcp_server (``supersedes``) and the audit. Nothing here returns a secret value: the
functions that find secrets return them only to the caller, which keeps them for masking and
comparison and reports kinds.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

# Runners that fetch and start an npm package: (command basename, leading args to skip).
_RUNNERS = {
    "npx": ((),),
    "bunx": ((),),
    "pnpm": (("dlx",),),
    "yarn": (("dlx",),),
    "npm": (("exec",), ("x",)),
}
# Runner flags that take no value and come before the package (npx -y, npm exec --yes, ...).
_RUNNER_FLAGS = ("-y", "--yes", "-q", "--quiet", "--silent", "--")
# Shapes of well-known tokens: a value like this is a secret wherever it is.
TOKEN_SHAPES = re.compile(r"^(sntryu_|sntrys_|ghp_|gho_|ghs_|github_pat_|glpat-|sk-|xox[abprs]-|AKIA)[A-Za-z0-9_\-]{8,}")
# Option or key names whose value is a secret.
SECRET_NAME = re.compile(r"(TOKEN|KEY|SECRET|PASSWORD|PASSWD|AUTHORIZATION|CREDENTIAL)", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|^\$[A-Za-z_][A-Za-z0-9_]*$|\{env:[^}]*\}")


def split_package(spec):
    """``@scope/name@1.2.3`` -> (``@scope/name``, ``1.2.3``); no version -> (name, None)."""
    at = spec.rfind("@")
    if at > 0:
        return spec[:at], spec[at + 1:] or None
    return spec, None


def parse_launch(command, args):
    """Return dict(runner, package, version, rest) for a command line; package None if unknown.

    ``rest`` holds the arguments given to the server itself.
    """
    args = [arg for arg in (args or []) if isinstance(arg, str)]
    base = os.path.basename(command or "")
    for prefix in _RUNNERS.get(base, ()):
        if tuple(args[:len(prefix)]) != prefix:
            continue
        rest = args[len(prefix):]
        while rest and rest[0] in _RUNNER_FLAGS:
            rest = rest[1:]
        if rest and not rest[0].startswith("-"):
            package, version = split_package(rest[0])
            return dict(runner=base, package=package, version=version, rest=rest[1:])
    if base in ("node", "nodejs") and args:
        match = re.search(r"node_modules/((?:@[^/]+/)?[^/]+)/", args[0])
        if match:
            return dict(runner="node", package=match.group(1), version=None, rest=args[1:])
    return dict(runner=None, package=None, version=None, rest=args)


def matches(matcher, command, args):
    """Whether one matcher ({package}, {command}, {command, args_regex}) selects a command line."""
    launch = parse_launch(command, args)
    if matcher.get("package") and launch["package"] != matcher["package"]:
        return False
    if matcher.get("command"):
        wanted = matcher["command"]
        if "/" in wanted and command != wanted:
            return False
        if "/" not in wanted and os.path.basename(command or "") != wanted:
            return False
    if matcher.get("args_regex") is not None:
        if not re.search(matcher["args_regex"], " ".join(a for a in (args or []) if isinstance(a, str))):
            return False
    return bool(matcher.get("package") or matcher.get("command") or matcher.get("args_regex") is not None)


def is_placeholder(value):
    return isinstance(value, str) and bool(_PLACEHOLDER.search(value))


def looks_secret(value):
    return isinstance(value, str) and bool(TOKEN_SHAPES.match(value))


def options(rest):
    """The server's flags: {flag: value}; the value of a secret flag is None, never the secret."""
    found = {}
    index = 0
    while index < len(rest):
        arg = rest[index]
        index += 1
        if not arg.startswith("--"):
            continue
        name, eq, value = arg.partition("=")
        if not eq:
            if index < len(rest) and not rest[index].startswith("--"):
                value = rest[index]
                index += 1
            else:
                value = None
        secret = SECRET_NAME.search(name) or looks_secret(value)
        found[name] = None if secret else value
    return found


def secret_args(args):
    """(flag, value) of every secret on a command line, placeholders included: the values of
    secret flags, and token-shaped values (flag None for a bare argument)."""
    found = []
    args = [arg for arg in (args or []) if isinstance(arg, str)]
    taken = None  # the index of a flag's value, already found with its flag
    for index, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if index == taken:
            continue
        if arg.startswith("--") and SECRET_NAME.search(name):
            if eq:
                found.append((name, value))
            elif index + 1 < len(args) and not args[index + 1].startswith("--"):
                found.append((name, args[index + 1]))
                taken = index + 1
        elif looks_secret(arg):
            found.append((None, arg))
        elif eq and looks_secret(value):
            found.append((name, value))
    return [(name, value) for name, value in found if value]


def secrets_in_args(args):
    """Literal secrets on a command line: the values of secret flags and token-shaped values."""
    return [value for _name, value in secret_args(args) if not is_placeholder(value)]


def secret_items(values):
    """(name, value) of every secret in an env or headers map, placeholders included: secret
    names, or token-shaped values (also after a scheme such as ``Bearer``)."""
    found = []
    for name, value in (values or {}).items():
        if not isinstance(value, str) or not value:
            continue
        if SECRET_NAME.search(name) or looks_secret(value) or TOKEN_SHAPES.search(value.split(" ")[-1]):
            found.append((name, value))
    return found


def secrets_in_map(values):
    """Literal secrets in an env or headers map: secret names or token shapes, not placeholders."""
    return [value for _name, value in secret_items(values) if not is_placeholder(value)]
