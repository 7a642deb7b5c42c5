# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Accounts are looked up in the user database, never taken from the module's environment."""

import os
import pwd

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import Account, AccountError, expand_home, get_account


def test_named_account():
    entry = pwd.getpwuid(0)
    assert get_account(entry.pw_name) == Account(entry.pw_name, 0, entry.pw_gid, entry.pw_dir, entry.pw_shell)


def test_default_is_the_user_running_the_module(monkeypatch):
    monkeypatch.setenv("HOME", "/nowhere")
    account = get_account(None)
    assert account.uid == os.geteuid()
    assert account.home == pwd.getpwuid(os.geteuid()).pw_dir


def test_unknown_user_is_a_clear_error():
    with pytest.raises(AccountError, match="unknown user 'mcpfleet_nobody_here': no such account"):
        get_account("mcpfleet_nobody_here")


@pytest.mark.parametrize("path, expected", [
    ("~", "/home/alice"),
    ("~/.cursor/mcp.json", "/home/alice/.cursor/mcp.json"),
    ("~bob/x", "~bob/x"),
    ("/srv/~/x", "/srv/~/x"),
])
def test_expand_home_uses_the_accounts_home(path, expected):
    assert expand_home(path, Account("alice", 1, 1, "/home/alice", "/bin/sh")) == expected
