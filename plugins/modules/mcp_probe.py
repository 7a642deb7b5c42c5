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
  - Starts one MCP server over stdio and speaks the Model Context Protocol with it. It opens the
    session as the newest clients do, then reads every page of C(tools/list) and, with O(call),
    makes one C(tools/call). Then it closes the server's stdin and reaps it.
  - The session opens with C(server/discover) (revision C(2026-07-28), as the official MCP
    Python SDK 2.x sends it). Later requests then carry the revision's envelope in their
    C(_meta), and no C(notifications/initialized) is sent. The probe falls back to C(initialize)
    (protocol version C(2025-11-25), accepting whatever version the server negotiates) and
    C(notifications/initialized), on the same process, when C(server/discover) gets any error,
    a malformed answer, an answer that offers no revision the probe speaks, or no answer within a
    third of O(timeout) (at most 10 seconds, counted from spawn). That leaves C(initialize) at least
    two thirds of O(timeout) with a server that drops unknown methods without an answer. A late
    answer to C(server/discover) still opens the session when the server then refuses
    C(initialize) (a slow server that took the discover after all). RV(handshake) and
    RV(protocol_version) tell which one answered.
  - A server that exits before it answers C(server/discover) is started again, once and within
    the same O(timeout), and asked C(initialize) alone. Today's clients open with C(initialize),
    so such a server works for them. The task then warns, because clients that open with
    C(server/discover) cannot use that server. A server that fails at every start is therefore
    started twice, and the second failure is reported.
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
      - The users are probed side by side, each in a process of its own that has dropped to
        that user, no more at once than the host's CPUs and memory allow (two per CPU, 160 MiB
        each). Within a user, entries that resolve to the same launch (command, arguments,
        environment, working directory) start the server once; distinct launches are probed
        one after the other. Each probe's O(timeout) counts from its own start.
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
          - codex
          - continue
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
  reuse:
    description:
      - Do not start a launch again that passed a probe within O(reuse.max_age) seconds.
      - Every entry is still read as its client reads it, on every run. Only the server's start
        is skipped, when the launch's fingerprint is one that passed. The fingerprint is the
        SHA-256 of the command, arguments, environment and directory, of the contents of
        O(reuse.files) and of O(reuse.inputs), O(call) and O(expect_tools). It is computed in
        the user's process; no secret leaves it.
      - A failed probe is never kept, so a launch that failed is started again on the next run.
    type: dict
    version_added: 1.1.0
    suboptions:
      state_file:
        description:
          - Where root keeps the fingerprints and results of the successful probes (mode 0600,
            replaced atomically; the probes of this run only).
          - Its directory must be one that only the module's user can write, such as a role's
            install prefix.
        type: path
        required: true
      max_age:
        description:
          - Seconds for which a successful probe stands for its launch. V(0) starts every launch.
        type: int
        default: 86400
      inputs:
        description:
          - Facts of what the command runs that its path does not show, such as the versions of
            the package and of Node.js and the checksum of a launcher script.
        type: raw
        default: {}
      files:
        description:
          - Files the launch reads (C(~) is the user's home), read as the user; their contents are
            part of the fingerprint. An env file that a launcher script reads belongs here.
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
  - V(early_exit) means the server exited before it answered; RV(stderr) shows its last lines
    (those of the second start when it exited on C(server/discover) and was started again).
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
  description:
    - The server's C(serverInfo), from C(initialize), or from the C(io.modelcontextprotocol/serverInfo)
      key of the C(_meta) of the answer to C(server/discover).
    - Empty when the server did not name itself (that key is optional).
  returned: when the session opened
  type: dict
  sample: {"name": "Sentry MCP", "version": "0.39.0"}
protocol_version:
  description:
    - The revision of the session. V(2026-07-28) when the server answered C(server/discover),
      else the protocol version the server negotiated through C(initialize).
  returned: when the session opened
  type: str
  sample: "2025-11-25"
handshake:
  description:
    - Which request opened the session. V(discover) means C(server/discover) (revision
      C(2026-07-28)); V(initialize) means the C(initialize) fallback (revisions up to C(2025-11-25)).
  returned: when the session opened
  type: str
  choices: [discover, initialize]
  sample: initialize
  version_added: 1.1.0
tools:
  description:
    - Names of the server's tools, from every page of C(tools/list), in the server's order.
    - Empty when the server does not declare the C(tools) capability (it is then not asked).
  returned: when the server answered C(tools/list)
  type: list
  elements: str
  sample: [find_organizations, find_projects, execute_sentry_tool]
ready_ms:
  description:
    - Milliseconds from spawn to the answer that opened the session (RV(handshake)). When the
      server was started again, from the first spawn.
  returned: when the session opened
  type: int
  sample: 742
total_ms:
  description: Milliseconds from spawn to reaping the server (the first spawn and the last reap).
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
    reused:
      description:
        - True when the launch passed a probe within O(reuse.max_age) and was not started again;
          the item holds that probe's results and RV(targets[].probed_at).
      type: bool
      returned: when the launch was reused
      sample: true
      version_added: 1.1.0
    probed_at:
      description: When the probe of a reused or kept launch ran, in seconds since the epoch.
      type: int
      returned: with O(reuse), for a launch that passed
      sample: 1796342400
      version_added: 1.1.0
    fingerprint:
      description: The fingerprint of the launch (see O(reuse)).
      type: str
      returned: with O(reuse), when the entry could be resolved
      sample: 3f1c2b9e0a7d4c5b8e6f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d
      version_added: 1.1.0
launches:
  description: With O(targets), how many distinct launches were started (reused ones are not).
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
      description:
        - The step that failed, V(setup) (reading the entry), V(spawn), V(server/discover),
          V(initialize), V(tools/list) or V(tools/call).
        - V(server/discover) only for what no fallback can mend, such as a line that is not
          JSON-RPC on stdout.
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

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import CLIENT_ARGUMENT_SPEC
from ansible_collections.mcpfleet.mcp.plugins.module_utils._probe import DIRECT_OPTIONS, PROBE_OPTIONS_SPEC, TARGET_OPTIONS, run_module


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
    )
    argument_spec.update(PROBE_OPTIONS_SPEC)
    module = AnsibleModule(
        argument_spec=argument_spec,
        required_one_of=[("client", "command", "targets")],
        mutually_exclusive=[("client", option) for option in DIRECT_OPTIONS if option != "args"] + [("client", "targets")],
        required_by={"client": "name", "targets": "name"},
        supports_check_mode=True,
    )
    run_module(module)


if __name__ == "__main__":
    main()
