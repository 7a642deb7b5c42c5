"""The Sentry API double answers like Sentry (tests/doubles/README.md lists the contract)."""

import json
import os
import signal
import time

import pytest

from sentry_api import SentryHandler, validate_tokens

# Made-up tokens in the User Auth Token shape (sntryu_ + 64 hex).
ALICE = "sntryu_" + "0" * 60 + "a11c"
BOB = "sntryu_" + "0" * 61 + "b0b"
CAROL = "sntryu_" + "0" * 59 + "ca401"
UNKNOWN = "sntryu_" + "0" * 60 + "dead"
ALL_SCOPES = ["org:read", "project:read", "project:write", "team:read", "team:write", "event:write"]


def tokens():
    return {
        ALICE: {
            "user": {"id": "101", "name": "Alice Example", "email": "alice@example.test", "username": "alice"},
            "scopes": ALL_SCOPES,
            "organizations": [{"id": "1", "slug": "acme", "name": "Acme"}, {"id": "2", "slug": "umbrella", "name": "Umbrella Corp"}],
            "projects": {"acme": [{"id": "11", "slug": "web", "name": "Web", "platform": "python"},
                                  {"id": "12", "slug": "api", "name": "API", "platform": "node"}]},
        },
        # A token without org:read / project:read: the MCP server does not check scopes itself.
        BOB: {
            "user": {"id": "102", "name": "Bob Example", "email": "bob@example.test"},
            "scopes": ["event:write"],
            "organizations": [{"id": "1", "slug": "acme", "name": "Acme"}],
        },
        CAROL: {
            "user": {"id": "103", "name": "Carol Example", "email": "carol@example.test"},
            "scopes": ALL_SCOPES,
            "revoked": True,
        },
    }


def bearer(token):
    return {"Authorization": "Bearer %s" % token}


@pytest.fixture
def sentry(start_double):
    server, path = start_double(SentryHandler, tokens(), validate_tokens)
    server.tokens_path = path
    return server


@pytest.mark.parametrize("headers", [{}, bearer(UNKNOWN), bearer(CAROL), {"Authorization": "Token %s" % ALICE}])
def test_index_answers_200_with_null_auth_for_a_bad_or_missing_token(sentry, http, headers):
    assert http(sentry.url + "/api/0/", headers)[::2] == (200, {"version": "0", "auth": None, "user": None})


def test_index_shows_scopes_and_user_for_a_good_token(sentry, http):
    status, body = http(sentry.url + "/api/0/", bearer(ALICE))[::2]
    assert status == 200
    assert body["version"] == "0"
    assert body["auth"] == {"scopes": ALL_SCOPES}
    assert {key: body["user"][key] for key in ("id", "name", "email", "username")} == {
        "id": "101", "name": "Alice Example", "email": "alice@example.test", "username": "alice"}


def test_auth_returns_the_tokens_user(sentry, http):
    status, headers, body = http(sentry.url + "/api/0/auth/", bearer(BOB))
    assert (status, headers["Content-Type"]) == (200, "application/json")
    assert (body["id"], body["name"], body["email"], body["username"]) == ("102", "Bob Example", "bob@example.test", "bob@example.test")
    # DetailedSelfUserSerializer keys, absent from the index's plain user.
    assert "options" in body and "options" not in http(sentry.url + "/api/0/", bearer(BOB))[2]["user"]


@pytest.mark.parametrize("path", ["/api/0/auth/", "/api/0/organizations/", "/api/0/organizations/acme/projects/"])
@pytest.mark.parametrize("headers, detail", [
    (bearer(UNKNOWN), "Invalid token"),
    (bearer(CAROL), "Invalid token"),
    ({}, "Authentication credentials were not provided."),
])
def test_authenticated_routes_answer_401(sentry, http, path, headers, detail):
    assert http(sentry.url + path, headers)[::2] == (401, {"detail": detail})


def test_organizations_list_the_tokens_orgs(sentry, http):
    status, body = http(sentry.url + "/api/0/organizations/?per_page=26", bearer(ALICE))[::2]
    assert status == 200
    assert [(org["id"], org["slug"], org["name"]) for org in body] == [("1", "acme", "Acme"), ("2", "umbrella", "Umbrella Corp")]
    # Self-hosted shape: an organization URL on the host asked, no region.
    assert body[0]["links"] == {"organizationUrl": sentry.url + "/organizations/acme/", "regionUrl": ""}


def test_organizations_paginate_like_sentry(sentry, http):
    status, headers, body = http(sentry.url + "/api/0/organizations/?per_page=1", bearer(ALICE))
    assert (status, [org["slug"] for org in body]) == (200, ["acme"])
    links = headers["Link"]
    assert 'rel="previous"; results="false"; cursor="1:0:1"' in links
    assert 'rel="next"; results="true"; cursor="1:1:0"' in links
    status, headers, body = http(sentry.url + "/api/0/organizations/?per_page=1&cursor=1:1:0", bearer(ALICE))
    assert (status, [org["slug"] for org in body]) == (200, ["umbrella"])
    assert 'rel="next"; results="false"' in headers["Link"]
    assert http(sentry.url + "/api/0/organizations/?per_page=101", bearer(ALICE))[::2] == (
        400, {"detail": "Invalid per_page value. Cannot exceed 100."})


