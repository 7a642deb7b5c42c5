# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The generic rollout core's filters: plan, tokens, users' config, secret checks, report rows."""

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.mcpfleet.mcp.plugins.filter import rollout

DEFAULTS = {
    "clients": ["code_server", "amazonq"],
    "token_storage": "env_file",
    "env": {"SENTRY_ENVIRONMENT": "dev"},
    "client_options": {"code_server": {"user_data_dir": "~/.cs"}},
    "options": {"host": "sentry.io", "skills": []},
}


def test_the_plan_resolves_every_option_per_user():
    users = [
        {"name": "alice"},
        {"name": "bob", "clients": ["cline"], "host": "sentry.internal", "token_storage": "inline", "token": "t",
         "env": {"SENTRY_RELEASE": "1"}, "client_options": {"code_server": {"path": "/x"}}},
        {"name": "carol", "state": "absent", "clients": ["cursor"]},
        {"name": "dave", "host": None},
    ]
    plan = rollout.rollout_plan(users, DEFAULTS)
    assert [item["name"] for item in plan] == ["alice", "bob", "carol", "dave"]
    alice, bob, carol, dave = plan
    assert alice == {"name": "alice", "state": "present", "clients": ["code_server", "amazonq"], "token_storage": "env_file",
                     "env_names": ["SENTRY_ENVIRONMENT"], "client_options": {"code_server": {"user_data_dir": "~/.cs"}},
                     "own_token": False, "host": "sentry.io", "skills": []}
    assert (bob["clients"], bob["host"], bob["token_storage"], bob["own_token"]) == (["cline"], "sentry.internal", "inline", True)
    assert bob["env_names"] == ["SENTRY_ENVIRONMENT", "SENTRY_RELEASE"]
    # Client options merge per key with the role-wide ones.
    assert bob["client_options"] == {"code_server": {"user_data_dir": "~/.cs", "path": "/x"}}
    # Removal also cleans the default clients, where an earlier run may have written.
    assert (carol["state"], carol["clients"]) == ("absent", ["cursor", "code_server", "amazonq"])
    # null means "not set": the role-wide default.
    assert dave["host"] == "sentry.io"
    assert "token" not in repr(plan).replace("token_storage", "").replace("own_token", "")


class LazyMapping(dict):
    """Stands in for a template's lazy container: copying it would copy the play's variables."""

    def __deepcopy__(self, memo):
        raise AssertionError("a lazy container was deep-copied")


def test_the_plan_copies_no_container_it_was_given():
    defaults = dict(DEFAULTS, client_options=LazyMapping(code_server=LazyMapping(user_data_dir="~/.cs")))
    users = [{"name": "dev%03d" % index, "client_options": LazyMapping(amazonq=LazyMapping(path="/q"))} for index in range(3)]
    plan = rollout.rollout_plan(users, defaults)
    assert plan[2]["client_options"] == {"code_server": {"user_data_dir": "~/.cs"}, "amazonq": {"path": "/q"}}
    assert not any(isinstance(item["client_options"]["code_server"], LazyMapping) for item in plan)


def test_each_user_s_wrong_options_are_named_in_one_pass():
    plan = rollout.rollout_plan([{"name": "alice"}, {"name": "bob", "env": {"HOME": "/x", "SENTRY_RELEASE": "1"}}, {"name": "carol", "clients": []}],
                                DEFAULTS)
    assert rollout.rollout_plan_problems(plan, ["SENTRY_ENVIRONMENT", "SENTRY_RELEASE"]) == [
        "User bob: environment variables must be in the allow-list (not allowed: HOME)", "User carol: at least one client"]
    assert rollout.rollout_plan_problems(plan[:1], ["SENTRY_ENVIRONMENT"]) == []


@pytest.mark.parametrize("only, names", [
    ("bob, carol", ["bob", "carol"]), (["alice"], ["alice"]), ("", ["alice", "bob", "carol"]), (None, ["alice", "bob", "carol"])])
def test_only_users_limits_the_plan(only, names):
    users = [{"name": "alice"}, {"name": "bob"}, {"name": "carol"}]
    assert [item["name"] for item in rollout.rollout_plan(users, DEFAULTS, only)] == names


