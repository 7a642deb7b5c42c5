# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small MCP server over stdio whose behaviour the tests choose: ``fake_mcp.py MODE``.

good           answers like a well-behaved server (2 tools; tool ``echo`` echoes its arguments)
slow           sleeps 1 s before reading anything, then behaves like good
crash          writes $FAKE_TOKEN to stderr and exits 3 before reading anything
noisy          prints a banner on stdout before the first answer
paginated      tools/list in three pages (cursors "p2", "p3")
loop_cursor    tools/list always answers with the same cursor
rpc_error      answers tools/list with a JSON-RPC error
tool_error     tools/call answers isError with the text of the ``text`` argument
env            tool ``env`` returns the environment, uid, gids, cwd and arguments it runs with
silent         reads stdin forever and never answers
old_protocol   negotiates 2024-11-05 and declares no tools capability
server_ping    pings the client before answering initialize
chatty         writes 512 KiB to stderr before answering (a pipe holds 64 KiB)
ignore_eof     keeps running after stdin closes and ignores SIGTERM
stubborn       as silent, and as ignore_eof: only SIGKILL ends it
child          starts a child in its process group that outlives it
setsid_child   starts a child that leaves the process group (setsid) and outlives it
orphan_stdout  starts a child that holds stdout open, then exits 4 at once
leaky          writes "x" * 270 + $FAKE_TOKEN, then $FAKE_TOKEN followed by $FAKE_PAD bytes, to stderr
scripted       answers with the JSON results in $FAKE_SERVER_DISCOVER, $FAKE_INITIALIZE, $FAKE_TOOLS_LIST,
               $FAKE_TOOLS_CALL where set (a malformed answer on purpose), otherwise like good

Every mode but those below answers server/discover with -32601 (method not found), as servers
built before MCP 2026-07-28 do, and speaks the initialize handshake.

discover                speaks 2026-07-28 as the official SDK's server does: a server/discover with
                        the envelope in its _meta opens the session, every later request must carry
                        the envelope (else -32602), and initialize is refused with -32022
discover_unknown_error  answers server/discover with -32000, an error code of its own
discover_silent         never answers server/discover
discover_exit           exits 5 on server/discover
discover_late           answers server/discover only when initialize comes, then refuses initialize
                        with -32022 (a slow server that took the discover after all)
discover_late_refusal   as discover_late, but refuses initialize before it answers server/discover

