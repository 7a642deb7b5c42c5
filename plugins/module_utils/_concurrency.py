# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How much the modules start at once on a host, worked out on the host from its CPUs and memory.

A rollout on a host with hundreds of users must finish more slowly on a small host, never by
exhausting it: the users' processes and the servers their probes start are admitted in turn.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

MIB = 1024 * 1024
# What one probed stdio server is counted at: a Node.js MCP server (Sentry's @sentry/mcp-server
# 0.x) holds about 80 to 120 MiB resident after its handshake; the margin covers the user's
# process that talks to it.
SERVER_MEMORY = 160 * MIB
# Servers starting at once per CPU: a start is CPU-bound (about 0.55 s of one core for
# Sentry's), and the second one keeps the core busy while the other waits on its pipes.
SERVERS_PER_CPU = 2
# A user's process that only writes files: a fork of the module, its pages shared until
# written, and a few small files read and written.
WRITER_MEMORY = 16 * MIB
WRITERS_PER_CPU = 8
# Memory the count leaves to everything else on the host.
RESERVE = 256 * MIB
# Whatever the host: each process holds a pipe open in the module, and a user's process a few more.
AT_ONCE_MAX = 256


def cpu_count():
    """The CPUs this process may run on (its affinity mask, else every CPU)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _read_number(path, field=None):
    """An integer from a /proc or /sys file (``field`` names the line of a 'key: value' file); None
    when the file, the line or a number is missing (including a cgroup's 'max')."""
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("ascii", "replace")
    except (IOError, OSError):
        return None
    if field is not None:
        lines = [line.split(":", 1)[1] for line in text.splitlines() if line.split(":", 1)[0] == field]
        text = lines[0] if lines else ""
    words = text.split()
    return int(words[0]) if words and words[0].isdigit() else None


def available_memory(proc="/proc/meminfo", cgroup="/sys/fs/cgroup"):
    """Bytes that can be used without swapping: MemAvailable, or less when this process's cgroup
    (v2) has a limit (a container's memory.max). None when the host does not say."""
    kib = _read_number(proc, "MemAvailable")
    found = [kib * 1024] if kib is not None else []
    limit = _read_number(os.path.join(cgroup, "memory.max"))
    if limit is not None:
        found.append(max(0, limit - (_read_number(os.path.join(cgroup, "memory.current")) or 0)))
    return min(found) if found else None


def _bounded(per_cpu, each, cpus, memory):
    count = per_cpu * cpus
    if memory is not None:
        count = min(count, (memory - RESERVE) // each)
    return max(1, min(int(count), AT_ONCE_MAX))


def probe_concurrency():
    """Servers started at once by default: SERVERS_PER_CPU per CPU, no more than the available
    memory holds at SERVER_MEMORY each (after RESERVE), at least one."""
    return _bounded(SERVERS_PER_CPU, SERVER_MEMORY, cpu_count(), available_memory())


def write_concurrency():
    """Users' processes that only write files, at once: WRITERS_PER_CPU per CPU, as memory allows."""
    return _bounded(WRITERS_PER_CPU, WRITER_MEMORY, cpu_count(), available_memory())
