# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server_lock lookup: the collection's lock of a version or the user's own, checked on the
controller, and a refusal that says what to do when there is none."""

import hashlib
import json
import os

import pytest
import yaml
from ansible import constants as C
from ansible.errors import AnsibleLookupError

from ansible_collections.mcpfleet.mcp.plugins.lookup import server_lock as plugin
from ansible_collections.mcpfleet.mcp.plugins.lookup.server_lock import LookupModule, server_lock

SHA = "sha512-" + "A" * 86 + "=="
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


def write_lock(directory, version="1.2.3", integrity=SHA, digest=None):
    directory.mkdir(parents=True)
    deps = {"srv": "1.2.3"}
    (directory / "package.json").write_text(json.dumps({"name": "t", "dependencies": deps}))
    lock = json.dumps({"lockfileVersion": 3, "packages": {"": {"name": "t", "dependencies": deps},
                                                          "node_modules/srv": {"version": version, "integrity": integrity}}})
    (directory / "package-lock.json").write_text(lock)
    if digest is not None:
        (directory / "tree.sha256").write_text(digest + "\n")
    return hashlib.sha256(lock.encode()).hexdigest()


def test_the_lock_of_the_version_in_the_locks_directory(tmp_path):
    sha = write_lock(tmp_path / "srv" / "1.2.3", digest="ab" * 32)
    answer = server_lock("srv", "1.2.3", locks_dir=str(tmp_path))
    assert answer == dict(found=True, lockfile=str(tmp_path / "srv" / "1.2.3" / "package-lock.json"),
                          package_json=str(tmp_path / "srv" / "1.2.3" / "package.json"), sha256=sha, tree_digest="ab" * 32,
                          packages=1, problems=[], refusal="", node_min="")


def test_a_users_lockfile_wins(tmp_path):
    write_lock(tmp_path / "locks" / "srv" / "1.2.3")
    sha = write_lock(tmp_path / "mine")
    answer = server_lock("srv", "1.2.3", lockfile=str(tmp_path / "mine" / "package-lock.json"), locks_dir=str(tmp_path / "locks"))
    assert (answer["found"], answer["sha256"], answer["tree_digest"]) == (True, sha, "")


def test_no_lock_says_where_it_looked_and_how_to_make_one(tmp_path):
    answer = server_lock("srv", "9.9.9", locks_dir=str(tmp_path))
    assert (answer["found"], answer["problems"], answer["sha256"]) == (False, [], "")
    assert answer["refusal"].startswith("There is no lock for srv 9.9.9 (looked for %s)" % (tmp_path / "srv" / "9.9.9" / "package-lock.json"))
    assert "npm install --package-lock-only --ignore-scripts" in answer["refusal"]


@pytest.mark.parametrize("case, problem", [
    ("integrity", "node_modules/srv has no sha512 integrity"),
    ("version", "the lock installs srv 1.2.4, not 1.2.3"),
    ("digest", "tree.sha256 does not hold a SHA-256 in hex"),
    ("package.json", "has no package.json beside it"),
])
def test_a_lock_that_does_not_pin_the_tree_is_refused_with_its_problems(tmp_path, case, problem):
    directory = tmp_path / "srv" / "1.2.3"
    write_lock(directory, integrity="sha1-x" if case == "integrity" else SHA, version="1.2.4" if case == "version" else "1.2.3",
               digest="not a digest" if case == "digest" else None)
    if case == "package.json":
        (directory / "package.json").unlink()
    answer = server_lock("srv", "1.2.3", locks_dir=str(tmp_path))
    assert any(problem in found for found in answer["problems"])
    assert answer["refusal"].startswith("The lock %s does not pin the whole tree of srv 1.2.3: " % (directory / "package-lock.json"))


def lookup():
    # Its options and their defaults come from its DOCUMENTATION, as the plugin loader sets them up.
    found = LookupModule()
    found._load_name = "mcpfleet.mcp.server_lock"
    C.config.initialize_plugin_configuration_definitions("lookup", found._load_name, yaml.safe_load(plugin.DOCUMENTATION)["options"])
    return found


def test_the_lookup_takes_the_package_and_the_version(tmp_path):
    write_lock(tmp_path / "srv" / "1.2.3")
    assert lookup().run(["srv", "1.2.3"], {}, locks_dir=str(tmp_path))[0]["found"] is True
    with pytest.raises(AnsibleLookupError, match="give the package and the version"):
        lookup().run(["srv"], {}, locks_dir=str(tmp_path))
    with pytest.raises(AnsibleLookupError, match="give lockfile or locks_dir"):
        lookup().run(["srv", "1.2.3"], {})


def test_the_collections_locks_are_found_for_sentry():
    answer = server_lock("@sentry/mcp-server", "0.39.0", locks_dir=os.path.join(ROOT, "roles", "stdio_server", "files", "locks"))
    assert answer["found"] and answer["problems"] == [] and len(answer["tree_digest"]) == 64
    # The server's own engines (>=22.13) are the Node.js minimum the stdio_server role applies.
    assert answer["node_min"] == "22.13.0"
    github = server_lock("@modelcontextprotocol/server-github", "2025.4.8",
                         locks_dir=os.path.join(ROOT, "roles", "stdio_server", "files", "locks"))
    assert github["found"] and github["node_min"] == ""
