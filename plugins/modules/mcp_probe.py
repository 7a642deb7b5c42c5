#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mcp_probe
short_description: Prove that an MCP server starts and answers, the way a client would start it
version_added: 1.0.0
description:
  - Starts one MCP server over stdio and speaks the Model Context Protocol with it,
    C(initialize) (protocol version C(2025-11-25), accepting whatever version the server
    negotiates), C(notifications/initialized), every page of C(tools/list) and, with O(call),
    one C(tools/call). Then it closes the server's stdin and reaps it.
  - With O(client) and O(name) the server is read from that client's configuration the way the
    client reads it, through the same client profiles as M(mcpfleet.mcp.mcp_server). That covers the file,
    its grammar and key, the entry's C(command), C(args), C(env), C(envFile) and C(cwd), and the
    placeholders that client expands (C(${env:X}) and C(${userHome}) for the VS Code family,
    C(${X}) and C(${X:-default}) for Claude Code, Kiro and Copilot CLI, C($X) for Gemini CLI,
    C({env:X}) and C({file:path}) for opencode, C(${env:X}) and C(${file:/path}) for Windsurf).
  - Without O(client), O(command), O(args), O(env), O(env_file) and O(cwd) give the server directly.
  - The server gets the environment an IDE gives it, not that of a login shell or of the
    Ansible connection. C(HOME), C(USER), C(LOGNAME) and C(SHELL) of O(user), C(PATH) from
    O(path_env), C(LANG=C.UTF-8), then O(client_env), then the env file, then the entry's
    C(env) (O(env) without O(client)). It runs without a shell, in a process group of its own,
    as O(user).
  - The whole probe, from spawn to reap, stays within O(timeout) (plus at most a second for
    reading the files); on timeout the server's whole process group is killed. Every descendant
    of the server, also one that left its process group, is killed when the probe ends.
  - Only regular files are read (never a FIFO or a device), up to a size bound.
  - Every value of the entry's C(env), of its env file, of O(env), of O(client_env) and every file
    content a placeholder read is replaced by C(********) in the results, in error messages and
    in the server's stderr.
  - The module changes nothing. It probes in check mode too.
author:
  - mcpfleet maintainers (@mcpfleet)
extends_documentation_fragment:
  - mcpfleet.mcp.client
  - mcpfleet.mcp.client.ATTRIBUTES
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - The probe only reads; it runs in check mode as well.
  diff_mode:
    support: none
  idempotent:
    support: full
    details:
      - The module never changes anything.
  platform:
    platforms: posix
