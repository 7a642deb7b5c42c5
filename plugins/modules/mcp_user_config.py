#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mcp_user_config
short_description: Converge the MCP setup of many users in one call, each user's files as that user
version_added: 1.1.0
description:
  - For each user, writes (or removes) the env file that holds a server's secrets, then writes
    (or removes) the server entries in every client's configuration file, exactly as
    M(mcpfleet.mcp.mcp_server) does for one entry.
  - One task for a whole host instead of one task per file; the users are handled side by side,
    each in a process that has dropped to that user's uid, gid and supplementary groups, as many
    at once as the host's CPUs and memory allow (see O(probe.concurrency)).
    Root itself never opens, stats or resolves a path in a user's home, so a symlink or a race
    planted by a user gives nobody more than they already had.
  - A failure of one user or one entry does not stop the others. The module fails at the end
    with a message that names every user and client that failed; the results of the others are
    returned as well.
  - With O(probe), each user's process then reads every present entry that it wrote (or found
    as it should be) as the client reads it; a second process of the user starts the servers of
    the launches that did not pass within O(probe.reuse.max_age), one after the other, and
    speaks MCP to them, as M(mcpfleet.mcp.mcp_probe) does with
    O(mcpfleet.mcp.mcp_probe#module:targets). Converging and proving a host's setup is then one
    round trip.
author:
  - mcpfleet maintainers (@mcpfleet)
extends_documentation_fragment:
  - mcpfleet.mcp.client.ATTRIBUTES
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - One diff per entry, with secret values masked as in M(mcpfleet.mcp.mcp_server). An env
        file holds secrets; it never has a diff.
  idempotent:
    support: full
  platform:
    support: full
    platforms: posix
  safe_file_operations:
    description: Writes are atomic, keep the file's permissions and cannot leave a corrupt file.
    support: full
    details:
      - Not Ansible's file helpers (they act as root); the collection's own, run as the user.
  vault:
    description: Can automatically decrypt Ansible vaulted files.
    support: none
options:
  users:
    description:
      - The users and what to converge for each.
    type: list
    elements: dict
    required: true
    suboptions:
      user:
        description:
          - The account. Every path of this item is resolved, read and written by a process of
            this account.
        type: str
        required: true
      env_file:
        description:
          - The env file that holds the server's environment, secrets included. It is converged
            before the entries, so that an entry never points at a file not written yet.
        type: dict
        suboptions:
          path:
            description:
              - The file, relative to the user's home unless absolute. Its directory is created
                with mode C(0700), the file with C(0600).
            type: str
            required: true
          state:
            description:
              - V(absent) removes the file, then its directory if nothing else is in it.
            type: str
            choices: [present, absent]
            default: present
          env:
            description:
              - The variables, one C(NAME=value) line each, sorted by name. A value cannot hold a
                line break.
            type: dict
          header:
            description:
              - Comment lines written at the top of the file, without the C(#).
            type: list
            elements: str
      env:
        description:
          - Variables added to the C(env) of every present entry of this user, such as a token
            the user keeps in the entries rather than in an env file.
          - Give secrets here or in O(users[].known_secrets), not in the C(env) of an entry; these
            two options are masked everywhere, the host's log of the module's invocation included.
        type: dict
      known_secrets:
        description:
          - Secrets of this user, added to the
            O(mcpfleet.mcp.mcp_server#module:known_secrets) of every entry.
        type: list
        elements: str
      entries:
        description:
          - The server entries of this user. Each item takes the options of
            M(mcpfleet.mcp.mcp_server) (O(mcpfleet.mcp.mcp_server#module:client),
            O(mcpfleet.mcp.mcp_server#module:name), O(mcpfleet.mcp.mcp_server#module:state),
            O(mcpfleet.mcp.mcp_server#module:command), O(mcpfleet.mcp.mcp_server#module:env),
            O(mcpfleet.mcp.mcp_server#module:supersedes) and the others) but
            O(mcpfleet.mcp.mcp_server#module:user), with the same defaults, and is validated as
            that module validates them; values of its secret options are masked in every output.
        type: list
        elements: dict
        default: []
  probe:
    description:
      - Probe every present entry after writing it, as the user (see the description).
        The suboptions are those of M(mcpfleet.mcp.mcp_probe) with the same defaults, and
        O(probe.concurrency); the user's entries that start the same command start it once.
      - Omitted, nothing is started.
    type: dict
    version_added: 1.1.0
    suboptions:
      timeout:
        description: As O(mcpfleet.mcp.mcp_probe#module:timeout).
        type: float
        default: 30
      path_env:
        description: As O(mcpfleet.mcp.mcp_probe#module:path_env).
        type: str
        default: /usr/local/bin:/usr/bin:/bin
      call:
        description: As O(mcpfleet.mcp.mcp_probe#module:call).
        type: dict
        suboptions:
          tool:
            description: The tool's name.
            type: str
            required: true
          arguments:
            description: The tool's arguments.
            type: dict
            default: {}
      expect_tools:
        description: As O(mcpfleet.mcp.mcp_probe#module:expect_tools).
        type: list
        elements: str
        default: []
      concurrency:
        description:
          - The most servers started at once on the host. A user's process starts its servers one
            after the other (its entries that share a launch start it once), and the users'
            processes wait for a free place; each probe's O(probe.timeout) counts from its own
            start.
          - Omitted or V(0), the host works it out, two per CPU the module may run on, and no more
            than its available memory holds at 160 MiB per server (C(MemAvailable), or a cgroup's
            C(memory.max) when lower), 256 MiB left over. At least one.
          - The users' processes that write files and read entries, before any server starts,
            are bounded separately, at eight per CPU (16 MiB each, as memory allows), so a rerun
            whose launches all passed recently starts no server and is not held up by this bound.
        type: int
        version_added: 1.1.0
      reuse:
        description: As O(mcpfleet.mcp.mcp_probe#module:reuse).
        type: dict
        suboptions:
          state_file:
            description: As O(mcpfleet.mcp.mcp_probe#module:reuse.state_file).
            type: path
            required: true
          max_age:
            description: As O(mcpfleet.mcp.mcp_probe#module:reuse.max_age).
            type: int
            default: 86400
          inputs:
            description: As O(mcpfleet.mcp.mcp_probe#module:reuse.inputs).
            type: raw
            default: {}
          files:
            description: As O(mcpfleet.mcp.mcp_probe#module:reuse.files).
            type: list
            elements: str
            default: []
notes:
  - The entries of one user are edited one after the other, in the order given; users run side
    by side, a bounded number at once (see O(probe.concurrency)).
seealso:
  - module: mcpfleet.mcp.mcp_server
    description: One entry in one client's configuration file.
"""

EXAMPLES = r"""
- name: Sentry for alice (env file) and bob (token removed), in two clients each
  mcpfleet.mcp.mcp_user_config:
    users:
      - user: alice
        env_file:
          path: .config/sentry-mcp/env
          env:
            SENTRY_ACCESS_TOKEN: "{{ alice_sentry_token }}"
          header: [Managed by Ansible]
        known_secrets:
          - "{{ alice_sentry_token }}"
        entries:
          - client: code_server
            name: sentry
            command: /opt/sentry-mcp/bin/sentry-mcp-stdio
            env:
              SENTRY_MCP_ENV_FILE: /home/alice/.config/sentry-mcp/env
          - client: amazonq
            name: sentry
            command: /opt/sentry-mcp/bin/sentry-mcp-stdio
            env:
              SENTRY_MCP_ENV_FILE: /home/alice/.config/sentry-mcp/env
      - user: bob
        env_file:
          path: .config/sentry-mcp/env
          state: absent
        entries:
          - client: cursor
            name: sentry
            state: absent
"""

RETURN = r"""
probes:
  description:
    - With O(probe), one item per probed entry (users in the order of O(users), entries in
      their order), as an item of RV(mcpfleet.mcp.mcp_probe#module:targets) (C(user),
      C(client), C(tools), C(ready_ms), C(failure), C(same_launch_as), C(reused), ...). An entry
      that failed to be written is not probed.
    - A probe that failed is among RV(failures) too.
  returned: with O(probe)
  type: list
  elements: dict
  sample: [{user: alice, client: code_server, tools: [whoami, find_organizations], ready_ms: 742}]
launches:
  description: With O(probe), how many distinct launches were started (reused ones are not).
  returned: with O(probe)
  type: int
  sample: 2
failures:
  description:
    - One message per user or entry that failed, starting with the user and the client; empty when all went well.
    - The module fails when there is any; a task that has C(no_log) can still show these, as no
      secret is in them.
  returned: always
  type: list
  elements: str
  sample: ["bob cursor: /home/bob/.cursor/mcp.json: line 3 column 5: expected a value"]
users:
  description: One item per user, in the order of O(users). No secret value is returned.
  returned: always
  type: list
  elements: dict
  contains:
    user:
      description: The account.
      type: str
    changed:
      description: Whether anything of this user changed (or would, in check mode).
      type: bool
    failed:
      description: Set when the process working as this user failed as a whole.
      type: bool
    msg:
      description: Why the user's process failed.
      type: str
    env_file:
      description: The env file, when O(users[].env_file) was given.
      type: dict
      contains:
        path:
          description: The file.
          type: str
        state:
          description: The state asked for.
          type: str
        changed:
          description: Whether the file or its directory changed.
          type: bool
        failed:
          description: Set when the env file could not be converged.
          type: bool
        msg:
          description: Why, naming the file, never its content.
          type: str
    entries:
      description:
        - One item per entry, in the order of O(users[].entries), with what
          M(mcpfleet.mcp.mcp_server) returns (RV(mcpfleet.mcp.mcp_server#module:path),
          RV(mcpfleet.mcp.mcp_server#module:entry), RV(mcpfleet.mcp.mcp_server#module:superseded),
          ...) and C(name), C(changed); or C(client), C(name), C(failed) and C(msg).
      type: list
      elements: dict
  sample:
    - user: alice
      changed: true
      env_file: {path: /home/alice/.config/sentry-mcp/env, state: present, changed: true}
      entries:
        - client: code_server
          name: sentry
          path: /home/alice/.local/share/code-server/User/mcp.json
          changed: true
          entry:
            type: stdio
            command: /opt/sentry-mcp/bin/sentry-mcp-stdio
            env: {SENTRY_MCP_ENV_FILE: /home/alice/.config/sentry-mcp/env}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mcpfleet.mcp.plugins.module_utils._probe import PROBE_OPTIONS_SPEC
from ansible_collections.mcpfleet.mcp.plugins.module_utils._user_config import run_module


def main():
    module = AnsibleModule(
        argument_spec=dict(
            users=dict(type="list", elements="dict", required=True, options=dict(
                user=dict(type="str", required=True),
                env_file=dict(type="dict", options=dict(
                    path=dict(type="str", required=True),
                    state=dict(type="str", default="present", choices=["present", "absent"]),
                    env=dict(type="dict", no_log=True),
                    header=dict(type="list", elements="str"),
                )),
                env=dict(type="dict", no_log=True),
                known_secrets=dict(type="list", elements="str", no_log=True),
                entries=dict(type="list", elements="dict", default=[]),
            )),
            probe=dict(type="dict", options=dict(PROBE_OPTIONS_SPEC, concurrency=dict(type="int"))),
        ),
        supports_check_mode=True,
    )
    run_module(module)


if __name__ == "__main__":
    main()