def test_state_absent_removes_every_user():
    plan = rollout.rollout_plan([{"name": "alice", "state": "present"}], DEFAULTS, state="absent")
    assert plan[0]["state"] == "absent"


@pytest.mark.parametrize("users, defaults, message", [
    ([{"clients": []}], DEFAULTS, "every user needs a name"),
    (["alice"], DEFAULTS, "every user needs a name"),
    ([{"name": "a"}], {"clients": []}, "defaults has no 'token_storage'"),
])
def test_the_plan_refuses_bad_input(users, defaults, message):
    with pytest.raises(AnsibleFilterError, match=message):
        rollout.rollout_plan(users, defaults)


def test_tokens_come_from_the_user_the_vars_or_the_vault():
    users = [{"name": "alice", "token": " own \n"}, {"name": "bob"}, {"name": "carol"}, {"name": "gone", "state": "absent"}]
    plan = rollout.rollout_plan(users, DEFAULTS)
    by_vars = rollout.rollout_tokens(plan, users, "vars", {"bob": "from-vars", "gone": "x"}, missing="tokens/{user}")
    assert by_vars == [{"name": "alice", "secret": "own", "problem": ""}, {"name": "bob", "secret": "from-vars", "problem": ""},
                       {"name": "carol", "secret": "", "problem": "no token for this user (tokens/carol)"}]
    reads = [
        {"ansible_loop_var": "__n", "__n": "bob", "secret": {"token": "from-vault", "other": "x"}},
        {"ansible_loop_var": "__n", "__n": "carol", "failed": True, "msg": "permission denied"},
    ]
    by_vault = dict((entry["name"], entry) for entry in rollout.rollout_tokens(plan, users, "hashi_vault", {}, reads, "token"))
    assert by_vault["alice"] == {"name": "alice", "secret": "own", "problem": ""}
    assert by_vault["bob"] == {"name": "bob", "secret": "from-vault", "problem": ""}
    assert by_vault["carol"] == {"name": "carol", "secret": "", "problem": "no token: HashiCorp Vault read failed: permission denied"}


def test_secrets_carry_the_plan_options_a_layer_names():
    plan = rollout.rollout_plan([{"name": "alice", "host": "sentry.internal"}], DEFAULTS)
    [entry] = rollout.rollout_tokens(plan, [{"name": "alice"}], "vars", {"alice": "s3cret"}, option_names=["host"])
    assert entry == {"name": "alice", "secret": "s3cret", "problem": "", "host": "sentry.internal"}


SETTINGS = {"name": "sentry", "launcher": "/opt/sentry-mcp/bin/sentry-mcp-stdio", "env_file": ".config/sentry-mcp/env",
            "env_file_variable": "SENTRY_MCP_ENV_FILE", "secret_env": "SENTRY_ACCESS_TOKEN", "env": {"MCP_DISABLE_SKILLS": "x"},
            "users": [{"name": "bob", "env": {"EXTRA": "1"}}], "ca_path": "", "supersedes": [], "header": ["Managed"]}
ACCOUNTS = {"alice": {"uid": 1001, "gid": 1001, "home": "/home/alice"}, "bob": {"uid": 1002, "gid": 1002, "home": "/home/bob"},
            "carol": {"uid": 1003, "gid": 1003, "home": "/home/carol"}}
# The core's plan: the server's arguments are a per-user option.
CORE_DEFAULTS = dict(DEFAULTS, options={"args": []})