options:
  client:
    required: false
  name:
    required: false
  targets:
    description:
      - Many entries of O(name) at once, one item per user and client, each read as its client
        reads it. Instead of O(client), O(user), O(scope), O(workspace), O(path), O(key),
        O(user_data_dir), O(editor) and O(user_env), which each item gives for itself.
      - All users are probed at the same time, each in a process of its own that has dropped to
        that user. Within a user, entries that resolve to the same launch (command, arguments,
        environment, working directory) start the server once; distinct launches are probed at
        the same time.
      - The result is RV(targets) and RV(launches). The task fails when any item failed, after
        every item was probed, with a message that names each failed user and client.
    type: list
    elements: dict
    version_added: 1.1.0
    suboptions:
      client:
        description:
          - The client whose configuration holds the entry, as O(client).
        type: str
        required: true
        choices:
          - amazonq
          - amazonq_agent
          - claude_code
          - claude_desktop
          - cline
          - code_server
          - copilot_cli
          - cursor
          - gemini_cli
          - generic
          - kiro
          - opencode
          - qwen_code
          - roo_code
          - vscode
          - vscode_insiders
          - vscode_server
          - vscodium
          - windsurf
          - zed
          - codex
          - continue
      user:
        description:
          - As O(user).
        type: str
      scope:
        description:
          - As O(scope).
        type: str
        default: user
        choices: [user, workspace]
      workspace:
        description:
          - As O(workspace).
        type: str
      path:
        description:
          - As O(path).
        type: str
      key:
        description:
          - As O(key).
        type: str
      user_data_dir:
        description:
          - As O(user_data_dir).
        type: str
      editor:
        description:
          - As O(editor).
        type: str
        choices: [code_server, cursor, vscode, vscode_insiders, vscode_server, vscodium, windsurf]
      user_env:
        description:
          - As O(user_env).
        type: dict
  user:
    description:
      - The account the server runs as and whose configuration is read. C(HOME), C(USER),
        C(LOGNAME) and C(SHELL) of the server come from it, and C(~/) in paths is its home.
      - When the module runs as root (O(user) given, no C(become_user)), it forks a process that
        drops to O(user)'s uid, gid and supplementary groups before it reads anything; the
        config file, the env file and every file a placeholder names are read with the user's
        own rights (the kernel decides, directories and ACLs included), and the server is
        started by that process. Root only receives the masked result. Otherwise the module
        must already run as O(user), for example with C(become_user).
      - Defaults to the user the module runs as.
    type: str
  scope:
    description:
      - V(user) reads the entry from the user's own file, V(workspace) from the file inside the
        project folder O(workspace).
  workspace:
    description:
      - The project folder, absolute or starting with C(~/). With O(scope=workspace) the entry is
        read from the workspace's file.
      - C(${workspaceFolder}) placeholders resolve to it, and the server starts in it unless the
        entry or O(cwd) says otherwise.
    type: str
  command:
    description:
      - The server's executable, when the server is not read from a client's configuration.
      - A name without C(/) is looked up on the server's C(PATH), never on the module's own.
        C(~/) is the home of O(user).
      - Mutually exclusive with O(client).
    type: str
  args:
    description:
      - Arguments of O(command).
    type: list
    elements: str
    default: []
  env:
    description:
      - Environment variables of the server, with O(command). A null value removes a variable.
      - Treated as secrets.
    type: dict
  env_file:
    description:
      - A C(KEY=VALUE) file (the format of VS Code's C(envFile)) whose variables the server gets,
        with O(command). Its values are treated as secrets.
      - Relative to the server's working directory; C(~/) is the home of O(user).
    type: str
  cwd:
    description:
      - The server's working directory, with O(command). C(~/) is the home of O(user); a relative
        path is relative to O(workspace) or the home of O(user).
      - Defaults to O(workspace) when given, else the home of O(user).
    type: str
  client_env:
    description:
      - Variables of the client's own environment, for example what the service that runs
        code-server sets. C(${env:X}) style placeholders read them and the server inherits them.
      - Treated as secrets.
    type: dict
  path_env:
    description:
      - The C(PATH) the client gives the server. IDEs started by a service or a desktop session
        do not read the user's shell profile, so tools installed under C(~/.nvm) or C(~/.local/bin)
        are not on it.
    type: str
    default: /usr/local/bin:/usr/bin:/bin
  timeout:
    description:
      - Seconds for the whole probe, from spawn to reap. Many clients give up on C(initialize)
        after 30 to 60 seconds.
    type: float
    default: 30
  call:
    description:
      - A tool to call after listing the tools. A result with C(isError) fails the task.
    type: dict
    suboptions:
      tool:
        description:
          - The tool's name.
        type: str
        required: true
      arguments:
        description:
          - The tool's arguments.
        type: dict
        default: {}
  expect_tools:
    description:
      - Tool names the server must list; the task fails when one is missing.
    type: list
    elements: str
    default: []
notes:
  - The probe speaks stdio only. An entry with an C(http) or C(sse) transport fails.
  - C(${input:id}) placeholders (VS Code) need the editor's prompt and fail the probe; give such
    values through C(envFile) or C(${env:X}) instead.
  - For the VS Code family the entry is launched as VS Code's extension host does it. C(~) in
    C(command), C(args) and C(cwd) is the user's home, an C(env) C(PATH) is appended to the
    inherited one, and C(cwd) defaults to the workspace folder, else the home.
  - What to do about each RV(failure.kind) follows.
  - V(config) means the entry cannot be read or resolved (file, server name, transport, a
    placeholder, the env file, or O(user) versus the user the module runs as); the message says
    which.
  - V(command_not_found) means the command is not on the server's C(PATH) (O(path_env)). Use an
    absolute command (for example the Node that the C(mcpfleet.mcp.nodejs) role installs) or
    set O(path_env) to what the client really has. C(nvm) and login-shell C(PATH) changes do
    not reach an IDE.
  - V(not_executable) means the file lacks the execute bit for O(user), or lives on a
    C(noexec) mount.
  - V(early_exit) means the server exited before it answered; RV(stderr) shows its last lines.
    Exit code 127 from a C(#!/usr/bin/env node) script means C(node) is not on the C(PATH). A
    Node too old for the package's C(engines) usually fails with a syntax error.
    C(@sentry/mcp-server) exits 1 without an access token, with an C(http://) host value and
    with unknown flags.
  - V(protocol_error) means the server wrote something that is not JSON-RPC to stdout (a
    banner, a log line, C(npx) install output). Only the protocol may go to stdout.
  - V(timeout) means no answer within O(timeout). C(npx) without registry access hangs for
    minutes; pre-install a pinned version and start it directly.
  - V(rpc_error) means the server rejected a request; RV(failure.code) is the JSON-RPC error code.
  - V(tool_error) means the tool ran and reported an error. For Sentry, C(Authorization Expired)
    means the token is wrong or revoked.
  - V(missing_tools) means the server answered without some tools of O(expect_tools) (a skill
    may be disabled, or another server is configured under this name).
seealso:
  - module: mcpfleet.mcp.mcp_server
  - name: MCP lifecycle (initialization, shutdown over stdio)
    description: The handshake and shutdown sequence the probe follows.
    link: https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle
"""

EXAMPLES = r"""
- name: Prove that the Sentry server in alice's code-server answers with its tools
  mcpfleet.mcp.mcp_probe:
    client: code_server
    user: alice
    name: sentry
    expect_tools: [find_organizations, execute_sentry_tool]
  become: true
  become_user: alice
  register: probe

- name: Report one line per host
  ansible.builtin.debug:
    msg: "{{ probe.server_info.name }} {{ probe.server_info.version }} answered in {{ probe.ready_ms }} ms with {{ probe.tools | length }} tools"

- name: Check the token too (the server does not check it before the first tool call)
  mcpfleet.mcp.mcp_probe:
    client: claude_code
    user: alice
    name: sentry
    call:
      tool: execute_sentry_tool
      arguments:
        name: whoami
        arguments: {}
  become: true

- name: Probe every user's entries in one task; alice's two clients that start the same command start it once
  mcpfleet.mcp.mcp_probe:
    name: sentry
    targets:
      - {user: alice, client: code_server}
      - {user: alice, client: amazonq}
      - {user: bob, client: claude_code}
  become: true
  register: probes

- name: Probe a server given directly, with a Node that is not on the default PATH
  mcpfleet.mcp.mcp_probe:
    command: /opt/node-22/bin/node
    args:
      - /opt/sentry-mcp/node_modules/@sentry/mcp-server/dist/index.js
      - --host=sentry.example.com
    env:
      SENTRY_ACCESS_TOKEN: "{{ vault_sentry_token }}"
    timeout: 20
"""

RETURN = r"""
server_info:
  description: The server's C(serverInfo) from C(initialize).
  returned: when the server answered C(initialize)
  type: dict
  sample: {"name": "Sentry MCP", "version": "0.39.0"}
protocol_version:
  description: The protocol version the server negotiated.
  returned: when the server answered C(initialize)
  type: str
  sample: "2025-11-25"
tools:
  description:
    - Names of the server's tools, from every page of C(tools/list), in the server's order.
    - Empty when the server does not declare the C(tools) capability (it is then not asked).
  returned: when the server answered C(tools/list)
  type: list
  elements: str
  sample: [find_organizations, find_projects, execute_sentry_tool]
ready_ms:
  description: Milliseconds from spawn to the answer to C(initialize).
  returned: when the server answered C(initialize)
  type: int
  sample: 742
total_ms:
  description: Milliseconds from spawn to reaping the server.
  returned: when the server was started
  type: int
  sample: 1130
call_result:
  description:
    - The C(tools/call) result (C(content), and C(structuredContent) and C(isError) when the
      server sends them), secrets redacted.
  returned: when O(call) was given and the server answered it
  type: dict
  sample: {"content": [{"type": "text", "text": "You are authenticated as Alice (alice@example.com)"}]}
stderr:
  description:
    - The last 20 lines of the server's stderr, secrets redacted, each cut to 300 characters.
      Ansible adds them as a list in C(stderr_lines).
  returned: when the server was started
  type: str
  sample: "Warning: No LLM API key found (OPENAI_API_KEY, ANTHROPIC_API_KEY, or OPENROUTER_API_KEY)."
launch:
  description: How the server was started.
  returned: when the entry could be resolved
  type: dict
  contains:
    command:
      description: The command as configured (its arguments are not returned, they may hold secrets).
      type: str
      sample: node
    cwd:
      description: The working directory.
      type: str
      sample: /home/alice
    env_names:
      description: Names of the server's environment variables (values are not returned).
      type: list
      elements: str
      sample: [HOME, LANG, LOGNAME, PATH, SENTRY_ACCESS_TOKEN, SHELL, USER]
    path:
      description: The client configuration file the entry was read from.
      type: str
      returned: with O(client)
      sample: /home/alice/.local/share/code-server/User/mcp.json
targets:
  description:
    - With O(targets), one result per item, in the order of O(targets). Each holds what a probe
      of that one entry returns (RV(server_info), RV(tools), RV(ready_ms), RV(launch),
      RV(failure), ...) and the keys below.
  returned: with O(targets)
  type: list
  elements: dict
  version_added: 1.1.0
  contains:
    user:
      description: The user of the item.
      type: str
      sample: alice
    client:
      description: The client of the item.
      type: str
      sample: amazonq
    failed:
      description: Whether this item's probe failed; RV(targets[].msg) then says why.
      type: bool
      returned: when the item failed
      sample: true
    msg:
      description: Why this item's probe failed.
      type: str
      returned: when the item failed
      sample: "the server exited with code 1 before it answered initialize"
    same_launch_as:
      description:
        - The client of an earlier item of the same user whose entry resolved to the same
          launch; this item shares that probe's outcome instead of starting the server again.
      type: str
      returned: when the launch was probed for an earlier item
      sample: code_server
launches:
  description: With O(targets), how many distinct launches were started.
  returned: with O(targets)
  type: int
  sample: 2
  version_added: 1.1.0
failure:
  description: Why the probe failed, for reports across a fleet.
  returned: failure
  type: dict
  contains:
    kind:
      description:
        - V(config) (the entry cannot be read or resolved), V(spawn_failed), V(command_not_found),
          V(not_executable), V(early_exit), V(protocol_error), V(rpc_error), V(timeout),
          V(tool_error) or V(missing_tools).
      type: str
      sample: early_exit
    phase:
      description: The step that failed, V(setup) (reading the entry), V(spawn), V(initialize), V(tools/list) or V(tools/call).
      type: str
      sample: initialize
    exit_code:
      description: The server's exit code (negative, the signal that killed it).
      type: int
      returned: for V(early_exit)
      sample: 1
    code:
      description: The JSON-RPC error code.
      type: int
      returned: for V(rpc_error)
      sample: -32601
"""

import json
import os
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.mcpfleet.mcp.plugins.module_utils._as_user import UserProcessError, UserProcessTimeout, call_as_each
from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import (
    CLIENT_ARGUMENT_SPEC, ClientError, find_entry, get_profile, read_entry, resolve_from_params,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._config_file import ConfigFileError, decode, read_bytes, read_text
from ansible_collections.mcpfleet.mcp.plugins.module_utils._envfile import EnvFileError, parse as parse_env_file
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import Document, JsoncError
from ansible_collections.mcpfleet.mcp.plugins.module_utils._mcp_stdio import (
    McpError, become_subreaper, ide_environment, kill_descendants, merge_environment, probe,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._placeholders import Context, PlaceholderError, expand_all
from ansible_collections.mcpfleet.mcp.plugins.module_utils._redact import controller_safe, redact_text, redact_value
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import AccountError, expand_home, get_account

DIRECT_OPTIONS = ("command", "args", "env", "env_file", "cwd")
CLIENT_ONLY_OPTIONS = ("path", "key", "user_data_dir", "editor", "user_env")
# What one item of the targets option says: where to read an entry, and as whom.
TARGET_OPTIONS = ("client", "user", "scope", "workspace") + CLIENT_ONLY_OPTIONS


class ProbeSetupError(Exception):
    """The server cannot be launched as configured (before anything is started)."""


class Launch:
    """Everything needed to start the server, and the secrets that must not leave the host."""

    def __init__(self, account):
        self.account = account
        self.secrets = set()
        self.path = None
        self.argv = None
        self.env = None
        self.cwd = None
        self.warnings = []

    def add_secrets(self, values):
        self.secrets.update(value for value in values if isinstance(value, str) and value)

    def describe(self):
        facts = {"command": self.argv[0], "cwd": self.cwd, "env_names": sorted(self.env)}
        if self.path:
            facts["path"] = self.path
        return facts


def _vscode_launcher(profile):
    # The VS Code family keeps its file in the editor's own user-data dir, and VS Code's
    # extension host launches it (untildify, PATH appended, cwd defaulting to the workspace).
    return profile["editor"] is not None and not profile["runs_in_editor"]


def _from_client(params, launch, client_env):
    """The entry's spec with placeholders expanded, as the client would read it."""
    profile = get_profile(params["client"], params["key"])
    launch.path = resolve_from_params(profile, launch.account, params)
    text = read_text(launch.path)
    if text is None:
        raise ProbeSetupError("%s does not exist: client %s has no configuration for %s" % (launch.path, params["client"], launch.account.name))
    try:
        entry = find_entry(profile, Document(text, grammar=profile["grammar"]), params["name"])
    except JsoncError as exc:
        raise ProbeSetupError("%s cannot be parsed the way %s parses it: %s" % (launch.path, profile["title"], exc))
    if entry is None:
        raise ProbeSetupError("%s has no server named %s under %s" % (launch.path, params["name"], ".".join(profile["key"])))
    spec = read_entry(profile, entry)
    extra = spec["extra"]
    if extra.get("disabled") is True or extra.get("enabled") is False:
        launch.warnings.append("server %s is disabled in %s: the client does not start it" % (params["name"], launch.path))
    if spec["transport"] != "stdio":
        raise ProbeSetupError("server %s in %s is not a stdio server (transport %s): the probe speaks stdio only"
                              % (params["name"], launch.path, spec["transport"] or "unknown"))
    workspace = expand_home(params["workspace"], launch.account) if params["workspace"] else None
    context = Context(client_env, launch.account.home, workspace=workspace, config_dir=os.path.dirname(launch.path),
                      read=lambda path: decode(path, read_bytes(path, what="placeholder file")[0] or b""))
    fields = expand_all(dict((field, spec[field]) for field in DIRECT_OPTIONS), profile["placeholders"], context)
    launch.add_secrets(context.file_values)
    for field, kind, what in (("command", str, "a string"), ("args", list, "a list"), ("env", dict, "an object")):
        if fields[field] is not None and not isinstance(fields[field], kind):
            raise ProbeSetupError("%s of server %s in %s must be %s" % (field, params["name"], launch.path, what))
    vscode = _vscode_launcher(profile)
    if vscode:
        fields["command"] = expand_home(fields["command"], launch.account)
        fields["args"] = [expand_home(str(arg), launch.account) for arg in fields["args"] or []]
        fields["cwd"] = expand_home(fields["cwd"], launch.account) if fields["cwd"] else None
    return fields, workspace, vscode


def build_launch(params, account):
    launch = Launch(account)
    client_env = ide_environment(account, params["path_env"])
    client_env.update((key, str(value)) for key, value in (params["client_env"] or {}).items() if value is not None)
    launch.add_secrets(client_env[key] for key in params["client_env"] or {} if key in client_env)
    if params["client"]:
        fields, workspace, append_path = _from_client(params, launch, client_env)
    else:
        fields = dict((field, params[field]) for field in DIRECT_OPTIONS)
        fields["command"] = expand_home(fields["command"], account)
        fields["cwd"] = expand_home(fields["cwd"], account) if fields["cwd"] else None
        workspace = expand_home(params["workspace"], account) if params["workspace"] else None
        append_path = False
    if not fields["command"]:
        raise ProbeSetupError("the server has no command")
    launch.add_secrets(str(value) for value in (fields["env"] or {}).values() if value is not None)
    launch.cwd = os.path.normpath(os.path.join(workspace or account.home, fields["cwd"] or ""))
    file_env = None
    if fields["env_file"]:
        env_file = os.path.join(launch.cwd, expand_home(fields["env_file"], account))
        try:
            data, _info = read_bytes(env_file, what="env file")
            if data is None:
                raise ConfigFileError("it does not exist")
            file_env = parse_env_file(decode(env_file, data))
        except (EnvFileError, ConfigFileError) as exc:
            raise ProbeSetupError("env file %s cannot be read: %s" % (env_file, exc))
        launch.add_secrets(file_env.values())
    launch.env = merge_environment(client_env, file_env, fields["env"], append_path=append_path)
    launch.argv = [fields["command"]] + [str(arg) for arg in fields["args"] or []]
    return launch


SETUP_ERRORS = (AccountError, ClientError, ConfigFileError, PlaceholderError, ProbeSetupError)


def run_launch(launch, params):
    """Probe one resolved launch; the result has every secret masked, and ``failed`` with
    ``msg`` and ``failure`` when the probe failed."""
    result = dict(changed=False, launch=launch.describe(), warnings=launch.warnings)
    try:
        facts = probe(launch.argv, launch.env, cwd=launch.cwd, timeout=params["timeout"], call=params["call"],
                      secrets=launch.secrets)
    except McpError as exc:
        result.update(redact_value(dict((key, value) for key, value in exc.partial.items() if value is not None), launch.secrets))
        result["stderr"] = redact_text("\n".join(exc.stderr), launch.secrets)
        return dict(result, failed=True, msg=redact_text(str(exc), launch.secrets), failure=exc.details())
    facts["stderr"] = "\n".join(facts["stderr"])
    result.update(redact_value(facts, launch.secrets))
    missing = [tool for tool in params["expect_tools"] if tool not in facts["tools"]]
    if missing:
        return dict(result, failed=True, msg="the server answered but does not list the expected tools %s" % ", ".join(missing),
                    failure={"kind": "missing_tools", "phase": "tools/list"})
    return result


def _setup_failure(exc):
    return dict(changed=False, failed=True, msg=str(exc), failure={"kind": "config", "phase": "setup"})


def probe_as_user(account, params):
    """Read the configuration and probe the server, in a process that is ``account``.

    The config file, the env file and files that placeholders name are read with the user's own
    rights, and the server starts as a child of this process. Returns the module's result, with
    every secret masked, and ``failed`` with ``msg`` and ``failure`` when the probe failed.
    """
    try:
        launch = build_launch(params, account)
    except SETUP_ERRORS as exc:
        return _setup_failure(exc)
    return run_launch(launch, params)


def _launch_key(launch):
    return json.dumps([launch.argv, sorted(launch.env.items()), launch.cwd])


def probe_targets_as_user(account, params, targets):
    """probe_as_user for each of one user's ``targets`` (client options each): every entry is
    read as its client reads it, and each distinct launch (command, arguments, environment,
    directory) is probed once, the distinct ones at the same time. Results in target order."""
    launches, keys, results = {}, [], []
    for target in targets:
        try:
            launch = build_launch(dict(params, **target), account)
        except SETUP_ERRORS as exc:
            keys.append(None)
            results.append(_setup_failure(exc))
            continue
        keys.append(_launch_key(launch))
        results.append(launch)
        launches.setdefault(keys[-1], launch)
    # Threads, not processes: each probe waits on its own server's pipes.
    with ThreadPoolExecutor(max_workers=max(1, len(launches))) as pool:
        futures = dict((key, pool.submit(run_launch, launch, params)) for key, launch in launches.items())
    first = {}
    for index, key in enumerate(keys):
        if key is None:
            continue
        launch = results[index]
        result = dict(futures[key].result(), launch=launch.describe())
        if key in first:
            result["same_launch_as"] = first[key]
        else:
            first[key] = targets[index]["client"]
        results[index] = result
    return results


def check_can_act(account):
    """Only root can act for another user; anyone else must already be that user."""
    if account.uid != os.geteuid() and os.geteuid() != 0:
        raise ProbeSetupError("cannot start the server as %s: the module runs as uid %d; use become_user: %s, or become root"
                              % (account.name, os.geteuid(), account.name))


# What root allows the process of the user beyond the probe's own timeout (reading the files).
SETUP_ALLOWANCE = 0.9


def _process_failure(account, exc):
    return dict(changed=False, failed=True, msg="the probe as %s failed: %s" % (account.name, exc),
                failure={"kind": "timeout" if isinstance(exc, UserProcessTimeout) else "error", "phase": "probe"})


def run_probes(params):
    """Every target's result, in order: one process per user, all users' processes at once.

    Returns (results, setup error message or None)."""
    targets = params["targets"]
    by_user = {}
    for index, target in enumerate(targets):
        by_user.setdefault(target["user"], []).append(index)
    calls = []
    try:
        for user, indexes in by_user.items():
            account = get_account(user)
            check_can_act(account)
            calls.append((account, probe_targets_as_user, (account, params, [targets[index] for index in indexes])))
    except (AccountError, ProbeSetupError) as exc:
        return None, str(exc)
    # Descendants of a server that leave its process group (setsid) are re-parented to us,
    # so that none of them outlives the task.
    become_subreaper()
    try:
        outcomes = call_as_each(calls, timeout=params["timeout"] + SETUP_ALLOWANCE)
    finally:
        kill_descendants()
    results = [None] * len(targets)
    for (account, _function, _args), indexes, outcome in zip(calls, by_user.values(), outcomes):
        for position, index in enumerate(indexes):
            result = _process_failure(account, outcome) if isinstance(outcome, UserProcessError) else outcome[position]
            results[index] = dict(result, user=account.name, client=targets[index]["client"])
    return results, None


def _validate(module):
    params = module.params
    if params["client"] and params["args"]:
        module.fail_json(msg="args applies to command only; with client the arguments come from the entry")
    if params["command"]:
        misplaced = [option for option in CLIENT_ONLY_OPTIONS if params[option] is not None]
        if misplaced:
            module.fail_json(msg="%s applies to client only" % ", ".join(misplaced))
    if params["targets"] is not None:
        misplaced = [option for option in TARGET_OPTIONS + DIRECT_OPTIONS if option != "scope" and params[option]]
        if misplaced or not params["targets"]:
            module.fail_json(msg="targets gives every entry's client options; not with %s" % ", ".join(misplaced)
                             if misplaced else "targets must name at least one entry")
    if params["timeout"] <= 0:
        module.fail_json(msg="timeout must be positive")


def main():
    argument_spec = dict(CLIENT_ARGUMENT_SPEC)
    argument_spec.update(
        client=dict(CLIENT_ARGUMENT_SPEC["client"], required=False),
        name=dict(CLIENT_ARGUMENT_SPEC["name"], required=False),
        targets=dict(type="list", elements="dict",
                     options=dict((option, dict(CLIENT_ARGUMENT_SPEC[option])) for option in TARGET_OPTIONS)),
        command=dict(type="str"),
        args=dict(type="list", elements="str", default=[]),
        env=dict(type="dict", no_log=True),
        env_file=dict(type="str"),
        cwd=dict(type="str"),
        client_env=dict(type="dict", no_log=True),
        path_env=dict(type="str", default="/usr/local/bin:/usr/bin:/bin"),
        timeout=dict(type="float", default=30),
        call=dict(type="dict", options=dict(tool=dict(type="str", required=True), arguments=dict(type="dict", default={}))),
        expect_tools=dict(type="list", elements="str", default=[]),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        required_one_of=[("client", "command", "targets")],
        mutually_exclusive=[("client", option) for option in DIRECT_OPTIONS if option != "args"] + [("client", "targets")],
        required_by={"client": "name", "targets": "name"},
        supports_check_mode=True,
    )
    _validate(module)
    params = module.params
    if params["targets"] is None:
        params["targets"] = [dict((option, params[option]) for option in TARGET_OPTIONS)]
        single = True
    else:
        single = False
    results, error = run_probes(params)
    if error:
        module.fail_json(msg=error, failure={"kind": "config", "phase": "setup"}, changed=False)
    for result in results:
        for warning in result.pop("warnings", []):
            module.warn(controller_safe(warning))
    results = controller_safe(results)
    if single:
        result = results[0]
        for key in ("user", "client", "same_launch_as"):
            result.pop(key, None)
        if result.get("failed"):
            module.fail_json(**result)
        module.exit_json(**result)
    failed = [result for result in results if result.get("failed")]
    distinct = len([result for result in results if "launch" in result and "same_launch_as" not in result])
    summary = dict(changed=False, targets=results, launches=distinct)
    if failed:
        module.fail_json(msg="Servers that did not answer: " + "; ".join(
            "%s in %s: %s" % (result["user"], result["client"], result["msg"]) for result in failed), **summary)
    module.exit_json(**summary)


if __name__ == "__main__":
    main()
