# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The policy edit: each client's own entries, servers added up by name, allow-only explicit,
removal back to the file as it was, and everything else in the file kept."""

import json
import os

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils._policy import (
    CLIENTS, PolicyError, blocked_by, client_spec, edit_policy, read_policy, summary,
)

CLAUDE, GEMINI = CLIENTS["claude_code"], CLIENTS["gemini_cli"]
SENTRY = ("/opt/sentry/bin/sentry-mcp-stdio", "--host=sentry.example.com")


def params(name="sentry", rule="allow", argv=SENTRY, url=None, exclusive=None, state="present"):
    return dict(name=name, rule=rule, command=argv[0] if argv else None, args=list(argv[1:]) if argv else None, url=url,
                exclusive=exclusive, state=state)


def test_claude_allows_a_stdio_server_by_its_exact_command_line():
    text = edit_policy(CLAUDE, None, params(exclusive=True))
    assert json.loads(text) == {"allowedMcpServers": [{"serverCommand": list(SENTRY)}]}


def test_claude_allows_a_remote_server_by_url_and_denies_by_name_and_launch():
    text = edit_policy(CLAUDE, None, params(name="docs", argv=None, url="https://mcp.example.com/*", exclusive=True))
    text = edit_policy(CLAUDE, text, params(name="rogue", rule="deny", argv=["npx", "rogue-mcp"]))
    assert json.loads(text) == {"allowedMcpServers": [{"serverUrl": "https://mcp.example.com/*"}],
                                "deniedMcpServers": [{"serverName": "rogue"}, {"serverCommand": ["npx", "rogue-mcp"]}]}


def test_gemini_lists_names_and_keeps_comments_and_other_settings():
    original = '{\n  // set by the admin\n  "ui": {"theme": "GitHub"}\n}\n'
    text = edit_policy(GEMINI, original, params(exclusive=True))
    text = edit_policy(GEMINI, text, params(name="filesystem", rule="deny"))
    assert text.startswith('{\n  // set by the admin\n  "ui": {"theme": "GitHub"},\n')
    assert '"allowed": [\n      "sentry"\n    ]' in text
    assert '"excluded": [\n      "filesystem"\n    ]' in text


@pytest.mark.parametrize("spec", [CLAUDE, GEMINI])
def test_an_allow_rule_needs_allow_only_mode_asked_for(spec):
    with pytest.raises(PolicyError, match="set exclusive=true"):
        edit_policy(spec, None, params())
    with pytest.raises(PolicyError, match="exclusive=false turns it off"):
        edit_policy(spec, None, params(exclusive=False))


@pytest.mark.parametrize("spec", [CLAUDE, GEMINI])
def test_two_rollouts_add_up_rerun_changes_nothing_and_removal_restores_the_file(spec):
    original = '{\n  "theme": "dark"\n}\n'
    one = edit_policy(spec, original, params(exclusive=True))
    both = edit_policy(spec, one, params(name="github", argv=["/opt/github/bin/github-mcp", "stdio"]))
    assert edit_policy(spec, both, params()) == both
    assert edit_policy(spec, both, params(name="github", argv=["/opt/github/bin/github-mcp", "stdio"])) == both
    allowed = json.loads(both)["allowedMcpServers"] if spec is CLAUDE else json.loads(both)["mcp"]["allowed"]
    assert len(allowed) == 2
    left = edit_policy(spec, both, params(state="absent"))
    assert edit_policy(spec, left, params(name="github", argv=["/opt/github/bin/github-mcp", "stdio"], state="absent")) == original


def test_removal_in_allow_only_mode_keeps_an_empty_allow_list():
    text = edit_policy(CLAUDE, None, params(exclusive=True))
    text = edit_policy(CLAUDE, text, params(state="absent", exclusive=True))
    assert json.loads(text) == {"allowedMcpServers": []}


def test_exclusive_false_removes_the_allow_list_and_keeps_denials():
    text = edit_policy(CLAUDE, None, params(exclusive=True))
    text = edit_policy(CLAUDE, text, params(name="rogue", rule="deny", argv=None))
    assert json.loads(edit_policy(CLAUDE, text, params(name=None, exclusive=False))) == {
        "deniedMcpServers": [{"serverName": "rogue"}]}


def test_claude_refuses_an_allowed_name_it_would_reject():
    with pytest.raises(PolicyError, match="letters, digits"):
        edit_policy(CLAUDE, None, params(name="my server", argv=None, exclusive=True))


def test_a_list_of_the_wrong_type_is_named_not_quoted():
    with pytest.raises(PolicyError) as caught:
        edit_policy(CLAUDE, '{"allowedMcpServers": "secret-value"}', params(exclusive=True))
    assert "allowedMcpServers must be a list" in str(caught.value)
    assert "secret-value" not in str(caught.value)


@pytest.mark.parametrize("client,reason", [("qwen_code", "concat"), ("cursor", "no administrator policy file")])
def test_a_client_without_an_enforceable_policy_is_refused(client, reason):
    with pytest.raises(PolicyError, match=reason):
        client_spec(client)


def claude(allow=None, deny=()):
    """A summary of a Claude Code policy file with these lists (allow None: no allow-list)."""
    document = {"deniedMcpServers": list(deny)}
    if allow is not None:
        document["allowedMcpServers"] = list(allow)
    return summary(CLAUDE, json.dumps(document))


@pytest.mark.parametrize("policy, name, argv, url, reason", [
    (claude(), "any", ["npx", "x"], None, None),
    (claude(allow=[]), "any", ["npx", "x"], None, "allowedMcpServers does not name it"),
    (claude(allow=[{"serverCommand": list(SENTRY)}]), "sentry", list(SENTRY), None, None),
    # A stdio server passes by its exact command line only, whatever its name.
    (claude(allow=[{"serverCommand": list(SENTRY)}, {"serverName": "rogue"}]), "rogue", ["npx", "rogue"], None,
     "allowedMcpServers has no serverCommand entry for what it launches"),
    (claude(allow=[{"serverCommand": list(SENTRY)}]), "sentry", list(SENTRY[:1]), None,
     "allowedMcpServers has no serverCommand entry for what it launches"),
    # Without command entries a stdio server passes by name.
    (claude(allow=[{"serverName": "docs"}]), "docs", ["npx", "docs"], None, None),
    (claude(allow=[{"serverUrl": "https://mcp.example.com/*"}]), "docs", None, "https://mcp.example.com/v1/mcp", None),
    (claude(allow=[{"serverUrl": "https://mcp.example.com/*"}]), "docs", None, "https://evil.example.org/?https://mcp.example.com/",
     "allowedMcpServers has no serverUrl entry for what it launches"),
    # A denial wins over an allowance.
    (claude(allow=[{"serverCommand": list(SENTRY)}], deny=[{"serverName": "sentry"}]), "sentry", list(SENTRY), None,
     "deniedMcpServers names it"),
    (claude(deny=[{"serverCommand": ["npx", "rogue"]}]), "other-name", ["npx", "rogue"], None, "deniedMcpServers names it"),
])
def test_claude_code_blocks_as_its_policy_says(policy, name, argv, url, reason):
    command, args = (argv[0], argv[1:]) if argv else (None, None)
    assert blocked_by("claude_code", policy, name, command, args, url) == reason


def test_gemini_blocks_by_name_and_an_empty_allow_list_restricts_nothing():
    policy = summary(GEMINI, '{"mcp": {"allowed": ["sentry"], "excluded": ["old"]}}')
    assert policy["exclusive"] is True
    assert blocked_by("gemini_cli", policy, "sentry", "/any/command") is None
    assert blocked_by("gemini_cli", policy, "rogue", "/opt/sentry/bin/sentry-mcp-stdio") == "mcp.allowed does not name it"
    assert blocked_by("gemini_cli", summary(GEMINI, '{"mcp": {"excluded": ["old"]}}'), "old") == "mcp.excluded names it"
    empty = summary(GEMINI, '{"mcp": {"allowed": []}}')
    assert empty["exclusive"] is False and blocked_by("gemini_cli", empty, "rogue", "npx") is None


def test_read_policy_reads_root_s_file_and_not_one_in_a_place_another_user_owns(tmp_path, monkeypatch):
    place = tmp_path / "etc"
    place.mkdir()
    monkeypatch.setitem(CLIENTS["claude_code"], "path", str(place / "managed-settings.json"))
    (place / "managed-settings.json").write_text('{"allowedMcpServers": [{"serverName": "a"}]}')
    report = read_policy("claude_code")
    assert report["exists"] is True and report["allow"] == [{"serverName": "a"}] and report["error"] is None
    # The unit tiers run as root (CI): the directory handed to another uid is not trusted.
    os.chown(str(place), 4242, 4242)
    report = read_policy("claude_code")
    assert report["exists"] is False and report["allow"] == [] and "is not owned by root" in report["error"]


def test_gemini_allow_only_mode_is_refused_where_its_list_would_be_empty():
    # Gemini CLI lets every server run under an empty mcp.allowed: that is never written as allow-only.
    with pytest.raises(PolicyError, match="restricts nothing with an empty mcp.allowed"):
        edit_policy(GEMINI, None, params(name=None, exclusive=True))
    text = edit_policy(GEMINI, None, params(exclusive=True))
    with pytest.raises(PolicyError, match="restricts nothing"):
        edit_policy(GEMINI, text, params(state="absent", exclusive=True))
    assert json.loads(edit_policy(GEMINI, text, params(state="absent"))) == {}


LAUNCHER = "/opt/sentry/bin/sentry-mcp-stdio"


def launches_params(*arg_lists, **more):
    launches = [{"command": LAUNCHER, "args": list(args)} for args in arg_lists]
    return dict(params(argv=None, **more), launches=launches)


def test_launches_set_the_server_s_complete_set_and_drop_its_old_ones():
    github = ["/opt/github/bin/github-mcp", "stdio"]
    text = edit_policy(CLAUDE, None, launches_params(["--host=a"], ["--host=b"], exclusive=True))
    text = edit_policy(CLAUDE, text, params(name="github", argv=github))
    # alice moved from --host=a to --host=c; --host=b stays; github is another command: untouched.
    text = edit_policy(CLAUDE, text, launches_params(["--host=b"], ["--host=c"], ["--host=b"]))
    assert json.loads(text) == {"allowedMcpServers": [
        {"serverCommand": [LAUNCHER, "--host=b"]}, {"serverCommand": github}, {"serverCommand": [LAUNCHER, "--host=c"]}]}
    assert edit_policy(CLAUDE, text, launches_params(["--host=c"], ["--host=b"])) == text


def test_removal_with_launches_takes_every_launch_of_the_command_and_leaves_other_servers():
    github = ["/opt/github/bin/github-mcp", "stdio"]
    text = edit_policy(CLAUDE, None, launches_params(["--host=a"], ["--host=b"], exclusive=True))
    text = edit_policy(CLAUDE, text, params(name="github", argv=github))
    text = edit_policy(CLAUDE, text, params(name="rogue", rule="deny", argv=[LAUNCHER, "--host=evil"]))
    left = edit_policy(CLAUDE, text, launches_params([], state="absent"))
    assert json.loads(left) == {"allowedMcpServers": [{"serverCommand": github}], "deniedMcpServers": [{"serverName": "rogue"}]}


def test_gemini_takes_launches_by_the_server_s_name():
    text = edit_policy(GEMINI, None, launches_params(["--host=a"], ["--host=b"], exclusive=True))
    assert json.loads(text) == {"mcp": {"allowed": ["sentry"]}}
    assert json.loads(edit_policy(GEMINI, text, launches_params([], state="absent"))) == {}


def test_launches_may_not_be_empty():
    with pytest.raises(PolicyError, match="at least one launch"):
        edit_policy(CLAUDE, None, dict(params(argv=None, exclusive=True), launches=[]))


@pytest.mark.parametrize("spec", [CLAUDE, GEMINI])
def test_join_adds_to_allow_only_mode_and_never_turns_it_on(spec):
    original = '{\n  "theme": "dark"\n}\n'
    assert edit_policy(spec, original, dict(params(), join=True)) == original
    assert edit_policy(spec, None, dict(params(), join=True)) is None
    github = edit_policy(spec, original, params(name="github", argv=["/opt/github/bin/github-mcp", "stdio"], exclusive=True))
    both = edit_policy(spec, github, dict(params(), join=True))
    assert summary(spec, both)["exclusive"] and len(summary(spec, both)["allow"]) == 2
    assert edit_policy(spec, both, dict(params(), join=True)) == both


def test_gemini_s_empty_allow_list_is_no_allow_only_mode_to_join():
    original = '{"mcp": {"allowed": []}}\n'
    assert edit_policy(GEMINI, original, dict(params(), join=True)) == original


@pytest.mark.parametrize("more", [{"exclusive": True}, {"exclusive": False}, {"rule": "deny"}])
def test_join_takes_neither_exclusive_nor_a_denial(more):
    with pytest.raises(PolicyError, match="join adds"):
        edit_policy(CLAUDE, None, dict(params(**more), join=True))