def test_user_config_puts_the_secret_in_the_env_file_and_points_the_entries_at_it():
    plan = rollout.rollout_plan([{"name": "alice", "args": ["--host=s.example"]}, {"name": "ghost"}], CORE_DEFAULTS)
    users = rollout.rollout_user_config(plan, ACCOUNTS, [{"name": "alice", "secret": "T0KEN", "problem": ""}], SETTINGS)
    assert [user["user"] for user in users] == ["alice"]  # no account: nothing to write
    assert users[0]["env_file"] == {"path": ".config/sentry-mcp/env", "state": "present", "header": ["Managed"],
                                    "env": {"MCP_DISABLE_SKILLS": "x", "SENTRY_ACCESS_TOKEN": "T0KEN"}}
    assert [entry["client"] for entry in users[0]["entries"]] == ["code_server", "amazonq"]
    entry = users[0]["entries"][1]
    assert entry == {"client": "amazonq", "name": "sentry", "state": "present", "command": SETTINGS["launcher"],
                     "args": ["--host=s.example"], "env": {"SENTRY_MCP_ENV_FILE": "/home/alice/.config/sentry-mcp/env"}}
    assert users[0]["entries"][0]["user_data_dir"] == "~/.cs"  # where the entry lives comes along
    assert "T0KEN" not in repr(users[0]["entries"]) and "env" not in users[0] and "known_secrets" not in users[0]


def test_user_config_inline_tokens_live_in_0600_files_and_adoption_knows_the_secret():
    settings = dict(SETTINGS, ca_path="/opt/sentry-mcp/ca-bundle.pem", supersedes=[{"package": "@sentry/mcp-server"}])
    plan = rollout.rollout_plan([{"name": "bob", "token_storage": "inline"}], CORE_DEFAULTS)
    users = rollout.rollout_user_config(plan, ACCOUNTS, [{"name": "bob", "secret": "B0B", "problem": ""}], settings)
    assert users[0]["env_file"] == {"path": ".config/sentry-mcp/env", "state": "absent"}
    entry = users[0]["entries"][0]
    assert entry["mode"] == "0600" and "env" not in entry and entry["supersedes"] == settings["supersedes"]
    assert "B0B" not in repr(users[0]["entries"])  # secrets go beside the entries, where the module masks them
    assert users[0]["known_secrets"] == ["B0B"]
    assert users[0]["env"] == {"MCP_DISABLE_SKILLS": "x", "EXTRA": "1", "NODE_EXTRA_CA_CERTS": "/opt/sentry-mcp/ca-bundle.pem",
                               "SENTRY_ACCESS_TOKEN": "B0B"}


def test_user_config_removes_entries_and_the_env_file_of_absent_users():
    plan = rollout.rollout_plan([{"name": "carol", "state": "absent"}], CORE_DEFAULTS)
    users = rollout.rollout_user_config(plan, ACCOUNTS, [], SETTINGS)
    assert users[0]["env_file"]["state"] == "absent"
    assert [(entry["client"], entry["state"], "command" in entry) for entry in users[0]["entries"]] == [
        ("code_server", "absent", False), ("amazonq", "absent", False)]


def test_entries_carry_only_the_client_options_that_say_where_they_live():
    options = {"amazonq": {"path": "~/q.json", "editor": None, "timeout": 60}}
    plan = rollout.rollout_plan([{"name": "alice", "client_options": options},
                                 {"name": "carol", "state": "absent", "client_options": options}], CORE_DEFAULTS)
    users = rollout.rollout_user_config(plan, ACCOUNTS, [{"name": "alice", "secret": "T0KEN", "problem": ""}], SETTINGS)
    for user in users:
        code_server, amazonq = user["entries"]
        assert code_server["user_data_dir"] == "~/.cs"
        # A removal looks where the entry lives, too; an unset (null) option and any other key stay behind.
        assert amazonq["path"] == "~/q.json" and "editor" not in amazonq and "timeout" not in amazonq


# A layer's report columns, as stdio_server_report_columns gives them.
COLUMNS = [{"key": "who", "title": "who", "from": "call", "format": "{user[name]} <{user[email]}>"},
           {"key": "check", "title": "check", "from": "secret_check"}]


def test_secret_status_names_every_user_without_a_secret():
    plan = rollout.rollout_plan([{"name": "alice"}, {"name": "bob"}, {"name": "carol"}, {"name": "gone", "state": "absent"}], DEFAULTS)
    reads = [{"item": "alice", "secret": {"token": "s3cret"}}, {"item": "carol", "msg": "permission denied"}]
    secrets = rollout.rollout_tokens(plan, [{"name": "alice"}], "hashi_vault", {}, reads, missing="vault kv/{user}")
    status = rollout.secret_status({"h1": secrets, "h2": []})
    assert status == {"h1": {
        "alice": {"ok": True, "detail": "present"},
        "bob": {"ok": False, "detail": "no token for this user (vault kv/bob)"},
        "carol": {"ok": False, "detail": "no token: HashiCorp Vault read failed: permission denied"},
    }, "h2": {}}
    assert "s3cret" not in repr(status)


