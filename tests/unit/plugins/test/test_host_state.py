# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The root_owned test: a task whose path is already as it would leave it is skipped."""

import pytest

from ansible_collections.mcpfleet.mcp.plugins.test import host_state
from ansible_collections.mcpfleet.mcp.plugins.test.host_state import root_owned

LAUNCHER = {"exists": True, "type": "file", "mode": "0755", "uid": 0, "gid": 0, "sha1": "abc"}


@pytest.mark.parametrize("state, expected", [
    (LAUNCHER, True),
    (dict(LAUNCHER, sha1="def"), False),
    (dict(LAUNCHER, mode="0775"), False),
    (dict(LAUNCHER, uid=1000), False),
    (dict(LAUNCHER, gid=1000), False),
    (dict(LAUNCHER, type="link"), False),
    ({"exists": False}, False),
    (None, False),
])
def test_only_a_root_owned_path_of_the_right_kind_mode_and_content_passes(state, expected):
    assert root_owned(state, "file", "0755", "abc") is expected


def test_without_a_checksum_the_content_does_not_matter():
    assert root_owned(dict(LAUNCHER, type="directory", sha1=None), "directory", "0755") is True
    assert set(host_state.TestModule().tests()) == {"root_owned", "links_to"}


NODE_LINKS = {"/usr/local/bin/node": "/opt/nodejs/current/bin/node", "/usr/local/bin/npm": "/opt/nodejs/current/bin/npm"}


@pytest.mark.parametrize("files, expected", [
    ({path: {"exists": True, "type": "link", "target": target} for path, target in NODE_LINKS.items()}, True),
    ({"/usr/local/bin/node": {"exists": True, "type": "link", "target": "/usr/bin/node"},
      "/usr/local/bin/npm": {"exists": True, "type": "link", "target": "/opt/nodejs/current/bin/npm"}}, False),
    ({"/usr/local/bin/node": {"exists": True, "type": "file"},
      "/usr/local/bin/npm": {"exists": True, "type": "link", "target": "/opt/nodejs/current/bin/npm"}}, False),
    ({"/usr/local/bin/node": {"exists": False}}, False),
    ({}, False),
    (None, False),
])
def test_links_to_passes_only_when_every_link_has_its_target(files, expected):
    assert host_state.links_to(files, NODE_LINKS) is expected


def test_links_to_without_links_is_true():
    assert host_state.links_to({}, {}) is True
