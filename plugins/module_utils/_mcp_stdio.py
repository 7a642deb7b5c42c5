# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A minimal MCP client over stdio: start a server the way an IDE does and prove it answers.

Newline-delimited JSON-RPC 2.0 on the server's stdin/stdout. The session opens as the newest
clients open it: ``server/discover`` (revision 2026-07-28), then ``initialize`` when the server
does not take it (see :meth:`StdioServer.open_session`). The server runs without a shell in
a session (process group) of its own with an explicit environment; one selector loop reads
stdout and stderr and writes stdin, so a chatty stderr or a server that does not read its stdin
cannot block the probe. One deadline covers everything from spawn to reap: when it passes, the
whole process group is killed.

The server is not trusted: every answer is checked before it is used (a malformed one is a
ProtocolError, never a crash), secrets are masked before any text is cut to an excerpt (so no
fragment of a token survives a cut), and descendants that leave the process group are found
and killed by :func:`kill_descendants` in a process that made itself their child subreaper.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import ctypes
import errno
import json
import os
import selectors
import signal
import subprocess
import time

from ansible_collections.mcpfleet.mcp.plugins.module_utils._redact import redact_text

# What initialize offers (revisions up to 2025-11-25 negotiate through it).
PROTOCOL_VERSION = "2025-11-25"
CLIENT_INFO = {"name": "mcpfleet.mcp.mcp_probe", "version": "1"}
# Revision 2026-07-28 replaces initialize (and notifications/initialized) with server/discover,
# and every request then carries this envelope in its params' _meta.
DISCOVER_VERSION = "2026-07-28"
ENVELOPE = {
    "io.modelcontextprotocol/protocolVersion": DISCOVER_VERSION,
    "io.modelcontextprotocol/clientInfo": CLIENT_INFO,
    "io.modelcontextprotocol/clientCapabilities": {},
}
# Where a 2026-07-28 result names the server (display only: it may be absent).
SERVER_INFO_KEY = "io.modelcontextprotocol/serverInfo"
# How initialize is refused by a server whose session server/discover has already opened.
UNSUPPORTED_PROTOCOL_VERSION = -32022
# How long server/discover is waited for, counted from spawn: a third of the timeout, at most
# 10 s (the official SDK's own wait). A server that drops unknown methods never answers it, and
# the rest of the timeout, two thirds or more, is initialize's. A later answer still counts.
DISCOVER_SHARE = 1.0 / 3
DISCOVER_WAIT = 10.0

# After stdin closes, how long a server may take to exit on its own before SIGTERM, then SIGKILL.
CLOSE_GRACE = 2.0
TERM_GRACE = 1.0
# Bounds on what is kept from the server: one stdout line, the stderr tail, shown excerpts.
MAX_LINE = 16 * 1024 * 1024
STDERR_KEEP = 64 * 1024
STDERR_LINES = 20
EXCERPT = 300


# How often an idle probe checks that the server still runs (its stdout may be held open by a
# descendant after it exited).
EXIT_POLL = 0.05
# PR_SET_CHILD_SUBREAPER from <linux/prctl.h>.
_PR_SET_CHILD_SUBREAPER = 36


def excerpt(text, limit=EXCERPT, secrets=()):
    """``text`` with ``secrets`` masked, then cut to ``limit`` characters (masking first: a cut
    could otherwise leave a fragment of a secret that no longer matches it)."""
    text = redact_text(text, secrets)
    return text if len(text) <= limit else text[:limit] + "... (%d more characters)" % (len(text) - limit)


class McpError(Exception):
    """The server did not pass the probe. ``kind`` names the failure, ``phase`` where it happened.

    ``stderr`` (last lines of the server's stderr) and ``partial`` (what was learnt before the
    failure: server_info, tools, ready_ms, ...) are filled in by :func:`probe`.
    """

    kind = "error"

    def __init__(self, message, phase=None):
        super(McpError, self).__init__(message)
        self.phase = phase
        self.stderr = []
        self.partial = {}

    def details(self):
        """Machine-readable facts about the failure."""
        return {"kind": self.kind, "phase": self.phase}


