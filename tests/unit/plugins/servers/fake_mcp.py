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
child          starts a child in its process group that outlives it
setsid_child   starts a child that leaves the process group (setsid) and outlives it
orphan_stdout  starts a child that holds stdout open, then exits 4 at once
leaky          writes "x" * 270 + $FAKE_TOKEN, then $FAKE_TOKEN followed by $FAKE_PAD bytes, to stderr
scripted       answers with the JSON results in $FAKE_INITIALIZE, $FAKE_TOOLS_LIST, $FAKE_TOOLS_CALL
               where set (a malformed answer on purpose), otherwise like good

noisy adds $FAKE_BANNER to its banner. With $FAKE_ENV_DUMP set, every mode first writes its
environment there as JSON (what the server really received, before any masking).
"""

import json
import os
import signal
import subprocess
import sys
import time

MODE = sys.argv[1]
TOOLS = [{"name": "echo", "inputSchema": {"type": "object"}}, {"name": "env", "inputSchema": {"type": "object"}}]


def send(message):
    message["jsonrpc"] = "2.0"
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def answer(request):
    method, params = request["method"], request.get("params") or {}
    scripted = os.environ.get("FAKE_" + method.replace("/", "_").upper())
    if MODE == "scripted" and scripted:
        return json.loads(scripted)
    if method == "initialize":
        if MODE == "old_protocol":
            return {"protocolVersion": "2024-11-05", "capabilities": {}, "serverInfo": {"name": "old", "version": "0.1"}}
        return {"protocolVersion": params["protocolVersion"], "capabilities": {"tools": {}},
                "serverInfo": {"name": "fake", "version": "1.2.3"}}
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


def main():
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
    if MODE == "ignore_eof":
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
    for line in sys.stdin:
        request = json.loads(line)
        if MODE == "silent" or "id" not in request or "method" not in request:
            continue
        if MODE == "server_ping" and request["method"] == "initialize":
            send({"id": "s1", "method": "ping"})
            if json.loads(sys.stdin.readline()) != {"jsonrpc": "2.0", "id": "s1", "result": {}}:
                sys.exit(9)
        try:
            send({"id": request["id"], "result": answer(request)})
        except LookupError:
            send({"id": request["id"], "error": {"code": -32601, "message": "Method not found: %s" % request["method"]}})
    if MODE == "ignore_eof":
        while True:
            time.sleep(1)


if __name__ == "__main__":
    main()
