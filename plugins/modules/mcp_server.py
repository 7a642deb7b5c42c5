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
version_added: 0.1.0
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
  - Writes take an exclusive lock on the file's directory, re-read the file under it, and
    replace the file atomically through a temporary file in the same directory. A symlinked
    config is followed to its target; owner, mode and SELinux context of an existing file are
    kept.
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
  - ansible.builtin.files
  - ansible.builtin.action_common_attributes
  - action_common_attributes.files
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
    support: full
  vault:
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
      - Keep a copy of the file, named with a timestamp, before changing it.
    type: bool
    default: false
  mode:
    description:
      - Mode of the file. A file the module creates is V('0600') unless this is set; an existing
        file keeps its mode unless this is set.
  owner:
    description:
      - Owner of the file. A file the module creates belongs to O(user) unless this is set.
  group:
    description:
      - Group of the file. A file the module creates belongs to the primary group of O(user)
        unless this is set.
notes:
  - Run the module as root (C(become)) or as O(user) itself.
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
  sample: /home/alice/.cursor/mcp.json.2211.2026-11-24@21:40:03~
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

import grp
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import (
    CLIENT_ARGUMENT_SPEC,
    ClientError,
    apply_entry,
    find_entry,
    get_profile,
    merge_entry,
    new_file_data,
    remove_entry,
    resolve_from_params,
    secret_keys,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._config_file import (
    NEW_FILE_MODE,
    ConfigFileError,
    locked,
    make_parents,
    read_text,
    real_path,
    write_atomic,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import Document, JsoncError, render
from ansible_collections.mcpfleet.mcp.plugins.module_utils._redact import collect, redact_entry, redact_file_texts, redact_text
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import AccountError, get_account


def _string_map(option, value):
    """env and headers values are strings in every client; numbers are accepted and converted."""
    if value is None:
        return None
    result = {}
    for name, item in value.items():
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise ClientError("%s.%s must be a string" % (option, name))
        result[name] = item if isinstance(item, str) else str(item)
    return result


def _spec(params):
    if params["state"] == "absent":
        return None
    return dict(
        transport=params["transport"],
        command=params["command"],
        args=params["args"],
        env=_string_map("env", params["env"]),
        env_file=params["env_file"],
        cwd=params["cwd"],
        url=params["url"],
        headers=_string_map("headers", params["headers"]),
        extra=params["extra"],
    )


def _edit(profile, path, text, name, spec, exclusive, create):
    """Return (new text, entry before, entry after) for the file's current ``text`` (None: missing)."""
    if text is None:
        if spec is None:
            return None, None, None
        if not create:
            raise ConfigFileError("%s does not exist and create=false" % path)
        text = render(new_file_data(profile))
    try:
        document = Document(text, grammar=profile["grammar"])
        current = find_entry(profile, document, name)
        if spec is None:
            remove_entry(profile, document, name)
            return document.text, current, None
        entry = merge_entry(profile, current, spec, exclusive)
        apply_entry(profile, document, name, entry)
    except (JsoncError, ClientError) as exc:
        raise ConfigFileError("%s: %s" % (path, exc))
    return document.text, current, entry


def _file_args(module, account, target, creating):
    file_args = module.load_file_common_arguments(module.params, path=target)
    if creating:
        if file_args["mode"] is None:
            file_args["mode"] = NEW_FILE_MODE
        if file_args["owner"] is None:
            file_args["owner"] = account.name
        if file_args["group"] is None:
            try:
                file_args["group"] = grp.getgrgid(account.gid).gr_name
            except KeyError:
                file_args["group"] = str(account.gid)
    return file_args


def run(module):
    params = module.params
    account = get_account(params["user"])
    profile = get_profile(params["client"], params["key"])
    path = resolve_from_params(profile, account, params)
    spec = _spec(params)
    target = real_path(path, account)
    name = params["name"]
    text = read_text(target)
    new_text, before_entry, entry = _edit(profile, path, text, name, spec, params["exclusive"], params["create"])
    changed = new_text != text
    result = dict(path=path, client=params["client"])
    backup_file = None
    creating = text is None and changed
    if changed and not module.check_mode:
        make_parents(os.path.dirname(target), account)
        with locked(os.path.dirname(target)):
            now = read_text(target)
            if now != text:
                # Another writer changed the file since it was read: edit what is there now.
                text = now
                new_text, before_entry, entry = _edit(profile, path, text, name, spec, params["exclusive"], params["create"])
            creating = text is None
            changed = new_text != text
            if changed:
                if params["backup"] and text is not None:
                    backup_file = module.backup_local(target)
                write_atomic(module, target, new_text)
    result["changed"] = changed
    if os.path.exists(target):
        result["changed"] = module.set_fs_attributes_if_different(_file_args(module, account, target, creating), changed)
    keys = secret_keys(profile)
    secrets = collect([before_entry, entry], keys, _secret_params(params))
    result["entry"] = redact_entry(entry, keys, secrets)
    if backup_file:
        result["backup_file"] = backup_file
    if module._diff:
        before, after = redact_file_texts(text or "", new_text or "", profile["grammar"], profile["key"], keys, secrets)
        result["diff"] = dict(before=before, after=after, before_header=path, after_header=path)
    return result


def _secret_params(params):
    values = []
    for option in ("env", "headers"):
        values.extend(str(value) for value in (params[option] or {}).values())
    return values


def main():
    argument_spec = dict(CLIENT_ARGUMENT_SPEC)
    argument_spec.update(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        transport=dict(type="str", default="stdio", choices=["stdio", "http"]),
        command=dict(type="str"),
        args=dict(type="list", elements="str"),
        env=dict(type="dict", no_log=True),
        env_file=dict(type="str"),
        cwd=dict(type="str"),
        url=dict(type="str"),
        headers=dict(type="dict", no_log=True),
        extra=dict(type="dict"),
        exclusive=dict(type="bool", default=False),
        create=dict(type="bool", default=True),
        backup=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, add_file_common_args=True, supports_check_mode=True)
    try:
        result = run(module)
    except (AccountError, ClientError, ConfigFileError) as exc:
        module.fail_json(msg=redact_text(str(exc), _secret_params(module.params)))
    except OSError as exc:
        module.fail_json(msg=redact_text("%s: %s" % (exc.filename or "config file", exc.strerror or exc), _secret_params(module.params)))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
