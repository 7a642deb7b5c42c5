#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mcp_policy
short_description: Allow or deny one MCP server in an AI client's administrator policy
version_added: 1.1.0
description:
  - Writes one server's entry into the system-wide MCP policy file of an AI client, in the
    client's own format. The client itself enforces it, and users cannot change it. The file is
    owned by root with mode 0644, in a directory owned by root that only root can write.
  - One server per call, edited by its name and what it launches, like M(mcpfleet.mcp.mcp_server);
    runs for different servers add up in one file. Allow-only mode (O(exclusive)) is a setting of
    the whole file.
  - "Supported clients and files: V(claude_code) writes C(allowedMcpServers) and
    C(deniedMcpServers) in C(/etc/claude-code/managed-settings.json) (Claude Code 2.1); an
    allowed stdio server is entered by its exact command line (C(serverCommand)), a remote one by
    its URL (C(serverUrl)), a denied one by name as well. V(gemini_cli) writes C(mcp.allowed) and
    C(mcp.excluded) in C(/etc/gemini-cli/settings.json) (Gemini CLI 0.61), which hold server
    names."
  - A client without an administrator policy on Linux (Qwen Code, whose system allow-list is
    merged with the user's own; Copilot CLI; VS Code and code-server; any other) is refused with
    the reason. A policy is never written to a file the user can edit.
  - The rest of an existing file (other settings, comments where the client accepts them, key
    order, indentation) is kept byte for byte; a file that cannot be parsed is not written and
    the task fails naming the line and column.
  - Writes are atomic, through a temporary file created in the same directory with the final
    mode and owner, under a lock that other runs of this module wait for.
author:
  - mcpfleet maintainers (@mcpfleet)
extends_documentation_fragment:
  - mcpfleet.mcp.client.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
  platform:
    support: full
    platforms: posix
options:
  client:
    description:
      - The client whose policy is written. V(claude_code) and V(gemini_cli) are supported; any
        other client fails with the reason it has no enforceable policy on Linux.
    type: str
    required: true
  name:
    description:
      - The server's name, as the entries in the users' files name it. Required unless the task
        only sets O(exclusive).
    type: str
  rule:
    description:
      - V(allow) lets the server run in allow-only mode; V(deny) blocks it whatever else the
        policy allows.
    type: str
    choices: [allow, deny]
    default: allow
  command:
    description:
      - The exact program the server's entry starts. Claude Code admits an allowed stdio server
        only when its command and O(args) match exactly. Gemini CLI matches names only.
    type: str
  args:
    description:
      - The exact arguments of O(command).
    type: list
    elements: str
  launches:
    description:
      - Every launch of the server at once, in place of O(command) and O(args), for a rollout whose
        users start the same launcher with different arguments.
      - With O(state=present) they are the server's complete set for Claude Code. An allowed
        entry that starts one of their commands with arguments no launch has is an old launch and
        is removed.
      - With O(state=absent) every entry that starts one of their commands is removed, whatever
        its arguments.
    type: list
    elements: dict
    suboptions:
      command:
        description:
          - The exact program.
        type: str
        required: true
      args:
        description:
          - Its exact arguments.
        type: list
        elements: str
        default: []
  url:
    description:
      - The URL of a remote server (Claude Code matches it, C(*) is a wildcard).
    type: str
  exclusive:
    description:
      - V(true) turns allow-only mode on; every server the policy does not allow is then blocked
        in the client. It must be asked for explicitly, because it disables every other server;
        an allow rule fails while the file has no allow-list and O(exclusive) is not V(true).
      - V(false) turns allow-only mode off (the allow-list is removed).
      - Gemini CLI lets every server run under an empty C(mcp.allowed), so for V(gemini_cli)
        V(true) fails unless the list keeps at least one server (Claude Code then blocks all).
      - Unset leaves the mode as it is. When O(state=absent) then empties the allow-list, the
        list is removed, so the file returns to allowing every server that is not denied.
    type: bool
  join:
    description:
      - V(true) adds an allowed server only to the allow-list the file has, that is to allow-only
        mode that another task (or an administrator) turned on. A file without it lets every server run and
        is left as it is. A rollout that may not turn allow-only mode on itself sets it.
      - Takes neither O(exclusive) nor O(rule=deny).
    type: bool
    default: false
  state:
    description:
      - V(present) adds the server's entries; V(absent) removes the entries this module would
        write for O(name) (and O(command), O(args) or O(url)) from both lists. Entries of other
        servers and other settings stay.
    type: str
    choices: [present, absent]
    default: present
  path:
    description:
      - Another file in place of the client's system path (tests, or a client started with its
        own override).
    type: path
notes:
  - Gemini CLI lets a user replace the system allow-list with its C(--allowed-mcp-server-names)
    option and point it at another system file with C(GEMINI_CLI_SYSTEM_SETTINGS_PATH); its
    exclusions (O(rule=deny)) cannot be lifted by a user. Claude Code reads its managed settings
    only from the root-owned directory.
seealso:
  - module: mcpfleet.mcp.mcp_server
"""

EXAMPLES = r"""
- name: Only the managed Sentry server runs in Claude Code (allow-only mode, explicit)
  mcpfleet.mcp.mcp_policy:
    client: claude_code
    name: sentry
    command: /opt/mcpfleet/sentry-mcp/current/bin/sentry-mcp-stdio
    args: ["--host=sentry.example.com"]
    exclusive: true

- name: A second server rolled out later is allowed beside it
  mcpfleet.mcp.mcp_policy:
    client: claude_code
    name: github
    command: /opt/mcpfleet/github-mcp/current/bin/github-mcp-server
    args: [stdio]

- name: Sentry as each user starts it, and no other launch of its launcher (old arguments are dropped)
  mcpfleet.mcp.mcp_policy:
    client: claude_code
    name: sentry
    launches:
      - command: /opt/mcpfleet/sentry-mcp/current/bin/sentry-mcp-stdio
        args: ["--host=sentry.example.com"]
      - command: /opt/mcpfleet/sentry-mcp/current/bin/sentry-mcp-stdio
        args: ["--host=sentry.example.com", "--organization-slug=web"]
    join: true

- name: Gemini CLI never runs a server named filesystem
  mcpfleet.mcp.mcp_policy:
    client: gemini_cli
    name: filesystem
    rule: deny

- name: Take the Sentry server out of the policy again
  mcpfleet.mcp.mcp_policy:
    client: claude_code
    name: sentry
    command: /opt/mcpfleet/sentry-mcp/current/bin/sentry-mcp-stdio
    args: ["--host=sentry.example.com"]
    state: absent
"""

RETURN = r"""
path:
  description: The policy file.
  returned: always
  type: str
  sample: /etc/claude-code/managed-settings.json
client:
  description: The client whose policy it is.
  returned: always
  type: str
  sample: claude_code
policy:
  description: What the file enforces after the task, in the client's own entries.
  returned: always
  type: dict
  contains:
    exclusive:
      description: Whether allow-only mode is on (the file has an allow-list).
      type: bool
    allow:
      description: The allow-list's entries.
      type: list
      elements: raw
    deny:
      description: The deny-list's entries.
      type: list
      elements: raw
  sample:
    exclusive: true
    allow: [{"serverCommand": ["/opt/mcpfleet/sentry-mcp/current/bin/sentry-mcp-stdio", "--host=sentry.example.com"]}]
    deny: []
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mcpfleet.mcp.plugins.module_utils._policy import ARGUMENT_SPEC, run_module


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True,
                           mutually_exclusive=[("command", "url", "launches")], required_by={"args": "command"})
    run_module(module)


if __name__ == "__main__":
    main()
