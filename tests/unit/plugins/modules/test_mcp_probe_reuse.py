# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mcp_probe reuse: a launch that passed is not started again; anything it reads that changes starts it again."""

import json
import os
import stat

import pytest

from test_mcp_probe import home  # noqa: F401 pylint: disable=unused-import
from test_mcp_probe_targets import TOKEN, run, shell_entry, write_json


@pytest.fixture
def fleet(home):
    """A user with two clients that start the same server, which counts its starts."""
    entry = shell_entry("echo started >> %s/starts" % home)
    write_json(home / ".claude.json", {"mcpServers": {"sentry": entry}})
    write_json(home / ".aws/amazonq/mcp.json", {"mcpServers": {"sentry": entry}})
    (home / "env").write_text("SENTRY_ACCESS_TOKEN=%s\n" % TOKEN)
    state_dir = home / "state"
    state_dir.mkdir(mode=0o755)
    return home


def probe(capsys, home, max_age=3600, inputs=None, check_mode=False):
    args = {"name": "sentry", "timeout": 10, "_ansible_check_mode": check_mode,
            "targets": [{"client": "claude_code"}, {"client": "amazonq"}],
            "reuse": {"state_file": str(home / "state/probes.json"), "max_age": max_age,
                      "inputs": inputs or {"version": "1.0.0"}, "files": ["~/env"]}}
    return run(capsys, args)


def starts(home):
    return len((home / "starts").read_text().splitlines())


def test_a_launch_that_passed_is_not_started_again(capsys, fleet):
    failed, first = probe(capsys, fleet)
    assert not failed and first["launches"] == 1 and starts(fleet) == 1
    assert all("reused" not in target for target in first["targets"])
    failed, second = probe(capsys, fleet)
    assert not failed, second
    assert starts(fleet) == 1 and second["launches"] == 0
    for before, after in zip(first["targets"], second["targets"]):
        assert after["reused"] is True
        assert after["tools"] == before["tools"] == ["echo", "env"]
        assert after["ready_ms"] == before["ready_ms"] and after["probed_at"] == before["probed_at"]
        assert after["fingerprint"] == before["fingerprint"]
    # Kept by root, 0600, and without the token (the run helper checked the output).
    state = fleet / "state/probes.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert TOKEN not in state.read_text()


@pytest.mark.parametrize("change", ["env file", "entry", "inputs", "age"])
def test_a_change_of_what_the_launch_reads_starts_it_again(capsys, fleet, change):
    assert not probe(capsys, fleet)[0]
    inputs, max_age = None, 3600
    if change == "env file":
        (fleet / "env").write_text("SENTRY_ACCESS_TOKEN=%s-rotated\n" % TOKEN)
    elif change == "entry":
        entry = shell_entry("echo started >> %s/starts; true" % fleet)
        write_json(fleet / ".claude.json", {"mcpServers": {"sentry": entry}})
    elif change == "inputs":
        inputs = {"version": "1.0.1"}
    else:
        max_age = 0
    failed, result = probe(capsys, fleet, max_age=max_age, inputs=inputs)
    assert not failed, result
    assert starts(fleet) >= 2
    assert any("reused" not in target for target in result["targets"])


def test_a_failed_probe_is_not_kept(capsys, fleet):
    write_json(fleet / ".claude.json", {"mcpServers": {"sentry": {"command": "/bin/false"}}})
    assert probe(capsys, fleet)[0]
    kept = json.loads((fleet / "state/probes.json").read_text())["probes"]
    assert len(kept) == 1  # amazonq's launch passed; claude_code's failed
    failed, result = probe(capsys, fleet)
    assert failed and result["targets"][0]["failure"]["kind"] == "early_exit"
    assert result["targets"][1]["reused"] is True


def test_check_mode_reuses_but_keeps_nothing(capsys, fleet):
    assert not probe(capsys, fleet, check_mode=True)[0]
    assert not (fleet / "state/probes.json").exists()


def test_a_state_directory_others_can_write_is_refused(capsys, fleet):
    os.chmod(str(fleet / "state"), 0o777)
    failed, result = probe(capsys, fleet)
    assert failed
    assert "must be a directory that only uid %d can write" % os.geteuid() in result["msg"]
    assert not (fleet / "starts").exists()
