# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The stdio MCP client against the fake servers in tests/unit/plugins/servers/fake_mcp.py."""

import json
import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _mcp_stdio as stdio

SERVER = os.path.join(os.path.dirname(os.path.dirname(__file__)), "servers", "fake_mcp.py")
ENV = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}


def argv(mode, python=sys.executable):
    return [python, SERVER, mode]


def gone(pid):
    """True when ``pid`` no longer runs (absent, or a zombie left to an init that does not reap)."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def record_signals(monkeypatch):
    """The signals the probe sends to a server's process group, in order (and sent)."""
    sent, killpg = [], os.killpg

    def recording(pgid, sig):
        sent.append(sig)
        killpg(pgid, sig)
    monkeypatch.setattr(stdio.os, "killpg", recording)
    return sent


def test_good_server_gives_identity_tools_and_timings():
    facts = stdio.probe(argv("good"), ENV, timeout=10)
    assert facts["server_info"] == {"name": "fake", "version": "1.2.3"}
    assert facts["protocol_version"] == stdio.PROTOCOL_VERSION == "2025-11-25"
    # fake_mcp answers server/discover with -32601, as servers built before 2026-07-28 do.
    assert facts["handshake"] == "initialize"
    assert facts["tools"] == ["echo", "env"]
    assert 0 <= facts["ready_ms"] <= facts["total_ms"]
    assert facts["stderr"] == []
    assert "call_result" not in facts


def test_call_returns_the_tool_result():
    facts = stdio.probe(argv("good"), ENV, timeout=10, call={"tool": "echo", "arguments": {"a": [1, 2]}})
    assert json.loads(facts["call_result"]["content"][0]["text"]) == {"a": [1, 2]}


def test_the_negotiated_older_version_is_accepted_and_no_tools_are_asked_without_the_capability():
    facts = stdio.probe(argv("old_protocol"), ENV, timeout=10)
    assert facts["protocol_version"] == "2024-11-05"
    # fake_mcp answers tools/list in this mode too: an empty list proves it was not asked.
    assert facts["tools"] == []


def test_every_page_of_tools_is_read():
    assert stdio.probe(argv("paginated"), ENV, timeout=10)["tools"] == ["tool0a", "tool0b", "tool1a", "tool1b", "tool2a", "tool2b"]


def test_a_cursor_that_repeats_is_a_protocol_error():
    with pytest.raises(stdio.ProtocolError, match="repeated the cursor again"):
        stdio.probe(argv("loop_cursor"), ENV, timeout=10)


def test_the_server_pinging_the_client_is_answered():
    # fake_mcp exits 9 unless the ping gets its empty result.
    assert stdio.probe(argv("server_ping"), ENV, timeout=10)["server_info"]["name"] == "fake"


def test_slow_start_within_the_timeout_succeeds():
    facts = stdio.probe(argv("slow"), ENV, timeout=10)
    assert facts["ready_ms"] >= 1000


def test_slow_start_beyond_the_timeout_fails_on_time():
    # The server cannot answer before a second has passed since its spawn: an answer would
    # mean the probe waited past its deadline.
    with pytest.raises(stdio.Timeout) as caught:
        stdio.probe(argv("slow"), ENV, timeout=0.5)
    assert caught.value.phase == "initialize"
    assert caught.value.details() == {"kind": "timeout", "phase": "initialize"}


def test_a_server_that_never_answers_is_killed_at_the_deadline(monkeypatch):
    # The server ignores EOF and SIGTERM: only SIGKILL ends it, and it ends without a TERM first
    # (no grace after a deadline).
    sent = record_signals(monkeypatch)
    server = stdio.StdioServer(argv("stubborn"), ENV, timeout=0.6)
    with pytest.raises(stdio.Timeout, match="no answer to initialize within the timeout of 0.6s"):
        with server:
            server.initialize()
    assert server._proc.returncode == -signal.SIGKILL
    assert sent == [signal.SIGKILL]


