#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The work is done by the action plugin of the same name, on the controller.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: report_files
short_description: Write report files on the controller, without a module process
version_added: 1.1.0
description:
  - Writes files whose content the play already holds, such as a fleet report in JSON and
    Markdown, into a directory on the controller. The work happens in the controller's own
    process; no module is started and no connection is used, whatever the task's host.
  - A file whose content and mode are already right is not written again (its mtime stays).
    Each write is atomic (a temporary file in the same directory, then a rename).
author:
  - mcpfleet maintainers (@mcpfleet)
extends_documentation_fragment:
  - mcpfleet.mcp.client.ATTRIBUTES
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - In check mode nothing is written.
  diff_mode:
    support: none
  idempotent:
    support: full
  platform:
    support: full
    platforms: posix
options:
  dest:
    description:
      - The directory on the controller. It is created when missing.
    type: path
    required: true
  files:
    description:
      - File name (no directory part) to content.
    type: dict
    required: true
  mode:
    description:
      - The mode of each file, as octal digits.
    type: str
    default: "0644"
  dir_mode:
    description:
      - The mode of O(dest), set when it differs.
    type: str
    default: "0755"
"""

EXAMPLES = r"""
- name: Write the fleet report
  mcpfleet.mcp.report_files:
    dest: ./mcp-report
    files:
      sentry-mcp-report.json: "{{ report | to_nice_json }}"
      sentry-mcp-report.md: "{{ lookup('ansible.builtin.template', 'report.md.j2') }}"
  run_once: true
"""

RETURN = r"""
paths:
  description: Every file of O(files), with its directory.
  returned: always
  type: list
  elements: str
  sample: [./mcp-report/sentry-mcp-report.json]
written:
  description: The files that were written (the others were already right), and O(dest) when it was created or its mode set.
  returned: when not in check mode
  type: list
  elements: str
"""
