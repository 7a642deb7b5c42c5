# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny MCP server over stdio built on the official MCP Python SDK 2.x (``mcp``, pinned in
tests/requirements-dev.txt): its MCPServer (FastMCP in 1.x), one tool, the SDK's own stdio loop.
"""

from mcp.server.mcpserver import MCPServer

NAME, VERSION = "sdk-tiny", "0.0.1"
server = MCPServer(NAME, version=VERSION)


@server.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


if __name__ == "__main__":
    server.run()