def test_crash_at_start_reports_exit_code_and_stderr():
    with pytest.raises(stdio.EarlyExit) as caught:
        stdio.probe(argv("crash"), ENV, timeout=10)
    assert caught.value.returncode == 3
    assert caught.value.stderr == ["starting", "fatal: token - rejected"]
    assert str(caught.value) == "the server exited with code 3 during initialize"
    assert caught.value.details() == {"kind": "early_exit", "phase": "initialize", "exit_code": 3}


def test_non_json_on_stdout_shows_the_line():
    with pytest.raises(stdio.ProtocolError, match="not JSON to stdout during server/discover .*: Server ready on stdio"):
        stdio.probe(argv("noisy"), ENV, timeout=10)


def test_rpc_error_keeps_what_was_learnt_before():
    with pytest.raises(stdio.RpcError) as caught:
        stdio.probe(argv("rpc_error"), ENV, timeout=10)
    error = caught.value
    assert (error.code, error.rpc_message, error.phase) == (-32601, "Method not found: tools/list", "tools/list")
    assert error.partial["server_info"]["version"] == "1.2.3"
    assert error.partial["total_ms"] >= error.partial["ready_ms"]


def test_tool_error_carries_the_result():
    with pytest.raises(stdio.ToolError, match="tool echo returned an error: quota exceeded") as caught:
        stdio.probe(argv("tool_error"), ENV, timeout=10, call={"tool": "echo", "arguments": {"text": "quota exceeded"}})
    assert caught.value.partial["call_result"]["isError"] is True
    assert caught.value.partial["tools"] == ["echo", "env"]


def test_a_chatty_stderr_cannot_block_and_only_its_tail_is_kept():
    facts = stdio.probe(argv("chatty"), ENV, timeout=10)
    assert facts["tools"] == ["echo", "env"]
    assert len(facts["stderr"]) == stdio.STDERR_LINES
    assert facts["stderr"][0].startswith("x" * stdio.EXCERPT + "... (723 more characters)")


def test_the_server_gets_exactly_the_given_environment_and_cwd(tmp_path):
    env = dict(ENV, SENTRY_ACCESS_TOKEN="sntryu_" + "0" * 60 + "test")
    facts = stdio.probe(argv("good"), env, cwd=str(tmp_path), timeout=10, call={"tool": "env"})
    seen = json.loads(facts["call_result"]["content"][0]["text"])
    assert seen["env"] == env
    assert seen["cwd"] == str(tmp_path)


def test_a_server_that_ignores_eof_and_sigterm_is_killed(monkeypatch):
    monkeypatch.setattr(stdio, "CLOSE_GRACE", 0.2)
    monkeypatch.setattr(stdio, "TERM_GRACE", 0.2)
    sent = record_signals(monkeypatch)
    server = stdio.StdioServer(argv("ignore_eof"), ENV, timeout=60)
    with server:
        server.initialize()
    # EOF, then TERM after the close grace, then KILL after the term grace: not the deadline.
    assert sent == [signal.SIGTERM, signal.SIGKILL]
    assert server._proc.returncode == -signal.SIGKILL


