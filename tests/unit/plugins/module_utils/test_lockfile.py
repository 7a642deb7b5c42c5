# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A server's lock: refused unless npm ci would check every package against a sha512
integrity and install the pinned version; npm's integrity error named by package. The
checked-in locks pass, for the versions the collection pins."""

import copy
import json
import os
import re

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils._lockfile import integrity_failure, lock_problems, node_minimum, npm_failure, package_name
from ansible_collections.mcpfleet.mcp.plugins.module_utils._tree_digest import digest_tree

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
LOCKS = os.path.join(ROOT, "roles", "stdio_server", "files", "locks")
SHA = "sha512-" + "A" * 86 + "=="
OTHER = "sha512-" + "B" * 86 + "=="

MANIFEST = {"name": "t", "version": "0.0.0", "private": True, "dependencies": {"@s/srv": "1.2.3"}}
LOCK = {
    "name": "t", "version": "0.0.0", "lockfileVersion": 3, "requires": True,
    "packages": {
        "": {"name": "t", "version": "0.0.0", "dependencies": {"@s/srv": "1.2.3"}},
        "node_modules/@s/srv": {"version": "1.2.3", "resolved": "https://registry.npmjs.org/@s/srv/-/srv-1.2.3.tgz", "integrity": SHA,
                                "dependencies": {"dotenv": "^16.6.1"}},
        "node_modules/dotenv": {"version": "16.6.1", "integrity": OTHER},
        "node_modules/@s/srv/node_modules/dotenv": {"version": "15.0.0", "integrity": "sha1-abc " + OTHER},
    },
}


def problems(lock=None, manifest=None, version="1.2.3"):
    return lock_problems(json.dumps(lock or LOCK), json.dumps(manifest or MANIFEST), "@s/srv", version)


def changed(path, **entry):
    lock = copy.deepcopy(LOCK)
    if entry:
        lock["packages"][path] = entry
    else:
        del lock["packages"][path]
    return lock


def test_a_lock_that_pins_every_package_has_no_problem():
    assert problems() == (3, [])


@pytest.mark.parametrize("lock, expected", [
    (changed("node_modules/dotenv", version="16.6.1"), "node_modules/dotenv has no sha512 integrity"),
    (changed("node_modules/dotenv", version="16.6.1", integrity="sha1-abc"), "node_modules/dotenv has no sha512 integrity"),
    (changed("node_modules/dotenv", version="1.0.0", resolved="git+ssh://git@github.com/x/dotenv.git#abc"),
     "node_modules/dotenv has no sha512 integrity (resolved from git+ssh://git@github.com/x/dotenv.git#abc)"),
    (changed("node_modules/dotenv", resolved="../dotenv", link=True), "node_modules/dotenv links to ../dotenv instead of a package from a registry"),
    (changed("node_modules/@s/srv", version="1.2.4", integrity=SHA), "the lock installs @s/srv 1.2.4, not 1.2.3"),
    (changed("node_modules/@s/srv"), "the lock does not install @s/srv"),
])
def test_an_entry_that_npm_would_not_check_is_named(lock, expected):
    assert expected in problems(lock)[1]


def test_a_bundled_dependency_needs_no_integrity_of_its_own():
    assert problems(changed("node_modules/@s/srv/node_modules/bundled", version="1.0.0", inBundle=True)) == (4, [])


@pytest.mark.parametrize("version", [2, 1, None])
def test_only_lockfile_version_3_is_taken(version):
    lock = dict(LOCK, lockfileVersion=version)
    assert problems(lock)[1] == ["package-lock.json has lockfileVersion %s, not 3: make it with npm 9 or later" % json.dumps(version)]


def test_a_package_json_out_of_sync_with_the_lock_is_refused():
    manifest = dict(MANIFEST, dependencies={"@s/srv": "^1.2.0"})
    assert problems(manifest=manifest)[1] == ["package.json's dependencies differ from the lock's: make the lock again from this package.json"]


def test_text_that_is_no_lock_is_refused_without_quoting_it():
    assert lock_problems("secret-token-here", "{}", "@s/srv", "1.2.3")[1][0].startswith("package-lock.json is not JSON (")
    assert "secret-token-here" not in lock_problems("secret-token-here", "{}", "@s/srv", "1.2.3")[1][0]
    assert lock_problems("[]", "{}", "@s/srv", "1.2.3") == (0, ["package-lock.json is not a JSON object"])


def test_package_names_come_from_the_innermost_node_modules():
    assert package_name("node_modules/@s/srv/node_modules/dotenv") == "dotenv"
    assert package_name("node_modules/@s/srv") == "@s/srv"


# What npm 10.9.9 prints for `npm ci` when a lock entry's integrity was changed (recorded here).
NPM_INTEGRITY_ERROR = ("npm error code EINTEGRITY\n"
                       "npm error Integrity checksum failed when using sha512: wanted %s but got %s.\n"
                       "npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log\n") % (OTHER, SHA)


def test_an_integrity_failure_names_every_package_of_the_lock_with_that_integrity():
    assert integrity_failure(NPM_INTEGRITY_ERROR, json.dumps(LOCK)) == (
        "npm refused to install: dotenv 15.0.0 (node_modules/@s/srv/node_modules/dotenv) and dotenv 16.6.1"
        " (node_modules/dotenv): the registry sent content with integrity %s, the lock says %s" % (SHA, OTHER))


def test_an_integrity_the_lock_does_not_hold_is_still_reported():
    lock = copy.deepcopy(LOCK)
    for entry in lock["packages"].values():
        entry.pop("integrity", None)
    assert integrity_failure(NPM_INTEGRITY_ERROR, json.dumps(lock)).startswith("npm refused to install: a package of the lock:")


def test_another_npm_failure_gives_npms_error_lines():
    output = "npm error code ETARGET\nnpm error notarget No matching version found for x@9.9.9.\nnpm error A complete log ... here\n"
    assert npm_failure(output, json.dumps(LOCK)) == "npm failed: notarget No matching version found for x@9.9.9."
    assert npm_failure("", "") == "npm failed: no output"
    assert len(npm_failure("npm error " + "x" * 2000, "")) == 600


def test_integrity_failures_win_over_the_other_lines():
    assert npm_failure(NPM_INTEGRITY_ERROR, json.dumps(LOCK)).startswith("npm refused to install: dotenv 15.0.0")


def pinned():
    """(package, version) the collection pins: Sentry's default, and molecule/default's GitHub server."""
    with open(os.path.join(ROOT, "roles", "sentry_mcp", "defaults", "main.yml")) as stream:
        sentry = re.search(r'^sentry_mcp_version: "(.*)"$', stream.read(), re.MULTILINE).group(1)
    with open(os.path.join(ROOT, "molecule", "default", "vars", "sentry.yml")) as stream:
        text = stream.read()
    github = [re.search(r'^  stdio_server_%s: "?([^"\n]*)"?$' % key, text, re.MULTILINE).group(1) for key in ("package", "version")]
    return [("@sentry/mcp-server", sentry), tuple(github)]


@pytest.mark.parametrize("package, version", pinned())
def test_the_collection_ships_a_sound_lock_for_each_version_it_pins(package, version):
    directory = os.path.join(LOCKS, package, version)
    with open(os.path.join(directory, "package-lock.json")) as lock, open(os.path.join(directory, "package.json")) as manifest:
        count, found = lock_problems(lock.read(), manifest.read(), package, version)
    assert found == [] and count > 10
    with open(os.path.join(directory, "tree.sha256")) as stream:
        assert re.match(r"^[0-9a-f]{64}\n$", stream.read())


def test_the_tree_digest_of_a_lock_covers_its_package_json_and_lock(tmp_path):
    # npm ci's tree holds the lock and package.json it was built from: two locks, two digests.
    for name, text in (("package.json", json.dumps(MANIFEST)), ("package-lock.json", json.dumps(LOCK))):
        (tmp_path / name).write_text(text)
    before = digest_tree(dict(path=str(tmp_path), record=False, record_as=None, normalize=True, expect="", facts={}), False)["digest"]
    (tmp_path / "package-lock.json").write_text(json.dumps(changed("node_modules/dotenv", version="16.6.2", integrity=OTHER)))
    assert digest_tree(dict(path=str(tmp_path), record=False, record_as=None, normalize=True, expect="", facts={}), False)["digest"] != before


@pytest.mark.parametrize("engines, minimum", [
    ({"node": ">=22.13"}, "22.13.0"),
    ({"node": ">= 20.19.0"}, "20.19.0"),
    ({"node": "^18.17.0 || >=20"}, "18.17.0"),
    ({"node": "~22"}, "22.0.0"),
    ({"node": ">=20 <23"}, "20.0.0"),
    ({"node": "*"}, ""),
    ({"node": "<24"}, ""),
    ({"node": ">=20 || <18"}, ""),
    ({"npm": ">=9"}, ""),
    (None, ""),
])
def test_the_node_minimum_is_the_lower_bound_of_the_server_s_engines(engines, minimum):
    server = {"version": "1.0.0", "integrity": "sha512-x"}
    if engines is not None:
        server["engines"] = engines
    lock = {"lockfileVersion": 3, "packages": {"": {}, "node_modules/@s/srv": server}}
    assert node_minimum(json.dumps(lock), "@s/srv") == minimum


def test_a_lock_that_is_not_json_names_no_node_minimum():
    assert node_minimum("{not json", "@s/srv") == ""