class SpawnError(McpError):
    kind = "spawn_failed"


class CommandNotFound(SpawnError):
    kind = "command_not_found"


class NotExecutable(SpawnError):
    kind = "not_executable"


class EarlyExit(McpError):
    kind = "early_exit"

    def __init__(self, returncode, phase):
        if returncode < 0:
            how = "was killed by signal %d" % -returncode
        else:
            how = "exited with code %d" % returncode
        super(EarlyExit, self).__init__("the server %s during %s" % (how, phase), phase)
        self.returncode = returncode

    def details(self):
        facts = super(EarlyExit, self).details()
        facts["exit_code"] = self.returncode
        return facts


class ProtocolError(McpError):
    kind = "protocol_error"


class RpcError(McpError):
    kind = "rpc_error"

    def __init__(self, error, phase, secrets=()):
        if not isinstance(error, dict):
            error = {"message": json.dumps(error)}
        code = error.get("code")
        self.code = code if isinstance(code, int) and not isinstance(code, bool) else None
        self.rpc_message = excerpt(str(error.get("message", "")), 10 * EXCERPT, secrets)
        super(RpcError, self).__init__(
            "the server answered %s with JSON-RPC error %s: %s" % (phase, self.code, excerpt(self.rpc_message)), phase)

    def details(self):
        facts = super(RpcError, self).details()
        facts["code"] = self.code
        return facts


class Timeout(McpError):
    kind = "timeout"


class ToolError(McpError):
    kind = "tool_error"

    def __init__(self, tool, result, secrets=()):
        self.result = result
        texts = [item["text"] for item in result["content"] if isinstance(item, dict) and isinstance(item.get("text"), str)]
        super(ToolError, self).__init__(
            "tool %s returned an error: %s" % (tool, excerpt(" ".join(texts).strip() or "(no text)", secrets=secrets)), "tools/call")


def find_command(command, path, cwd):
    """Locate ``command`` the way execvp does with the server's own PATH.

    Raises CommandNotFound or NotExecutable with the PATH searched, so the message says why.
    """
    # Relative names are relative to the server's working directory, as for execvp after chdir.
    base = cwd or os.getcwd()
    if "/" in command:
        candidates = [os.path.join(base, command)]
    else:
        candidates = [os.path.join(base, directory, command) for directory in path.split(os.pathsep)]
    found = [candidate for candidate in candidates if os.path.isfile(candidate)]
    for candidate in found:
        if os.access(candidate, os.X_OK):
            return candidate
    if found:
        raise NotExecutable("%s is not executable (chmod +x, or check the mount is not noexec)" % found[0], "spawn")
    if "/" in command:
        raise CommandNotFound("%s does not exist" % candidates[0], "spawn")
    raise CommandNotFound("%s was not found on the server's PATH=%s (IDEs do not read your login shell's PATH: "
                          "use an absolute command or add its directory to the PATH)" % (command, path), "spawn")


def merge_environment(base, file_env, entry_env, append_path=False):
    """The server's environment: ``base``, then the env file, then the entry's ``env``.

    A None value removes the variable; numbers and booleans become their JSON text, as in the
    JavaScript clients. With ``append_path`` (VS Code's launcher) an entry's PATH is appended to
    the inherited one instead of replacing it.
    """
    env = dict(base)
    env.update(file_env or {})
    for key, value in (entry_env or {}).items():
        if value is None:
            env.pop(key, None)
            continue
        value = value if isinstance(value, str) else json.dumps(value)
        if append_path and key.upper() == "PATH" and env.get(key):
            value = "%s%s%s" % (env[key], os.pathsep, value)
        env[key] = value
    return env


def ide_environment(account, path, lang="C.UTF-8"):
    """The environment an IDE started for ``account`` gives its servers: no login shell, small PATH."""
    return {
        "HOME": account.home,
        "USER": account.name,
        "LOGNAME": account.name,
        "SHELL": account.shell,
        "PATH": path,
        "LANG": lang,
    }


