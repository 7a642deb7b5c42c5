# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real-world and broken client files (tests/unit/corpus/mcp_server) through the whole module.

Each case is ``<case>.in`` (the file before), ``<case>.expect.json`` (``about``, the module
arguments in ``task``, and ``error`` when the task must fail) and, for a success, ``<case>.out``
(the exact bytes after). The files are stored as UTF-8 with LF; ``newline``, ``bom`` and
``encoding`` in the expectation give the bytes the case really uses. A failure must leave the
file byte-identical, a success must be idempotent, and no result may contain a token.
"""

import json
import os

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.mcpfleet.mcp.plugins.modules import mcp_server

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "corpus", "mcp_server")
CASES = sorted(name[:-len(".expect.json")] for name in os.listdir(CORPUS) if name.endswith(".expect.json"))


def read(path):
    with open(path, "rb") as handle:
        return handle.read()


def stored(case, suffix, expect):
    """The bytes of a corpus file as the case uses them."""
    with open(os.path.join(CORPUS, case + suffix), encoding="utf-8", newline="") as handle:
        text = handle.read().replace("\n", expect.get("newline", "\n"))
    if expect.get("bom"):
        text = "\ufeff" + text
    return text.encode(expect.get("encoding", "utf-8"))


def run(capsys, args):
    with patch_module_args(dict(args, _ansible_diff=True)):
        with pytest.raises(SystemExit):
            mcp_server.main()
    return json.loads(capsys.readouterr().out)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_case(case, tmp_path, capsys):
    with open(os.path.join(CORPUS, case + ".expect.json")) as handle:
        expect = json.load(handle)
    path = str(tmp_path / "config.json")
    before = stored(case, ".in", expect)
    with open(path, "wb") as handle:
        handle.write(before)
    result = run(capsys, dict(expect["task"], path=path))
    secrets = [value for option in ("env", "headers") for value in expect["task"].get(option, {}).values()]
    for secret in secrets:
        assert secret not in json.dumps(result)
    if "error" in expect:
        assert result.get("failed") is True, result
        assert result["msg"].startswith(path) and expect["error"] in result["msg"]
        assert read(path) == before
        return
    assert "failed" not in result, result["msg"]
    after = stored(case, ".out", expect)
    assert read(path) == after
    assert result["changed"] is (after != before)
    again = run(capsys, dict(expect["task"], path=path))
    assert again["changed"] is False
    assert read(path) == after
