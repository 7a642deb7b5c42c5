# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The default of how much the modules start at once on a host: from its CPUs and its memory."""

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _concurrency
from ansible_collections.mcpfleet.mcp.plugins.module_utils._concurrency import (
    AT_ONCE_MAX, RESERVE, SERVER_MEMORY, WRITER_MEMORY, available_memory, cpu_count, probe_concurrency, write_concurrency,
)

GIB = 1024 ** 3


@pytest.fixture
def host(monkeypatch):
    """Set the host's CPUs and available memory (None: the host does not say)."""
    def configure(cpus, memory):
        monkeypatch.setattr(_concurrency, "cpu_count", lambda: cpus)
        monkeypatch.setattr(_concurrency, "available_memory", lambda: memory)
    return configure


def test_two_servers_per_cpu_when_memory_is_plenty(host):
    host(2, 64 * GIB)
    assert probe_concurrency() == 4


def test_memory_caps_the_servers_below_the_cpus(host):
    host(16, RESERVE + 3 * SERVER_MEMORY + SERVER_MEMORY // 2)
    assert probe_concurrency() == 3


@pytest.mark.parametrize("memory", [0, RESERVE, RESERVE + SERVER_MEMORY // 2])
def test_at_least_one_server_however_little_memory(host, memory):
    host(8, memory)
    assert probe_concurrency() == 1


def test_unknown_memory_leaves_the_cpus_to_decide(host):
    host(3, None)
    assert probe_concurrency() == 6
    assert write_concurrency() == 24


def test_writers_are_more_per_cpu_and_bounded_by_memory(host):
    host(2, 64 * GIB)
    assert write_concurrency() == 16
    host(64, RESERVE + 10 * WRITER_MEMORY)
    assert write_concurrency() == 10


def test_a_huge_host_still_has_a_ceiling(host):
    host(4096, 4096 * GIB)
    assert probe_concurrency() == AT_ONCE_MAX
    assert write_concurrency() == AT_ONCE_MAX


def test_this_process_has_at_least_one_cpu():
    assert cpu_count() >= 1


def write(path, text):
    path.write_text(text)
    return str(path)


def test_available_memory_is_memavailable_without_a_cgroup_limit(tmp_path):
    meminfo = write(tmp_path / "meminfo", "MemTotal:       24683772 kB\nMemAvailable:    2048 kB\n")
    (tmp_path / "cg").mkdir()
    write(tmp_path / "cg" / "memory.max", "max\n")
    assert available_memory(meminfo, str(tmp_path / "cg")) == 2048 * 1024
    assert available_memory(meminfo, str(tmp_path / "no-cgroup")) == 2048 * 1024


def test_a_container_limit_below_memavailable_wins(tmp_path):
    meminfo = write(tmp_path / "meminfo", "MemAvailable: %d kB\n" % (8 * 1024 * 1024))
    (tmp_path / "cg").mkdir()
    write(tmp_path / "cg" / "memory.max", "%d\n" % GIB)
    write(tmp_path / "cg" / "memory.current", "%d\n" % (GIB // 4))
    assert available_memory(meminfo, str(tmp_path / "cg")) == GIB - GIB // 4


def test_no_figure_at_all_is_unknown(tmp_path):
    meminfo = write(tmp_path / "meminfo", "MemTotal: 1 kB\n")
    assert available_memory(meminfo, str(tmp_path)) is None
    assert available_memory(str(tmp_path / "missing"), str(tmp_path)) is None
