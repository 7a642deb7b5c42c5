# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The digest of an installed tree: what it covers, that it names no host, that nothing follows
a link, and the cheap check that finds a changed tree and says what changed."""

import hashlib
import json
import os
import shutil

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _tree_digest
from ansible_collections.mcpfleet.mcp.plugins.module_utils._tree_digest import (
    TreeError, check_tree, describe_changes, digest_tree, normalize_tree, record_path, scan,
)


def params(path, **more):
    return dict(dict(path=str(path), record=True, record_as=None, normalize=False, expect="", facts={}), **more)


def make_tree(root):
    """A small node_modules tree: files, an executable, a nested directory, a relative link."""
    files = {
        "package.json": '{"dependencies": {"srv": "1.0.0"}}\n',
        "node_modules/srv/package.json": '{"name": "srv", "version": "1.0.0"}\n',
        "node_modules/srv/dist/index.js": "console.log('hi')\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o644)
    (root / "node_modules" / "srv" / "dist" / "index.js").chmod(0o755)
    (root / "node_modules" / ".bin").mkdir()
    (root / "node_modules" / ".bin" / "srv").symlink_to("../srv/dist/index.js")
    for directory in (root, root / "node_modules", root / "node_modules" / "srv", root / "node_modules" / "srv" / "dist",
                      root / "node_modules" / ".bin"):
        directory.chmod(0o755)
    return root


def digest(path):
    return digest_tree(params(path, record=False), False)["digest"]


def test_the_digest_is_the_documented_sha256_of_kinds_modes_paths_and_contents(tmp_path):
    tree = make_tree(tmp_path / "tree")
    lines = []
    for kind, mode, path, content in sorted([
            ("d", "0755", "node_modules", ""), ("l", "0777", "node_modules/.bin/srv", "../srv/dist/index.js"),
            ("d", "0755", "node_modules/.bin", ""), ("d", "0755", "node_modules/srv", ""), ("d", "0755", "node_modules/srv/dist", ""),
            ("f", "0755", "node_modules/srv/dist/index.js", hashlib.sha256(b"console.log('hi')\n").hexdigest()),
            ("f", "0644", "node_modules/srv/package.json", hashlib.sha256(b'{"name": "srv", "version": "1.0.0"}\n').hexdigest()),
            ("f", "0644", "package.json", hashlib.sha256(b'{"dependencies": {"srv": "1.0.0"}}\n').hexdigest())], key=lambda e: e[2].encode()):
        lines.append(b"\0".join(part.encode() for part in (kind, mode, path, content)) + b"\0")
    assert digest(tree) == hashlib.sha256(b"".join(lines)).hexdigest()


def test_a_copy_elsewhere_has_the_same_digest_and_another_fingerprint(tmp_path):
    tree = make_tree(tmp_path / "a")
    copy = tmp_path / "b"
    shutil.copytree(str(tree), str(copy), symlinks=True)
    first, second = scan(str(tree)), scan(str(copy))
    assert _tree_digest.digest_of(first) == _tree_digest.digest_of(second)
    assert _tree_digest.fingerprint_of(first) != _tree_digest.fingerprint_of(second)


@pytest.mark.parametrize("change", ["content", "mode", "rename", "new file", "new directory", "link target", "file to link", "removed"])
def test_every_kind_of_change_changes_the_digest(tmp_path, change):
    tree = make_tree(tmp_path / "tree")
    before = digest(tree)
    index = tree / "node_modules" / "srv" / "dist" / "index.js"
    if change == "content":
        index.write_text("console.log('pwned')\n")
    elif change == "mode":
        index.chmod(0o644)
    elif change == "rename":
        index.rename(index.with_name("main.js"))
    elif change == "new file":
        (tree / "node_modules" / "srv" / "extra.js").write_text("")
    elif change == "new directory":
        (tree / "node_modules" / "srv" / "extra").mkdir()
    elif change == "link target":
        link = tree / "node_modules" / ".bin" / "srv"
        link.unlink()
        link.symlink_to("../srv/package.json")
    elif change == "file to link":
        index.unlink()
        index.symlink_to(hashlib.sha256(b"console.log('hi')\n").hexdigest())
    else:
        (tree / "node_modules" / "srv" / "package.json").unlink()
    assert digest(tree) != before


def test_a_link_out_of_the_tree_is_hashed_as_its_text_and_never_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("root's")
    tree = make_tree(tmp_path / "tree")
    (tree / "node_modules" / "out").symlink_to(str(outside))
    (tree / "node_modules" / "passwd").symlink_to("/etc/passwd")
    entries = dict((entry[0], entry) for entry in scan(str(tree)))
    assert entries[b"node_modules/out"][1:4:2] == ("l", str(outside))
    assert entries[b"node_modules/passwd"][1:4:2] == ("l", "/etc/passwd")
    assert not any(path.startswith(b"node_modules/out/") for path in entries)
    before = digest(tree)
    (outside / "secret").write_text("changed")
    assert digest(tree) == before


def test_a_tree_that_is_a_link_is_refused(tmp_path):
    tree = make_tree(tmp_path / "tree")
    (tmp_path / "link").symlink_to(str(tree))
    with pytest.raises(TreeError, match="cannot read the tree"):
        digest_tree(params(tmp_path / "link", record=False), False)
    assert check_tree(str(tmp_path / "link"))["state"] == "missing"


def test_a_fifo_in_the_tree_is_refused_without_being_opened(tmp_path):
    tree = make_tree(tmp_path / "tree")
    os.mkfifo(str(tree / "node_modules" / "pipe"))
    with pytest.raises(TreeError, match="node_modules/pipe, which is not a regular file"):
        digest_tree(params(tree), False)
    assert not os.path.exists(record_path(str(tree)))


def test_normalize_removes_npms_hidden_lockfile_and_sets_modes_whatever_the_umask(tmp_path):
    tree = make_tree(tmp_path / "tree")
    reference = digest(make_tree(tmp_path / "reference"))
    (tree / "node_modules" / ".package-lock.json").write_text('{"resolved": "https://mirror.example/"}')
    (tree / "node_modules" / "srv" / "package.json").chmod(0o600)
    (tree / "node_modules" / "srv" / "dist" / "index.js").chmod(0o700)
    (tree / "node_modules" / "srv" / "dist").chmod(0o700)
    assert digest(tree) != reference
    normalize_tree(str(tree))
    assert not (tree / "node_modules" / ".package-lock.json").exists()
    assert oct((tree / "node_modules" / "srv" / "dist" / "index.js").stat().st_mode & 0o7777) == "0o755"
    assert digest(tree) == reference


def test_normalize_never_changes_what_a_link_points_at(tmp_path):
    outside = tmp_path / "outside"
    outside.write_text("")
    outside.chmod(0o600)
    tree = make_tree(tmp_path / "tree")
    (tree / "node_modules" / "out").symlink_to(str(outside))
    normalize_tree(str(tree))
    assert oct(outside.stat().st_mode & 0o7777) == "0o600"


def test_an_unexpected_digest_fails_before_anything_is_recorded(tmp_path):
    tree = make_tree(tmp_path / "tree")
    with pytest.raises(TreeError, match="not the tree the lock was made and reviewed with"):
        digest_tree(params(tree, expect="0" * 64), False)
    assert not os.path.exists(record_path(str(tree)))
    assert digest_tree(params(tree, expect=digest(tree).upper()), False)["record"] == record_path(str(tree))


def test_check_mode_records_nothing(tmp_path):
    tree = make_tree(tmp_path / "tree")
    result = digest_tree(params(tree, normalize=True), True)
    assert result["record"] == "" and result["files"] == 3
    assert not os.path.exists(record_path(str(tree)))


def test_a_tree_recorded_in_staging_is_intact_where_it_is_renamed_to(tmp_path):
    staging = make_tree(tmp_path / ".staging-1.0.0")
    dest = tmp_path / "1.0.0"
    result = digest_tree(params(staging, record_as=str(dest), facts={"version": "1.0.0"}), False)
    assert result["record"] == str(dest) + ".tree.json"
    staging.rename(dest)
    dest.chmod(0o755)
    found = check_tree(str(dest))
    assert (found["state"], found["checked"], found["digest"], found["facts"]) == ("intact", "fingerprint", result["digest"], {"version": "1.0.0"})


def test_an_unchanged_tree_is_checked_without_reading_a_file(tmp_path, monkeypatch):
    tree = make_tree(tmp_path / "tree")
    recorded = digest_tree(params(tree), False)["digest"]

    def no_read(*_args):
        raise AssertionError("read a file of an unchanged tree")
    monkeypatch.setattr(_tree_digest, "_file_sha256", no_read)
    found = check_tree(str(tree))
    assert (found["state"], found["checked"], found["digest"]) == ("intact", "fingerprint", recorded)


def test_a_file_changed_with_its_size_and_times_restored_is_still_found(tmp_path):
    tree = make_tree(tmp_path / "tree")
    digest_tree(params(tree), False)
    index = tree / "node_modules" / "srv" / "dist" / "index.js"
    info = index.stat()
    index.write_text("console.log('hI')\n")
    os.utime(str(index), ns=(info.st_atime_ns, info.st_mtime_ns))
    found = check_tree(str(tree))
    assert found["state"] == "drifted" and found["changes"]["changed"] == ["node_modules/srv/dist/index.js"]


def test_a_drifted_tree_says_what_changed(tmp_path):
    tree = make_tree(tmp_path / "tree")
    digest_tree(params(tree), False)
    (tree / "node_modules" / "srv" / "dist" / "index.js").write_text("evil()\n")
    (tree / "node_modules" / "srv" / "package.json").unlink()
    for index in range(25):
        (tree / "node_modules" / ("new%02d.js" % index)).write_text("")
    found = check_tree(str(tree))
    changes = found["changes"]
    assert found["state"] == "drifted" and found["checked"] == "content" and found["digest"] != found["recorded_digest"]
    assert changes["counts"] == {"changed": 1, "added": 25, "removed": 1, "owner": 0}
    assert changes["changed"] == ["node_modules/srv/dist/index.js"] and changes["removed"] == ["node_modules/srv/package.json"]
    assert len(changes["added"]) == _tree_digest.CHANGES_SHOWN
    assert describe_changes(changes) == ("1 changed (node_modules/srv/dist/index.js); 25 added (node_modules/new00.js, node_modules/new01.js,"
                                         " node_modules/new02.js, ...); 1 removed (node_modules/srv/package.json)")


def test_touching_a_file_without_changing_it_keeps_the_tree_intact(tmp_path):
    tree = make_tree(tmp_path / "tree")
    digest_tree(params(tree), False)
    os.utime(str(tree / "package.json"), (1, 1))
    found = check_tree(str(tree))
    assert (found["state"], found["checked"]) == ("intact", "content")


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file away needs root")
def test_a_file_given_to_another_user_is_drift_though_its_content_is_the_same(tmp_path):
    tree = make_tree(tmp_path / "tree")
    digest_tree(params(tree), False)
    os.chown(str(tree / "node_modules" / "srv" / "dist" / "index.js"), 65534, 65534)
    found = check_tree(str(tree))
    assert found["state"] == "drifted" and found["digest"] == found["recorded_digest"]
    assert found["changes"]["owner"] == ["node_modules/srv/dist/index.js"]


def test_content_check_hashes_even_an_unchanged_tree(tmp_path):
    tree = make_tree(tmp_path / "tree")
    digest_tree(params(tree), False)
    assert check_tree(str(tree), content=True)["checked"] == "content"


def test_a_tree_without_a_readable_record_is_unrecorded_and_a_missing_one_missing(tmp_path):
    tree = make_tree(tmp_path / "tree")
    assert check_tree(str(tree))["state"] == "unrecorded"
    assert check_tree(str(tree), content=True)["digest"] == digest(tree)
    with open(record_path(str(tree)), "w") as stream:
        stream.write("{not json")
    assert check_tree(str(tree))["state"] == "unrecorded"
    with open(record_path(str(tree)), "w") as stream:
        json.dump({"format": 99}, stream)
    assert check_tree(str(tree))["state"] == "unrecorded"
    assert check_tree(str(tmp_path / "gone")) == {"path": str(tmp_path / "gone"), "state": "missing", "checked": "none", "digest": ""}


def test_the_record_is_0644_and_replaced_whole(tmp_path):
    tree = make_tree(tmp_path / "tree")
    digest_tree(params(tree, facts={"lock": "a"}), False)
    digest_tree(params(tree, facts={"lock": "b"}), False)
    assert oct(os.stat(record_path(str(tree))).st_mode & 0o777) == "0o644"
    assert check_tree(str(tree))["facts"] == {"lock": "b"}
    assert sorted(os.listdir(str(tmp_path))) == ["tree", "tree.tree.json"]
