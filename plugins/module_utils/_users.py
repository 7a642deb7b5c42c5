# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Resolve the account whose client configuration is edited or probed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import pwd
from collections import namedtuple

Account = namedtuple("Account", "name uid gid home shell")


class AccountError(Exception):
    """The account does not exist or cannot be used."""


def get_account(name=None):
    """Return the Account of user ``name``, or of the user the module runs as when None."""
    try:
        entry = pwd.getpwuid(os.geteuid()) if name is None else pwd.getpwnam(name)
    except KeyError:
        raise AccountError("unknown user %r: no such account on this host" % (name,))
    if not entry.pw_dir or not os.path.isabs(entry.pw_dir):
        raise AccountError("user %r has no absolute home directory (%r)" % (entry.pw_name, entry.pw_dir))
    return Account(entry.pw_name, entry.pw_uid, entry.pw_gid, entry.pw_dir, entry.pw_shell)


def all_accounts():
    """Every account of the host whose home is an absolute path other than ``/``, once per name.

    Whether the home exists is left to a process that is the account: root does not look.
    """
    accounts, seen = [], set()
    for entry in pwd.getpwall():
        home = entry.pw_dir or ""
        if entry.pw_name in seen or not os.path.isabs(home) or not home.rstrip("/"):
            continue
        seen.add(entry.pw_name)
        accounts.append(Account(entry.pw_name, entry.pw_uid, entry.pw_gid, entry.pw_dir, entry.pw_shell))
    return accounts


def expand_home(path, account):
    """Expand a leading ``~`` to the account's home (not the home of the user running the module)."""
    if path == "~" or path.startswith("~/"):
        return account.home + path[1:]
    return path
