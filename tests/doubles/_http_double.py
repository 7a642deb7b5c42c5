# Copyright: mcpfleet.mcp contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plumbing shared by the HTTP test doubles (stdlib only, Python 3.9+).

A double is a BaseHTTPRequestHandler subclass plus a JSON data source (a file re-read when it
changes or on SIGHUP, or JSON in an environment variable). Requests are logged to stderr and
kept in memory without any header value: credentials never reach a log.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# A double serves its request log here (outside every real API's prefix) so that a test
# running elsewhere (a Molecule verifier) can check which calls were made.
REQUEST_LOG_PATH = "/_double/requests"


class JsonSource:
    """JSON document from a file (reloaded when its mtime/size changes) or from a string."""

    def __init__(self, path=None, text=None, validate=None):
        if (path is None) == (text is None):
            raise ValueError("give exactly one of path or text")
        self.path = path
        self._validate = validate or (lambda data: data)
        self._lock = threading.Lock()
        self._stamp = None
        self._data = None
        if text is not None:
            self._data = self._validate(json.loads(text))
        else:
            self.reload()

    def reload(self):
        """Read the file now; keep the previous document if the new one is unusable."""
        if self.path is None:
            return
        with self._lock:
            stat = os.stat(self.path)
            stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            try:
                with open(self.path, encoding="utf-8") as handle:
                    data = self._validate(json.load(handle))
            except (OSError, ValueError) as exc:
                if self._data is None:
                    raise
                # A half-written file during a swap must not take the double down.
                sys.stderr.write("%s: keeping previous data: %s\n" % (self.path, exc))
                return
            self._data, self._stamp = data, stamp

    def get(self):
        """The current document, re-read first if the file changed on disk."""
        if self.path is not None:
            try:
                stat = os.stat(self.path)
            except OSError:
                return self._data
            if (stat.st_mtime_ns, stat.st_size, stat.st_ino) != self._stamp:
                self.reload()
        return self._data


class DoubleServer(ThreadingHTTPServer):
    """Threading server holding the data source and an in-memory request log."""

    daemon_threads = True

    def __init__(self, address, handler_cls, source):
        super().__init__(address, handler_cls)
        self.source = source
        self.requests = []
        self.requests_lock = threading.Lock()

    @property
    def url(self):
        host, port = self.server_address[:2]
        return "http://%s:%d" % (host, port)

    def record(self, entry):
        with self.requests_lock:
            self.requests.append(entry)

    def snapshot(self):
        with self.requests_lock:
            return list(self.requests)


class DoubleHandler(BaseHTTPRequestHandler):
    """Base handler: JSON replies, secret-free logging, the request log endpoint.

    Subclasses implement route(method, path, query) -> (status, body, extra_headers) and set
    self.identity to a short secret-free description of the credentials seen.
    """

    protocol_version = "HTTP/1.1"
    server_version = "mcpfleet-double"

    def _dispatch(self):
        self.identity = "none"
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        self.body = self._read_body()
        if url.path == REQUEST_LOG_PATH and self.command == "GET":
            # Not logged itself: a verifier polling it would otherwise see its own reads.
            self.send_body(200, self.server.snapshot(), {})
            return
        status, body, headers = self.route(self.command, url.path, query)
        self.server.record({
            "time": time.time(),
            "method": self.command,
            "path": url.path,
            "query": url.query,
            "status": status,
            "auth": self.identity,
            "user_agent": self.headers.get("User-Agent", ""),
            **self.record_fields(),
        })
        self.send_body(status, body, headers)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _dispatch

    def route(self, method, path, query):
        raise NotImplementedError

    def record_fields(self):
        """Secret-free facts about the request for its log entry, besides the common ones."""
        return {}

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_body(self, status, body, headers):
        """body: None (empty), str (text/plain unless headers name another Content-Type) or
        anything JSON-serialisable."""
        if body is None:
            payload, ctype = b"", None
        elif isinstance(body, str):
            payload, ctype = body.encode("utf-8"), "text/plain; charset=utf-8"
        else:
            payload, ctype = json.dumps(body).encode("utf-8"), "application/json"
        self.send_response(status)
        if ctype and "Content-Type" not in headers:
            self.send_header("Content-Type", ctype)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_request(self, code="-", size="-"):
        # The request line only (never headers), plus who the credentials belonged to.
        self.log_message('"%s" %s auth=%s', self.requestline, code, getattr(self, "identity", "none"))


def parse_listen(value):
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError("expected HOST:PORT, got %r" % value)
    return host.strip("[]") or "0.0.0.0", int(port)


def start_in_thread(handler_cls, source, host="127.0.0.1", port=0):
    """Start a double in a daemon thread (for tests); call .shutdown() and .server_close()."""
    server = DoubleServer((host, port), handler_cls, source)
    # A short poll keeps shutdown() quick between tests.
    threading.Thread(target=server.serve_forever, args=(0.05,), name=handler_cls.__name__, daemon=True).start()
    return server


def main(handler_cls, description, data_option, data_env, validate, argv=None):
    """Command line entry point: --listen HOST:PORT and a data file (or JSON in data_env)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--listen", type=parse_listen, default=("127.0.0.1", 8000), help="HOST:PORT (port 0: any free port)")
    parser.add_argument(data_option, dest="data", help="JSON file, re-read when it changes and on SIGHUP (default: JSON in $%s)" % data_env)
    args = parser.parse_args(argv)
    if args.data:
        source = JsonSource(path=args.data, validate=validate)
    elif os.environ.get(data_env):
        source = JsonSource(text=os.environ[data_env], validate=validate)
    else:
        parser.error("%s or $%s is required" % (data_option, data_env))
    server = DoubleServer(args.listen, handler_cls, source)
    signal.signal(signal.SIGHUP, lambda signum, frame: source.reload())
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    # Tests started with port 0 read the real address from this first line.
    sys.stderr.write("listening on %s\n" % server.url)
    sys.stderr.flush()
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
