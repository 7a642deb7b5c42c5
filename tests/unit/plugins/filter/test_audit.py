# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet audit's filters: mcp_server_info results of many hosts into one report and Markdown."""

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.mcpfleet.mcp.plugins.filter import audit


def server(name, package=None, command="npx", transport="stdio", version=None, secrets=()):
    return dict(name=name, transport=transport, command=command, package=package, version=version,
                runner="npx" if package else None, secrets=list(secrets))


def finding(kind, user, client, server_name, detail="d"):
    return dict(kind=kind, user=user, client=client, path="/home/%s/%s.json" % (user, client), server=server_name,
                detail=detail)


def file_item(user, client, servers=(), findings=(), exists=True):
    return dict(client=client, path="/home/%s/%s.json" % (user, client), exists=exists, owner=user if exists else None,
                mode="0600" if exists else None, parse_error=None, servers=list(servers), findings=list(findings))


LITERAL = dict(where="args", name="--access-token", held="literal")
RESULTS = [
    {"host": "dev-01", "users": [
        {"user": "alice", "error": None, "files": [
            file_item("alice", "amazonq", [server("Sentry", "@sentry/mcp-server", version="latest", secrets=[LITERAL])],
                      [finding("literal_secret", "alice", "amazonq", "Sentry"),
                       finding("secret_on_command_line", "alice", "amazonq", "Sentry"),
                       finding("unpinned_package", "alice", "amazonq", "Sentry", "npx runs a|b\nc")]),
            file_item("alice", "cursor", exists=False)]},
        {"user": "root", "error": None, "files": [file_item("root", "amazonq", exists=False)]},
    ]},
    {"host": "dev-02", "users": [
        {"user": "bob", "error": None, "files": [
            file_item("bob", "code_server", [server("sentry", "@sentry/mcp-server", version="0.39.0"),
                                             server("local", command="/opt/x/bin/x-mcp"),
                                             server("remote", command=None, transport="http")])]},
        {"user": "carol", "error": "the work done as carol did not finish within 60.0s", "files": []},
    ]},
]


def test_the_report_counts_per_package_and_kind_and_lists_every_row():
    report = audit.audit_report(RESULTS, ["dev-01", "dev-02", "dev-03"])
    assert report["summary"] == {
        "hosts": 2, "hosts_not_audited": 1, "users": 2, "servers": 4,
        "servers_by_package": {"(http)": 1, "/opt/x/bin/x-mcp": 1, "@sentry/mcp-server": 2},
        "findings_by_kind": {"literal_secret": 1, "secret_on_command_line": 1, "unpinned_package": 1,
                             "readable_secret_file": 0, "unparsable_file": 0, "blocked_by_policy": 0,
                             "missing_policy": 0},
    }
    assert [(row["host"], row["audited"], row["users"], row["files"], row["servers"], row["findings"]) for row in report["hosts"]] == [
        ("dev-01", True, 1, 1, 1, 3), ("dev-02", True, 1, 1, 3, 0), ("dev-03", False, 0, 0, 0, 0)]
    assert report["hosts"][1]["errors"] == ["carol: the work done as carol did not finish within 60.0s"]
    assert report["hosts"][2]["errors"][0].startswith("not audited")
    first = report["servers"][0]
    assert (first["host"], first["user"], first["client"], first["server"], first["launch"], first["version"]) == (
        "dev-01", "alice", "amazonq", "Sentry", "@sentry/mcp-server", "latest")
    assert "name" not in first
    assert [(f["host"], f["kind"]) for f in report["findings"]] == [
        ("dev-01", "literal_secret"), ("dev-01", "secret_on_command_line"), ("dev-01", "unpinned_package")]


def policy(client, exists, exclusive=False, allow=(), error=None):
    return dict(client=client, path="/etc/%s/settings.json" % client, exists=exists, exclusive=exclusive,
                allow=list(allow), deny=[], error=error)


def test_a_host_without_the_policy_other_hosts_enforce_is_a_finding():
    results = [
        {"host": "dev-01", "users": [],
         "policies": [policy("claude_code", True, True, [{"serverName": "sentry"}]), policy("gemini_cli", False)]},
        {"host": "dev-02", "users": [], "policies": [policy("claude_code", False), policy("gemini_cli", False)]},
        {"host": "dev-03", "users": [],
         "policies": [policy("claude_code", False, error="/etc/claude-code is not owned by root"), policy("gemini_cli", False)]},
    ]
    report = audit.audit_report(results)
    # Only dev-02 lacks Claude Code's policy; nobody has Gemini's; dev-03's could not be read (its error says why).
    assert [(f["host"], f["client"], f["kind"]) for f in report["findings"]] == [("dev-02", "claude_code", "missing_policy")]
    assert "1 other hosts enforce one" in report["findings"][0]["detail"]
    assert [row["findings"] for row in report["hosts"]] == [0, 1, 0]
    assert report["summary"]["findings_by_kind"]["missing_policy"] == 1
    assert [(row["host"], row["client"], row["exists"], row["exclusive"], row["allowed"]) for row in report["policies"]][:2] == [
        ("dev-01", "claude_code", True, True, 1), ("dev-01", "gemini_cli", False, False, 0)]
    markdown = audit.audit_markdown(report)
    assert "## Administrator policies" in markdown
    assert "| dev-03 | claude_code | error: /etc/claude-code is not owned by root | no | 0 | 0 |" in markdown


def test_no_results_is_an_empty_report():
    report = audit.audit_report([])
    assert report["summary"]["hosts"] == 0 and report["servers"] == [] and report["findings"] == []
    assert set(report["summary"]["findings_by_kind"].values()) == {0}


@pytest.mark.parametrize("results", [[{"users": []}], ["dev-01"]])
def test_an_item_without_a_host_is_refused(results):
    with pytest.raises(AnsibleFilterError, match="every item needs a host"):
        audit.audit_report(results)


def test_the_markdown_has_the_summary_first_then_the_servers_and_the_findings():
    text = audit.audit_markdown(audit.audit_report(RESULTS, ["dev-01", "dev-02", "dev-03"]), title="Audit")
    lines = text.splitlines()
    assert lines[0] == "# Audit" and text.endswith("\n")
    assert lines[2] == "2 hosts audited (1 not), 2 users with MCP client files, 4 servers."
    assert lines[4] == ("Findings: 1 literal_secret, 1 secret_on_command_line, 1 unpinned_package, "
                        "0 readable_secret_file, 0 unparsable_file, 0 blocked_by_policy, 0 missing_policy.")
    assert lines.index("## Servers") < lines.index("## Findings")
    assert "| dev-01 | alice | amazonq | Sentry | stdio | @sentry/mcp-server | latest | literal args --access-token |" \
           " /home/alice/amazonq.json |" in lines
    assert "| dev-02 | bob | code_server | remote | http | (http) |  |  | /home/bob/code_server.json |" in lines
    # One row per finding, whatever its detail holds.
    assert "| dev-01 | alice | amazonq | Sentry | unpinned_package | npx runs a\\|b c | /home/alice/amazonq.json |" in lines
    assert "| dev-03 | not audited: unreachable, or the audit failed (see the play output) |" in lines
    # Every table row has as many cells as its header.
    for index, line in enumerate(lines):
        if line.startswith("|---"):
            width = lines[index - 1].count(" | ")
            for row in lines[index + 1:]:
                if not row.startswith("|"):
                    break
                assert row.replace("\\|", "").count(" | ") == width, row


def test_the_filters_are_registered():
    assert sorted(audit.FilterModule().filters()) == ["audit_markdown", "audit_report"]
