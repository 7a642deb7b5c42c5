# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The env file of the stdio_server role's launcher: the one place its format is written.

The launcher (roles/stdio_server/templates/launcher.sh.j2) reads the file line by line with
``IFS= read -r`` and runs ``export "$line"`` for each line that starts with an allowed
``NAME=``: the value after the first ``=`` is taken verbatim, up to the end of the line.
Nothing is quoted, escaped or expanded, so a value can hold anything but a line break (and a
NUL, which no shell variable holds). Comment lines start with ``#`` and are skipped.

This is not the dotenv dialect that clients read for an entry's ``envFile`` (see _dotenv).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# What `export NAME=value` takes as a name.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NOT_ON_ONE_LINE = re.compile(r"[\n\r\x00]")


class LauncherEnvError(ValueError):
    """A variable the launcher could not read back as it was meant (the message names no value)."""


def render_env_file(env, header):
    """The env file's text: the header as comment lines, then NAME=value lines sorted by name."""
    lines = []
    for line in header:
        if _NOT_ON_ONE_LINE.search(line):
            raise LauncherEnvError("env file header: each line must be one line")
        lines.append("# %s\n" % line)
    for name in sorted(env):
        value = str(env[name])
        if not _NAME.match(name) or _NOT_ON_ONE_LINE.search(value):
            raise LauncherEnvError("env file variable %r: a shell variable name and a value on one line are required" % (name,))
        lines.append("%s=%s\n" % (name, value))
    return "".join(lines)