def test_token_problems_group_hosts_by_user_and_reason():
    status = {"h1": {"alice": {"ok": False, "detail": "rejected"}, "bob": {"ok": True, "detail": "valid"}},
              "h2": {"alice": {"ok": False, "detail": "rejected"}}}
    assert rollout.token_problems(status) == {"alice: rejected": ["h1", "h2"]}


def test_rows_give_every_user_and_client_a_status():
    plan = rollout.rollout_plan([{"name": "alice"}, {"name": "bob", "state": "absent", "clients": []}], DEFAULTS)
    probes = [
        {"user": "alice", "client": "code_server", "server_info": {"version": "0.39.0"}, "tools": ["a"], "ready_ms": 700,
         "call_result": {"structuredContent": {"user": {"name": "Alice", "email": "a@x"}}}},
        {"user": "alice", "client": "amazonq", "failed": True, "msg": "early exit"},
    ]
    rows = rollout.rollout_rows(plan, probes, {"alice": {"ok": True, "detail": "valid"}}, "", "h1", COLUMNS)
    assert [(row["user"], row["client"], row["status"], row["reason"]) for row in rows] == [
        ("alice", "code_server", "ok", ""), ("alice", "amazonq", "failed", "early exit"),
        ("bob", "code_server", "removed", ""), ("bob", "amazonq", "removed", "")]
    assert (rows[0]["server_version"], rows[0]["tools"], rows[0]["ready_ms"], rows[0]["who"], rows[0]["check"]) == \
        ("0.39.0", ["a"], 700, "Alice <a@x>", "valid")
    # No call answer: an empty cell; a removed entry: empty columns.
    assert (rows[1]["who"], rows[1]["check"]) == ("", "valid")
    assert rows[0]["host"] == "h1" and (rows[2]["who"], rows[2]["check"]) == ("", "")


@pytest.mark.parametrize("answer", [
    {"user": {"name": "Alice"}}, {"user": "alice"}, {"user": ["a"]}, ["not", "a", "dict"], "text", None])
def test_a_call_column_is_empty_when_the_answer_lacks_a_field_of_its_format(answer):
    plan = rollout.rollout_plan([{"name": "alice", "clients": ["code_server"]}], DEFAULTS)
    probes = [{"user": "alice", "client": "code_server", "call_result": {"structuredContent": answer}}]
    [row] = rollout.rollout_rows(plan, probes, {}, "", "h1", COLUMNS)
    assert (row["status"], row["who"], row["check"]) == ("ok", "", "")


def test_without_columns_a_row_has_only_the_core_s_keys():
    plan = rollout.rollout_plan([{"name": "alice", "clients": ["code_server"]}], DEFAULTS)
    [row] = rollout.rollout_rows(plan, [], {"alice": {"ok": True, "detail": "present"}}, "", "h1")
    assert sorted(row) == ["client", "host", "managed", "ready_ms", "reason", "server_version", "state", "status", "tools", "user"]


def test_a_reused_probe_says_when_it_ran():
    plan = rollout.rollout_plan([{"name": "alice", "clients": ["code_server"]}], DEFAULTS)
    probes = [{"user": "alice", "client": "code_server", "reused": True, "probed_at": 1796342400, "tools": ["a"], "ready_ms": 700}]
    [row] = rollout.rollout_rows(plan, probes, {}, "", "h1")
    assert (row["status"], row["reason"], row["ready_ms"]) == ("ok", "unchanged since its probe at 2026-12-04T00:00:00Z", 700)


