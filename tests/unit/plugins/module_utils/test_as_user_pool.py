# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""call_as_each runs the users' processes side by side, never more at once than its limit, and
gives each process its timeout from its own start.

The processes are real forks; only the switch of user is left out (they stay this test's user),
so the tests run as any user. They assert counts and outcomes, never how long anything took.
"""

import os
import time

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _as_user
from ansible_collections.mcpfleet.mcp.plugins.module_utils._as_user import (
    UserProcessError, UserProcessTimeout, call_as, call_as_each,
)


class Account:
    def __init__(self, name):
        self.name = name
        self.uid = 4242


@pytest.fixture(autouse=True)
def forks_without_switching_user(monkeypatch):
    monkeypatch.setattr(_as_user, "acting_for", lambda account: True)
    monkeypatch.setattr(_as_user, "become", lambda account: None)


def running_beside(directory, index):
    """Count the processes inside this function at the same time as this one, then leave."""
    mark = os.path.join(str(directory), "%d" % os.getpid())
    open(mark, "w").close()
    seen = len(os.listdir(str(directory)))
    time.sleep(0.05)
    os.unlink(mark)
    return [index, seen]


def calls_of(count, function, *args):
    return [(Account("user%d" % index), function, args + (index,)) for index in range(count)]


def test_never_more_processes_at_once_than_the_limit(tmp_path):
    results = call_as_each(calls_of(12, running_beside, tmp_path), timeout=30, limit=3)
    assert [index for index, _seen in results] == list(range(12))
    assert max(seen for _index, seen in results) <= 3


def sleeping(seconds, index):
    time.sleep(seconds)
    return index


def test_a_process_that_waited_for_its_turn_still_has_its_whole_timeout():
    # One at a time, ten processes of 0.2 s need 2 s together: a deadline of the whole batch
    # (1.5 s) would kill the last ones, a deadline from each process's own start kills none.
    results = call_as_each(calls_of(10, sleeping, 0.2), timeout=1.5, limit=1)
    assert results == list(range(10))


def test_a_process_busy_at_its_deadline_is_killed_and_the_others_finish():
    calls = calls_of(1, sleeping, 600) + calls_of(3, sleeping, 0)
    results = call_as_each(calls, timeout=0.5, limit=2)
    assert isinstance(results[0], UserProcessTimeout)
    assert "user0" in str(results[0])
    assert results[1:] == [0, 1, 2]


def test_each_process_has_its_own_timeout_when_given_one_per_call():
    results = call_as_each(calls_of(2, sleeping, 1), timeout=[0.2, 60], limit=2)
    assert isinstance(results[0], UserProcessTimeout) and results[1] == 1


def failing(index):
    raise ValueError("no good: %d" % index)


def test_a_failing_call_gives_its_error_in_its_place():
    calls = calls_of(2, sleeping, 0)
    calls.insert(1, (Account("broken"), failing, (7,)))
    results = call_as_each(calls, timeout=30, limit=1)
    assert results[0] == 0 and results[2] == 1
    assert isinstance(results[1], UserProcessError) and str(results[1]) == "no good: 7"
    with pytest.raises(UserProcessError, match="no good: 3"):
        call_as(Account("broken"), failing, (3,), timeout=30)


def test_the_default_limit_comes_from_the_host(tmp_path, monkeypatch):
    monkeypatch.setattr(_as_user, "write_concurrency", lambda: 2)
    results = call_as_each(calls_of(8, running_beside, tmp_path), timeout=30)
    assert len(results) == 8
    assert max(seen for _index, seen in results) <= 2


def test_no_process_is_left_behind(tmp_path):
    call_as_each(calls_of(1, sleeping, 600) + calls_of(5, running_beside, tmp_path), timeout=0.5, limit=3)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
