#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: tree_digest
short_description: Compute an installed package tree's digest on the host and keep it beside the tree
version_added: 1.1.0
description:
  - Computes one SHA-256 over the paths, kinds, modes and contents (a link's target, never what it
    points at) of every entry of a tree, in the order of the bytes of their paths. The digest names
    no host, owner or time, so the same tree gives the same digest on every host and on the
    controller.
  - Keeps it in C(<tree>.tree.json) beside the tree, with what M(mcpfleet.mcp.mcp_host_info) needs
    to tell later, cheaply, whether the tree still is that tree (its O(mcpfleet.mcp.mcp_host_info#module:trees)
    option), and which files changed when it is not.
  - The roles of this collection record each server's tree after C(npm ci) built it from the
    server's lock, before the tree is switched to.
  - Give it root's paths (an install prefix), never a path in a user's home. No symbolic link is
    followed.
author:
  - mcpfleet maintainers (@mcpfleet)
extends_documentation_fragment:
  - mcpfleet.mcp.client.ATTRIBUTES
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - Computes the digest; normalizes, removes and records nothing.
  diff_mode:
    support: none
  idempotent:
    support: none
    details:
      - Every run with O(record=true) writes the record again; a role runs it only after an install.
  platform:
    support: full
    platforms: posix
options:
  path:
    description:
      - The tree, such as the staging directory C(npm ci) filled.
    type: path
    required: true
  record:
    description:
      - Keep the record beside O(record_as). V(false) only computes the digest.
    type: bool
    default: true
  record_as:
    description:
      - The path the tree will have when it is renamed into place, such as C(/opt/sentry-mcp/0.39.0).
        Its record goes to C(<record_as>.tree.json). A rename keeps every entry's inode and times,
        so the record stays true. Empty is O(path).
    type: path
  normalize:
    description:
      - Before computing, make the tree independent of the umask and of npm's configuration
        it was built with. Remove npm's own record of the tree, C(node_modules/.package-lock.json)
        (npm writes registry addresses from its configuration into it; Node.js never reads it).
        Make directories and files with any execute bit mode C(0755) and other files C(0644)
        (C(u=rwX,go=rX)). When the module runs as root, give every entry to root.
    type: bool
    default: false
  expect:
    description:
      - The digest the tree must have, such as the one its lock describes. When it differs, the
        module fails before it records anything. Empty checks nothing.
    type: str
    default: ""
  facts:
    description:
      - What to keep in the record with the digest, such as the package, the version and the
        SHA-256 of the lock; M(mcpfleet.mcp.mcp_host_info) returns it as it is.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Record the tree npm ci built in the staging directory, as the tree it becomes
  mcpfleet.mcp.tree_digest:
    path: /opt/sentry-mcp/.staging-0.39.0
    record_as: /opt/sentry-mcp/0.39.0
    normalize: true
    expect: 5e0f07c2a1d3c9e5b1b3f1e0c9d1a7b2e6f4d8c0a9b7e5d3c1f0e2d4b6a8c0e1
    facts:
      package: "@sentry/mcp-server"
      version: 0.39.0
"""

RETURN = r"""
digest:
  description: The tree's digest, SHA-256 in hex.
  returned: always
  type: str
  sample: 5e0f07c2a1d3c9e5b1b3f1e0c9d1a7b2e6f4d8c0a9b7e5d3c1f0e2d4b6a8c0e1
files:
  description: The number of regular files in the tree.
  returned: always
  type: int
  sample: 9391
bytes:
  description: Their size together.
  returned: always
  type: int
  sample: 58916490
record:
  description: The record's path; empty when nothing was recorded.
  returned: always
  type: str
  sample: /opt/sentry-mcp/0.39.0.tree.json
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mcpfleet.mcp.plugins.module_utils._tree_digest import TreeError, digest_tree


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            record=dict(type="bool", default=True),
            record_as=dict(type="path"),
            normalize=dict(type="bool", default=False),
            expect=dict(type="str", default=""),
            facts=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    try:
        result = digest_tree(module.params, module.check_mode)
    except (TreeError, OSError) as exc:
        module.fail_json(msg=str(exc))
    # A record is written on every run that asks for one (in check mode: would be).
    module.exit_json(changed=module.params["record"] or module.params["normalize"], **result)


if __name__ == "__main__":
    main()
