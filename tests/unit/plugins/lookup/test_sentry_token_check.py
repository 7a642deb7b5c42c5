# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sentry_token_check lookup against a real local HTTP server answering GET /api/0/ as
Sentry does (and as tests/doubles/sentry_api.py does): all checks at once, no token in any
answer or error."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from ansible_collections.mcpfleet.mcp.plugins.filter import sentry
from ansible_collections.mcpfleet.mcp.plugins.lookup import sentry_token_check
import yaml
from ansible import constants as C
from ansible_collections.mcpfleet.mcp.plugins.lookup.sentry_token_check import LookupModule

GOOD = "sntryu_" + "a" * 64
SHORT = "sntryu_" + "b" * 64
UNKNOWN = "sntryu_" + "c" * 64
TOKENS = {GOOD: ["org:read", "project:read"], SHORT: ["org:read"]}


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, delay=0.0, status=None, meet=0):
        super().__init__(("127.0.0.1", 0), Handler)
        self.delay, self.status, self.meet = delay, status, meet
        self.lock = threading.Lock()
        # Notified when another request arrives: a request held until ``meet`` are in at once.
        self.arrived = threading.Condition(self.lock)
        self.active = self.max_active = 0
        self.seen = []

    @property
    def url(self):
        return "http://127.0.0.1:%d/api/0/" % self.server_address[1]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        server = self.server
        with server.lock:
            server.active += 1
            server.max_active = max(server.max_active, server.active)
            server.seen.append(self.headers.get("Authorization"))
            server.arrived.notify_all()
            # Requests asked one after the other never meet: the first one waits here in vain.
            server.arrived.wait_for(lambda: server.max_active >= server.meet, timeout=30)
        try:
            if server.delay:
                time.sleep(server.delay)
            token = (self.headers.get("Authorization") or "").replace("Bearer ", "", 1)
            if server.status:
                code, body = server.status, {"detail": "Invalid token"}
            elif self.path != "/api/0/":
                code, body = 404, None
            else:
                scopes = TOKENS.get(token)
                # Sentry's /api/0/ never says 401: auth and user are null for an unknown token.
                code, body = 200, {"version": "0",
                                   "auth": {"scopes": scopes} if scopes is not None else None,
                                   "user": {"id": "1", "email": "alice@example.com"} if scopes is not None else None}
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the lookup under test gave up on this request (its timeout): nothing to answer
        finally:
            with server.lock:
                server.active -= 1


@pytest.fixture
def serve():
    servers = []

    def start(**kwargs):
        server = Server(**kwargs)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def lookup():
    # Its options and their defaults come from its DOCUMENTATION, as the plugin loader sets them up.
    plugin = LookupModule()
    plugin._load_name = "mcpfleet.mcp.sentry_token_check"
    options = yaml.safe_load(sentry_token_check.DOCUMENTATION)["options"]
    C.config.initialize_plugin_configuration_definitions("lookup", plugin._load_name, options)
    return plugin


def run(checks, **options):
    return lookup().run([checks], variables={}, **options)


def assert_no_token(answers, *tokens):
    text = json.dumps(answers) + repr(answers)
    for token in tokens:
        assert token not in text
        assert token[7:] not in text


def test_answers_carry_status_and_scopes_in_order_and_no_token(serve):
    server = serve()
    checks = [{"url": server.url, "token": t} for t in (GOOD, SHORT, UNKNOWN)]
    answers = run(checks, timeout=5)
    assert [a["status"] for a in answers] == [200, 200, 200]
    assert answers[0]["json"] == {"auth": {"scopes": ["org:read", "project:read"]}, "user": {"email": "alice@example.com"}}
    assert answers[1]["json"]["auth"] == {"scopes": ["org:read"]}
    assert answers[2]["json"] == {"auth": None, "user": None}
    assert all(a["url"] == server.url for a in answers)
    assert_no_token(answers, GOOD, SHORT, UNKNOWN)
    # The token went to the server, and only there.
    assert sorted(server.seen) == sorted("Bearer " + t for t in (GOOD, SHORT, UNKNOWN))


