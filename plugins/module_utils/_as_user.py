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
ptrace it; they can signal it, so root waits only until a deadline.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import select
import signal
import time


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


def _read_all(fds, deadline):
    """{fd: bytes} read from every pipe until it closes; None for a pipe still open at the deadline.

    A pipe that sent more than MAX_RESULT gives b"" (not a result of ours)."""
    chunks = dict((fd, []) for fd in fds)
    sizes = dict((fd, 0) for fd in fds)
    done = {}
    while len(done) < len(fds):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _w, _x = select.select([fd for fd in fds if fd not in done], [], [], left)
        for fd in ready:
            chunk = os.read(fd, 1 << 20)
            sizes[fd] += len(chunk)
            if not chunk:
                done[fd] = b"".join(chunks[fd])
            elif sizes[fd] > MAX_RESULT:
                done[fd] = b""
            else:
                chunks[fd].append(chunk)
    return dict((fd, done.get(fd)) for fd in fds)


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


def call_as(account, function, args=(), timeout=60.0):
    """Return ``function(*args)`` computed by a process that is ``account``.

    Without a privilege to drop (not root, or acting for root), the function runs right here
    and its exceptions propagate unchanged. Otherwise any exception of the function, a child
    that dies, or one that is still busy after ``timeout`` seconds (a user can SIGSTOP it)
    raises UserProcessError. ``function`` must return data that JSON can carry.
    """
    return call_as_each([(account, function, args)], timeout=timeout, raise_errors=True)[0]


def call_as_each(calls, timeout=60.0, raise_errors=False):
    """call_as for every (account, function, args) of ``calls``, the processes running at once.

    Returns the results in the order of ``calls``; a call that failed gives its
    UserProcessError in its place (or raises it, with ``raise_errors``). Calls without a
    privilege to drop run here first, one after the other, and their exceptions propagate.
    """
    results, started = [None] * len(calls), {}
    for index, (account, function, args) in enumerate(calls):
        if not acting_for(account):
            results[index] = function(*args)
    try:
        for index, (account, function, args) in enumerate(calls):
            if acting_for(account):
                started[index] = _start(account, function, args)
        data = _read_all([fd for _pid, fd in started.values()], time.monotonic() + timeout)
    finally:
        for _pid, fd in started.values():
            os.close(fd)
    for index, (pid, fd) in started.items():
        try:
            results[index] = _finish(calls[index][0], pid, data[fd], timeout)
        except UserProcessError as exc:
            results[index] = exc
    if raise_errors:
        for result in results:
            if isinstance(result, UserProcessError):
                raise result
    return results
