#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mcp_server
short_description: Ensure one MCP server entry in an AI client's configuration file
version_added: 1.0.0
description:
  - Adds, updates or removes one MCP server entry in the configuration file of an AI client
    (VS Code, code-server, Cursor, Claude, Amazon Q, Zed, ...; see O(client)).
  - The file is parsed losslessly. Only the text of the entry changes (and, for
    O(client=amazonq_agent), the C(@<name>) item of C(tools)); comments, trailing commas,
    indentation, newlines and every other byte stay as they were. New text follows the file's
    own indentation and newline style. Clients that read strict JSON always get strict JSON.
  - Entries are compared as data. An entry that already matches is not written, and the file's
    modification time stays.
  - Keys of an existing entry that the module does not manage (a user's C(disabled),
    C(autoApprove), ...) are kept unless O(exclusive=true). Members are changed one by one, so
    comments inside the entry survive too.
  - Run as root for another O(user), the module never touches that user's files with root's
    authority. It forks a process that drops to the user's uid, gid and supplementary groups,
    and that process resolves the path, reads, locks, creates parent directories, backs up and
    writes; root only receives the result. A planted symlink, FIFO or race in the user's home
    therefore gains nothing the user did not already have. A symlinked config (stow, chezmoi)
    is followed to its target as the user would follow it.
  - Only a regular file is read, without blocking and up to O(max_size) bytes; a FIFO, socket,
    device or a larger file is refused with a message naming it.
  - Writes take an exclusive lock on the file's directory (other runs of this module wait for
    it), re-read the file under it, and replace the file atomically through a temporary file
    created exclusively in the same directory with the final mode. The mode of an existing file
    is kept.
  - A program that rewrites the file in place without a lock cannot lose data to the module.
    A read that does not parse, or an empty read of a file that had content, is taken for a
    save in progress and read again. A read lease (Linux) tells when anyone opens the file for
    writing after it was read; right before and right after the atomic exchange the file must
    still be exactly what was read, otherwise the old file is put back and the edit is
    computed again from the new content (a bounded number of times).
  - Secrets (the values of O(env) and O(headers), and any env or header value already in the
    file) are masked in the returned entry, in both sides of the diff and in error messages.
  - A file that cannot be parsed, a key with the wrong type or an option the client cannot
    express makes the task fail with the file, line and column where they apply; the file is
    then left byte-identical.
author:
  - mcpfleet maintainers (@mcpfleet)
extends_documentation_fragment:
  - mcpfleet.mcp.client
  - mcpfleet.mcp.client.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - Secret values are masked on both sides; on the after side a masked value that differs
        from the before side is marked C(changed).
  idempotent:
    support: full
  platform:
    support: full
    platforms: posix
  safe_file_operations:
    description: Writes are atomic, keep the file's permissions and cannot leave a corrupt file.
    support: full
    details:
      - Not Ansible's file helpers (they act as root); its own, run as the user. See the notes.
  vault:
    description: Can automatically decrypt Ansible vaulted files.
    support: none