def test_children_left_in_the_process_group_are_killed(tmp_path):
    pid_file = tmp_path / "child.pid"
    stdio.probe(argv("child"), dict(ENV, CHILD_PID_FILE=str(pid_file)), timeout=10)
    child = int(pid_file.read_text())
    # Killed at once, but reaped by whoever inherited it: wait for that, generously.
    deadline = time.monotonic() + 30
    while not gone(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert gone(child)


def test_command_not_found_names_the_path_searched(tmp_path):
    with pytest.raises(stdio.CommandNotFound, match="npx was not found on the server's PATH=%s" % tmp_path) as caught:
        stdio.probe(["npx", "-y", "x"], dict(ENV, PATH=str(tmp_path)), timeout=10)
    assert caught.value.phase == "spawn"
    assert set(caught.value.partial) == {"total_ms"} and caught.value.partial["total_ms"] >= 0


def test_command_is_searched_on_the_servers_path_not_ours(tmp_path):
    script = tmp_path / "my-server"
    script.write_text("#!%s\nimport runpy, sys\nsys.argv[1:] = ['good']\nrunpy.run_path(%r, run_name='__main__')\n" % (sys.executable, SERVER))
    script.chmod(0o755)
    facts = stdio.probe(["my-server"], dict(ENV, PATH="/nonexistent:%s" % tmp_path), timeout=10)
    assert facts["tools"] == ["echo", "env"]


def test_relative_command_is_relative_to_cwd(tmp_path):
    (tmp_path / "bin").mkdir()
    script = tmp_path / "bin" / "srv"
    script.write_text("#!%s\nimport runpy, sys\nsys.argv[1:] = ['good']\nrunpy.run_path(%r, run_name='__main__')\n" % (sys.executable, SERVER))
    script.chmod(0o755)
    assert stdio.probe(["bin/srv"], ENV, cwd=str(tmp_path), timeout=10)["tools"] == ["echo", "env"]
    with pytest.raises(stdio.CommandNotFound, match="does not exist"):
        stdio.probe(["bin/srv"], ENV, cwd=str(tmp_path / "bin"), timeout=10)


def test_not_executable(tmp_path):
    script = tmp_path / "server.js"
    script.write_text("console.log(1)\n")
    script.chmod(stat.S_IRUSR | stat.S_IWUSR)
    with pytest.raises(stdio.NotExecutable, match="server.js is not executable"):
        stdio.probe([str(script)], ENV, timeout=10)


def test_missing_interpreter_on_the_shebang_line(tmp_path):
    script = tmp_path / "server"
    script.write_text("#!/nonexistent/node\n")
    script.chmod(0o755)
    with pytest.raises(stdio.CommandNotFound, match="the interpreter on its #! line"):
        stdio.probe([str(script)], ENV, timeout=10)


def test_missing_working_directory(tmp_path):
    with pytest.raises(stdio.SpawnError, match="working directory .*/nope does not exist"):
        stdio.probe(argv("good"), ENV, cwd=str(tmp_path / "nope"), timeout=10)


def test_merge_environment_layers_and_removes():
    base = {"HOME": "/home/a", "PATH": "/usr/bin", "DROP": "x"}
    merged = stdio.merge_environment(base, {"A": "file", "B": "file"}, {"B": "entry", "DROP": None, "N": 3, "T": True})
    assert merged == {"HOME": "/home/a", "PATH": "/usr/bin", "A": "file", "B": "entry", "N": "3", "T": "true"}
    assert stdio.merge_environment(base, None, {"PATH": "/opt/bin"})["PATH"] == "/opt/bin"
    assert stdio.merge_environment(base, None, {"PATH": "/opt/bin"}, append_path=True)["PATH"] == "/usr/bin:/opt/bin"


TOKEN = "sntryu_" + "3f9a" * 16


def fragments(text, secret=TOKEN, size=8):
    """Every piece of ``secret`` of ``size`` characters that occurs in ``text``."""
    return [secret[i:i + size] for i in range(len(secret) - size + 1) if secret[i:i + size] in text]


def test_a_secret_is_masked_before_a_long_stderr_line_is_cut():
    facts = stdio.probe(argv("leaky"), dict(ENV, FAKE_TOKEN=TOKEN, FAKE_PAD="0"), timeout=10, secrets=[TOKEN])
    assert facts["stderr"][0].startswith("x" * 270 + "********")
    assert fragments("\n".join(facts["stderr"])) == []


def test_a_secret_across_the_edge_of_the_stderr_buffer_leaks_nothing():
    slack = len(json.dumps(TOKEN))
    keep = stdio.STDERR_KEEP + slack
    # Pads that put the start of the kept tail inside the second copy of the token.
    for pad in range(keep - 2 * len(TOKEN) - 1, keep - len(TOKEN), 9):
        facts = stdio.probe(argv("leaky"), dict(ENV, FAKE_TOKEN=TOKEN, FAKE_PAD=str(pad)), timeout=10, secrets=[TOKEN])
        assert fragments("\n".join(facts["stderr"])) == [], pad


def test_a_secret_in_a_stdout_banner_is_masked_before_the_excerpt():
    with pytest.raises(stdio.ProtocolError) as caught:
        stdio.probe(argv("noisy"), dict(ENV, FAKE_BANNER=" " * 165 + TOKEN), timeout=10, secrets=[TOKEN])
    assert "********" in str(caught.value)
    assert fragments(str(caught.value)) == []


@pytest.mark.parametrize("variable, answer, what", [
    ("FAKE_INITIALIZE", {"protocolVersion": "2025-11-25", "capabilities": 5}, "capabilities is not an object"),
    ("FAKE_INITIALIZE", {"protocolVersion": "2025-11-25", "serverInfo": "x"}, "serverInfo is not an object"),
    ("FAKE_INITIALIZE", {"capabilities": {}}, "protocolVersion is not a string"),
    ("FAKE_INITIALIZE", ["not", "an", "object"], "no result object"),
    ("FAKE_TOOLS_LIST", {"tools": ["a"]}, "a tool is not an object with a string name"),
    ("FAKE_TOOLS_LIST", {"tools": [{"name": 5}]}, "a tool is not an object with a string name"),
    ("FAKE_TOOLS_LIST", {"tools": 5}, "tools is not a list"),
    ("FAKE_TOOLS_LIST", {"tools": [], "nextCursor": {}}, "nextCursor is not a string"),
    ("FAKE_TOOLS_CALL", {"content": 5, "isError": True}, "content is not a list"),
    # A 2026-07-28 result that asks the client for input the probe cannot give.
    ("FAKE_TOOLS_CALL", {"content": [], "resultType": "input_required"}, "resultType is not complete"),
])
def test_a_malformed_answer_is_a_protocol_error_with_what_was_wrong(variable, answer, what):
    with pytest.raises(stdio.ProtocolError, match="malformed: %s" % what) as caught:
        stdio.probe(argv("scripted"), dict(ENV, **{variable: json.dumps(answer)}), timeout=10, call={"tool": "echo"})
    assert caught.value.details()["kind"] == "protocol_error"
    assert caught.value.partial["total_ms"] >= 0


def runs(log):
    """What each process the probe started read, in the order they started: [[message, ...], ...]."""
    read = {}
    for line in log.read_text().splitlines():
        record = json.loads(line)
        if record.get("start"):
            read[record["pid"]] = []
        else:
            read[record["pid"]].append(record["message"])
    return list(read.values())


def methods(messages):
    return [message["method"] for message in messages]


def test_a_2026_server_opens_the_session_with_server_discover_and_gets_the_envelope_on_every_request(tmp_path):
    log = tmp_path / "log"
    facts = stdio.probe(argv("discover"), dict(ENV, FAKE_LOG=str(log)), timeout=10, call={"tool": "echo", "arguments": {"a": 1}})
    assert (facts["handshake"], facts["protocol_version"]) == ("discover", stdio.DISCOVER_VERSION) == ("discover", "2026-07-28")
    # The serverInfo stamp in the answer's _meta.
    assert facts["server_info"] == {"name": "fake", "version": "1.2.3"}
    assert facts["tools"] == ["echo", "env"]
    assert json.loads(facts["call_result"]["content"][0]["text"]) == {"a": 1}
    assert 0 <= facts["ready_ms"] <= facts["total_ms"]
    [messages] = runs(log)
    # No initialize, no notifications/initialized: 2026-07-28 has neither.
    assert methods(messages) == ["server/discover", "tools/list", "tools/call"]
    assert all(message["params"]["_meta"] == stdio.ENVELOPE for message in messages)


def test_a_server_that_knows_only_initialize_answers_it_on_the_same_process(tmp_path):
    log = tmp_path / "log"
    facts = stdio.probe(argv("good"), dict(ENV, FAKE_LOG=str(log)), timeout=10)
    assert (facts["handshake"], facts["protocol_version"]) == ("initialize", "2025-11-25")
    [messages] = runs(log)
    assert methods(messages) == ["server/discover", "initialize", "notifications/initialized", "tools/list"]
    assert [message.get("params", {}).get("_meta") for message in messages[1:]] == [None] * 3


@pytest.mark.parametrize("mode", ["discover_unknown_error", "discover_silent"])
def test_any_error_or_no_answer_to_discover_falls_back_to_initialize_on_the_same_process(tmp_path, mode):
    log = tmp_path / "log"
    # A third of 3 s for server/discover: the server that never answers it leaves initialize the rest.
    warnings = []
    facts = stdio.probe(argv(mode), dict(ENV, FAKE_LOG=str(log)), timeout=3, warnings=warnings)
    assert (facts["handshake"], facts["protocol_version"], facts["tools"]) == ("initialize", "2025-11-25", ["echo", "env"])
    [messages] = runs(log)
    assert methods(messages)[:2] == ["server/discover", "initialize"]
    assert warnings == []


@pytest.mark.parametrize("answer", [
    ["not", "an", "object"],
    {"capabilities": {}},
    {"supportedVersions": "2026-07-28"},
    {"supportedVersions": ["2025-11-25"], "capabilities": {}},
    {"supportedVersions": ["2026-07-28"], "capabilities": 5},
    {"supportedVersions": ["2026-07-28"], "_meta": {"io.modelcontextprotocol/serverInfo": "x"}},
    {"supportedVersions": ["2026-07-28"], "_meta": 5},
    {"supportedVersions": ["2026-07-28"], "resultType": "input_required"},
])
def test_a_malformed_or_foreign_discover_answer_falls_back_to_initialize(answer):
    facts = stdio.probe(argv("scripted"), dict(ENV, FAKE_SERVER_DISCOVER=json.dumps(answer)), timeout=10)
    assert (facts["handshake"], facts["protocol_version"], facts["server_info"]["name"]) == ("initialize", "2025-11-25", "fake")


def test_a_discover_answer_without_a_server_info_stamp_opens_the_session():
    answer = {"supportedVersions": ["2025-11-25", "2026-07-28"], "capabilities": {"tools": {}}}
    facts = stdio.probe(argv("scripted"), dict(ENV, FAKE_SERVER_DISCOVER=json.dumps(answer)), timeout=10)
    assert (facts["handshake"], facts["protocol_version"], facts["server_info"]) == ("discover", "2026-07-28", {})
    assert facts["tools"] == ["echo", "env"]


@pytest.mark.parametrize("mode", ["discover_late", "discover_late_refusal"])
def test_a_late_answer_to_discover_opens_the_session_that_initialize_is_refused_in(tmp_path, monkeypatch, mode):
    # fake_mcp holds server/discover until initialize comes, so the wait for it has passed by then.
    monkeypatch.setattr(stdio, "DISCOVER_WAIT", 0.2)
    log = tmp_path / "log"
    facts = stdio.probe(argv(mode), dict(ENV, FAKE_LOG=str(log)), timeout=10)
    assert (facts["handshake"], facts["protocol_version"]) == ("discover", "2026-07-28")
    # fake_mcp refuses a tools/list without the envelope once the 2026-07-28 session is open.
    assert facts["tools"] == ["echo", "env"]
    [messages] = runs(log)
    assert methods(messages) == ["server/discover", "initialize", "tools/list"]


def test_a_server_that_exits_on_discover_is_started_again_once_for_initialize_alone(tmp_path):
    log = tmp_path / "log"
    warnings = []
    facts = stdio.probe(argv("discover_exit"), dict(ENV, FAKE_LOG=str(log)), timeout=10, warnings=warnings)
    assert (facts["handshake"], facts["protocol_version"], facts["tools"]) == ("initialize", "2025-11-25", ["echo", "env"])
    first, second = runs(log)
    assert methods(first) == ["server/discover"]
    assert methods(second) == ["initialize", "notifications/initialized", "tools/list"]
    [warning] = warnings
    assert warning.startswith("the server exited with code 5 during server/discover, the first request of clients that speak MCP 2026-07-28")
    assert warning.endswith("started again, it answered initialize")


def test_a_server_that_exits_at_every_start_is_started_twice_and_the_second_exit_is_reported(tmp_path):
    log = tmp_path / "log"
    with pytest.raises(stdio.EarlyExit) as caught:
        stdio.probe(argv("crash"), dict(ENV, FAKE_LOG=str(log)), timeout=10)
    assert runs(log) == [[], []]
    assert caught.value.details() == {"kind": "early_exit", "phase": "initialize", "exit_code": 3}


def test_a_server_that_answered_discover_is_not_started_again_when_it_exits_later(tmp_path):
    log = tmp_path / "log"
    with pytest.raises(stdio.EarlyExit) as caught:
        stdio.probe(argv("good"), dict(ENV, FAKE_LOG=str(log), FAKE_EXIT_ON="initialize"), timeout=10)
    assert caught.value.details() == {"kind": "early_exit", "phase": "initialize", "exit_code": 6}
    [messages] = runs(log)
    assert methods(messages) == ["server/discover", "initialize"]


def test_total_ms_is_reported_after_a_protocol_error():
    with pytest.raises(stdio.ProtocolError) as caught:
        stdio.probe(argv("noisy"), ENV, timeout=10)
    assert caught.value.partial["total_ms"] >= 0


def test_a_server_that_exits_while_a_child_holds_its_stdout_is_an_early_exit():
    # The child holds stdout for a minute, past the timeout: an early exit (not a timeout) is
    # reported when the server exits, not when its stdout closes.
    with pytest.raises(stdio.EarlyExit) as caught:
        stdio.probe(argv("orphan_stdout"), ENV, timeout=10)
    assert caught.value.returncode == 4


def test_stdout_lines_split_across_reads_are_joined():
    server = stdio.StdioServer(["unused"], ENV)
    for chunk in (b'{"a":', b"1}\n{", b'"b"', b":2}\n\n", b"{}"):
        server._collect_stdout(chunk)
    assert list(server._lines) == [b'{"a":1}', b'{"b":2}', b""]
    assert b"".join(server._partial) == b"{}"


CHILD_REAPER = """
import sys
from ansible_collections.mcpfleet.mcp.plugins.module_utils import _mcp_stdio as stdio
reaping = sys.argv[1] == "reap"
if reaping:
    stdio.become_subreaper()
stdio.probe(sys.argv[2:], dict(PATH="/usr/bin:/bin", CHILD_PID_FILE=sys.argv[3] + ".pid"), timeout=10)
if reaping:
    stdio.kill_descendants()
"""


@pytest.mark.parametrize("reap", [True, False])
def test_a_descendant_that_left_the_process_group_is_killed_by_the_subreaper(tmp_path, reap):
    server = tmp_path / "server.py"
    server.write_text(open(SERVER).read())
    pid_file = tmp_path / "server.py.pid"
    subprocess.run([sys.executable, "-c", CHILD_REAPER, "reap" if reap else "leave", sys.executable, str(server), "setsid_child"],
                   check=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)), timeout=30)
    child = int(pid_file.read_text())
    try:
        # Without the subreaper (the control) the setsid child outlives the probe.
        assert gone(child) is reap
    finally:
        if not gone(child):
            os.kill(child, signal.SIGKILL)
