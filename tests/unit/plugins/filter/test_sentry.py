# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Sentry layer's filters: the server's arguments and the token check."""

import json
from pathlib import Path

import pytest
import yaml

from ansible_collections.mcpfleet.mcp.plugins.filter import rollout, sentry

ROLE = Path(__file__).resolve().parents[4] / "roles" / "sentry_mcp"
PATTERN = "^sntryu_[0-9a-f]{64}$"
ALICE = "sntryu_" + "a" * 64
BOB = "sntryu_" + "b" * 64
# As the sentry_mcp role gives them to the stdio_server role's plan.
CORE_DEFAULTS = {
    "clients": ["code_server"], "token_storage": "env_file", "env": {}, "client_options": {},
    "options": {"args": [], "check_url": "", "host": "", "insecure_http": False},
}
SENTRY_DEFAULTS = {"host": "sentry.io", "insecure_http": False, "organization_slug": "", "project_slug": "", "skills": [],
                   "token_check_url": ""}
SETTINGS = {"pattern": PATTERN, "check": True, "required_scopes": ["org:read", "project:read"]}
MISSING = "HashiCorp Vault secret/sentry/{user} key token"


def plan_of(users, extra_args=()):
    return rollout.rollout_plan(sentry.sentry_users(users, SENTRY_DEFAULTS, list(extra_args)), CORE_DEFAULTS)


def test_the_sentry_options_become_arguments_and_a_check_url():
    alice, bob = plan_of([
        {"name": "alice"},
        {"name": "bob", "host": "sentry.internal:9000", "insecure_http": "yes", "organization_slug": "acme", "project_slug": "web",
         "skills": ["inspect", "triage"], "extra_args": ["--x"], "token_check_url": "http://127.0.0.1:8000/"},
    ], extra_args=["--all"])
    assert alice["args"] == ["--host=sentry.io", "--all"]
    assert alice["check_url"] == "https://sentry.io/api/0/"
    assert bob["args"] == ["--host=sentry.internal:9000", "--insecure-http", "--organization-slug=acme", "--project-slug=web",
                           "--skills=inspect,triage", "--all", "--x"]
    assert (bob["insecure_http"], bob["check_url"]) == (True, "http://127.0.0.1:8000/api/0/")
    assert "organization_slug" not in bob and "token_check_url" not in bob
    assert alice["name"] == "alice" and alice["clients"] == ["code_server"]


def test_the_users_keep_their_other_keys_and_lose_the_sentry_ones():
    users = [{"name": "alice", "token": "t", "clients": ["cline"], "extra_args": ["--x"], "host": None}]
    resolved = sentry.sentry_users(users, SENTRY_DEFAULTS)
    assert resolved == [{"name": "alice", "token": "t", "clients": ["cline"], "host": "sentry.io", "insecure_http": False,
                         "args": ["--host=sentry.io", "--x"], "check_url": "https://sentry.io/api/0/"}]
    # The input is not changed.
    assert users[0]["extra_args"] == ["--x"]


def secrets_of(plan, tokens, reads=()):
    """A host's stdio_server_secrets, as the core's plan hands them back with the sentry_mcp role's options."""
    return rollout.rollout_tokens(plan, [], "hashi_vault" if reads else "vars", tokens, list(reads), missing=MISSING,
                                  option_names=list(CORE_DEFAULTS["options"]))


def hostvars_for(tokens_by_host):
    """host -> stdio_server_secrets of hosts whose users (name -> token) all use sentry.io."""
    return dict((host, secrets_of(plan_of([{"name": name} for name in tokens]), tokens)) for host, tokens in tokens_by_host.items())


def test_each_distinct_token_is_checked_once():
    hostvars = hostvars_for({"h1": {"alice": ALICE, "bob": BOB}, "h2": {"alice": ALICE, "eve": "not-a-token"}})
    checks = sentry.sentry_token_checks(hostvars, PATTERN)
    assert checks == [{"token": ALICE, "url": "https://sentry.io/api/0/"}, {"token": BOB, "url": "https://sentry.io/api/0/"}]
    assert sentry.sentry_token_checks(hostvars, PATTERN, enabled=False) == []


def answer(status, scopes=(), email=""):
    body = {"auth": {"scopes": list(scopes)}, "user": {"email": email}} if status == 200 else {"detail": "Invalid token"}
    return {"status": status, "json": body}


