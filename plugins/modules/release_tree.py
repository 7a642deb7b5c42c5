#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: release_tree
short_description: Put a versioned release tree in place and switch its links, in one call
version_added: 1.1.0
description:
  - Takes a C(.tar.gz) archive on the host (checked against a SHA-256 when given) or a directory
    filled on the host, unpacks the archive in a private staging directory beside O(dest), checks
    that the files of O(expect) are there, and renames the complete tree to O(dest). Then it
    points O(link) (such as a C(current) symlink) at O(dest) and each of O(links) at its
    target, each with an atomic rename.
  - An interrupted run never leaves a half-unpacked tree where a link points, and O(src) is
    removed whatever the outcome.
  - The roles of this collection install Node.js and an MCP server's package with it in one
    round trip to the host, where a C(file), C(unarchive), C(stat), C(command) sequence takes a
    round trip for each step.
  - Give it root's paths (an install prefix, C(/usr/local/bin)), never a path in a user's home.
author:
  - mcpfleet maintainers (@mcpfleet)
extends_documentation_fragment:
  - mcpfleet.mcp.client.ATTRIBUTES
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
    details:
      - With O(remote_src=false) the action plugin sends the archive from the controller.
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - Says whether the tree would be put in place and which links would change; unpacks and sends nothing.
  diff_mode:
    support: none
  idempotent:
    support: full
    details:
      - With O(replace=false), a tree already at O(dest) is kept and links that point right are left alone.
  platform:
    support: full
    platforms: posix
options:
  src:
    description:
      - A C(.tar.gz) archive on the host, or a directory on the same file system as O(dest) that
        becomes the tree as it is. It is removed in every case.
      - With O(remote_src=false), a C(.tar.gz) archive on the controller (a relative path is
        looked for in the role's or play's C(files/)). It is sent into Ansible's private
        temporary directory on the host in the module's own round trip, and checked there against
        O(sha256) or, when that is empty, the SHA-256 the controller computed.
    type: path
    required: true
  remote_src:
    description:
      - Whether O(src) is on the host (V(true)) or on the controller (V(false)).
    type: bool
    default: true
  dest:
    description:
      - Where the tree goes, such as C(/opt/nodejs/node-v22.23.3-linux-x64). Its parent is
        created (mode C(0755)) when missing; the tree itself gets mode C(0755).
    type: path
    required: true
  member:
    description:
      - The directory of the archive that becomes the tree, such as C(node-v22.23.3-linux-x64);
        empty takes the whole archive.
    type: str
    default: ""
  sha256:
    description:
      - The SHA-256 the archive must have; nothing is unpacked when it differs. Empty skips the check.
    type: str
    default: ""
  expect:
    description:
      - Regular files, relative to the tree, that must be in it (such as C(bin/node)); otherwise
        nothing is put in place.
    type: list
    elements: str
    default: []
  replace:
    description:
      - Replace a tree already at O(dest). Otherwise such a tree is kept and only the links are set.
    type: bool
    default: false
  link:
    description:
      - A symbolic link to point at O(dest), by its name relative to the link's directory (such as
        C(/opt/nodejs/current)). Empty sets none.
    type: path
  links:
    description:
      - More symbolic links, path -> target, such as C(/usr/local/bin/node) -> C(/opt/nodejs/current/bin/node).
      - A path that exists and is not a symbolic link is never replaced; the module fails instead.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Send the Node.js release from the controller, put it in place and link it
  mcpfleet.mcp.release_tree:
    src: files/node-v22.23.3-linux-x64.tar.gz
    remote_src: false
    sha256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    member: node-v22.23.3-linux-x64
    dest: /opt/nodejs/node-v22.23.3-linux-x64
    expect: [bin/node]
    link: /opt/nodejs/current
    links:
      /usr/local/bin/node: /opt/nodejs/current/bin/node

- name: Put a tree that npm filled on the host in place of a damaged one
  mcpfleet.mcp.release_tree:
    src: /opt/sentry-mcp/.staging-0.39.0
    dest: /opt/sentry-mcp/0.39.0
    expect: [node_modules/@sentry/mcp-server/package.json]
    replace: true
    link: /opt/sentry-mcp/current
"""

RETURN = r"""
installed:
  description: Whether a tree was (or in check mode would be) put at O(dest).
  returned: always
  type: bool
  sample: true
links:
  description: The links of O(link) and O(links) that were (or would be) changed.
  returned: always
  type: list
  elements: str
  sample: [/opt/nodejs/current, /usr/local/bin/node]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mcpfleet.mcp.plugins.module_utils._release_tree import run_module


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type="path", required=True),
            # Handled by the action plugin of the same name, which sends a controller's archive.
            remote_src=dict(type="bool", default=True),
            dest=dict(type="path", required=True),
            member=dict(type="str", default=""),
            sha256=dict(type="str", default=""),
            expect=dict(type="list", elements="str", default=[]),
            replace=dict(type="bool", default=False),
            link=dict(type="path"),
            links=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    run_module(module)


if __name__ == "__main__":
    main()
