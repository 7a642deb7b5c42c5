# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run work on a user's files in a process that has become that user.

Root never resolves, reads, writes or backs up a path in a home that a user controls: a planted
symlink, a FIFO or a race on a parent directory would turn root's authority against root's own
files or another user's. Instead root forks, the child drops to the user's uid, gid and
supplementary groups for good (real, effective and saved ids), does the work, and sends back a
JSON result through a pipe. The kernel then decides what the work may touch, ACLs and
directories on the way included, and the worst a hostile user achieves is what they could do
as themselves. After the id change the kernel marks the child non-dumpable, so the user cannot
ptrace it; they can signal it, so root waits only until a deadline, counted from that process's
own start. Root runs a bounded number of these processes at once (see _concurrency): hundreds
of users on one host must slow a run down, never exhaust the host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import selectors
import signal
import time

from ansible_collections.mcpfleet.mcp.plugins.module_utils._concurrency import write_concurrency


class UserProcessError(Exception):
    """The work done as the user failed; the message says why (it never holds file content)."""


class UserProcessTimeout(UserProcessError):
    """The process working as the user was still busy at the deadline (and was killed)."""


def acting_for(account):
    """True when root works on behalf of another, unprivileged account: then the work must drop."""
    return account is not None and os.geteuid() == 0 and account.uid != 0


def become(account):
    """Irrevocably switch this process to ``account`` (uid, gid, supplementary groups)."""
    groups = os.getgrouplist(account.name, account.gid)
    os.setgroups(groups)
    os.setresgid(account.gid, account.gid, account.gid)
    os.setresuid(account.uid, account.uid, account.uid)
    if os.getuid() != account.uid or os.geteuid() != account.uid:  # pragma: no cover - the kernel refused
        raise OSError("could not become %s" % account.name)
    # Root's working directory may be one the user cannot enter; relative paths are never used.
    os.chdir("/")


def describe_error(exc):
    """A one-line message for ``exc``; an OSError names the file, never its content."""
    if isinstance(exc, OSError) and exc.filename:
        return "%s: %s" % (exc.filename, exc.strerror or exc)
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _child(write_fd, account, function, args):
    status = 0
    try:
        become(account)
        try:
            payload = {"result": function(*args)}
        except Exception as exc:  # pylint: disable=broad-except
            payload = {"error": describe_error(exc)}
        data = json.dumps(payload).encode("utf-8")
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view):]
    except BaseException:  # pylint: disable=broad-except
        status = 70
    finally:
        # Never return into the module (its atexit handlers, its stdout): leave right here.
        os._exit(status)


# More than any result of a file within the modules' size bounds (a diff holds it twice).
MAX_RESULT = 256 * 1024 * 1024


def _start(account, function, args):
    """Fork the process that becomes ``account`` and computes ``function(*args)``; return (pid, fd)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which leaves with os._exit
        os.close(read_fd)
        _child(write_fd, account, function, args)
    os.close(write_fd)
    return pid, read_fd


def _finish(account, pid, data, timeout):
    """The result a child sent (``data``, None at the deadline), once the child is reaped."""
    if data is None:
        os.kill(pid, signal.SIGKILL)
    _pid, status = os.waitpid(pid, 0)
    if data is None:
        raise UserProcessTimeout("the work done as %s did not finish within %ss" % (account.name, timeout))
    try:
        payload = json.loads(data.decode("utf-8"))
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or not ("result" in payload or "error" in payload):
        raise UserProcessError("the process working as %s ended without a result (status %d)" % (account.name, status))
    if "error" in payload:
        raise UserProcessError(payload["error"])
    return payload["result"]


class _Child:
    """One started process of a user: its pipe, what it sent so far, and its own deadline."""

    def __init__(self, index, account, function, args, timeout):
        self.index = index
        self.account = account
        self.timeout = timeout
        # Counted from this process's own start: one that waited for a free place lost no time.
        self.deadline = time.monotonic() + timeout
        self.pid, self.fd = _start(account, function, args)
        self.chunks = []
        self.size = 0

    def read(self):
        """Move what the pipe holds; the whole data once the pipe closed, else None.

        A pipe that sent more than MAX_RESULT gives b"" (not a result of ours)."""
        chunk = os.read(self.fd, 1 << 20)
        self.size += len(chunk)
        if not chunk:
            return b"".join(self.chunks)
        if self.size > MAX_RESULT:
            return b""
        self.chunks.append(chunk)
        return None

    def finish(self, data):
        """The call's result, or its UserProcessError, once the process is reaped (killed first
        when ``data`` is None: it is still busy at its deadline, or it is abandoned)."""
        os.close(self.fd)
        try:
            return _finish(self.account, self.pid, data, self.timeout)
        except UserProcessError as exc:
            return exc


def _finished(selector):
    """Wait for the running children's pipes until the soonest deadline; return [(child, data)]
    of those that are done: data is None for a child past its deadline."""
    children = [key.data for key in selector.get_map().values()]
    left = min(child.deadline for child in children) - time.monotonic()
    done = {}
    for key, _mask in selector.select(max(left, 0)):
        data = key.data.read()
        if data is not None:
            done[key.data] = data
    now = time.monotonic()
    done.update((child, None) for child in children if child.deadline <= now and child not in done)
    for child in done:
        selector.unregister(child.fd)
    return list(done.items())


def call_as(account, function, args=(), timeout=60.0):
    """Return ``function(*args)`` computed by a process that is ``account``.

    Without a privilege to drop (not root, or acting for root), the function runs right here
    and its exceptions propagate unchanged. Otherwise any exception of the function, a child
    that dies, or one that is still busy after ``timeout`` seconds (a user can SIGSTOP it)
    raises UserProcessError. ``function`` must return data that JSON can carry.
    """
    return call_as_each([(account, function, args)], timeout=timeout, raise_errors=True)[0]


def call_as_each(calls, timeout=60.0, raise_errors=False, limit=None):
    """call_as for every (account, function, args) of ``calls``, their processes running side by side.

    At most ``limit`` run at once (by default write_concurrency(): what the host's CPUs and
    memory allow for processes that only write files); the others start, in order, as running
    ones end. Each process has ``timeout`` seconds (or its own item of a list of them, one per
    call) from its own start.

    Returns the results in the order of ``calls``; a call that failed gives its
    UserProcessError in its place (or raises it, with ``raise_errors``). Calls without a
    privilege to drop run here first, one after the other, and their exceptions propagate.
    """
    results, pending = [None] * len(calls), []
    for index, (account, function, args) in enumerate(calls):
        if acting_for(account):
            pending.append(index)
        else:
            results[index] = function(*args)
    limit = limit or write_concurrency()
    timeouts = timeout if isinstance(timeout, list) else [timeout] * len(calls)
    selector = selectors.DefaultSelector()
    try:
        while pending or selector.get_map():
            while pending and len(selector.get_map()) < limit:
                index = pending.pop(0)
                account, function, args = calls[index]
                child = _Child(index, account, function, args, timeouts[index])
                selector.register(child.fd, selectors.EVENT_READ, child)
            for child, data in _finished(selector):
                results[child.index] = child.finish(data)
    finally:
        # Only on an error of our own (fork refused, ...): nothing we started outlives the call.
        for key in list(selector.get_map().values()):
            selector.unregister(key.fd)
            key.data.finish(None)
        selector.close()
    if raise_errors:
        for result in results:
            if isinstance(result, UserProcessError):
                raise result
    return results
