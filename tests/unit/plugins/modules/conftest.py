# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Homes that a dropped process can reach, and throwaway accounts for the attack tests.

pytest's own temp dirs live under a 0700 directory of root's: a process that has become a user
could not even reach them, so homes here are made under a 0711 directory in /tmp.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid

import pytest
from ansible.module_utils import _internal

from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import Account


@pytest.fixture
def open_tmp():
    """A temp dir any user can pass through (0711), removed afterwards."""
    path = tempfile.mkdtemp(prefix="mcpfleet-test-", dir="/tmp")
    os.chmod(path, 0o711)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def accounts():
    """Two real, unprivileged throwaway accounts (alice and bob) with 0750 homes; root only."""
    if os.geteuid() != 0:
        pytest.skip("the attack tests create accounts and act for them: they need root")
    base = tempfile.mkdtemp(prefix="mcpfleet-homes-", dir="/tmp")
    os.chmod(base, 0o711)
    suffix = uuid.uuid4().hex[:6]
    made = {}
    try:
        for role in ("alice", "bob"):
            name = "mcpf%s%s" % (role[0], suffix)
            home = os.path.join(base, role)
            subprocess.run(["useradd", "--create-home", "--home-dir", home, "--shell", "/bin/sh", "--user-group", name],
                           check=True, stdout=subprocess.DEVNULL)
            os.chmod(home, 0o750)
            entry = pwd.getpwnam(name)
            made[role] = Account(name, entry.pw_uid, entry.pw_gid, home, entry.pw_shell)
        yield made
    finally:
        for account in made.values():
            subprocess.run(["userdel", account.name], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run(["groupdel", account.name], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(autouse=True)
def on_the_target(monkeypatch):
    """Modules run on the target, where no controller code is loaded. Once a test of a controller
    plugin has imported ansible.errors, ansible believes it runs on the controller and sends a
    module's warnings to the display instead of its result."""
    monkeypatch.setattr(_internal, "is_controller", False, raising=False)
