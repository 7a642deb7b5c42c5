# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rollout's decisions, taken once from the host reading and once Node.js is settled."""

import hashlib

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.mcpfleet.mcp.plugins.filter import decisions

PREFIX = "/opt/mcpfleet/sentry"
PACKAGE_JSON = PREFIX + "/0.39.0/node_modules/@sentry/mcp-server/package.json"
TREE = PREFIX + "/0.39.0"
CA_PATH = PREFIX + "/ca-bundle.pem"
LAUNCHER = PREFIX + "/bin/sentry-mcp-stdio"
SETTINGS = {"prefix": PREFIX, "version": "0.39.0", "package_json": PACKAGE_JSON, "tree": TREE, "lock": "L1",
            "ca_path": CA_PATH, "ca_sha1": ""}


def _root(kind, mode, **extra):
    return dict(exists=True, type=kind, mode=mode, uid=0, gid=0, **extra)


def _host(version="0.39.0", tree=None, files=None):
    """A reading of a host where the pinned version is installed, intact, from lock L1, and current points at it."""
    state = {
        PREFIX + "/current": {"exists": True, "type": "link", "target": "0.39.0"},
        PREFIX + "/bin": _root("directory", "0755"),
        CA_PATH: {"exists": False},
    }
    state.update(files or {})
    intact = {"state": "intact", "checked": "fingerprint", "digest": "D1", "facts": {"lock": "L1"}}
    return {"packages": {PACKAGE_JSON: version}, "trees": {TREE: intact if tree is None else tree}, "files": state}


def test_a_host_with_everything_in_place_needs_nothing():
    found = decisions.rollout_decisions(_host(), SETTINGS)
    assert found == {"install": False, "current_target": "0.39.0", "tree": _host()["trees"][TREE], "tree_ok": True,
                     "tree_touched": False, "tree_digest": "D1", "bin_dir_ok": True, "ca_ok": True, "ca_sha1": ""}


@pytest.mark.parametrize("host, why", [
    (_host(version=""), "not installed"),
    (_host(version="0.38.0"), "another version"),
    (_host(tree={"state": "drifted", "checked": "content", "digest": "D2", "facts": {"lock": "L1"}}), "drifted"),
    (_host(tree={"state": "intact", "checked": "fingerprint", "digest": "D1", "facts": {"lock": "L0"}}), "another lock"),
    (_host(tree={}), "tree not read"),
])
def test_the_package_is_installed_again_when_its_tree_is_not_the_locked_one(host, why):
    found = decisions.rollout_decisions(host, SETTINGS)
    assert found["install"], why


def test_a_drifted_tree_has_no_digest_to_probe_with():
    drifted = {"state": "drifted", "checked": "content", "digest": "D2", "facts": {"lock": "L1"}}
    found = decisions.rollout_decisions(_host(tree=drifted), SETTINGS)
    assert (found["tree_ok"], found["tree_touched"], found["tree_digest"]) == (False, False, "")


def test_a_tree_found_intact_by_hashing_again_is_touched():
    touched = {"state": "intact", "checked": "content", "digest": "D1", "facts": {"lock": "L1"}}
    found = decisions.rollout_decisions(_host(tree=touched), SETTINGS)
    assert (found["install"], found["tree_touched"], found["tree_digest"]) == (False, True, "D1")


def test_a_reading_without_the_tree_finds_it_missing_and_no_current():
    host = {"packages": {PACKAGE_JSON: ""}, "files": {PREFIX + "/bin": {"exists": False}, CA_PATH: {"exists": False}}}
    found = decisions.rollout_decisions(host, SETTINGS)
    assert (found["tree"], found["current_target"], found["bin_dir_ok"]) == ({"state": "missing"}, "", False)
    # The default is not shared between results.
    found["tree"]["state"] = "changed"
    assert decisions.rollout_decisions(host, SETTINGS)["tree"] == {"state": "missing"}


@pytest.mark.parametrize("state", [
    _root("directory", "0775"), dict(_root("directory", "0755"), uid=1000), _root("file", "0755"), {"exists": False}])
def test_a_bin_dir_not_root_owned_0755_is_made_again(state):
    assert not decisions.rollout_decisions(_host(files={PREFIX + "/bin": state}), SETTINGS)["bin_dir_ok"]


@pytest.mark.parametrize("ca_sha1, state, ok", [
    ("", {"exists": False}, True),
    ("", _root("file", "0644", sha1="C1"), False),
    ("C1", _root("file", "0644", sha1="C1"), True),
    ("C1", _root("file", "0644", sha1="C0"), False),
    ("C1", _root("file", "0600", sha1="C1"), False),
    ("C1", {"exists": False}, False),
])
def test_the_ca_bundle_is_right_when_it_is_the_configured_one_or_absent_when_none_is(ca_sha1, state, ok):
    found = decisions.rollout_decisions(_host(files={CA_PATH: state}), dict(SETTINGS, ca_sha1=ca_sha1))
    assert (found["ca_ok"], found["ca_sha1"]) == (ok, ca_sha1)


def test_settings_must_be_complete():
    with pytest.raises(AnsibleFilterError, match="settings has no 'lock', 'ca_sha1'"):
        decisions.rollout_decisions(_host(), {k: v for k, v in SETTINGS.items() if k not in ("lock", "ca_sha1")})


TEXT = "#!/bin/sh\nexec /opt/nodejs/current/bin/node server.js \"$@\"\n"
SHA1 = hashlib.sha1(TEXT.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("state, ok", [
    (_root("file", "0755", sha1=SHA1), True),
    (_root("file", "0755", sha1="0" * 40), False),
    (_root("file", "0644", sha1=SHA1), False),
    ({"exists": False}, False),
    (None, False),
])
def test_the_launcher_is_in_place_only_when_the_host_has_this_very_text(state, ok):
    found = decisions.rollout_launcher({"install": False}, "22.23.3", state, TEXT)
    assert found == {"install": False, "node_version": "22.23.3", "launcher_text": TEXT, "launcher_sha1": SHA1,
                     "launcher_ok": ok}


def test_no_node_is_an_empty_version():
    assert decisions.rollout_launcher({}, None, None, TEXT)["node_version"] == ""