def test_the_answers_are_what_sentry_token_status_judges(serve):
    server = serve()
    checks = [{"url": server.url, "token": t} for t in (GOOD, SHORT, UNKNOWN)]
    required = ["org:read", "project:read"]
    judged = [sentry._judge(a, server.url, required) for a in run(checks)]
    assert judged[0] == (True, "valid for alice@example.com")
    assert judged[1] == (False, "lacks scopes project:read (%s)" % server.url)
    assert judged[2] == (False, "rejected by %s (unknown, expired or revoked token)" % server.url)


def test_a_401_is_a_rejection_without_the_token(serve):
    server = serve(status=401)
    answers = run([{"url": server.url, "token": GOOD}])
    assert answers[0]["status"] == 401 and answers[0]["json"] is None
    assert sentry._judge(answers[0], server.url, ["org:read"])[0] is False
    assert_no_token(answers, GOOD)


def test_all_checks_are_asked_at_the_same_time(serve):
    server = serve(meet=2)
    checks = [{"url": server.url, "token": "sntryu_%064d" % n} for n in range(6)]
    answers = run(checks, timeout=60)
    assert [a["status"] for a in answers] == [200] * 6
    assert server.max_active >= 2
    assert len(server.seen) == 6


def free_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_connection_refused_is_an_answer_with_a_message_not_an_error():
    url = "http://127.0.0.1:%d/api/0/" % free_port()
    answers = run([{"url": url, "token": GOOD}], timeout=5)
    assert answers[0]["status"] == -1 and answers[0]["msg"].startswith("Request failed:")
    ok, detail = sentry._judge(answers[0], url, ["org:read"])
    assert not ok and detail.startswith("token check at %s failed: Request failed" % url)
    assert_no_token(answers, GOOD)


def test_a_timeout_is_an_answer_with_a_message(serve):
    server = serve(delay=2)
    answers = run([{"url": server.url, "token": GOOD}], timeout=0.3)
    assert answers[0]["status"] == -1 and "timed out" in answers[0]["msg"]
    assert_no_token(answers, GOOD)


class FakeRequest:
    """In place of ansible's Request: records what each check asked, then fails as told."""

    made = []

    def __init__(self, context=None):
        self.context = context

    def open(self, method, url, **kwargs):
        FakeRequest.made.append(dict(kwargs, context=self.context, method=method))
        raise FakeRequest.error(kwargs)


def test_a_token_in_an_error_message_is_hidden(monkeypatch):
    monkeypatch.setattr(FakeRequest, "error", staticmethod(lambda kwargs: ValueError("bad header " + kwargs["headers"]["Authorization"])),
                        raising=False)
    monkeypatch.setattr(sentry_token_check, "Request", FakeRequest)
    answers = run([{"url": "http://127.0.0.1:1/api/0/", "token": GOOD}])
    assert answers[0]["status"] == -1 and "********" in answers[0]["msg"]
    assert_no_token(answers, GOOD)


def test_options_reach_the_request_and_one_tls_context_serves_every_check(monkeypatch):
    contexts = []

    def make_context(**kwargs):
        contexts.append(kwargs)
        return "context-%d" % len(contexts)
    monkeypatch.setattr(FakeRequest, "error", staticmethod(lambda kwargs: OSError("no network here")), raising=False)
    monkeypatch.setattr(FakeRequest, "made", [])
    monkeypatch.setattr(sentry_token_check, "Request", FakeRequest)
    monkeypatch.setattr(sentry_token_check, "make_context", make_context)
    run([{"url": "https://sentry.example/api/0/", "token": GOOD}, {"url": "https://sentry.example/api/0/", "token": SHORT}],
        timeout=7, validate_certs=False, ca_path="/etc/ca.pem")
    assert contexts == [{"cafile": "/etc/ca.pem", "validate_certs": False}]
    assert [(made["timeout"], made["context"], made["method"]) for made in FakeRequest.made] == [(7, "context-1", "GET")] * 2
    run([{"url": "https://sentry.example/api/0/", "token": GOOD}], ca_path="")
    assert contexts[1] == {"cafile": None, "validate_certs": True} and FakeRequest.made[-1]["timeout"] == 15


def test_no_checks_ask_nothing_and_a_bad_check_names_no_token():
    assert run([]) == []
    assert lookup().run([], variables={}) == []
    with pytest.raises(Exception) as error:
        run([{"url": "", "token": GOOD}])
    assert GOOD not in str(error.value)