options:
  state:
    description:
      - V(present) adds the entry or makes it match; V(absent) removes it (a missing file or
        entry is not an error).
    type: str
    choices: [present, absent]
    default: present
  transport:
    description:
      - V(stdio) starts O(command) as a child process of the client; V(http) connects to O(url)
        (Streamable HTTP). Not every client supports V(http).
    type: str
    choices: [stdio, http]
    default: stdio
  command:
    description:
      - The program to start, for O(transport=stdio). Required then with O(state=present).
    type: str
  args:
    description:
      - Arguments of O(command).
    type: list
    elements: str
  env:
    description:
      - Environment variables for O(command). Values are secrets to this module.
      - Clients that expand placeholders accept references instead of literal values, for
        example C(${env:SENTRY_ACCESS_TOKEN}) for VS Code or Cursor.
    type: dict
  env_file:
    description:
      - A file of C(KEY=VALUE) lines the client reads into the server's environment, so that no
        secret needs to be in the config file. Only clients that support it (VS Code family,
        Cursor); others fail with an explanation.
    type: str
  cwd:
    description:
      - Working directory of O(command), for clients that support it.
    type: str
  url:
    description:
      - The server's URL for O(transport=http). Required then with O(state=present).
    type: str
  headers:
    description:
      - HTTP headers for O(transport=http). Values are secrets to this module.
    type: dict
  extra:
    description:
      - Client-specific keys merged into the entry last, for example C(timeout) for Amazon Q or
        C(disabled) for Kiro. They may override the keys the client profile sets by itself
        (such as C(type)), not the keys of the options above.
    type: dict
  exclusive:
    description:
      - With V(true) the entry becomes exactly what the options describe; keys the module does
        not manage are removed.
    type: bool
    default: false
  create:
    description:
      - Create the file (and its parent directories, owned by O(user); hidden ones mode 0700)
        when it does not exist. With V(false) a missing file is an error for O(state=present).
    type: bool
    default: true
  backup:
    description:
      - Keep a copy of the file before changing it, named C(<file>.<timestamp>.<random>~) beside
        it. The copy holds exactly the bytes that were replaced, is created by O(user) under a
        fresh name (a name planted in advance is never followed) and is mode V('0600') from the
        first byte.
    type: bool
    default: false
  mode:
    description:
      - Mode of the file, as octal digits (V('0600')) or a number. A file the module creates is
        V('0600') unless this is set; an existing file keeps its mode unless this is set.
    type: raw
  owner:
    description:
      - Owner of the file (name or uid). A file belongs to O(user) unless this is set; only
        root acting for root can give a file away.
    type: str
  group:
    description:
      - Group of the file (name or gid). A file the module creates belongs to the primary group
        of O(user) unless this is set; O(user) must be a member of the group.
    type: str
  max_size:
    description:
      - The largest config file, in bytes, that the module reads. A larger file is refused
        (not read, not changed), so that a hostile or runaway file cannot exhaust memory.
    type: int
    default: 33554432
  supersedes:
    description:
      - Other entries of the same file that the managed one replaces, selected by what they
        launch (command and arguments), not by their name. With O(state=present) every other
        entry that any matcher selects is removed in the same atomic write that writes the
        managed entry. A hand-made entry under O(name) itself that a matcher selects is
        rewritten as the managed entry and reported too; the managed entry never is.
      - A package is recognised when run through C(npx), C(npx -y), C(bunx), C(pnpm dlx),
        C(yarn dlx) or C(npm exec), with or without a version or tag, and in
        C(node .../node_modules/<package>/...).
      - The keys of one matcher must all match.
    type: list
    elements: dict
    version_added: 1.1.0
    suboptions:
      package:
        description: An npm package name such as V(@sentry/mcp-server), without version.
        type: str
      command:
        description: The command; a name without C(/) matches the basename (a global binary such as V(sentry-mcp)).
        type: str
      args_regex:
        description: A regular expression searched in the arguments joined by spaces.
        type: str
  known_secrets:
    description:
      - Secrets the caller knows (for example the token the vault holds). Each exposure in
        RV(superseded) then tells whether it held one of them, as a boolean only.
    type: list
    elements: str
    version_added: 1.1.0
notes:
  - Run the module as root (C(become)) or as O(user) itself. As root it acts in a process of
    O(user) (see the description); as O(user) it simply is that process.
  - A new file gets the default SELinux context of its directory; an existing file's context
    is not copied to its replacement.
  - A client that is running may rewrite its file at any time (Claude Code rewrites
    C(~/.claude.json)); the module's write is atomic, but a client that saves stale data
    afterwards can drop the entry again.
seealso:
  - module: mcpfleet.mcp.mcp_probe
    description: Starts the configured server the way the client would and checks that it answers.
"""

EXAMPLES = r"""
- name: Sentry MCP server for alice's code-server, token from an env file
  mcpfleet.mcp.mcp_server:
    client: code_server
    user: alice
    name: sentry
    command: /opt/sentry-mcp/bin/sentry-mcp-stdio
    args: ["--host=sentry.example.com"]
    env_file: /home/alice/.config/sentry-mcp/env
  become: true

- name: The same server for Claude Code, token in the entry (masked in output and diff)
  mcpfleet.mcp.mcp_server:
    client: claude_code
    user: alice
    name: sentry
    command: /opt/sentry-mcp/bin/sentry-mcp-stdio
    env:
      SENTRY_ACCESS_TOKEN: "{{ sentry_token }}"
  become: true

