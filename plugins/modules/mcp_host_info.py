#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mcp_host_info
short_description: Read in one call what a rollout needs to know of a host
version_added: 1.1.0
description:
  - Returns the accounts of some users, the version of a Node.js and of its npm, the versions
    that installed packages declare, the state of some files, and whether installed package
    trees are still the trees whose digest M(mcpfleet.mcp.tree_digest) recorded, all in one
    module call.
  - The roles of this collection call it once and decide from its answer which tasks have
    anything to do, so that a rerun with nothing to change costs a few round trips to the host
    instead of one per fact.
  - Give it the roles' own paths (a root-owned prefix, C(/usr/local/bin)). It never reads a
    path in a user's home itself; with O(match), each existing user's MCP client files are read
    by a process that is the user, as M(mcpfleet.mcp.mcp_server_info) reads them, and the
    servers found are returned in RV(servers). The rollout roles find this way the clients in
    which users configured the server by hand.
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
  users:
    description:
      - Accounts to look up.
    type: list
    elements: str
    default: []
  node_bin_dir:
    description:
      - A directory with C(node) (and usually C(npm)); its C(node --version) and the version of
        its npm are returned.
    type: path
  files:
    description:
      - Paths whose state is returned, without following a final symlink.
    type: list
    elements: path
    default: []
  packages:
    description:
      - C(package.json) files whose C(version) is returned.
    type: list
    elements: path
    default: []
  trees:
    description:
      - Package trees to check against the digest recorded beside each (C(<tree>.tree.json), by
        M(mcpfleet.mcp.tree_digest)), such as C(/opt/sentry-mcp/0.39.0).
      - A glob pattern, such as C(/opt/mcpfleet/*/*), stands for the directories it matches that
        have a record beside them.
      - No symbolic link is followed.
    type: list
    elements: str
    default: []
  tree_check:
    description:
      - V(fingerprint) hashes a tree's contents again only when the inode, size, times, owner or
        mode of an entry changed since the record (any write, C(chmod), C(chown), rename, new or
        removed file changes an entry's ctime, which only setting the clock back could fake); an unchanged
        tree costs a C(stat) per entry, about 0.07 s for the 10,000 entries of
        C(@sentry/mcp-server) 0.39.0.
      - V(content) hashes every file again (about 0.2 to 0.4 s for that tree), for an audit.
    type: str
    choices: [fingerprint, content]
    default: fingerprint
"""

EXAMPLES = r"""
- name: Read the state of the host once
  mcpfleet.mcp.mcp_host_info:
    users: [alice, bob]
    node_bin_dir: /opt/nodejs/current/bin
    files:
      - /opt/sentry-mcp/bin/sentry-mcp-stdio
      - /opt/sentry-mcp/current
    packages:
      - /opt/sentry-mcp/0.33.0/node_modules/@sentry/mcp-server/package.json
  register: host

- name: Install only when the pinned version is not there
  ansible.builtin.debug:
    msg: "would install"
  when: host.packages['/opt/sentry-mcp/0.33.0/node_modules/@sentry/mcp-server/package.json'] != '0.33.0'
"""

RETURN = r"""
architecture:
  description: The machine's architecture, as C(uname -m) prints it.
  returned: always
  type: str
  sample: x86_64
accounts:
  description: The accounts of O(users) that exist, by name; the others are left out.
  returned: always
  type: dict
  sample: {alice: {uid: 1001, gid: 1001, home: /home/alice}}
node:
  description:
    - C(bin_dir) (O(node_bin_dir)), C(version) (without the C(v)), C(npm) (whether C(npm) is
      beside C(node)) and C(npm_version). A version is the empty string when it cannot be read.
  returned: when O(node_bin_dir) is set
  type: dict
  sample: {bin_dir: /opt/nodejs/current/bin, version: 22.12.0, npm: true, npm_version: 10.9.0}
files:
  description:
    - Path -> C(exists), and for an existing path C(type) (V(file), V(directory), V(link),
      V(other)), C(mode) (four octal digits), C(uid), C(gid), C(target) for a link and
      C(sha1) for a regular file of up to 1 MiB.
  returned: always
  type: dict
  sample: {/opt/sentry-mcp/current: {exists: true, type: link, target: 0.33.0, mode: "0777", uid: 0, gid: 0}}
packages:
  description: Path -> the version the C(package.json) declares, or the empty string.
  returned: always
  type: dict
  sample: {/opt/sentry-mcp/0.33.0/node_modules/@sentry/mcp-server/package.json: 0.33.0}
trees:
  description:
    - Path -> the check of each tree of O(trees). C(state) is V(intact) (the tree is the one
      recorded), V(drifted) (it differs, and C(changes) lists the paths C(changed), C(added),
      C(removed) and C(owner) (owned by another than the tree's owner), at most 20 of each,
      and C(counts) of each), V(unrecorded) (no record beside it) or V(missing).
    - C(checked) says how (V(fingerprint), V(content) or V(none)), C(digest) is the digest of the
      tree as found (the recorded one when the fingerprint showed no change),
      C(recorded_digest), C(files), C(bytes), C(recorded_at) and C(facts) (as given to
      M(mcpfleet.mcp.tree_digest)) come from the record.
  returned: always
  type: dict
  sample: {/opt/sentry-mcp/0.39.0: {state: intact, checked: fingerprint, digest: 5e0f07c2a1d3c9e5b1b3f1e0c9d1a7b2e6f4d8c0a9b7e5d3c1f0e2d4b6a8c0e1,
           recorded_digest: 5e0f07c2a1d3c9e5b1b3f1e0c9d1a7b2e6f4d8c0a9b7e5d3c1f0e2d4b6a8c0e1, files: 9390,
           facts: {package: "@sentry/mcp-server", version: 0.39.0, locked: true}}}
servers:
  description:
    - With O(match), one item per existing account of O(users), as
      RV(mcpfleet.mcp.mcp_server_info#module:users) returns it (C(user), C(error), C(files) with
      their C(servers)). No secret is in it.
  returned: when O(match) is given
  type: list
  elements: dict
  sample: [{user: alice, error: null, files: [{client: amazonq, path: /home/alice/.aws/amazonq/mcp.json, exists: true,
            servers: [{name: sentry, command: npx, matched: true}]}]}]
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mcpfleet.mcp.plugins.module_utils._as_user import acting_for
from ansible_collections.mcpfleet.mcp.plugins.module_utils._audit import audit_accounts
from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import audited_clients
from ansible_collections.mcpfleet.mcp.plugins.module_utils._host_state import host_state
from ansible_collections.mcpfleet.mcp.plugins.module_utils._redact import controller_safe
from ansible_collections.mcpfleet.mcp.plugins.module_utils._supersede import MATCHERS_SPEC
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import AccountError, get_account


def servers(module, names):
    """The MCP servers in the client files of the accounts ``names``, each read as its user."""
    try:
        accounts = [get_account(name) for name in names]
    except AccountError as exc:
        module.fail_json(msg=str(exc))
    cannot = [account.name for account in accounts if account.uid != os.geteuid() and not acting_for(account)]
    if cannot:
        module.fail_json(msg="cannot read the files of %s: the module runs as uid %d; become root" % (", ".join(cannot), os.geteuid()))
    return controller_safe(audit_accounts(accounts, audited_clients(), matchers=module.params["match"], warn=module.warn))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            users=dict(type="list", elements="str", default=[]),
            node_bin_dir=dict(type="path"),
            files=dict(type="list", elements="path", default=[]),
            packages=dict(type="list", elements="path", default=[]),
            trees=dict(type="list", elements="str", default=[]),
            tree_check=dict(type="str", choices=["fingerprint", "content"], default="fingerprint"),
            match=MATCHERS_SPEC,
        ),
        supports_check_mode=True,
    )
    params = module.params

    def run(argv):
        return module.run_command(argv, handle_exceptions=False)
    state = host_state(params["users"], params["node_bin_dir"], params["files"], params["packages"], run,
                       params["trees"], params["tree_check"] == "content")
    if params["match"]:
        state["servers"] = servers(module, list(state["accounts"]))
    module.exit_json(changed=False, **state)


if __name__ == "__main__":
    main()
