# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The client profile table: paths, entry shapes, and edits of one entry in a document."""

import pytest
import yaml

from ansible_collections.mcpfleet.mcp.plugins.doc_fragments.client import ModuleDocFragment
from ansible_collections.mcpfleet.mcp.plugins.module_utils import _clients as clients
from ansible_collections.mcpfleet.mcp.plugins.module_utils._documents import GRAMMARS
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import Document, JsoncError
from ansible_collections.mcpfleet.mcp.plugins.module_utils._placeholders import STYLES
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import Account

ALICE = Account("alice", 1234, 1234, "/home/alice", "/bin/bash")
TOKEN = "sntryu_" + "0" * 60 + "test"

# The user file of every client for a user with default environment (the reference table).
USER_FILES = {
    "amazonq": "/home/alice/.aws/amazonq/mcp.json",
    "amazonq_agent": "/home/alice/.aws/amazonq/agents/default.json",
    "claude_code": "/home/alice/.claude.json",
    "claude_desktop": "/home/alice/.config/Claude/claude_desktop_config.json",
    "cline": "/home/alice/.cline/data/settings/cline_mcp_settings.json",
    "code_server": "/home/alice/.local/share/code-server/User/mcp.json",
    "codex": "/home/alice/.codex/config.toml",
    "continue": "/home/alice/.continue/config.yaml",
    "copilot_cli": "/home/alice/.copilot/mcp-config.json",
    "cursor": "/home/alice/.cursor/mcp.json",
    "gemini_cli": "/home/alice/.gemini/settings.json",
    "kiro": "/home/alice/.kiro/settings/mcp.json",
    "opencode": "/home/alice/.config/opencode/opencode.json",
    "qwen_code": "/home/alice/.qwen/settings.json",
    "roo_code": "/home/alice/.local/share/code-server/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json",
    "vscode": "/home/alice/.config/Code/User/mcp.json",
    "vscode_insiders": "/home/alice/.config/Code - Insiders/User/mcp.json",
    "vscode_server": "/home/alice/.vscode-server/data/User/mcp.json",
    "vscodium": "/home/alice/.config/VSCodium/User/mcp.json",
    "windsurf": "/home/alice/.codeium/windsurf/mcp_config.json",
    "zed": "/home/alice/.config/zed/settings.json",
}
KEYS = {"code_server": "servers", "vscode": "servers", "vscode_insiders": "servers", "vscodium": "servers",
        "vscode_server": "servers", "zed": "context_servers", "opencode": "mcp", "generic": None,
        "codex": "mcp_servers"}
STDIO = dict(transport="stdio", command="/opt/sentry-mcp/bin/sentry-mcp-stdio", args=["--host=sentry.example.com"],
             env={"SENTRY_ACCESS_TOKEN": TOKEN})
HTTP = dict(transport="http", url="https://mcp.example.com/mcp", headers={"Authorization": "Bearer " + TOKEN})
CLIENTS = sorted(set(clients.PROFILES) - {"generic"})


def profile(name, key=None):
    return clients.get_profile(name, key)


def resolve(name, **kwargs):
    return clients.resolve_config_path(profile(name), ALICE, **kwargs)


def test_every_profile_is_complete_data():
    fields = set(clients.PROFILES["cursor"])
    for name, data in clients.PROFILES.items():
        assert set(data) == fields, name
        assert data["grammar"] in GRAMMARS
        assert data["placeholders"] is None or data["placeholders"] in STYLES, name
        assert data["editor"] is None or data["editor"] in clients.EDITORS
        assert "stdio" in data["transports"]
        for shape in data["transports"].values():
            options = [option for option, dummy in shape["fields"]]
            assert options[0] in ("command", "argv", "url"), name
            assert set(options) <= set(clients.OPTION_FIELDS) | {"argv"}


def test_user_file_of_every_client():
    assert dict((name, resolve(name)) for name in CLIENTS) == USER_FILES


def test_key_of_every_client():
    for name in clients.PROFILES:
        assert clients.PROFILES[name]["key"] == (None if KEYS.get(name, "mcpServers") is None else (KEYS.get(name, "mcpServers"),))


