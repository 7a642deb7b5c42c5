# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The roles' side of the clients' administrator policy: the launches it allows and its column
in the fleet report."""

from ansible_collections.mcpfleet.mcp.plugins.filter import rollout

LAUNCHER = "/opt/sentry-mcp/bin/sentry-mcp-stdio"
DEFAULTS = {"clients": ["code_server", "claude_code"], "token_storage": "env_file", "env": {}, "client_options": {},
            "options": {"args": ["--host=sentry.io"]}}
POLICY_COLUMN = [{"key": "policy", "title": "policy", "from": "policy"}]


def test_each_distinct_launch_of_the_present_users_once():
    users = [{"name": "alice"}, {"name": "bob", "args": ["--host=sentry.io", "--organization-slug=web"]},
             {"name": "carol", "args": None}, {"name": "dave", "state": "absent", "args": ["--old"]}]
    assert rollout.rollout_launches(users, LAUNCHER, ["--host=sentry.io"]) == [
        {"command": LAUNCHER, "args": ["--host=sentry.io"]},
        {"command": LAUNCHER, "args": ["--host=sentry.io", "--organization-slug=web"]}]
    assert rollout.rollout_launches([{"name": "dave", "state": "absent"}], LAUNCHER, []) == []


def test_the_policy_column_says_what_each_client_s_policy_does_for_the_server():
    plan = rollout.rollout_plan([{"name": "alice", "clients": ["code_server", "claude_code", "gemini_cli"]},
                                 {"name": "bob", "state": "absent", "clients": ["claude_code"]}], DEFAULTS)
    policies = [{"item": "claude_code", "client": "claude_code", "policy": {"exclusive": True}},
                {"item": "gemini_cli", "client": "gemini_cli", "policy": {"exclusive": False}}]
    rows = rollout.rollout_rows(plan, [], {}, "", "h1", POLICY_COLUMN, policies)
    assert [(row["user"], row["client"], row["policy"]) for row in rows] == [
        ("alice", "code_server", "not managed"), ("alice", "claude_code", "allowed"),
        ("alice", "gemini_cli", "open (no allow-only mode)"),
        # A removed entry has no cell, as in every column.
        ("bob", "claude_code", ""), ("bob", "code_server", "")]


def test_a_failed_policy_task_or_one_that_never_ran_shows_so():
    plan = rollout.rollout_plan([{"name": "alice", "clients": ["claude_code"]}], DEFAULTS)
    [failed] = rollout.rollout_rows(plan, [], {}, "Policy: denied", "h1", POLICY_COLUMN,
                                    [{"item": "claude_code", "failed": True, "msg": "denied"}])
    [never] = rollout.rollout_rows(plan, [], {}, "Users: denied", "h1", POLICY_COLUMN)
    assert (failed["status"], failed["policy"]) == ("failed", "failed")
    assert (never["status"], never["policy"]) == ("failed", "")