def test_rows_of_a_host_that_failed_before_the_probe():
    plan = rollout.rollout_plan([{"name": "alice"}], DEFAULTS)
    rows = rollout.rollout_rows(plan, [], {}, "Install: npm failed", "h1")
    assert [(row["status"], row["reason"]) for row in rows] == [("failed", "Install: npm failed")] * 2
    assert [row["status"] for row in rollout.rollout_rows(plan, [], {}, "", "h1")] == ["configured", "configured"]


def test_the_fleet_report_has_a_row_for_every_host():
    hostvars = {
        "h1": {"rows": [{"status": "ok"}, {"status": "failed"}], "plan": []},
        "h2": {},
        "h3": {"plan": []},
        "h4": {"plan": [{"name": "a"}], "rows": []},
    }
    report = rollout.fleet_report(hostvars, ["h1", "h2", "h3", "h4", "h5"], ["h1", "h3", "h4", "h5"], "rows", "plan")
    assert [(row.get("host"), row["status"]) for row in report["rows"]] == [
        (None, "ok"), (None, "failed"), ("h2", "unreachable"), ("h3", "no users"), ("h4", "no users"), ("h5", "pending")]
    assert report["summary"] == {"ok": 1, "failed": 1, "unreachable": 1, "no users": 2, "pending": 1}


def _user_result(user, client, superseded):
    return {"user": user, "entries": [{"client": client, "path": "/home/%s/%s.json" % (user, client), "superseded": superseded}]}


def test_a_host_without_rows_has_the_layer_s_columns_empty():
    report = rollout.fleet_report({"h1": {}}, ["h1"], [], "rows", "plan", columns=COLUMNS)
    [row] = report["rows"]
    assert (row["status"], row["who"], row["check"]) == ("unreachable", "", "")
    assert "who" not in rollout.fleet_report({"h1": {}}, ["h1"], [], "rows", "plan")["rows"][0]


def test_adoptions_list_each_replaced_entry_with_the_options_it_set_differently():
    hand_made = {"name": "Sentry", "package": "@sentry/mcp-server", "version": "latest", "exposures": [],
                 "options": {"--access-token": None, "--host": "sentry.old.example", "--organization-slug": "acme"}}
    users = [_user_result("bob", "amazonq", [hand_made]), {"user": "bob", "entries": [{"client": "cursor", "path": "/c"}]}]
    result = rollout.rollout_adoptions(users, [{"name": "bob", "args": ["--host=sentry.example.com"]}], "h1")
    assert result["exposures"] == []
    assert result["adopted"] == [{
        "host": "h1", "user": "bob", "client": "amazonq", "path": "/home/bob/amazonq.json", "entry": "Sentry",
        "package": "@sentry/mcp-server", "version": "latest",
        "changes": ["--host: sentry.old.example (now sentry.example.com)", "--organization-slug: acme (now not set)"]}]


@pytest.mark.parametrize("exposures, expected", [
    ([{"kind": "args", "matches_known": True, "file_mode": "0644"}],
     [("token was on the command line (visible to every user in ps)", "rotate: it is the token the vault holds for this user"),
      ("token was in a 0644 file", "rotate: it is the token the vault holds for this user")]),
    ([{"kind": "env", "matches_known": False, "file_mode": "0600"}],
     [("token was in a 0600 file in plain text", "revoke it: an old token, not the one the vault holds")]),
    ([{"kind": "env", "file_mode": "0640"}, {"kind": "args", "file_mode": "0640"}],
     [("token was on the command line (visible to every user in ps)", "revoke it"), ("token was in a 0640 file", "revoke it")]),
])
def test_each_exposure_of_an_adopted_entry_says_what_to_do(exposures, expected):
    entry = {"name": "sentry-mcp", "package": None, "version": None, "options": {}, "exposures": exposures}
    result = rollout.rollout_adoptions([_user_result("carol", "cursor", [entry])], [{"name": "carol"}], "h2")
    assert [(row["exposure"], row["action"]) for row in result["exposures"]] == expected
    assert {(row["entry"], row["version"], row["package"]) for row in result["exposures"]} == {("sentry-mcp", "unpinned", "")}