def test_xdg_variables_of_the_target_user_move_only_the_clients_that_honour_them(monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", "/root/.somewhere-else")  # the module's own env is ignored
    assert resolve("vscode") == USER_FILES["vscode"]
    user_env = {"XDG_CONFIG_HOME": "~/cfg", "XDG_DATA_HOME": "/data/alice", "COPILOT_HOME": "~/.cp", "CODEX_HOME": "/srv/codex/alice"}
    assert resolve("vscode", user_env=user_env) == "/home/alice/cfg/Code/User/mcp.json"
    assert resolve("zed", user_env=user_env) == "/home/alice/cfg/zed/settings.json"
    assert resolve("code_server", user_env=user_env) == "/data/alice/code-server/User/mcp.json"
    assert resolve("copilot_cli", user_env=user_env) == "/home/alice/.cp/mcp-config.json"
    assert resolve("codex", user_env=user_env) == "/srv/codex/alice/config.toml"
    assert resolve("continue", user_env=user_env) == USER_FILES["continue"]
    assert resolve("cursor", user_env=user_env) == USER_FILES["cursor"]
    assert resolve("vscode_server", user_env=user_env) == USER_FILES["vscode_server"]


def test_user_env_rejects_unknown_and_relative_values():
    with pytest.raises(clients.ClientError, match="unknown variable.*HOME"):
        resolve("vscode", user_env={"HOME": "/x"})
    with pytest.raises(clients.ClientError, match="absolute"):
        resolve("vscode", user_env={"XDG_CONFIG_HOME": "cfg"})


def test_workspace_files():
    assert resolve("vscode", scope="workspace", workspace="/srv/app") == "/srv/app/.vscode/mcp.json"
    assert resolve("code_server", scope="workspace", workspace="~/src/app/") == "/home/alice/src/app/.vscode/mcp.json"
    assert resolve("claude_code", scope="workspace", workspace="/srv/app") == "/srv/app/.mcp.json"
    assert resolve("amazonq_agent", scope="workspace", workspace="/srv/app") == "/srv/app/.amazonq/agents/default.json"
    assert resolve("zed", scope="workspace", workspace="/srv/app") == "/srv/app/.zed/settings.json"
    with pytest.raises(clients.ClientError, match="no workspace configuration file"):
        resolve("windsurf", scope="workspace", workspace="/srv/app")
    with pytest.raises(clients.ClientError, match="needs the option workspace"):
        resolve("vscode", scope="workspace")
    with pytest.raises(clients.ClientError, match="absolute"):
        resolve("vscode", scope="workspace", workspace="src/app")


def test_path_wins_and_tilde_is_the_target_users_home():
    assert resolve("cursor", path="~/x/mcp.json") == "/home/alice/x/mcp.json"
    assert resolve("cursor", path="/etc/../srv/mcp.json") == "/srv/mcp.json"
    with pytest.raises(clients.ClientError, match="absolute"):
        resolve("cursor", path="mcp.json")


def test_first_existing_candidate_wins(tmp_path):
    home = Account("alice", 1234, 1234, str(tmp_path), "/bin/sh")
    opencode = profile("opencode")
    assert clients.resolve_config_path(opencode, home) == str(tmp_path / ".config/opencode/opencode.json")
    (tmp_path / ".config/opencode").mkdir(parents=True)
    (tmp_path / ".config/opencode/opencode.jsonc").write_text("{}")
    assert clients.resolve_config_path(opencode, home) == str(tmp_path / ".config/opencode/opencode.jsonc")
    (tmp_path / ".config/opencode/opencode.json").write_text("{}")
    assert clients.resolve_config_path(opencode, home) == str(tmp_path / ".config/opencode/opencode.json")


def test_editor_hosts_extension_clients_only():
    assert resolve("roo_code", editor="vscode") == \
        "/home/alice/.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json"
    assert resolve("roo_code", user_data_dir="~/ud") == \
        "/home/alice/ud/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json"
    assert resolve("code_server", user_data_dir="/srv/cs") == "/srv/cs/User/mcp.json"
    with pytest.raises(clients.ClientError, match="option editor applies only to clients that run inside an editor"):
        resolve("vscode", editor="cursor")
    with pytest.raises(clients.ClientError, match="user_data_dir does not apply to client cursor"):
        resolve("cursor", user_data_dir="/srv/cs")


def test_resolve_from_params_passes_every_shared_option():
    params = dict((name, None) for name in clients.CLIENT_ARGUMENT_SPEC)
    params.update(client="roo_code", scope="user", editor="vscodium", user_env={"XDG_CONFIG_HOME": "/cfg"})
    assert clients.resolve_from_params(profile("roo_code"), ALICE, params).startswith("/cfg/VSCodium/User/globalStorage/")


def test_a_workspace_file_per_server_is_named_after_it():
    def workspace_file(client, server):
        return clients.resolve_config_path(profile(client), ALICE, scope="workspace", workspace="/srv/app", name=server)

    assert workspace_file("codex", "sentry") == "/srv/app/.codex/config.toml"
    assert workspace_file("continue", "sentry") == "/srv/app/.continue/mcpServers/sentry.yaml"
    for server in ("../sentry", "a/b", ".hidden", "", None):
        with pytest.raises(clients.ClientError, match="cannot name a file"):
            workspace_file("continue", server)
    # The user file holds every server: any name.
    assert clients.resolve_config_path(profile("continue"), ALICE, name="../x") == USER_FILES["continue"]


def test_generic_needs_path_and_key():
    with pytest.raises(clients.ClientError, match="needs the option key"):
        clients.get_profile("generic")
    generic = profile("generic", "mcp.servers")
    assert generic["key"] == ("mcp", "servers")
    with pytest.raises(clients.ClientError, match="needs the option path"):
        clients.resolve_config_path(generic, ALICE)
    with pytest.raises(clients.ClientError, match="names separated by dots"):
        clients.get_profile("generic", "mcp..servers")


def test_argument_spec_matches_the_doc_fragment():
    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert set(options) == set(clients.CLIENT_ARGUMENT_SPEC)
    for name, spec in clients.CLIENT_ARGUMENT_SPEC.items():
        assert options[name]["type"] == spec["type"], name
        assert options[name].get("choices") == spec.get("choices"), name
        assert options[name].get("default") == spec.get("default"), name
        assert bool(options[name].get("required")) == bool(spec.get("required")), name


@pytest.mark.parametrize("name", sorted(clients.PROFILES))
@pytest.mark.parametrize("spec", [STDIO, HTTP], ids=["stdio", "http"])
def test_read_entry_inverts_build_entry(name, spec):
    data = profile(name, "mcpServers")
    if spec["transport"] not in data["transports"]:
        with pytest.raises(clients.ClientError, match="does not support transport http"):
            clients.build_entry(data, spec)
        return
    if "headers" not in [option for option, dummy in data["transports"][spec["transport"]]["fields"]]:
        spec = dict(spec, headers=None)  # Continue's http entries take a url only
    entry = clients.build_entry(data, spec)
    read = clients.read_entry(data, entry)
    assert read["transport"] == spec["transport"]
    for field in ("command", "args", "env", "url", "headers"):
        assert read[field] == spec.get(field), field
    assert clients.build_entry(data, read) == entry


@pytest.mark.parametrize("name, spec, entry", [
    ("code_server", dict(STDIO, env_file="/home/alice/.config/sentry/env", cwd="/srv"),
     {"type": "stdio", "command": STDIO["command"], "args": STDIO["args"], "env": STDIO["env"],
      "envFile": "/home/alice/.config/sentry/env", "cwd": "/srv"}),
    ("opencode", STDIO, {"type": "local", "command": [STDIO["command"]] + STDIO["args"], "environment": STDIO["env"], "enabled": True}),
    ("opencode", HTTP, {"type": "remote", "url": HTTP["url"], "headers": HTTP["headers"], "enabled": True}),
    ("zed", STDIO, {"source": "custom", "command": STDIO["command"], "args": STDIO["args"], "env": STDIO["env"], "enabled": True}),
    ("copilot_cli", STDIO, {"type": "local", "command": STDIO["command"], "args": STDIO["args"], "env": STDIO["env"], "tools": ["*"]}),
    ("windsurf", HTTP, {"serverUrl": HTTP["url"], "headers": HTTP["headers"]}),
    ("gemini_cli", HTTP, {"type": "http", "url": HTTP["url"], "headers": HTTP["headers"]}),
    ("qwen_code", HTTP, {"type": "http", "url": HTTP["url"], "headers": HTTP["headers"]}),
    ("cline", HTTP, {"type": "streamableHttp", "url": HTTP["url"], "headers": HTTP["headers"], "timeout": 60}),
    ("cline", STDIO, {"type": "stdio", "command": STDIO["command"], "args": STDIO["args"], "env": STDIO["env"], "timeout": 60}),
    ("roo_code", HTTP, {"type": "streamable-http", "url": HTTP["url"], "headers": HTTP["headers"]}),
    ("amazonq", dict(STDIO, extra={"timeout": 60000}),
     {"command": STDIO["command"], "args": STDIO["args"], "env": STDIO["env"], "timeout": 60000}),
    ("cursor", dict(HTTP, extra={"type": "http"}), {"type": "http", "url": HTTP["url"], "headers": HTTP["headers"]}),
    ("codex", dict(STDIO, cwd="/srv"),
     {"command": STDIO["command"], "args": STDIO["args"], "cwd": "/srv", "env": STDIO["env"], "startup_timeout_sec": 60}),
    ("codex", HTTP, {"url": HTTP["url"], "http_headers": HTTP["headers"], "startup_timeout_sec": 60}),
    ("continue", STDIO, {"type": "stdio", "command": STDIO["command"], "args": STDIO["args"], "env": STDIO["env"]}),
    ("continue", dict(transport="http", url=HTTP["url"]), {"type": "streamable-http", "url": HTTP["url"]}),
])
def test_entry_shapes(name, spec, entry):
    assert clients.build_entry(profile(name), spec) == entry


@pytest.mark.parametrize("name, spec, message", [
    ("amazonq", dict(STDIO, env_file="/x"), "client amazonq cannot express option env_file"),
    ("claude_code", dict(STDIO, cwd="/srv"), "client claude_code cannot express option cwd"),
    ("opencode", dict(STDIO, env_file="/x"), r"secret mechanisms: \{env:X\}, \{file:path\}"),
    ("claude_desktop", HTTP, "client claude_desktop does not support transport http"),
    ("continue", HTTP, r"client continue cannot express option headers: .*secret mechanisms: \$\{\{ secrets.X \}\}"),
    ("codex", dict(STDIO, env_file="/x"), r"client codex cannot express option env_file: .*\(secret mechanisms: env_vars\)"),
    ("vscode", dict(HTTP, command="/bin/x"), "option command does not apply to transport http .* belongs to transport stdio"),
    ("vscode", dict(transport="stdio", args=["x"]), "transport stdio needs the option command"),
    ("vscode", dict(transport="http"), "transport http needs the option url"),
    ("vscode", dict(STDIO, extra={"envFile": "/x"}), "extra must not set envFile"),
    ("opencode", dict(STDIO, extra={"environment": {}}), "extra must not set environment"),
])
def test_options_a_client_cannot_express(name, spec, message):
    with pytest.raises(clients.ClientError, match=message):
        clients.build_entry(profile(name), spec)


def test_merge_keeps_what_the_user_added():
    zed = profile("zed")
    current = {"source": "custom", "command": "/old", "env": {"OLD": "1"}, "enabled": False, "settings": {"x": 1}}
    merged = clients.merge_entry(zed, current, STDIO)
    assert merged == {"source": "custom", "command": STDIO["command"], "env": STDIO["env"], "enabled": False,
                      "settings": {"x": 1}, "args": STDIO["args"]}
    assert clients.merge_entry(zed, current, dict(STDIO, extra={"enabled": True}))["enabled"] is True
    assert clients.merge_entry(zed, current, STDIO, exclusive=True) == clients.build_entry(zed, STDIO)


def test_merge_drops_keys_of_the_other_transport():
    cline = profile("cline")
    current = clients.build_entry(cline, dict(STDIO, cwd="/srv", extra={"autoApprove": ["x"]}))
    merged = clients.merge_entry(cline, current, HTTP)
    assert merged == {"type": "streamableHttp", "autoApprove": ["x"], "url": HTTP["url"], "headers": HTTP["headers"], "timeout": 60}


def test_clines_own_nested_form_is_what_is_read_and_is_converged():
    # `cline mcp add` writes the nested form, and Cline runs it instead of the entry's keys.
    cline = profile("cline")
    current = {"transport": {"type": "stdio", "command": "/old/server", "args": ["-x"]}, "autoApprove": ["a"], "timeout": 30}
    read = clients.read_entry(cline, current)
    assert (read["transport"], read["command"], read["args"]) == ("stdio", "/old/server", ["-x"])
    merged = clients.merge_entry(cline, current, STDIO)
    assert merged == {"autoApprove": ["a"], "timeout": 30, "type": "stdio", "command": STDIO["command"], "args": STDIO["args"],
                      "env": STDIO["env"]}
    assert clients.read_entry(cline, merged)["command"] == STDIO["command"]


def test_geminis_deprecated_http_url_is_replaced_by_url_and_type():
    for name in ("gemini_cli", "qwen_code"):
        current = {"httpUrl": "https://old.example.com/mcp", "trust": True}
        merged = clients.merge_entry(profile(name), current, HTTP)
        assert merged == {"trust": True, "type": "http", "url": HTTP["url"], "headers": HTTP["headers"]}


def test_managed_and_secret_keys():
    assert clients.secret_keys(profile("opencode")) == ("environment", "headers")
    assert clients.secret_keys(profile("claude_desktop")) == ("env",)
    assert {"type", "command", "args", "env", "envFile", "cwd", "url", "headers"} == clients.managed_keys(profile("vscode"))


VSCODE_FILE = """{
\t// servers for alice
\t"servers": {
\t\t"other": {"command": "x"}, // keep me
\t\t"sentry": {
\t\t\t"type": "stdio",
\t\t\t"command": "/old/path", // the old path
\t\t\t"disabled": true, /* alice turned it off */
\t\t\t"env": {"A": "1", /* why B */ "B": "2"},
\t\t},
\t},
\t"inputs": [],
}
"""


def test_apply_entry_edits_member_by_member():
    document = Document(VSCODE_FILE, grammar="jsonc")
    code_server = profile("code_server")
    spec = dict(transport="stdio", command="/opt/s", env={"A": "1", "B": "3"})
    entry = clients.merge_entry(code_server, clients.find_entry(code_server, document, "sentry"), spec)
    clients.apply_entry(code_server, document, "sentry", entry)
    assert document.text == VSCODE_FILE.replace('"/old/path"', '"/opt/s"').replace('"B": "2"', '"B": "3"')
    assert clients.find_entry(code_server, document, "sentry") == {
        "type": "stdio", "command": "/opt/s", "disabled": True, "env": {"A": "1", "B": "3"}}


def test_apply_entry_that_matches_changes_nothing():
    document = Document(VSCODE_FILE, grammar="jsonc")
    code_server = profile("code_server")
    current = clients.find_entry(code_server, document, "sentry")
    clients.apply_entry(code_server, document, "sentry", current)
    assert document.text == VSCODE_FILE


def test_companion_list_follows_the_entry():
    agent = profile("amazonq_agent")
    text = '{\n  "name": "default",\n  "tools": ["fs_read"],\n  "mcpServers": {}\n}\n'
    document = Document(text, grammar="json")
    entry = clients.build_entry(agent, STDIO)
    clients.apply_entry(agent, document, "sentry", entry)
    assert document.value["tools"] == ["fs_read", "@sentry"]
    once = document.text
    clients.apply_entry(agent, document, "sentry", entry)
    assert document.text == once
    clients.remove_entry(agent, document, "sentry")
    assert document.value == {"name": "default", "tools": ["fs_read"], "mcpServers": {}}
    clients.remove_entry(agent, document, "sentry")


def test_companion_list_is_created_and_typed():
    agent = profile("amazonq_agent")
    document = Document('{"mcpServers": {}}', grammar="json")
    clients.apply_entry(agent, document, "sentry", clients.build_entry(agent, STDIO))
    assert document.value["tools"] == ["@sentry"]
    document = Document('{"tools": "@sentry"}', grammar="json")
    with pytest.raises(JsoncError, match="line 1, column 11: the value at tools is a string, not an array"):
        clients.apply_entry(agent, document, "sentry", clients.build_entry(agent, STDIO))


@pytest.mark.parametrize("text, message", [
    ('{"servers": []}', "line 1, column 13: the value at servers is an array, not an object"),
    ('{\n  "servers": {\n    "sentry": "npx x"\n  }\n}', "line 3, column 15: the value at servers.sentry is a string, not an object"),
    ('[{"servers": {}}]', "line 1, column 1: the document root is an array, not an object"),
])
def test_find_entry_reports_wrong_types_with_their_position(text, message):
    with pytest.raises(clients.ClientError, match=message):
        clients.find_entry(profile("vscode"), Document(text), "sentry")


def test_find_entry_in_empty_and_missing_places():
    vscode = profile("vscode")
    assert clients.find_entry(vscode, Document(""), "sentry") is None
    assert clients.find_entry(vscode, Document("{}"), "sentry") is None
    assert clients.find_entry(vscode, Document('{"servers": {"other": {}}}'), "sentry") is None


def test_new_file_data_is_a_copy():
    agent = profile("amazonq_agent")
    data = clients.new_file_data(agent)
    data["tools"].append("@x")
    assert clients.PROFILES["amazonq_agent"]["skeleton"]["tools"] == ["*"]
