#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mcp_server_info
short_description: Audit the MCP servers in every AI client's configuration files of users
version_added: 1.1.0
description:
  - Reads the user configuration file of every MCP client this collection knows (the profiles
    of M(mcpfleet.mcp.mcp_server), the same paths, grammars and keys) for one user or for every
    account of the host, and lists each file's servers, where they hold secrets, and findings.
  - The findings are V(literal_secret), a secret written into the file (the value of a secret
    flag or key such as C(--access-token), C(*TOKEN*), C(*KEY*), C(*SECRET*) or
    C(Authorization), or a value shaped like a known token).
  - V(secret_on_command_line), a literal secret in C(args), which every local user sees in C(ps).
  - V(unpinned_package), a package runner such as C(npx) or C(bunx) without an exact version
    (none, C(latest), another tag or a range).
  - V(readable_secret_file), a file that holds a literal secret and that its group or everyone
    can read.
  - V(unparsable_file), a file or an entry that cannot be read or parsed; the message names the
    file, line and column.
  - V(blocked_by_policy), a server that the client's administrator policy (see
    M(mcpfleet.mcp.mcp_policy)) keeps from running, judged by that client's own rules (the user
    sees it fail or vanish). The policies are read by root from their root-owned places under
    C(/etc), before any user's file, and returned in RV(policies). The fleet-wide finding
    V(missing_policy) (a host without the policy other hosts have) comes from
    P(mcpfleet.mcp.audit_report#filter).
  - No secret value, nor any part of one, is ever returned. Secrets are described by where they
    are (C(args), C(env) or C(headers), with the flag or key name) and how they are held
    (V(literal), V(placeholder) such as C(${env:X}), or V(env_file)).
  - Run as root, the module reads each user's files in a process that has dropped to that
    user's uid, gid and supplementary groups, as M(mcpfleet.mcp.mcp_server) does; root itself
    never opens, stats or resolves a path in a user's home. Users are read side by side, up to a
    bound from the host's CPUs and memory, each in a process of their own.
  - The module changes nothing.
author:
  - mcpfleet maintainers (@mcpfleet)
extends_documentation_fragment:
  - mcpfleet.mcp.client.ATTRIBUTES
  - mcpfleet.mcp.client.MATCH
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - The module only reads; it runs in check mode as well.
  diff_mode:
    support: none
  idempotent:
    support: full
    details:
      - The module never changes anything.
  platform:
    support: full
    platforms: posix
options:
  user:
    description:
      - The account whose files are audited.
      - Defaults to the user the module runs as, unless O(all_users=true).
    type: str
  all_users:
    description:
      - Audit every account of the host (C(getent passwd)) whose home directory is an absolute
        path other than C(/) and a directory the account can enter, system accounts included; a
        home that does not exist (C(/nonexistent)) is skipped. The account's own process checks it.
      - Without root only the user the module runs as can be read; the module then audits that
        user alone and warns.
    type: bool
    default: false
  users:
    description:
      - Audit these accounts (each must exist).
    type: list
    elements: str
    version_added: 1.1.0
  clients:
    description:
      - The clients whose files are read, by the names of O(mcpfleet.mcp.mcp_server#module:client).
      - Defaults to every client that has a file of its own in the user's home (all but
        V(generic)). Each client's default file is read, as C(mcp_server) would resolve it with
        default options (for example C(~/.local/share/code-server/User/mcp.json) for
        V(code_server)).
    type: list
    elements: str
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
notes:
  - Only the default user-scope file of each client is read; workspace files (C(.vscode/mcp.json)
    in a project) and files moved by C(XDG_CONFIG_HOME) or C(--user-data-dir) are not.
  - The contents of env files (V(env_file)) are not read; their permissions are not judged.
seealso:
  - module: mcpfleet.mcp.mcp_server
    description: Ensures one server entry; its O(mcpfleet.mcp.mcp_server#module:supersedes) adopts hand-made entries.
  - plugin: mcpfleet.mcp.audit_report
    plugin_type: filter
    description: Turns the results of many hosts into one report.
"""

EXAMPLES = r"""
- name: Audit every user's MCP client files
  mcpfleet.mcp.mcp_server_info:
    all_users: true
  become: true
  register: audit

- name: The clients where bob and carol made a Sentry server by hand
  mcpfleet.mcp.mcp_server_info:
    users: [bob, carol]
    match:
      - package: "@sentry/mcp-server"
      - command: sentry-mcp
  become: true
  register: hand_made

- name: Only alice's code-server and Amazon Q files
  mcpfleet.mcp.mcp_server_info:
    user: alice
    clients: [code_server, amazonq]
  become: true
  register: audit

- name: Fail when any server holds a literal secret
  ansible.builtin.assert:
    that: audit.findings | selectattr('kind', 'equalto', 'literal_secret') | list | length == 0
    fail_msg: "{{ audit.findings | selectattr('kind', 'equalto', 'literal_secret') | map(attribute='path') | unique | join(', ') }}"
"""

RETURN = r"""
users:
  description: One item per audited user, in the order of the account database.
  returned: always
  type: list
  elements: dict
  contains:
    user:
      description: The account name.
      type: str
      returned: always
    error:
      description: Why the user's files could not be audited (the process of the user failed), or V(null).
      type: str
      returned: always
    files:
      description: One item per client, its user file whether it exists or not.
      type: list
      elements: dict
      returned: always
      contains:
        client:
          description: The client profile.
          type: str
          returned: always
        path:
          description: The file (before following a symlink).
          type: str
          returned: always
        exists:
          description: Whether the file exists.
          type: bool
          returned: always
        owner:
          description: The file's owner (a name, or the uid when it has none), V(null) when it does not exist.
          type: str
          returned: always
        mode:
          description: The file's permission bits as four octal digits, V(null) when it does not exist.
          type: str
          returned: always
        parse_error:
          description: Why the file, or one of its entries, could not be read or parsed (naming the file, line and column), or V(null).
          type: str
          returned: always
        servers:
          description: The file's server entries.
          type: list
          elements: dict
          returned: always
          contains:
            name:
              description: The entry's name.
              type: str
              returned: always
            transport:
              description: V(stdio), V(http), or V(null) when the entry has neither form.
              type: str
              returned: always
            command:
              description: The command of a stdio entry (without its arguments).
              type: str
              returned: always
            runner:
              description: The package runner (V(npx), V(bunx), V(pnpm), V(yarn), V(npm)), V(node) for an installed tree, or V(null).
              type: str
              returned: always
            package:
              description: The npm package it launches, when launched through a runner or from C(node_modules).
              type: str
              returned: always
            version:
              description: The version or tag it asks for, V(null) when none.
              type: str
              returned: always
            blocked:
              description: Why the client's administrator policy keeps the entry from running, V(null) when it does not.
              type: str
              returned: when the client has a policy on the host (see RV(policies))
              version_added: 1.2.0
            matched:
              description: Whether one of O(match) selects what the entry launches.
              type: bool
              returned: when O(match) is set
              version_added: 1.1.0
            secrets:
              description: Where the entry holds secrets; never a value.
              type: list
              elements: dict
              returned: always
              contains:
                where:
                  description: V(args), V(env) or V(headers).
                  type: str
                  returned: always
                name:
                  description:
                    - The flag (C(--access-token)) or key (C(SENTRY_ACCESS_TOKEN)); V(null) for a token-shaped argument.
                    - For RV(users[].files[].servers[].secrets[].held=env_file), the env file the entry names.
                  type: str
                  returned: always
                held:
                  description: V(literal) (in the file), V(placeholder) (expanded by the client) or V(env_file).
                  type: str
                  returned: always
        findings:
          description: This file's findings, as in RV(findings).
          type: list
          elements: dict
          returned: always
findings:
  description: The findings of every file of every user.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: V(literal_secret), V(secret_on_command_line), V(unpinned_package), V(readable_secret_file), V(unparsable_file) or V(blocked_by_policy).
      type: str
      returned: always
    user:
      description: The account.
      type: str
      returned: always
    client:
      description: The client profile.
      type: str
      returned: always
    path:
      description: The file.
      type: str
      returned: always
    server:
      description: The entry's name, V(null) for a finding about the whole file.
      type: str
      returned: always
    detail:
      description: What is wrong, without any secret.
      type: str
      returned: always
  sample:
    - kind: secret_on_command_line
      user: alice
      client: amazonq
      path: /home/alice/.aws/amazonq/mcp.json
      server: Sentry
      detail: args --access-token puts a literal secret on the command line, where every local user sees it (ps)
policies:
  description:
    - The administrator MCP policy of each audited client that can have one (those of M(mcpfleet.mcp.mcp_policy)).
    - A policy in a place that another user could have redirected is not read; RV(policies[].error) says why.
  returned: always
  type: list
  elements: dict
  version_added: 1.2.0
  contains:
    client:
      description: The client profile.
      type: str
      returned: always
    path:
      description: The policy file.
      type: str
      returned: always
    exists:
      description: Whether the file exists and was read.
      type: bool
      returned: always
    exclusive:
      description: Whether it is in allow-only mode (only the servers it allows run).
      type: bool
      returned: always
    allow:
      description: The client's own allow entries (for Claude Code C(serverName), C(serverCommand) or C(serverUrl) items; for Gemini CLI names).
      type: list
      elements: raw
      returned: always
    deny:
      description: The client's own deny entries.
      type: list
      elements: raw
      returned: always
    error:
      description: Why the file could not be read, or V(null).
      type: str
      returned: always
  sample:
    - client: claude_code
      path: /etc/claude-code/managed-settings.json
      exists: true
      exclusive: true
      allow: [{serverCommand: [/opt/mcpfleet/sentry/bin/sentry-mcp-stdio]}]
      deny: []
      error: null
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mcpfleet.mcp.plugins.module_utils._audit import run_module
from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import audited_clients
from ansible_collections.mcpfleet.mcp.plugins.module_utils._supersede import MATCHERS_SPEC


def main():
    module = AnsibleModule(
        argument_spec=dict(
            user=dict(type="str"),
            all_users=dict(type="bool", default=False),
            users=dict(type="list", elements="str"),
            clients=dict(type="list", elements="str", choices=audited_clients()),
            match=MATCHERS_SPEC,
        ),
        mutually_exclusive=[("user", "all_users", "users")],
        supports_check_mode=True,
    )
    run_module(module)


if __name__ == "__main__":
    main()
