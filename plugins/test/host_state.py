# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests on the file states mcp_host_info returns: whether a task has anything to do."""

from __future__ import annotations

from ansible_collections.mcpfleet.mcp.plugins.plugin_utils._host_files import links_to, root_owned


class TestModule:
    def tests(self):
        return {'root_owned': root_owned, 'links_to': links_to}