def test_the_fleet_report_collects_every_host_s_adoptions():
    hostvars = {"h1": {"rows": [{"status": "ok"}], "adopt": {"adopted": [{"entry": "a"}], "exposures": [{"entry": "a"}]}},
                "h2": {"rows": [{"status": "ok"}], "adopt": {"adopted": [{"entry": "b"}], "exposures": []}}}
    report = rollout.fleet_report(hostvars, ["h1", "h2"], ["h1", "h2"], "rows", "plan", "adopt")
    assert report["adopted"] == [{"entry": "a"}, {"entry": "b"}] and report["exposures"] == [{"entry": "a"}]
    assert rollout.fleet_report(hostvars, ["h1"], ["h1"], "rows", "plan")["adopted"] == []


def _audited(user, files):
    return {"user": user, "files": [{"client": client, "servers": servers} for client, servers in files.items()]}


LAUNCHER = "/opt/sentry-mcp/bin/sentry-mcp-stdio"
RECORDS = "/opt/sentry-mcp/adopted"
OURS = {"name": "sentry", "command": LAUNCHER, "matched": False}


def _host(servers, records=()):
    """An mcp_host_info result: the users' servers, and the adoption records that exist."""
    return {"servers": servers, "files": dict((RECORDS + "/" + record, {"exists": True}) for record in records)}


def _decided(plan, host, adopt=True):
    return dict((item["name"], item) for item in rollout.rollout_clients(plan, host, "sentry", LAUNCHER, RECORDS, adopt))


def test_records_are_read_for_every_user_and_client_the_reading_searches():
    plan = rollout.rollout_plan([{"name": "bob"}, {"name": "carol", "state": "absent"}], DEFAULTS)
    paths = rollout.rollout_records(plan, RECORDS)
    assert paths[0] == RECORDS
    assert RECORDS + "/bob.windsurf" in paths and RECORDS + "/carol.cursor" in paths
    assert len(paths) == 1 + 2 * len(rollout.audited_clients())


def test_entries_a_run_wrote_in_clients_no_longer_listed_are_removed():
    # Rolled out to four clients, then narrowed to the defaults.
    plan = rollout.rollout_plan([{"name": "bob"}], DEFAULTS)
    host = _host([_audited("bob", {"code_server": [OURS], "amazonq": [OURS], "cursor": [OURS, {"name": "time", "command": "uvx"}],
                                   "zed": [OURS], "windsurf": [{"name": "sentry", "command": "npx", "matched": False}]})])
    for adopt in (True, False):
        bob = _decided(plan, host, adopt)["bob"]
        assert bob["clients"] == ["code_server", "amazonq"]
        assert bob["managed"] == {"code_server": "declared", "amazonq": "declared"}
        # Windsurf's entry is not the one a run wrote: it stays, and so does the client's file.
        assert bob["dropped"] == ["cursor", "zed"]
        assert bob["records"] == {"write": [], "remove": []}
    users = rollout.rollout_user_config([bob], ACCOUNTS, [{"name": "bob", "secret": "B0B", "problem": ""}], SETTINGS)
    assert [(entry["client"], entry["state"]) for entry in users[0]["entries"]] == [
        ("code_server", "present"), ("amazonq", "present"), ("cursor", "absent"), ("zed", "absent")]
    assert "command" not in users[0]["entries"][2]


def test_a_hand_made_entry_in_a_client_not_listed_is_adopted_and_recorded():
    plan = rollout.rollout_plan([{"name": "bob"}], DEFAULTS)
    hand_made = {"name": "sentry-mcp", "command": "npx", "matched": True}
    host = _host([_audited("bob", {"cursor": [hand_made], "amazonq": [hand_made], "zed": [{"name": "time", "command": "uvx"}]})])
    bob = _decided(plan, host)["bob"]
    assert bob["clients"] == ["code_server", "amazonq", "cursor"]
    assert bob["managed"] == {"code_server": "declared", "amazonq": "declared", "cursor": "adopted"}
    assert bob["records"] == {"write": [RECORDS + "/bob.cursor"], "remove": []} and bob["dropped"] == []
    # Without adoption a hand-made entry makes no client managed.
    assert _decided(plan, host, adopt=False)["bob"]["clients"] == ["code_server", "amazonq"]


