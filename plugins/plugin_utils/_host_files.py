# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side judging of the file states mcp_host_info returns (the test plugins
root_owned and links_to, and the rollout's decisions): whether a task has anything to do."""

from __future__ import annotations


def root_owned(state, kind, mode, sha1=None):
    """True when the path exists as ``kind`` with ``mode``, owned by root:root, and (when given)
    with content of this SHA-1."""
    state = state or {}
    return (bool(state.get('exists')) and state.get('type') == kind and state.get('mode') == mode
            and state.get('uid') == 0 and state.get('gid') == 0 and (sha1 is None or state.get('sha1') == sha1))


def links_to(files, targets):
    """True when every path of ``targets`` (path -> target) is, in ``files``, a symbolic link to
    that target."""
    files = files or {}
    return all((files.get(path) or {}).get('target') == target for path, target in (targets or {}).items())