def test_organizations_filter_on_query(sentry, http):
    body = http(sentry.url + "/api/0/organizations/?query=umbr", bearer(ALICE))[2]
    assert [org["slug"] for org in body] == ["umbrella"]


def test_missing_scopes_are_403(sentry, http):
    forbidden = (403, {"detail": "You do not have permission to perform this action."})
    assert http(sentry.url + "/api/0/organizations/", bearer(BOB))[::2] == forbidden
    assert http(sentry.url + "/api/0/organizations/acme/projects/", bearer(BOB))[::2] == forbidden


def test_projects_of_an_org(sentry, http):
    status, body = http(sentry.url + "/api/0/organizations/acme/projects/?per_page=26", bearer(ALICE))[::2]
    assert status == 200
    assert [(p["id"], p["slug"], p["name"], p["platform"]) for p in body] == [
        ("11", "web", "Web", "python"), ("12", "api", "API", "node")]
    assert http(sentry.url + "/api/0/organizations/umbrella/projects/", bearer(ALICE))[::2] == (200, [])
    assert http(sentry.url + "/api/0/organizations/nope/projects/", bearer(ALICE))[::2] == (
        404, {"detail": "The requested resource does not exist"})


def test_other_routes_are_404_and_writes_405(sentry, http):
    assert http(sentry.url + "/api/0/organizations/acme/issues/", bearer(ALICE))[::2] == (404, None)
    status, body = http(sentry.url + "/api/0/auth", bearer(ALICE))[::2]
    assert status == 404 and "did you forget a trailing slash" in body
    assert http(sentry.url + "/api/0/organizations/", bearer(ALICE), method="POST")[::2] == (
        405, {"detail": 'Method "POST" not allowed.'})


def test_rotation_is_seen_without_a_restart(sentry, http):
    data = tokens()
    new = "sntryu_" + "0" * 60 + "a12c"
    data[new] = data.pop(ALICE)
    tmp = sentry.tokens_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(tmp, sentry.tokens_path)
    assert http(sentry.url + "/api/0/auth/", bearer(ALICE))[0] == 401
    assert http(sentry.url + "/api/0/auth/", bearer(new))[2]["email"] == "alice@example.test"


def test_request_log_names_users_never_tokens(sentry, http):
    http(sentry.url + "/api/0/auth/", bearer(ALICE))
    http(sentry.url + "/api/0/?x=1", bearer(UNKNOWN))
    http(sentry.url + "/api/0/auth/", bearer(CAROL))
    status, log = http(sentry.url + "/_double/requests")[::2]
    assert status == 200
    assert [(e["path"], e["query"], e["status"], e["auth"]) for e in log] == [
        ("/api/0/auth/", "", 200, "user:alice"), ("/api/0/", "x=1", 200, "invalid"), ("/api/0/auth/", "", 401, "revoked")]
    for token in (ALICE, UNKNOWN, CAROL):
        assert token not in json.dumps(log)
    assert http(sentry.url + "/_double/requests")[2] == log


def test_malformed_tokens_are_refused():
    with pytest.raises(ValueError, match="user.id"):
        validate_tokens({ALICE: {"user": {"name": "x"}}})
    with pytest.raises(ValueError, match="object"):
        validate_tokens([])


def _wait_for(predicate, timeout=5):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_cli_reads_tokens_from_env_and_logs_no_secret(start_double_cli, http):
    env = dict(os.environ, SENTRY_DOUBLE_TOKENS=json.dumps(tokens()))
    proc, url, log = start_double_cli("sentry_api.py", [], env)
    assert http(url + "/api/0/auth/", bearer(ALICE))[2]["name"] == "Alice Example"
    assert http(url + "/api/0/auth/", bearer(UNKNOWN))[0] == 401
    proc.terminate()
    assert proc.wait(5) == 0
    with open(log, encoding="utf-8") as handle:
        text = handle.read()
    assert '"GET /api/0/auth/ HTTP/1.1" 200 auth=user:alice' in text
    assert '"GET /api/0/auth/ HTTP/1.1" 401 auth=invalid' in text
    assert ALICE not in text and UNKNOWN not in text


def test_cli_reloads_on_sighup(start_double_cli, http, tmp_path):
    path = str(tmp_path / "tokens.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(tokens(), handle)
    proc, url = start_double_cli("sentry_api.py", ["--tokens", path])[:2]
    assert http(url + "/api/0/auth/", bearer(ALICE))[0] == 200
    # Same size, same inode, same mtime: only SIGHUP can make the double notice.
    stat = os.stat(path)
    with open(path, "r+", encoding="utf-8") as handle:
        text = handle.read().replace(ALICE, UNKNOWN)
        handle.seek(0)
        handle.write(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert http(url + "/api/0/auth/", bearer(ALICE))[0] == 200
    proc.send_signal(signal.SIGHUP)
    _wait_for(lambda: http(url + "/api/0/auth/", bearer(ALICE))[0] == 401)
    assert http(url + "/api/0/auth/", bearer(UNKNOWN))[0] == 200


def test_cli_refuses_to_start_without_tokens(start_double_cli):
    env = {key: value for key, value in os.environ.items() if key != "SENTRY_DOUBLE_TOKENS"}
    with pytest.raises(AssertionError, match="--tokens or \\$SENTRY_DOUBLE_TOKENS is required"):
        start_double_cli("sentry_api.py", [], env)
