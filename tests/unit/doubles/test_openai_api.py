"""The OpenAI API double answers a client's model call and logs the tools it offered
(tests/doubles/README.md lists the contract)."""

import json
import urllib.error
import urllib.request

import pytest

from _http_double import start_in_thread
from openai_api import REPLY, ModelHandler

NAMESPACE = {"type": "namespace", "name": "mcp__sentry", "description": "Tools in the mcp__sentry namespace.",
             "tools": [{"type": "function", "name": "find_organizations"}, {"type": "function", "name": "whoami"}]}
RESPONSES_TOOLS = [{"type": "function", "name": "exec_command"}, NAMESPACE, {"type": "web_search"}]
CHAT_TOOLS = [{"type": "function", "function": {"name": "Read", "parameters": {}}},
              {"type": "function", "function": {"name": "find_organizations", "parameters": {}}}]


@pytest.fixture
def model():
    server = start_in_thread(ModelHandler, None)
    yield server
    server.shutdown()
    server.server_close()


def post(url, body, headers=None):
    """(status, Content-Type, text) of a POST; body: bytes or JSON-serialisable."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers=dict({"Content-Type": "application/json"}, **(headers or {})))
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # nosec - loopback test double
            return resp.status, resp.headers.get("Content-Type"), resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type"), err.read().decode("utf-8")


def sse(text):
    """[(event name or None, data)] of an event stream; data JSON-decoded except [DONE]."""
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n"))
        data = fields["data"]
        events.append((fields.get("event"), data if data == "[DONE]" else json.loads(data)))
    return events


def test_responses_stream_one_message_and_the_log_lists_namespace_members(model):
    status, ctype, text = post(model.url + "/v1/responses",
                               {"model": "m", "stream": True, "input": [], "tools": RESPONSES_TOOLS},
                               {"Authorization": "Bearer not-a-key"})
    assert (status, ctype) == (200, "text/event-stream")
    events = sse(text)
    assert [name for name, dummy in events] == ["response.created", "response.output_item.done", "response.completed"]
    assert all(data["type"] == name for name, data in events)
    assert events[1][1]["item"]["content"][0]["text"] == REPLY
    assert events[2][1]["response"]["status"] == "completed"
    entry = model.snapshot()[-1]
    assert entry["tools"] == ["exec_command", "mcp__sentry/find_organizations", "mcp__sentry/whoami", "web_search"]
    assert entry["auth"] == "key"


def test_responses_without_stream_answer_one_object(model):
    status, ctype, text = post(model.url + "/v1/responses", {"model": "m", "input": "hi"})
    assert (status, ctype) == (200, "application/json")
    body = json.loads(text)
    assert (body["status"], body["output"][0]["content"][0]["text"]) == ("completed", REPLY)
    assert model.snapshot()[-1]["tools"] == []
    assert model.snapshot()[-1]["auth"] == "none"


def test_chat_completions_stream_chunks_usage_and_done(model):
    status, ctype, text = post(model.url + "/v1/chat/completions",
                               {"model": "m", "stream": True, "stream_options": {"include_usage": True},
                                "messages": [], "tools": CHAT_TOOLS})
    assert (status, ctype) == (200, "text/event-stream")
    events = sse(text)
    assert all(name is None for name, dummy in events)
    chunks = [data for dummy, data in events[:-1]]
    assert events[-1][1] == "[DONE]"
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": REPLY}
    assert chunks[1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[2]["choices"] == [] and chunks[2]["usage"]["total_tokens"] == 2
    assert model.snapshot()[-1]["tools"] == ["Read", "find_organizations"]


def test_chat_completions_stream_without_usage_ends_after_the_stop_chunk(model):
    events = sse(post(model.url + "/v1/chat/completions", {"model": "m", "stream": True, "messages": []})[2])
    assert [data if data == "[DONE]" else data["choices"][0]["finish_reason"] for dummy, data in events] == [None, "stop", "[DONE]"]


def test_chat_completions_without_stream_answer_one_object(model):
    status, ctype, text = post(model.url + "/v1/chat/completions", {"model": "m", "messages": []})
    assert (status, ctype) == (200, "application/json")
    assert json.loads(text)["choices"][0]["message"] == {"role": "assistant", "content": REPLY}


@pytest.mark.parametrize("path, body, expected", [
    ("/v1/models", {}, 404),
    ("/v1/embeddings", {"input": "x"}, 404),
    ("/v1/responses", b"{not json", 400),
    ("/v1/chat/completions", b"[]", 400),
])
def test_other_calls_get_openais_error_body(model, path, body, expected):
    status, ctype, text = post(model.url + path, body)
    assert (status, ctype) == (expected, "application/json")
    assert json.loads(text)["error"]["type"] == "invalid_request_error"
    assert model.snapshot()[-1]["tools"] == []
