# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the clients tier: the pinned clients, the real Sentry server, throwaway users,
and the per-client table printed at the end."""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

from fake_tokens import TOKENS  # noqa: E402  pylint: disable=wrong-import-position
import install  # noqa: E402  pylint: disable=wrong-import-position
import module  # noqa: E402  pylint: disable=wrong-import-position
import sandbox  # noqa: E402  pylint: disable=wrong-import-position

# client -> {"title", "version", "connected", "tools"}, filled by the fresh-file tests.
TABLE = {}


class Tier:
    def __init__(self, cache, node, entry):
        self.cache, self.node, self.entry = cache, node, entry
        self.pins = install.load_pins()

    def server_argv(self, port=sandbox.DOUBLE_PORT):
        return [os.path.join(self.node, "bin", "node"), self.entry, "--host=127.0.0.1:%d" % port, "--insecure-http"]

    def prefix(self, client):
        """The client's npm prefix, installed when a test first needs it."""
        return install.install(self.cache, client, self.pins[client], self.node)

    def bin(self, client):
        self.prefix(client)
        return install.bin_path(self.cache, client, self.pins[client])

    def installed_version(self, client):
        pin = self.pins[client]
        with open(os.path.join(self.prefix(client), "node_modules", pin["package"], "package.json")) as handle:
            return json.load(handle)["version"]


@pytest.fixture(scope="session")
def tier():
    if os.geteuid() != 0:
        pytest.fail("the clients tier runs as root: it creates throwaway users and network namespaces")
    if not module.collection_installed():
        pytest.fail("no collection under %s: run `make collection` (make clients does)" % module.COLLECTIONS)
    node = install.node_dir()
    cache = install.cache_root(node)
    prefix = subprocess.run(["bash", os.path.join(ROOT, "tests", "setup", "sentry-mcp-tree.sh")], check=True,
                            capture_output=True, text=True, timeout=300).stdout.strip().splitlines()[-1]
    entry = os.path.join(prefix, "node_modules", "@sentry", "mcp-server", "dist", "index.js")
    return Tier(cache, node, entry)


@pytest.fixture
def user(tier):
    account = sandbox.User(os.path.join(tier.node, "bin"), TOKENS)
    yield account
    account.delete()


def pytest_terminal_summary(terminalreporter):
    if not TABLE:
        return
    rows = [("client", "version", "connected", "tools")]
    for name in sorted(TABLE):
        row = TABLE[name]
        rows.append((row["title"], row["version"], row["connected"], row["tools"]))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    terminalreporter.section("clients tier: what each real client saw")
    for row in rows:
        terminalreporter.write_line("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
