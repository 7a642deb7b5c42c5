# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""release_tree: a release unpacked, checked, moved into place and linked in one call."""

import hashlib
import io
import json
import os
import tarfile

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mcpfleet.mcp.plugins.modules import release_tree

RELEASE = "node-v22.23.3-linux-x64"


def run(capsys, args, check=False):
    with patch_module_args(dict(args, _ansible_check_mode=check)), pytest.raises(SystemExit):
        release_tree.main()
    return json.loads(capsys.readouterr().out)


def archive(path, files, top=RELEASE):
    """A .tar.gz of ``files`` (name -> text) under the directory ``top`` ('' for the archive root)."""
    with tarfile.open(str(path), "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(os.path.join(top, name) if top else "./" + name)
            info.size, info.mode = len(data), 0o755
            tar.addfile(info, io.BytesIO(data))
    return str(path)


@pytest.fixture
def prefix(tmp_path):
    return tmp_path / "opt" / "nodejs"


def node_args(tmp_path, prefix, **extra):
    src = archive(tmp_path / "release.tar.gz", {"bin/node": "#!/bin/sh\n", "lib/x.js": ""})
    return dict(dict(src=src, dest=str(prefix / RELEASE), member=RELEASE, expect=["bin/node"],
                     link=str(prefix / "current"), links={str(tmp_path / "bin" / "node"): str(prefix / "current" / "bin" / "node")}),
                **extra)


def test_first_run_unpacks_checks_moves_and_links_in_one_call(capsys, tmp_path, prefix):
    args = node_args(tmp_path, prefix)
    args["sha256"] = hashlib.sha256(open(args["src"], "rb").read()).hexdigest()
    result = run(capsys, args)
    assert result["changed"] and result["installed"]
    assert (prefix / RELEASE / "bin" / "node").read_text() == "#!/bin/sh\n"
    assert oct((prefix / RELEASE).stat().st_mode & 0o777) == oct(0o755)
    assert os.readlink(str(prefix / "current")) == RELEASE
    assert os.readlink(str(tmp_path / "bin" / "node")) == str(prefix / "current" / "bin" / "node")
    assert sorted(result["links"]) == sorted([str(prefix / "current"), str(tmp_path / "bin" / "node")])
    # Nothing is left beside the release: no staging directory, no archive.
    assert sorted(os.listdir(str(prefix))) == ["current", RELEASE]
    assert not os.path.exists(args["src"])


def test_second_run_keeps_the_tree_and_changes_nothing(capsys, tmp_path, prefix):
    run(capsys, node_args(tmp_path, prefix))
    marker = prefix / RELEASE / "kept"
    marker.write_text("")
    result = run(capsys, node_args(tmp_path, prefix))
    assert not result["changed"] and not result["installed"] and result["links"] == []
    assert marker.exists()
    assert sorted(os.listdir(str(prefix))) == ["current", RELEASE]


def test_replace_puts_a_new_tree_in_place_of_the_old(capsys, tmp_path, prefix):
    run(capsys, node_args(tmp_path, prefix))
    (prefix / RELEASE / "stale").write_text("")
    result = run(capsys, node_args(tmp_path, prefix, replace=True))
    assert result["changed"] and result["installed"] and result["links"] == []
    assert not (prefix / RELEASE / "stale").exists()
    assert sorted(os.listdir(str(prefix))) == ["current", RELEASE]


def test_a_wrong_checksum_installs_nothing_and_says_both(capsys, tmp_path, prefix):
    result = run(capsys, node_args(tmp_path, prefix, sha256="0" * 64))
    assert result["failed"]
    assert "SHA-256 mismatch" in result["msg"] and "0" * 64 in result["msg"]
    assert os.listdir(str(prefix)) == []


def test_a_tree_without_the_expected_files_is_not_put_in_place(capsys, tmp_path, prefix):
    result = run(capsys, node_args(tmp_path, prefix, expect=["bin/node", "bin/npm"]))
    assert result["failed"] and "bin/npm" in result["msg"]
    assert os.listdir(str(prefix)) == []


def test_an_archive_without_the_member_fails(capsys, tmp_path, prefix):
    result = run(capsys, node_args(tmp_path, prefix, member="node-v20.0.0-linux-x64"))
    assert result["failed"] and "node-v20.0.0-linux-x64" in result["msg"]
    assert os.listdir(str(prefix)) == []


def test_a_whole_archive_or_a_filled_directory_becomes_the_tree(capsys, tmp_path):
    prefix = tmp_path / "opt" / "srv"
    src = archive(tmp_path / "tree.tar.gz", {"node_modules/pkg/package.json": "{}"}, top="")
    run(capsys, dict(src=src, dest=str(prefix / "1.0.0"), expect=["node_modules/pkg/package.json"], link=str(prefix / "current")))
    assert (prefix / "1.0.0" / "node_modules" / "pkg" / "package.json").exists()
    filled = prefix / ".staging-2.0.0"
    (filled / "node_modules" / "pkg").mkdir(parents=True)
    (filled / "node_modules" / "pkg" / "package.json").write_text("{}")
    result = run(capsys, dict(src=str(filled), dest=str(prefix / "2.0.0"), replace=True, link=str(prefix / "current")))
    assert result["installed"] and result["links"] == [str(prefix / "current")]
    assert os.readlink(str(prefix / "current")) == "2.0.0"
    assert sorted(os.listdir(str(prefix))) == ["1.0.0", "2.0.0", "current"]


def test_a_path_that_is_not_a_link_is_never_replaced(capsys, tmp_path, prefix):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "node").write_text("someone else's node")
    result = run(capsys, node_args(tmp_path, prefix))
    assert result["failed"] and "is not a symbolic link" in result["msg"]
    assert (tmp_path / "bin" / "node").read_text() == "someone else's node"


def test_check_mode_reports_and_touches_nothing(capsys, tmp_path, prefix):
    args = node_args(tmp_path, prefix)
    result = run(capsys, args, check=True)
    assert result["changed"] and result["installed"] and len(result["links"]) == 2
    assert not prefix.exists() and os.path.exists(args["src"])


def test_the_prefix_it_creates_is_0755_under_a_hardened_umask(capsys, tmp_path, prefix):
    old = os.umask(0o077)
    try:
        run(capsys, node_args(tmp_path, prefix))
    finally:
        os.umask(old)
    assert oct(prefix.stat().st_mode & 0o777) == oct(0o755)
    assert oct((tmp_path / "bin").stat().st_mode & 0o777) == oct(0o755)
