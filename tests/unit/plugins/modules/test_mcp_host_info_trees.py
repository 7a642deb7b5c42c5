# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""tree_digest and mcp_host_info's trees: the digest kept beside a tree, and a tree found
intact, drifted or unrecorded in the host reading."""

import json
import os

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mcpfleet.mcp.plugins.modules import mcp_host_info, tree_digest


def run(capsys, module, args, check=False):
    with patch_module_args(dict(args, _ansible_check_mode=check)), pytest.raises(SystemExit):
        module.main()
    return json.loads(capsys.readouterr().out)


def staged(prefix, version="1.0.0"):
    """A tree npm ci left in a staging directory under a hardened umask, with npm's own record."""
    tree = prefix / (".staging-" + version)
    (tree / "node_modules" / "srv").mkdir(parents=True)
    (tree / "node_modules" / "srv" / "index.js").write_text("module.exports = 1\n")
    (tree / "node_modules" / ".package-lock.json").write_text("{}")
    for path in (tree, tree / "node_modules", tree / "node_modules" / "srv"):
        path.chmod(0o700)
    (tree / "node_modules" / "srv" / "index.js").chmod(0o600)
    return tree


def test_a_staged_tree_is_normalized_recorded_and_intact_once_renamed_into_place(capsys, tmp_path):
    staging = staged(tmp_path)
    dest = tmp_path / "1.0.0"
    result = run(capsys, tree_digest, dict(path=str(staging), record_as=str(dest), normalize=True,
                                           facts={"package": "srv", "version": "1.0.0", "locked": True}))
    assert result["changed"] and result["record"] == str(dest) + ".tree.json" and result["files"] == 1
    assert not (staging / "node_modules" / ".package-lock.json").exists()
    staging.rename(dest)
    found = run(capsys, mcp_host_info, dict(trees=[str(dest)]), check=True)["trees"][str(dest)]
    assert (found["state"], found["checked"], found["digest"]) == ("intact", "fingerprint", result["digest"])
    assert found["facts"] == {"package": "srv", "version": "1.0.0", "locked": True}
    assert os.stat(str(dest / "node_modules" / "srv" / "index.js")).st_mode & 0o777 == 0o644


def test_a_digest_that_is_not_the_expected_one_fails_the_module_and_records_nothing(capsys, tmp_path):
    staging = staged(tmp_path)
    result = run(capsys, tree_digest, dict(path=str(staging), record_as=str(tmp_path / "1.0.0"), normalize=True, expect="0" * 64))
    assert result["failed"] and "is not the tree the lock was made and reviewed with" in result["msg"]
    assert not (tmp_path / "1.0.0.tree.json").exists()


def test_check_mode_changes_and_records_nothing(capsys, tmp_path):
    staging = staged(tmp_path)
    result = run(capsys, tree_digest, dict(path=str(staging), normalize=True), check=True)
    assert result["record"] == "" and (staging / "node_modules" / ".package-lock.json").exists()
    assert not (tmp_path / (staging.name + ".tree.json")).exists()


def test_the_host_reading_finds_a_changed_file_and_a_pattern_finds_only_recorded_trees(capsys, tmp_path):
    prefix = tmp_path / "opt" / "srv"
    prefix.mkdir(parents=True)
    recorded = staged(prefix, "1.0.0")
    run(capsys, tree_digest, dict(path=str(recorded), record_as=str(prefix / "1.0.0"), normalize=True))
    recorded.rename(prefix / "1.0.0")
    staged(prefix, "2.0.0").rename(prefix / "2.0.0")  # installed before digests were kept
    (prefix / "bin").mkdir()
    (prefix / "current").symlink_to("1.0.0")
    (prefix / "1.0.0" / "node_modules" / "srv" / "index.js").write_text("module.exports = 2\n")
    reading = run(capsys, mcp_host_info, dict(trees=[str(prefix / "*"), str(prefix / "2.0.0"), str(prefix / "3.0.0")]))
    assert list(reading["trees"]) == [str(prefix / name) for name in ("1.0.0", "2.0.0", "3.0.0")]
    drifted = reading["trees"][str(prefix / "1.0.0")]
    assert drifted["state"] == "drifted" and drifted["changes"]["changed"] == ["node_modules/srv/index.js"]
    assert [reading["trees"][str(prefix / name)]["state"] for name in ("2.0.0", "3.0.0")] == ["unrecorded", "missing"]


def test_tree_check_content_hashes_an_unchanged_tree_again(capsys, tmp_path):
    staging = staged(tmp_path)
    run(capsys, tree_digest, dict(path=str(staging)))
    found = run(capsys, mcp_host_info, dict(trees=[str(staging)], tree_check="content"))["trees"][str(staging)]
    assert (found["state"], found["checked"]) == ("intact", "content")
