"""Make the HTTP test doubles in tests/doubles importable and start them on loopback."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

DOUBLES = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "doubles"))
if DOUBLES not in sys.path:
    sys.path.insert(0, DOUBLES)

from _http_double import JsonSource, start_in_thread  # noqa: E402  pylint: disable=wrong-import-position


def write_json(path, data):
    """Replace path atomically (new inode), as a test swapping a data file would."""
    tmp = "%s.tmp" % path
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(tmp, path)


@pytest.fixture
def start_double(tmp_path):
    """start_double(handler_cls, data, validate) -> (server, data file path); stopped after the test."""
    servers = []

    def start(handler_cls, data, validate):
        path = str(tmp_path / "double.json")
        write_json(path, data)
        server = start_in_thread(handler_cls, JsonSource(path=path, validate=validate))
        servers.append(server)
        return server, path

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def start_double_cli(tmp_path):
    """start_double_cli(script, args, env) -> (process, url, stderr log path), as containers run it."""
    procs = []

    def start(script, args, env=None):
        log = str(tmp_path / ("%s.log" % script))
        with open(log, "wb") as stderr:
            proc = subprocess.Popen(  # pylint: disable=consider-using-with
                [sys.executable, os.path.join(DOUBLES, script), "--listen", "127.0.0.1:0"] + args,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=env,
            )
        procs.append(proc)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(log, encoding="utf-8") as handle:
                first = handle.readline()
            if first.startswith("listening on "):
                return proc, first.split()[-1], log
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        with open(log, encoding="utf-8") as handle:
            raise AssertionError("%s did not start: %s" % (script, handle.read()))

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(5)


def _request(url, headers=None, method="GET"):
    """(status, headers, decoded JSON or text or None) without raising on HTTP errors."""
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # nosec - loopback test double
            status, head, raw = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        status, head, raw = err.code, err.headers, err.read()
    if not raw:
        return status, head, None
    if head.get("Content-Type", "").startswith("application/json"):
        return status, head, json.loads(raw)
    return status, head, raw.decode("utf-8")


@pytest.fixture
def http():
    """http(url, headers=None, method="GET") -> (status, headers, body)."""
    return _request