@pytest.mark.parametrize("reply, ok, detail", [
    (answer(200, ["org:read", "project:read"], "alice@example.com"), True, "valid for alice@example.com"),
    (answer(200, ["org:read", "project:read"]), True, "valid"),
    (answer(200, ["org:read"]), False, "lacks scopes project:read (https://sentry.io/api/0/)"),
    ({"status": 200, "json": {"auth": None}}, False, "rejected by https://sentry.io/api/0/ (unknown, expired or revoked token)"),
    (answer(401), False, "rejected by https://sentry.io/api/0/ (unknown, expired or revoked token)"),
    ({"status": -1, "msg": "Connection refused"}, False, "token check at https://sentry.io/api/0/ failed: Connection refused"),
    ({"status": 502}, False, "token check at https://sentry.io/api/0/ failed: HTTP 502"),
])
def test_an_answer_is_judged(reply, ok, detail):
    hostvars = hostvars_for({"h1": {"alice": ALICE}})
    checks = sentry.sentry_token_checks(hostvars, PATTERN)
    status = sentry.sentry_token_status(hostvars, checks, [reply], SETTINGS)
    assert status == {"h1": {"alice": {"ok": ok, "detail": detail}}}


def test_tokens_that_are_missing_or_malformed_are_judged_without_asking():
    plan = plan_of([{"name": "alice"}, {"name": "bob"}, {"name": "carol"}, {"name": "gone", "state": "absent"}])
    reads = [{"item": "bob", "secret": {"token": "sntryu_short"}}, {"item": "carol", "msg": "permission denied"}]
    hostvars = {"h1": secrets_of(plan, {}, reads), "h2": []}
    status = sentry.sentry_token_status(hostvars, [], [], SETTINGS)
    assert status == {"h1": {
        "alice": {"ok": False, "detail": "no token for this user (HashiCorp Vault secret/sentry/alice key token)"},
        "bob": {"ok": False, "detail": "the token does not look like a Sentry User Auth Token (sentry_mcp_token_pattern)"},
        "carol": {"ok": False, "detail": "no token: HashiCorp Vault read failed: permission denied"},
    }, "h2": {}}
    unchecked = sentry.sentry_token_status(hostvars_for({"h1": {"alice": ALICE}}), [], [], dict(SETTINGS, check=False))
    assert unchecked == {"h1": {"alice": {"ok": True, "detail": "not checked"}}}


def test_no_status_holds_a_token():
    hostvars = hostvars_for({"h1": {"alice": ALICE, "bob": BOB}})
    checks = sentry.sentry_token_checks(hostvars, PATTERN)
    status = sentry.sentry_token_status(hostvars, checks, [answer(401), answer(200, ["org:read"])], SETTINGS)
    text = json.dumps(status)
    assert ALICE not in text and BOB not in text and "sntryu_" not in text


def test_the_layer_s_report_columns_show_whoami_and_the_token_check():
    layer_vars = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())
    columns = layer_vars["__sentry_mcp_report_columns"]
    plan = plan_of([{"name": "alice", "clients": ["code_server"]}])
    probes = [{"user": "alice", "client": "code_server",
               "call_result": {"structuredContent": {"user": {"id": "1", "name": "Alice Example", "email": "alice@example.test"}}}}]
    [row] = rollout.rollout_rows(plan, probes, {"alice": {"ok": True, "detail": "valid for alice@example.test"}}, "", "h1", columns)
    assert (row["whoami"], row["token_check"]) == ("Alice Example <alice@example.test>", "valid for alice@example.test")
    assert [column["title"] for column in columns] == ["whoami", "token check"]


def test_each_user_with_a_wrong_sentry_host_is_named_in_one_pass():
    users = sentry.sentry_users(
        [{"name": "alice"}, {"name": "bob", "host": "https://sentry.example.com"}, {"name": "carol", "host": "sentry.example.com/x"},
         {"name": "dave", "host": "eu.sentry.io", "insecure_http": True}, {"name": "erin", "host": "sentry.internal:9000", "insecure_http": True}],
        {"host": "sentry.io", "insecure_http": False, "organization_slug": "", "project_slug": "", "skills": [], "token_check_url": ""})
    problems = sentry.sentry_user_problems(users)
    assert [problem.split(":")[0] for problem in problems] == ["User bob", "User carol", "User dave"]
    assert 'not "https://sentry.example.com"' in problems[0] and "self-hosted Sentry only" in problems[2]
    assert sentry.sentry_user_problems(users[:1] + users[4:]) == []