def test_an_adopted_client_stays_managed_by_its_record_until_it_is_listed():
    host = _host([_audited("bob", {"cursor": [OURS], "zed": [OURS]})], records=["bob.cursor"])
    bob = _decided(rollout.rollout_plan([{"name": "bob"}], DEFAULTS), host, adopt=False)["bob"]
    # The hand-made entry is gone (replaced by the managed one); the record keeps cursor managed.
    assert bob["managed"]["cursor"] == "adopted" and bob["dropped"] == ["zed"]
    assert bob["records"] == {"write": [], "remove": []}
    # Listed, the client is a declared one: its record goes, and leaving it out later removes the entry.
    listed = _decided(rollout.rollout_plan([{"name": "bob", "clients": ["cursor"]}], DEFAULTS), host)["bob"]
    assert listed["managed"] == {"cursor": "declared"}
    assert listed["records"] == {"write": [], "remove": [RECORDS + "/bob.cursor"]}
    narrowed = _decided(rollout.rollout_plan([{"name": "bob", "clients": ["amazonq"]}], DEFAULTS), _host(host["servers"]))["bob"]
    assert narrowed["dropped"] == ["cursor", "zed"]


def test_an_absent_user_is_cleaned_wherever_a_run_wrote_and_loses_the_records():
    plan = rollout.rollout_plan([{"name": "carol", "state": "absent"}], DEFAULTS)
    host = _host([_audited("carol", {"cursor": [OURS], "windsurf": [{"name": "Sentry", "command": "npx", "matched": True}]}),
                  _audited("dave", {"zed": [OURS]})], records=["carol.cursor"])
    carol = _decided(plan, host)["carol"]
    # Only the entries a run wrote are hers to clean: the hand-made one in Windsurf stays.
    assert carol["clients"] == ["code_server", "amazonq", "cursor"] and carol["dropped"] == [] and carol["managed"] == {}
    assert carol["records"] == {"write": [], "remove": [RECORDS + "/carol.cursor"]}
    assert plan[0]["clients"] == ["code_server", "amazonq"]  # the input is not changed
    # A user the reading could not read keeps the listed clients.
    assert _decided(plan, {})["carol"]["clients"] == ["code_server", "amazonq"]


def test_rows_say_why_a_client_is_managed_and_list_the_dropped_ones():
    plan = rollout.rollout_plan([{"name": "bob"}], DEFAULTS)
    host = _host([_audited("bob", {"cursor": [OURS], "zed": [OURS]})], records=["bob.cursor"])
    rows = rollout.rollout_rows(rollout.rollout_clients(plan, host, "sentry", LAUNCHER, RECORDS, True), [],
                                {"bob": {"ok": True, "detail": "valid"}}, "", "h1", COLUMNS)
    assert [(row["client"], row["managed"], row["state"], row["status"], row["check"], row["reason"]) for row in rows] == [
        ("code_server", "declared", "present", "configured", "valid", "not probed"),
        ("amazonq", "declared", "present", "configured", "valid", "not probed"),
        ("cursor", "adopted", "present", "configured", "valid", "not probed"),
        ("zed", "", "absent", "removed", "", "no longer in the user's clients")]
    failed = rollout.rollout_rows(rollout.rollout_clients(plan, host, "sentry", LAUNCHER, RECORDS, True), [], {}, "Users: denied", "h1")
    assert failed[-1]["status"] == "failed"


def test_moved_variables_are_named_once_each_with_their_successor_sorted():
    moved = {"old_b": "group.b", "old_a": "group.a", "old_c": "group.c"}
    assert rollout.moved_variable_problems([], moved) == []
    assert rollout.moved_variable_problems(["old_b", "old_a", "old_b"], moved) == [
        "These variables are no longer read: old_a (now group.a); old_b (now group.b)"]


def test_the_filters_are_registered():
    assert set(rollout.FilterModule().filters()) == {
        "rollout_plan", "rollout_plan_problems", "rollout_tokens", "rollout_user_config", "secret_status", "token_problems", "rollout_rows", "fleet_report",
        "rollout_adoptions", "rollout_records", "rollout_clients", "rollout_launches", "moved_variable_problems"}
