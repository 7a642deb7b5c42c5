# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures shared by the functional tests, which run the real pinned @sentry/mcp-server."""

import os
import shutil
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="session")
def server_argv():
    """[node, dist/index.js] of the pinned server.

    tests/setup/sentry-mcp-tree.sh installs the tree from the npm registry (reused when present);
    node is $MCPFLEET_TEST_NODE, else build/fixtures/node/current/bin/node, else node on PATH.
    """
    prefix = subprocess.run(["bash", os.path.join(ROOT, "tests", "setup", "sentry-mcp-tree.sh")],
                            check=True, capture_output=True, text=True, timeout=300).stdout.strip().splitlines()[-1]
    entry = os.path.join(prefix, "node_modules", "@sentry", "mcp-server", "dist", "index.js")
    fixture_node = os.path.join(ROOT, "build", "fixtures", "node", "current", "bin", "node")
    node = os.environ.get("MCPFLEET_TEST_NODE") or (fixture_node if os.path.exists(fixture_node) else shutil.which("node"))
    if not node or not os.access(node, os.X_OK):
        pytest.fail("no usable node (%r): set MCPFLEET_TEST_NODE or build the node fixture" % node)
    return [node, entry]