def _check(condition, phase, what):
    """A malformed answer is the server's fault: say what was wrong with it."""
    if not condition:
        raise ProtocolError("the answer to %s is malformed: %s" % (phase, what), phase)


class StdioServer:
    """One server process and its JSON-RPC session. Use as a context manager.

    ``secrets`` are masked in everything the server said that the probe reports.
    """

    def __init__(self, argv, env, cwd=None, timeout=30.0, secrets=()):
        self.argv = list(argv)
        self.env = env
        self.cwd = cwd
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.secrets = [secret for secret in secrets if secret]
        # The longest text any form of a secret can take in stderr (bytes and characters).
        self._slack = max([max(len(json.dumps(secret)), len(secret.encode("utf-8", "surrogatepass"))) for secret in self.secrets] or [0])
        self.started = None
        self.ready_ms = None
        self.total_ms = None
        # The session: how it opened (discover or initialize) and what the server said then.
        self.handshake = None
        self.protocol_version = None
        self.server_info = None
        self.capabilities = None
        # Why the server was started again, when it ended on server/discover.
        self.restarted = None
        self._envelope = None
        self._proc = None
        self._selector = None
        self._next_id = 0
        self._phase = "spawn"
        self._reset_pipes()

    def _reset_pipes(self):
        """Forget what the process said and what was not sent to it yet (before a spawn)."""
        self._partial = []
        self._partial_size = 0
        self._lines = collections.deque()
        self._stderr = bytearray()
        self._stderr_cut = False
        self._closing = False
        self._pending = b""
        # Requests whose answers are kept when they come, and those answers (id -> message).
        self._awaited = []
        self._answers = {}

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(kill=isinstance(exc, Timeout))

    # -- process ----------------------------------------------------------------------------

    def start(self):
        self.started = time.monotonic()
        self._spawn()

    def _spawn(self):
        if self.cwd and not os.path.isdir(self.cwd):
            raise SpawnError("working directory %s does not exist" % self.cwd, "spawn")
        executable = find_command(self.argv[0], self.env.get("PATH", ""), self.cwd)
        try:
            # run_command cannot hold a conversation on stdin/stdout under a deadline.
            self._proc = subprocess.Popen(  # pylint: disable=ansible-bad-function
                self.argv, executable=executable, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=self.env, cwd=self.cwd or None, close_fds=True,
                start_new_session=True, bufsize=0)
        except OSError as exc:
            if self.cwd and exc.filename == self.cwd:
                raise SpawnError("cannot enter working directory %s: %s" % (self.cwd, exc.strerror), "spawn")
            if exc.errno == errno.ENOENT:
                raise CommandNotFound("cannot execute %s: it or the interpreter on its #! line does not exist" % executable, "spawn")
            if exc.errno == errno.EACCES:
                raise NotExecutable("permission denied executing %s as the server's user" % executable, "spawn")
            raise SpawnError("cannot start %s: %s" % (executable, exc), "spawn")
        os.set_blocking(self._proc.stdin.fileno(), False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._proc.stdout, selectors.EVENT_READ)
        self._selector.register(self._proc.stderr, selectors.EVENT_READ)

    def elapsed_ms(self):
        return int((time.monotonic() - self.started) * 1000) if self.started is not None else None

    def stderr_tail(self, lines=STDERR_LINES):
        """The last lines of stderr, secrets masked before anything is cut."""
        text = redact_text(bytes(self._stderr).decode("utf-8", "replace"), self.secrets)
        if self._stderr_cut:
            # The kept tail may start inside a secret that was cut off: drop what could be one.
            text = text[self._slack:]
        return [excerpt(line.rstrip()) for line in text.splitlines()[-lines:]]

    def _remaining(self):
        return self.deadline - time.monotonic()

    def _registered(self, stream):
        try:
            self._selector.get_key(stream)
        except KeyError:
            return False
        return True

    def _pump(self, timeout):
        """Wait up to ``timeout`` seconds for the pipes and move whatever is ready."""
        for key, _mask in self._selector.select(max(timeout, 0)):
            stream = key.fileobj
            if stream is self._proc.stdin:
                self._write()
                continue
            data = os.read(stream.fileno(), 65536)
            if not data:
                self._selector.unregister(stream)
            elif stream is self._proc.stdout:
                self._collect_stdout(data)
            else:
                self._collect_stderr(data)

    def _collect_stderr(self, data):
        self._stderr += data
        # Keep room for a whole secret before the kept tail, so that masking still finds one
        # that straddles the cut; stderr_tail drops the cut line.
        keep = STDERR_KEEP + self._slack
        if len(self._stderr) > keep:
            del self._stderr[:-keep]
            self._stderr_cut = True

    def _collect_stdout(self, data):
        """Split stdout into lines, looking at each byte once (a long line may come in many reads)."""
        if self._closing:
            return  # the session is over: nothing said now can change the result
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                break
            self._partial.append(data[start:end])
            self._lines.append(b"".join(self._partial))
            self._partial, self._partial_size = [], 0
            start = end + 1
        if start < len(data):
            self._partial.append(data[start:])
            self._partial_size += len(data) - start
        if self._partial_size > MAX_LINE:
            raise ProtocolError("the server wrote more than %d bytes to stdout without a newline" % MAX_LINE, self._phase)

    def _write(self):
        try:
            written = os.write(self._proc.stdin.fileno(), self._pending)
        except BlockingIOError:
            return
        except OSError:
            # The server closed its stdin (or exited): what it said on the way out tells why.
            written = len(self._pending)
        self._pending = self._pending[written:]
        if not self._pending:
            self._selector.unregister(self._proc.stdin)

    def _send(self, message):
        if self._proc.stdin.closed:
            return
        self._pending += (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
        if not self._registered(self._proc.stdin):
            self._selector.register(self._proc.stdin, selectors.EVENT_WRITE)

    def _wait_exit(self, until):
        """Keep draining the pipes until the process exits or ``until`` passes; return its code."""
        while self._proc.poll() is None:
            left = until - time.monotonic()
            if left <= 0:
                return None
            if self._selector.get_map():
                self._pump(min(left, 0.02))
            else:
                time.sleep(min(left, 0.02))
        return self._proc.returncode

    def _killpg(self, sig):
        try:
            os.killpg(self._proc.pid, sig)
        except OSError:
            pass  # the group is already gone

    def close(self, kill=False):
        """Close stdin, let the server exit (TERM, then KILL the group when it does not), reap it.

        Never waits past the deadline: a server still running then is killed at once.
        """
        if self._proc is None or self.total_ms is not None:
            return
        self._end(kill)
        self.total_ms = self.elapsed_ms()

    def _restart(self):
        """Start the command again after its process ended, within the same deadline."""
        self._end(kill=True)
        self._proc = None
        self._reset_pipes()
        self._spawn()

    def _end(self, kill):
        """Close stdin, let the process exit (or kill its group), reap it and close the pipes."""
        self._closing = True
        try:
            if not self._proc.stdin.closed:
                if self._registered(self._proc.stdin):
                    self._selector.unregister(self._proc.stdin)
                self._proc.stdin.close()
            if not kill and self._wait_exit(time.monotonic() + min(CLOSE_GRACE, self._remaining())) is None:
                self._killpg(signal.SIGTERM)
                self._wait_exit(time.monotonic() + min(TERM_GRACE, self._remaining()))
        finally:
            # Whatever is left in the group (the server's own children too) goes now.
            self._killpg(signal.SIGKILL)
            self._proc.wait()
            self._drain()
            self._selector.close()
            self._proc.stdout.close()
            self._proc.stderr.close()

    def _drain(self):
        """Read what the dead group left in the pipes (stderr's last words) without waiting.

        Bounded: a process that escaped the group could keep writing forever.
        """
        for _round in range(64):
            if not self._selector.get_map() or not self._selector.select(0):
                return
            self._pump(0)

    # -- JSON-RPC ---------------------------------------------------------------------------

    def _read_message(self, until=None):
        """The next message for us, or None when ``until`` (at most the deadline) passes first.

        Answers the server's own requests on the way.
        """
        phase = self._phase
        while True:
            while self._lines:
                message = self._parse(self._lines.popleft())
                if message is not None:
                    return message
            if not self._registered(self._proc.stdout):
                returncode = self._wait_exit(self.deadline if until is None else until)
                if returncode is not None:
                    raise EarlyExit(returncode, phase)
                if until is not None:
                    return None
                raise Timeout("the server closed its stdout during %s but kept running" % phase, phase)
            now = time.monotonic()
            if until is not None and now >= until:
                return None
            if now >= self.deadline:
                raise Timeout("no answer to %s within the timeout of %ss" % (phase, self.timeout), phase)
            self._pump(min(self.deadline - now, EXIT_POLL))
            if not self._lines and self._proc.poll() is not None:
                # The server is gone but a descendant holds its stdout open: no answer can come
                # (once what is already in the pipe has been read).
                self._drain()
                if not self._lines:
                    raise EarlyExit(self._proc.returncode, phase)

    def _shown(self, text):
        return excerpt(text, 200, self.secrets)

    def _parse(self, raw):
        raw = raw.rstrip(b"\r")
        if not raw.strip():
            return None
        text = raw.decode("utf-8", "replace")
        try:
            message = json.loads(raw.decode("utf-8"))
        except ValueError:
            raise ProtocolError("the server wrote a line that is not JSON to stdout during %s (stdout carries only the protocol; "
                                "logs belong on stderr): %s" % (self._phase, self._shown(text)), self._phase)
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            raise ProtocolError("the server wrote a message that is not JSON-RPC 2.0 during %s: %s"
                                % (self._phase, self._shown(text)), self._phase)
        if "method" not in message:
            return message
        if "id" in message:
            # A request from the server: answer ping, decline the rest (we offer no capabilities).
            if message["method"] == "ping":
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": {}})
            else:
                self._send({"jsonrpc": "2.0", "id": message["id"],
                            "error": {"code": -32601, "message": "method not supported by this client"}})
        return None

    def _call(self, method, params):
        """Send a request, with the session's envelope; its id, whose answer is awaited."""
        self._phase = method
        self._next_id += 1
        if self._envelope:
            params = dict(params, _meta=self._envelope)
        self._send({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        self._awaited.append(self._next_id)
        return self._next_id

    def _answer(self, request_id, until=None):
        """The answer to ``request_id``, or None when ``until`` passes first.

        Answers to the other awaited requests are kept on the way; any other is a late answer to
        something else, dropped.
        """
        while request_id not in self._answers:
            message = self._read_message(until)
            if message is None:
                return None
            key = message.get("id")
            if isinstance(key, int) and not isinstance(key, bool) and key in self._awaited:
                self._awaited.remove(key)
                self._answers[key] = message
        return self._answers.pop(request_id)

    def _result(self, method, message):
        """The result of an answer: RpcError for an error, ProtocolError for no usable result."""
        if "error" in message:
            raise RpcError(message["error"], method, self.secrets)
        result = message.get("result")
        _check(isinstance(result, dict), method, "no result object")
        # 2026-07-28 results say their type; "input_required" asks for input the probe cannot give.
        _check(result.get("resultType", "complete") == "complete", method, "resultType is not complete")
        return result

    def request(self, method, params):
        return self._result(method, self._answer(self._call(method, params)))

    def _take(self, handshake, result):
        """Open the session that a handshake's ``result`` gives; ProtocolError when it is malformed."""
        if handshake == "discover":
            phase, meta = "server/discover", result.get("_meta", {})
            _check(isinstance(meta, dict), phase, "_meta is not an object")
            versions = result.get("supportedVersions")
            _check(isinstance(versions, list), phase, "supportedVersions is not a list")
            _check(DISCOVER_VERSION in versions, phase, "supportedVersions lacks %s" % DISCOVER_VERSION)
            version, server_info = DISCOVER_VERSION, meta.get(SERVER_INFO_KEY, {})
        else:
            phase, version, server_info = "initialize", result.get("protocolVersion"), result.get("serverInfo", {})
            _check(isinstance(version, str), phase, "protocolVersion is not a string")
        _check(isinstance(result.get("capabilities", {}), dict), phase, "capabilities is not an object")
        _check(isinstance(server_info, dict), phase, "serverInfo is not an object")
        self.handshake, self.protocol_version = handshake, version
        self.server_info, self.capabilities = server_info, result.get("capabilities") or {}
        self._envelope = ENVELOPE if handshake == "discover" else None
        self.ready_ms = self.elapsed_ms()
        return result

    def _discovered(self, message):
        """The result of an answer to server/discover when it opens the session, else None (an
        error, a malformed answer, or none of the revisions the probe speaks)."""
        try:
            return self._take("discover", self._result("server/discover", message))
        except (RpcError, ProtocolError):
            return None

    def open_session(self):
        """Open the session as the newest clients do; the result of the answer that opened it.

        server/discover first. On any error answer, a malformed answer, or no answer within its
        share of the timeout (DISCOVER_SHARE), initialize on the same process. A server that
        ends before it answers server/discover (one that exits on an unknown method) is started
        again, once and within the same deadline, for initialize alone: today's clients open
        with initialize, so it works for them.
        """
        until = min(self.started + min(self.timeout * DISCOVER_SHARE, DISCOVER_WAIT), self.deadline)
        discover_id = self._call("server/discover", {"_meta": ENVELOPE})
        try:
            answer = self._answer(discover_id, until)
            if answer is None:
                return self.initialize(late_discover=discover_id)
            return self._discovered(answer) or self.initialize()
        except EarlyExit as exc:
            if discover_id not in self._awaited:
                raise  # it answered server/discover: something else ended it
            # Named after server/discover even when initialize was sent too: the discover was unanswered.
            self.restarted = str(EarlyExit(exc.returncode, "server/discover"))
            self._restart()
            return self.initialize()
        finally:
            # The session is open (or failed): a later answer to server/discover is dropped.
            self._awaited, self._answers = [], {}

    def _late_discover(self, discover_id, refusal):
        """The result of a late answer to server/discover that opens the session, else None."""
        answer = self._answers.pop(discover_id, None)
        if answer is None and discover_id in self._awaited and isinstance(refusal, dict) \
                and refusal.get("code") == UNSUPPORTED_PROTOCOL_VERSION:
            answer = self._answer(discover_id, self.deadline)
        return None if answer is None else self._discovered(answer)

    def initialize(self, late_discover=None):
        """The initialize handshake and notifications/initialized; the result of the answer.

        ``late_discover`` is the id of a server/discover sent before and not answered yet: when
        initialize is refused, a valid late answer to it opens the session instead. A slow server
        that took the server/discover after all refuses initialize with
        UNSUPPORTED_PROTOCOL_VERSION; its answer to server/discover is then waited for.
        """
        message = self._answer(self._call("initialize", {
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": CLIENT_INFO,
        }))
        if late_discover is not None and "error" in message:
            discovered = self._late_discover(late_discover, message["error"])
            if discovered is not None:
                return discovered
        result = self._take("initialize", self._result("initialize", message))
        self._send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return result

    def list_tools(self):
        """Every page of tools/list."""
        tools, cursor, seen = [], None, set()
        while True:
            result = self.request("tools/list", {"cursor": cursor} if cursor else {})
            page = result.get("tools")
            _check(isinstance(page, list), "tools/list", "tools is not a list")
            _check(all(isinstance(tool, dict) and isinstance(tool.get("name"), str) for tool in page),
                   "tools/list", "a tool is not an object with a string name")
            tools.extend(page)
            cursor = result.get("nextCursor")
            _check(cursor is None or isinstance(cursor, str), "tools/list", "nextCursor is not a string")
            if not cursor:
                return tools
            if cursor in seen:
                raise ProtocolError("tools/list repeated the cursor %s" % excerpt(cursor, 80, self.secrets), "tools/list")
            seen.add(cursor)

    def call_tool(self, name, arguments):
        result = self.request("tools/call", {"name": name, "arguments": arguments or {}})
        _check(isinstance(result.get("content", []), list), "tools/call", "content is not a list")
        result.setdefault("content", [])
        if result.get("isError"):
            raise ToolError(name, result, self.secrets)
        return result


def probe(argv, env, cwd=None, timeout=30.0, call=None, secrets=(), warnings=None):
    """Start the server, open the session, list all tools, optionally call one, shut it down.

    Returns a dict (server_info, protocol_version, handshake, tools, ready_ms, total_ms, stderr,
    and call_result when ``call`` = {"tool", "arguments"} is given). What the caller should
    warn about (a server that had to be started again) is appended to the list ``warnings``,
    whether the probe passes or fails. Raises McpError
    with ``partial`` (total_ms always set) and ``stderr`` filled in. ``secrets`` are masked
    in the excerpts of what the server said; the caller masks the rest of the result.
    """
    facts = {}
    server = StdioServer(argv, env, cwd=cwd, timeout=timeout, secrets=secrets)
    try:
        with server:
            server.open_session()
            facts.update(server_info=server.server_info, protocol_version=server.protocol_version, handshake=server.handshake,
                         ready_ms=server.ready_ms)
            if server.restarted and warnings is not None:
                warnings.append("%s, the first request of clients that speak MCP %s (such as the MCP Python SDK 2.x), "
                                "which cannot use it; started again, it answered initialize" % (server.restarted, DISCOVER_VERSION))
            # A server that does not declare tools is not asked for them (the spec says so).
            facts["tools"] = [tool["name"] for tool in server.list_tools()] if "tools" in server.capabilities else []
            if call:
                facts["call_result"] = server.call_tool(call["tool"], call.get("arguments"))
    except McpError as exc:
        if isinstance(exc, ToolError):
            facts["call_result"] = exc.result
        exc.partial = dict(facts, total_ms=server.total_ms if server.total_ms is not None else server.elapsed_ms() or 0)
        exc.stderr = server.stderr_tail()
        raise
    facts.update(total_ms=server.total_ms, stderr=server.stderr_tail())
    return facts


# -- descendants ------------------------------------------------------------------------------

def become_subreaper():
    """Make this process the child subreaper of its descendants (Linux 3.4+).

    A descendant that leaves the server's process group (setsid) and loses its parent is then
    re-parented to this process instead of init, where :func:`kill_descendants` finds it.
    Returns False where the kernel does not offer it.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _children_by_parent():
    """{ppid: [pid, ...]} for every process in /proc."""
    tree = collections.defaultdict(list)
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue  # it exited meanwhile
        tree[int(fields[1])].append(int(name))
    return tree


def descendants(pid=None):
    """Every live process below ``pid`` (this process by default)."""
    tree = _children_by_parent()
    found, todo = [], list(tree.get(pid or os.getpid(), []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(tree.get(child, []))
    return found


def kill_descendants(rounds=50):
    """SIGKILL every descendant of this process and reap the children, in bounded rounds.

    Repeated because a process may fork while the tree is read; a descendant that is still
    found after ``rounds`` rounds is one that cannot be killed (uninterruptible sleep).
    """
    for _round in range(rounds):
        found = descendants()
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass  # gone already
        _reap()
        if not found:
            return
        time.sleep(0.005)


def _reap():
    """Collect every child that has exited, without waiting for the others."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
