# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read each client's own server listing into {name: Server}.

The list commands exit 0 even when a server fails, so the status word in their output is the
only evidence. A line that does not match a known form is not guessed at: a server missing from
the result fails the test that looks for it.
"""

import collections
import json
import re

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# How steps.py passes on a call the client made to the model double: one JSON line each.
MODEL_REQUEST = "model_request"
# The tools cn 1.5.47 offers of its own, besides those of its MCP servers.
CONTINUE_OWN_TOOLS = frozenset(("Read", "List", "Bash", "Fetch", "Checklist", "CheckBackgroundJob", "AskQuestion", "Exit",
                                "Skills"))


class Server:
    def __init__(self, status, connected, command=None, tools=None):
        self.status = status          # the client's own word for the state
        self.connected = connected    # True, False, or None where the command does not connect
        self.command = command        # the command line the client shows (None: not shown)
        self.tools = tools            # tool names, where the client lists them

    def __repr__(self):
        return "Server(%r, connected=%r, command=%r, tools=%r)" % (self.status, self.connected, self.command, self.tools)


def _lines(text):
    return [ANSI.sub("", line).rstrip() for line in text.splitlines()]


def _offered(line):
    """The tool names a model request line lists, or None for any other line."""
    if not line.startswith('{"%s":' % MODEL_REQUEST):
        return None
    return json.loads(line)[MODEL_REQUEST]["tools"]


def claude(text):
    # sentry: /path/node /path/index.js --host=... - ✔ Connected   (or ✗ Failed to connect)
    servers = {}
    for line in _lines(text):
        match = re.match(r"^(\S+): (.*) - ([✔✗!⚠]?\s*\S.*)$", line)
        if match:
            status = match.group(3).lstrip("✔✗!⚠ ")
            servers[match.group(1)] = Server(status, status == "Connected", match.group(2))
    return servers


def gemini(text):
    # ✓ sentry: /path/node /path/index.js ... (stdio) - Connected   (Gemini CLI and Qwen Code)
    servers = {}
    for line in _lines(text):
        match = re.match(r"^\s*\S\s+(\S+): (.*) \((stdio|sse|http)\) - (\w+)", line)
        if match:
            servers[match.group(1)] = Server(match.group(4), match.group(4) == "Connected", match.group(2))
    return servers


def opencode(text):
    # ●  ✓ sentry connected
    # │      /path/node /path/index.js ...
    servers, last = {}, None
    for line in _lines(text):
        match = re.match(r"^\S\s+[✓✗○]\s+(\S+)\s+(\S.*)$", line)
        if match:
            last = match.group(1)
            servers[last] = Server(match.group(2).strip(), match.group(2).strip() == "connected")
            continue
        command = re.match(r"^│\s+(\S.*)$", line)
        if last is not None and command and servers[last].command is None:
            servers[last].command = command.group(1)
    return servers


def copilot(text):
    """`copilot mcp get NAME` blocks, then a prompt session's JSON events and its log.

    `mcp get` shows "NAME", "  Status: Enabled", "  Command: ..." without connecting. The
    session's events say whether each server connected and how many tools it gave; its log
    holds the tools offered to the model, as "NAME-TOOL:hash" lines. A server with no event
    did not start: it stays not connected.
    """
    servers, last, offered, in_session = {}, None, [], False
    for line in _lines(text):
        if line.startswith('{"type":'):
            in_session = True
            _copilot_event(servers, json.loads(line))
            continue
        tool = re.match(r'^\s*"([^"\s:]+):[0-9a-f]{8}",?$', line)
        if tool:
            offered.append(tool.group(1))
        elif in_session:
            continue
        elif re.match(r"^[A-Za-z0-9_.-]+$", line):
            last = line
            servers[last] = Server("no session event", False)
        elif last is not None:
            field = re.match(r"^\s+(Status|Command): (.*)$", line)
            if field and field.group(1) == "Status":
                servers[last].enabled = field.group(2)
            elif field:
                servers[last].command = field.group(2)
    for name, server in servers.items():
        server.enabled = getattr(server, "enabled", None)
        server.tool_count = getattr(server, "tool_count", None)
        server.tools = sorted(set(tool[len(name) + 1:] for tool in offered if tool.startswith(name + "-")))
    return servers


def _copilot_event(servers, event):
    data = event.get("data") or {}
    name = data.get("serverName")
    if name is None:
        return
    server = servers.setdefault(name, Server(None, False))
    if event["type"] == "session.mcp_server_status_changed":
        server.status = data["status"]
        server.connected = data["status"] == "connected"
        server.error = data.get("error")
    elif event["type"] == "session.mcp_server_tools_loaded" and server.connected:
        # Only after "connected": a count from Copilot's tool cache comes before it.
        server.tool_count = data["toolCount"]


def mcporter(text):
    # `mcporter list --json`: {"servers": [{"name", "status": "ok", "transport": "STDIO cmd...", "tools": [...]}]}
    servers = {}
    for server in json.loads(text[text.index("{"):])["servers"]:
        transport = server.get("transport") or ""
        command = transport[len("STDIO "):] if transport.startswith("STDIO ") else None
        tools = [tool["name"] for tool in server.get("tools") or []]
        servers[server["name"]] = Server(server["status"], server["status"] == "ok", command, tools)
    return servers


def cline(text):
    # cline_list.mjs: what @cline/core resolved from the file and whether it connected.
    servers = {}
    for server in json.loads(text.strip().splitlines()[-1])["servers"]:
        command = " ".join([server["command"]] + list(server.get("args") or [])) if server.get("command") else None
        status = "connected" if server["connected"] else (server.get("error") or "not connected")
        servers[server["name"]] = Server(status, server["connected"], command, server.get("tools"))
        servers[server["name"]].timeout = server.get("timeoutSeconds")
    return servers


def codex(text):
    """`codex mcp get NAME` blocks, then a `codex exec` session and the model call it made.

    `mcp get` shows "NAME", "  enabled: true", "  command: ...", "  args: ..." without
    connecting. The session offers each server it connected as a namespace of tools, seen by
    the model double as "mcp__NAME/TOOL"; at RUST_LOG=warn Codex logs a server that did not
    start as `MCP server startup failed server_name="NAME" error=...`. A server with no tools
    offered stays not connected.
    """
    servers, last, in_session = {}, None, False
    for line in _lines(text):
        offered = _offered(line)
        failed = re.search(r'MCP server startup failed server_name="([^"]+)" error=(.*)$', line)
        if offered is not None:
            in_session = True
            for tool in offered:
                match = re.match(r"^mcp__(.+)/(.+)$", tool)
                if match:
                    server = servers.setdefault(match.group(1), Server(None, False))
                    server.status, server.connected = "tools offered to the model", True
                    server.tools = (server.tools or []) + [match.group(2)]
        elif failed:
            servers.setdefault(failed.group(1), Server(None, False)).status = "startup failed: " + failed.group(2)
        elif line.startswith("{"):
            in_session = True
        elif not in_session and re.match(r"^[A-Za-z0-9_.-]+$", line):
            last = line
            servers[last] = Server("not offered to the model", False)
        elif not in_session and last is not None:
            field = re.match(r"^\s+(command|args): (.*)$", line)
            if field and field.group(1) == "command":
                servers[last].command = field.group(2)
            elif field and field.group(2) != "-":
                servers[last].command += " " + field.group(2)
    return servers


def continue_cli(text, names):
    """A `cn -p` session and the model call it made; ``names``: every server of the file.

    cn shows no server names when all goes well. In headless mode it connects every server
    before its model call, and if one fails it stops (exit 1) with one JSON line,
    {"status": "error", "message": "MCP server(s) failed to load:\\nNAME: error..."}. Otherwise
    the call offers cn's own tools and each connected server's tools under their bare names: N
    servers with the same tools offer each tool N times. So each server is connected when no
    error names it and every server tool came once per server of the file.
    """
    failures, offered, called = "", collections.Counter(), False
    for line in _lines(text):
        tools = _offered(line)
        if tools is not None:
            called = True
            offered.update(tool for tool in tools if tool not in CONTINUE_OWN_TOOLS)
        elif line.startswith('{"status":"error"'):
            failures = json.loads(line)["message"]
    copies = sorted(set(offered.values()))
    servers = {}
    for name in names:
        failed = re.search(r"^%s: (.*)$" % re.escape(name), failures, re.M)
        if failed:
            servers[name] = Server("failed: " + failed.group(1), False)
        elif not called:
            servers[name] = Server("no model call", False)
        else:
            status = "server tools offered %s time(s) each" % "/".join(str(count) for count in copies)
            servers[name] = Server(status, copies == [len(names)], tools=sorted(offered))
    return servers
