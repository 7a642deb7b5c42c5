# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The dotenv dialect that VS Code and Cursor read for an MCP server entry's ``envFile``: the
probe reads a user's file as the client would. Not the launcher's env file (see _launcher_env),
which the collection writes and whose lines are taken verbatim.

One ``KEY=VALUE`` per line; blank lines and ``#`` comment lines are skipped; an ``export``
prefix is allowed; a value may be wrapped in single quotes (taken literally) or double quotes
(``\\n``, ``\\t``, ``\\\\`` and ``\\"`` escapes); an unquoted value ends at `` #`` and is
stripped.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"'}


class DotenvError(ValueError):
    """A line that is not a KEY=VALUE assignment."""


def _unescape(text):
    out = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _value(raw, lineno):
    if raw[:1] in ("'", '"'):
        quote = raw[0]
        end = 1
        while end < len(raw):
            if raw[end] == "\\" and quote == '"':
                end += 2
                continue
            if raw[end] == quote:
                break
            end += 1
        if end >= len(raw):
            raise DotenvError("line %d: unterminated %s quote" % (lineno, quote))
        rest = raw[end + 1:].strip()
        if rest and not rest.startswith("#"):
            raise DotenvError("line %d: unexpected text after the closing quote" % lineno)
        inner = raw[1:end]
        return _unescape(inner) if quote == '"' else inner
    comment = re.search(r"\s#", raw)
    return (raw[:comment.start()] if comment else raw).strip()


def parse_dotenv(text):
    """Parse an envFile's text into an ordered dict of names to values."""
    result = {}
    # Split on LF only, as dotenv readers do: a form feed or U+2028 inside a value is not a line break.
    for lineno, line in enumerate(text.split("\n"), 1):
        line = line[:-1] if line.endswith("\r") else line
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise DotenvError("line %d: expected KEY=VALUE" % lineno)
        result[match.group(1)] = _value(match.group(2), lineno)
    return result