- name: A remote server in Cursor's project file, with a user's extra key
  mcpfleet.mcp.mcp_server:
    client: cursor
    user: alice
    scope: workspace
    workspace: ~/src/shop
    name: sentry
    transport: http
    url: https://mcp.sentry.dev/mcp
    headers:
      Authorization: "Bearer {{ sentry_token }}"
    extra:
      disabled: false
  become: true

- name: Roo Code inside VS Code desktop rather than code-server
  mcpfleet.mcp.mcp_server:
    client: roo_code
    editor: vscode
    user: alice
    name: sentry
    command: /opt/sentry-mcp/bin/sentry-mcp-stdio
  become: true

- name: VS Code before 1.102 kept servers in settings.json
  mcpfleet.mcp.mcp_server:
    client: vscode
    user: alice
    path: ~/.config/Code/User/settings.json
    key: mcp.servers
    name: sentry
    command: /opt/sentry-mcp/bin/sentry-mcp-stdio
  become: true

- name: Adopt hand-made Sentry entries of any name in Amazon Q
  mcpfleet.mcp.mcp_server:
    client: amazonq
    user: alice
    name: sentry
    command: /opt/sentry-mcp/bin/sentry-mcp-stdio
    supersedes:
      - package: "@sentry/mcp-server"
      - command: sentry-mcp
    known_secrets: ["{{ sentry_token }}"]
  become: true

- name: Remove the server from Amazon Q's agent file (and its @sentry tool)
  mcpfleet.mcp.mcp_server:
    client: amazonq_agent
    user: alice
    name: sentry
    state: absent
    backup: true
  become: true
"""

RETURN = r"""
path:
  description: The configuration file (before following a symlink).
  returned: always
  type: str
  sample: /home/alice/.local/share/code-server/User/mcp.json
client:
  description: The client profile used.
  returned: always
  type: str
  sample: code_server
entry:
  description:
    - The entry as it is in the file after the task, with every env and header value masked.
    - V(null) when the entry is absent.
  returned: always
  type: dict
  sample:
    type: stdio
    command: /opt/sentry-mcp/bin/sentry-mcp-stdio
    args: ["--host=sentry.example.com"]
    env:
      SENTRY_ACCESS_TOKEN: "********"
backup_file:
  description: The backup made before the change.
  returned: when O(backup=true) and the file was changed
  type: str
  sample: /home/alice/.cursor/mcp.json.2026-11-24@21:40:03.5f1c2a~
superseded:
  description:
    - The entries removed because O(supersedes) selected them (in check mode, those that would be).
    - No secret value, nor any part of one, is returned.
  returned: when O(supersedes) is set
  type: list
  elements: dict
  version_added: 1.1.0
  contains:
    name:
      description: The entry's name.
      type: str
      returned: always
    package:
      description: The npm package it launched, if launched through a package runner.
      type: str
      returned: always
    version:
      description: The version or tag it asked for (V(latest), V(0.39.0)), V(null) when unpinned.
      type: str
      returned: always
    options:
      description: The server flags it had; the value of a secret flag is V(null).
      type: dict
      returned: always
    exposures:
      description: Where it held a literal secret.
      type: list
      elements: dict
      returned: always
      contains:
        kind:
          description: V(args) (on the command line, visible in C(ps)) or V(env) (in the file).
          type: str
          returned: always
        file_mode:
          description: The mode of the file that held it.
          type: str
          returned: always
        matches_known:
          description: Whether the secret is one of O(known_secrets).
          type: bool
          returned: when O(known_secrets) is set
  sample:
    - name: Sentry
      package: "@sentry/mcp-server"
      version: latest
      options: {"--access-token": null, "--host": sentry.example.com}
      exposures: [{kind: args, file_mode: "0644", matches_known: true}]
diff:
  description: The file before and after, with secrets masked on both sides.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The file's text before (empty when it did not exist).
      type: str
      returned: success
    after:
      description: The file's text after.
      type: str
      returned: success
    before_header:
      description: The file name.
      type: str
      returned: success
    after_header:
      description: The file name.
      type: str
      returned: success
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mcpfleet.mcp.plugins.module_utils._server_entry import ENTRY_ARGUMENT_SPEC, run_module


def main():
    module = AnsibleModule(argument_spec=ENTRY_ARGUMENT_SPEC, supports_check_mode=True)
    run_module(module)


if __name__ == "__main__":
    main()
