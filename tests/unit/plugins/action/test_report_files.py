# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report_files writes on the controller: atomic, modes kept, unchanged files left alone."""

import os
import stat

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.mcpfleet.mcp.plugins.action.report_files import write_report


def test_writes_then_leaves_unchanged_files_alone(tmp_path):
    dest = str(tmp_path / "report")
    files = {"r.json": '{"a": 1}\n', "r.md": "# Report\n"}
    assert write_report(dest, files, 0o600, 0o700) == [dest, os.path.join(dest, "r.json"), os.path.join(dest, "r.md")]
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(os.path.join(dest, "r.json")).st_mode) == 0o600
    before = os.stat(os.path.join(dest, "r.md")).st_mtime_ns
    assert write_report(dest, files, 0o600, 0o700) == []
    assert os.stat(os.path.join(dest, "r.md")).st_mtime_ns == before
    assert write_report(dest, dict(files, **{"r.md": "# Changed\n"}), 0o600, 0o700) == [os.path.join(dest, "r.md")]
    with open(os.path.join(dest, "r.md")) as handle:
        assert handle.read() == "# Changed\n"
    assert sorted(os.listdir(dest)) == ["r.json", "r.md"]  # no temporary file left


def test_a_mode_or_directory_mode_that_differs_is_set(tmp_path):
    dest = str(tmp_path)
    write_report(dest, {"r.md": "x"}, 0o644, 0o755)
    os.chmod(dest, 0o777)
    assert write_report(dest, {"r.md": "x"}, 0o600, 0o755) == [dest, os.path.join(dest, "r.md")]
    assert stat.S_IMODE(os.stat(os.path.join(dest, "r.md")).st_mode) == 0o600


@pytest.mark.parametrize("name", ["../escape", "sub/file", "", ".."])
def test_only_plain_file_names(tmp_path, name):
    with pytest.raises(AnsibleActionFail):
        write_report(str(tmp_path), {name: "x"}, 0o644, 0o755)
    assert not os.path.exists(str(tmp_path.parent / "escape"))
