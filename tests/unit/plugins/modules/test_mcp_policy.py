# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""mcp_policy end to end: root-owned 0644 file in a directory only root writes, check mode and
diff, idempotence, a bad file left as it was, and refused clients."""

import json
import os

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mcpfleet.mcp.plugins.modules import mcp_policy

ARGV = ["/opt/sentry/bin/sentry-mcp-stdio", "--host=sentry.example.com"]


def run(capsys, check=False, diff=False, **args):
    with patch_module_args(dict(args, _ansible_check_mode=check, _ansible_diff=diff)), pytest.raises(SystemExit):
        mcp_policy.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def policy_path(open_tmp):
    return os.path.join(open_tmp, "claude-code", "managed-settings.json")


def sentry(path, **more):
    return dict(dict(client="claude_code", name="sentry", command=ARGV[0], args=ARGV[1:], path=path), **more)


def test_check_mode_reports_the_change_and_writes_nothing(capsys, policy_path):
    result = run(capsys, check=True, diff=True, **sentry(policy_path, exclusive=True))
    assert result["changed"] is True
    assert json.loads(result["diff"]["after"]) == {"allowedMcpServers": [{"serverCommand": ARGV}]}
    assert not os.path.exists(os.path.dirname(policy_path))


def test_the_policy_is_root_owned_and_a_rerun_changes_nothing(capsys, policy_path):
    assert run(capsys, **sentry(policy_path, exclusive=True))["changed"] is True
    info, parent = os.stat(policy_path), os.stat(os.path.dirname(policy_path))
    assert (info.st_uid, info.st_gid, info.st_mode & 0o7777) == (0, 0, 0o644)
    assert (parent.st_uid, parent.st_mode & 0o7777) == (0, 0o755)
    stamp = os.stat(policy_path).st_mtime_ns
    again = run(capsys, **sentry(policy_path))
    assert again["changed"] is False and again["policy"]["exclusive"] is True
    assert os.stat(policy_path).st_mtime_ns == stamp


def test_a_writable_file_or_directory_is_made_root_only_again(capsys, policy_path):
    run(capsys, **sentry(policy_path, exclusive=True))
    os.chmod(policy_path, 0o666)
    os.chmod(os.path.dirname(policy_path), 0o777)
    assert run(capsys, **sentry(policy_path))["changed"] is True
    assert os.stat(policy_path).st_mode & 0o7777 == 0o644
    assert os.stat(os.path.dirname(policy_path)).st_mode & 0o7777 == 0o755


def test_a_file_that_does_not_parse_is_left_as_it_was(capsys, policy_path):
    os.makedirs(os.path.dirname(policy_path))
    with open(policy_path, "w") as handle:
        handle.write('{"env": {"TOKEN": "abc123secret"},\n  oops}\n')
    result = run(capsys, **sentry(policy_path, exclusive=True))
    assert result["failed"] is True and "line 2" in result["msg"]
    assert "abc123secret" not in result["msg"]
    with open(policy_path) as handle:
        assert handle.read() == '{"env": {"TOKEN": "abc123secret"},\n  oops}\n'


def test_a_client_without_a_policy_is_refused(capsys, open_tmp):
    result = run(capsys, client="copilot_cli", name="sentry", path=os.path.join(open_tmp, "x.json"), exclusive=True)
    assert result["failed"] is True and "no administrator MCP policy" in result["msg"]
    assert os.listdir(open_tmp) == []


def test_an_allow_rule_without_allow_only_mode_fails_and_creates_nothing(capsys, policy_path):
    result = run(capsys, **sentry(policy_path))
    assert result["failed"] is True and "set exclusive=true" in result["msg"]
    assert not os.path.exists(os.path.dirname(policy_path))


def test_removing_from_no_policy_changes_nothing(capsys, policy_path):
    result = run(capsys, **sentry(policy_path, state="absent"))
    assert result["changed"] is False and result["policy"] == {"exclusive": False, "allow": [], "deny": []}
    assert not os.path.exists(os.path.dirname(policy_path))


def test_a_link_or_a_directory_someone_else_owns_is_refused(capsys, policy_path):
    # Root never follows a path another user could have planted: nothing is read or changed.
    directory = os.path.dirname(policy_path)
    os.makedirs(directory)
    target = os.path.join(os.path.dirname(directory), "elsewhere")
    with open(target, "w") as handle:
        handle.write("{}")
    os.chmod(target, 0o600)
    os.symlink(target, policy_path)
    result = run(capsys, **sentry(policy_path, exclusive=True))
    assert result["failed"] is True and "link is not followed" in result["msg"]
    assert os.stat(target).st_mode & 0o7777 == 0o600 and os.path.islink(policy_path)
    os.unlink(policy_path)
    os.chown(directory, 65534, 65534)
    result = run(capsys, **sentry(policy_path, exclusive=True))
    assert result["failed"] is True and "not owned by root" in result["msg"]
    assert not os.path.exists(policy_path) and os.stat(directory).st_uid == 65534


def test_launches_and_join_through_the_module(capsys, policy_path):
    launches = [{"command": ARGV[0], "args": ARGV[1:]}, {"command": ARGV[0]}]
    joined = run(capsys, client="claude_code", name="sentry", launches=launches, join=True, path=policy_path)
    assert joined["changed"] is False and not os.path.exists(os.path.dirname(policy_path))
    result = run(capsys, client="claude_code", name="sentry", launches=launches, exclusive=True, path=policy_path)
    assert result["policy"]["allow"] == [{"serverCommand": ARGV}, {"serverCommand": ARGV[:1]}]
    assert run(capsys, client="claude_code", name="sentry", launches=launches, join=True, path=policy_path)["changed"] is False
    both = run(capsys, client="claude_code", name="sentry", launches=launches, command=ARGV[0], path=policy_path)
    assert both["failed"] is True and "mutually exclusive" in both["msg"]
