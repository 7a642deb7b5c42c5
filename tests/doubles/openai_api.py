# Copyright: mcpfleet.mcp contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OpenAI API double: the model call of a coding agent, answered with one short assistant message.

    from openai_api import ModelHandler
    server = start_in_thread(ModelHandler, None)   # base URL: server.url + "/v1"

Needs _http_double.py next to it. A real client on loopback gets through one turn with it, and
the request log shows which tools the client offered to the model:
  POST /v1/responses          Responses API (Codex CLI, wire_api "responses")
  POST /v1/chat/completions   Chat Completions (Continue's cn with provider "openai")
Both stream Server-Sent Events when the request has "stream": true, as OpenAI does, and answer
one JSON object otherwise. Anything else is a 404 with OpenAI's error body. Credentials are not
checked (a custom provider may send none); the log says only whether a bearer key came.

Log entries carry "tools": the names of the tools the request offered, in its order. A Responses
API "namespace" tool (Codex offers each MCP server's tools in one) counts once per member, as
"<namespace>/<member>"; a hosted tool without a name (web_search) counts as its type.
"""

import json

from _http_double import DoubleHandler

REPLY = "Hello from the model double."
SSE = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
# Fixed ids and times: the answers are the same for every request.
RESPONSE_ID = "resp_double"
MESSAGE_ID = "msg_double"
COMPLETION_ID = "chatcmpl-double"
CREATED = 1700000000


def _error(status, message, kind):
    return status, {"error": {"message": message, "type": kind, "param": None, "code": None}}, {}


def _events(events):
    """SSE text: one "event:" (Responses API) or bare "data:" (Chat Completions) block each."""
    lines = []
    for name, data in events:
        if name:
            lines.append("event: %s" % name)
        lines.append("data: %s" % (data if isinstance(data, str) else json.dumps(data)))
        lines.append("")
    return "\n".join(lines) + "\n"


def _response(model, status, output):
    usage = {"input_tokens": 1, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 1,
             "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 2}
    return {"id": RESPONSE_ID, "object": "response", "created_at": CREATED, "status": status, "model": model,
            "output": output, "usage": usage if status == "completed" else None}


def responses(request):
    message = {"type": "message", "id": MESSAGE_ID, "status": "completed", "role": "assistant",
               "content": [{"type": "output_text", "text": REPLY, "annotations": []}]}
    model = request.get("model", "")
    if not request.get("stream"):
        return 200, _response(model, "completed", [message]), {}
    return 200, _events([
        ("response.created", {"type": "response.created", "response": _response(model, "in_progress", [])}),
        ("response.output_item.done", {"type": "response.output_item.done", "output_index": 0, "item": message}),
        ("response.completed", {"type": "response.completed", "response": _response(model, "completed", [message])}),
    ]), SSE


def chat_completions(request):
    model = request.get("model", "")
    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    if not request.get("stream"):
        return 200, {"id": COMPLETION_ID, "object": "chat.completion", "created": CREATED, "model": model,
                     "choices": [{"index": 0, "message": {"role": "assistant", "content": REPLY},
                                  "finish_reason": "stop"}], "usage": usage}, {}

    def chunk(choices, **more):
        return dict({"id": COMPLETION_ID, "object": "chat.completion.chunk", "created": CREATED, "model": model,
                     "choices": choices}, **more)

    chunks = [chunk([{"index": 0, "delta": {"role": "assistant", "content": REPLY}, "finish_reason": None}]),
              chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}])]
    if (request.get("stream_options") or {}).get("include_usage"):
        chunks.append(chunk([], usage=usage))
    return 200, _events([(None, item) for item in chunks] + [(None, "[DONE]")]), SSE


ROUTES = {"/v1/responses": responses, "/v1/chat/completions": chat_completions}


def offered_tools(request):
    """The names of the tools a Responses or Chat Completions request offers (see the module doc)."""
    names = []
    for tool in request.get("tools") or []:
        if tool.get("type") == "namespace":
            names.extend("%s/%s" % (tool["name"], member.get("name")) for member in tool.get("tools") or [])
        elif tool.get("type") == "function" and "function" in tool:
            names.append(tool["function"].get("name"))
        else:
            names.append(tool.get("name") or tool.get("type"))
    return names


class ModelHandler(DoubleHandler):
    """Routes of the OpenAI API double."""

    def route(self, method, path, query):
        self.request_json = None
        answer = ROUTES.get(path)
        if answer is None or method != "POST":
            return _error(404, "Invalid URL (%s %s)" % (method, path), "invalid_request_error")
        if self.headers.get("Authorization", "").lower().startswith("bearer "):
            self.identity = "key"
        try:
            request = json.loads(self.body)
        except ValueError:
            return _error(400, "We could not parse the JSON body of your request.", "invalid_request_error")
        if not isinstance(request, dict):
            return _error(400, "The request body must be a JSON object.", "invalid_request_error")
        self.request_json = request
        return answer(request)

    def record_fields(self):
        return {"tools": offered_tools(self.request_json) if self.request_json else []}