noisy adds $FAKE_BANNER to its banner. With $FAKE_ENV_DUMP set, every mode first writes its
environment there as JSON (what the server really received, before any masking). With $FAKE_LOG
set, every mode appends {"pid", "start": true} there when it starts and {"pid", "message"} for
each message it reads. With $FAKE_EXIT_ON set to a method, every mode exits 6 on a request for it.
"""

import json
import os
import signal
import subprocess
import sys
import time

MODE = sys.argv[1]
TOOLS = [{"name": "echo", "inputSchema": {"type": "object"}}, {"name": "env", "inputSchema": {"type": "object"}}]
SERVER_INFO = {"name": "fake", "version": "1.2.3"}
MODERN = "2026-07-28"
VERSION_KEY = "io.modelcontextprotocol/protocolVersion"
CAPABILITIES_KEY = "io.modelcontextprotocol/clientCapabilities"
# The answer to a server/discover that opens the session, as the official SDK's server gives it.
DISCOVERED = {"supportedVersions": [MODERN], "capabilities": {"tools": {"listChanged": True}}, "resultType": "complete",
              "ttlMs": 0, "cacheScope": "private", "_meta": {"io.modelcontextprotocol/serverInfo": SERVER_INFO}}
# Set once a server/discover opened the session (mode discover and the discover_late modes).
SESSION = {"modern": False}


class RpcError(Exception):
    def __init__(self, code, message, data=None):
        super(RpcError, self).__init__(message)
        self.error = {"code": code, "message": message}
        if data is not None:
            self.error["data"] = data


def log(record):
    if os.environ.get("FAKE_LOG"):
        with open(os.environ["FAKE_LOG"], "a") as handle:
            handle.write(json.dumps(dict(record, pid=os.getpid())) + "\n")


def modern(request):
    """The answer to ``request`` in mode discover or once a late server/discover opened the session
    (RpcError for a refusal), or None to answer as good."""
    method, params = request["method"], request.get("params") or {}
    meta = params.get("_meta") or {}
    enveloped = meta.get(VERSION_KEY) == MODERN and CAPABILITIES_KEY in meta
    if method == "server/discover" and enveloped and not SESSION["modern"]:
        SESSION["modern"] = True
        return DISCOVERED
    if not SESSION["modern"]:
        return None
    if method == "initialize":
        raise RpcError(-32022, "connection is serving the 2026-07-28 protocol", {"supported": [MODERN]})
    if not enveloped:
        raise RpcError(-32602, "params._meta must carry the envelope")
    return dict(answer(request), resultType="complete")


def send(message):
    message["jsonrpc"] = "2.0"
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def answer(request):
    method, params = request["method"], request.get("params") or {}
    scripted = os.environ.get("FAKE_" + method.replace("/", "_").upper())
    if MODE == "scripted" and scripted:
        return json.loads(scripted)
    if method == "server/discover":
        if MODE == "discover_unknown_error":
            raise RpcError(-32000, "discovery is not configured")
        if MODE == "discover_exit":
            sys.exit(5)
    if method == "initialize":
        if MODE == "old_protocol":
            return {"protocolVersion": "2024-11-05", "capabilities": {}, "serverInfo": {"name": "old", "version": "0.1"}}
        return {"protocolVersion": params["protocolVersion"], "capabilities": {"tools": {}}, "serverInfo": SERVER_INFO}
    if method == "tools/list":
        if MODE == "rpc_error":
            raise LookupError
        if MODE == "loop_cursor":
            return {"tools": TOOLS[:1], "nextCursor": "again"}
        if MODE == "paginated":
            page = {None: 0, "p2": 1, "p3": 2}[params.get("cursor")]
            result = {"tools": [{"name": "tool%d%s" % (page, letter)} for letter in "ab"]}
            if page < 2:
                result["nextCursor"] = "p%d" % (page + 2)
            return result
        return {"tools": TOOLS}
    if method == "tools/call":
        arguments = params.get("arguments") or {}
        if MODE == "tool_error":
            return {"content": [{"type": "text", "text": arguments.get("text", "")}], "isError": True}
        if params["name"] == "env":
            facts = {"env": dict(os.environ), "uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "cwd": os.getcwd(),
                     "argv": sys.argv[1:]}
            return {"content": [{"type": "text", "text": json.dumps(facts)}]}
        return {"content": [{"type": "text", "text": json.dumps(arguments)}]}
    raise LookupError


def late(discover, initialize):
    """Answer a held server/discover and refuse initialize, in the order the mode says."""
    answers = [{"id": discover["id"], "result": DISCOVERED},
               {"id": initialize["id"], "error": {"code": -32022, "message": "the session speaks 2026-07-28"}}]
    for message in answers[::-1] if MODE == "discover_late_refusal" else answers:
        send(message)
    SESSION["modern"] = True


def main():
    log({"start": True})
    if os.environ.get("FAKE_ENV_DUMP"):
        with open(os.environ["FAKE_ENV_DUMP"], "w") as handle:
            json.dump(dict(os.environ), handle)
    if MODE == "crash":
        sys.stderr.write("starting\nfatal: token %s rejected\n" % os.environ.get("FAKE_TOKEN", "-"))
        sys.exit(3)
    if MODE == "slow":
        time.sleep(1.0)
    if MODE == "noisy":
        sys.stdout.write("Server ready on stdio%s\n" % os.environ.get("FAKE_BANNER", ""))
        sys.stdout.flush()
    if MODE == "chatty":
        sys.stderr.write(("x" * 1023 + "\n") * 512)
        sys.stderr.flush()
    if MODE in ("ignore_eof", "stubborn"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if MODE == "child":
        with open(os.environ["CHILD_PID_FILE"], "w") as handle:
            handle.write(str(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]).pid))
    if MODE == "setsid_child":
        with open(os.environ["CHILD_PID_FILE"], "w") as handle:
            handle.write(str(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True).pid))
    if MODE == "orphan_stdout":
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        sys.exit(4)
    if MODE == "leaky":
        token = os.environ["FAKE_TOKEN"]
        sys.stderr.write("x" * 270 + token + "\n" + token + "y" * int(os.environ["FAKE_PAD"]) + "\n")
        sys.stderr.flush()
    held = []
    for line in sys.stdin:
        request = json.loads(line)
        log({"message": request})
        if MODE in ("silent", "stubborn") or "id" not in request or "method" not in request:
            continue
        method = request["method"]
        if method == os.environ.get("FAKE_EXIT_ON"):
            sys.exit(6)
        if method == "server/discover" and MODE in ("discover_silent", "discover_late", "discover_late_refusal"):
            held.append(request)
            continue
        if MODE == "server_ping" and method == "initialize":
            send({"id": "s1", "method": "ping"})
            if json.loads(sys.stdin.readline()) != {"jsonrpc": "2.0", "id": "s1", "result": {}}:
                sys.exit(9)
        if method == "initialize" and held and MODE != "discover_silent":
            late(held.pop(), request)
            continue
        try:
            result = modern(request) if MODE == "discover" or SESSION["modern"] else None
            send({"id": request["id"], "result": answer(request) if result is None else result})
        except RpcError as exc:
            send({"id": request["id"], "error": exc.error})
        except LookupError:
            send({"id": request["id"], "error": {"code": -32601, "message": "Method not found: %s" % method}})
    if MODE in ("ignore_eof", "stubborn"):
        while True:
            time.sleep(1)


if __name__ == "__main__":
    main()
