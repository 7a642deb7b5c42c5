# -*- coding: utf-8 -*-
# Copyright: Contributors to the mcpfleet.mcp collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the JSONC corpus: bad or unusual config files with the expected outcome of each.

tests/unit/corpus/jsonc/NAME.in is the input (exact bytes, UTF-8). NAME.expect.json holds:
``about`` (why the case exists), ``grammar``, and then either ``error`` (line, column, message
of the parse error) or optionally ``value`` (the parsed data) and ``edits`` (a list of
[method, path, args...]) with either ``edit_error`` or the resulting text in NAME.out.

ansible-test sanity rejects files with CRLF line endings or a BOM, so such cases are stored with
LF and no BOM; ``"newline": "\r\n"`` and ``"bom": true`` convert both NAME.in and NAME.out.
"""

import io
import json
import os

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import Document, JsoncError

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "corpus", "jsonc")
CASES = sorted(name[:-len(".expect.json")] for name in os.listdir(CORPUS) if name.endswith(".expect.json"))


def read(name, expect=None):
    with io.open(os.path.join(CORPUS, name), encoding="utf-8", newline="") as handle:
        text = handle.read()
    if expect is not None:
        text = text.replace("\n", expect.get("newline", "\n"))
        if expect.get("bom"):
            text = "\ufeff" + text
    return text


def test_corpus_is_complete():
    assert len(CASES) >= 25
    names = set(os.listdir(CORPUS))
    for case in CASES:
        assert case + ".in" in names
        expect = json.loads(read(case + ".expect.json"))
        assert (case + ".out" in names) == ("edits" in expect and "edit_error" not in expect), case


def assert_error(exc, expected):
    assert (exc.line, exc.column, exc.message) == (expected["line"], expected["column"], expected["message"])


@pytest.mark.parametrize("case", CASES)
def test_corpus(case):
    expect = json.loads(read(case + ".expect.json"))
    text = read(case + ".in", expect)
    if "error" in expect:
        with pytest.raises(JsoncError) as info:
            Document(text, expect["grammar"])
        assert_error(info.value, expect["error"])
        return
    doc = Document(text, expect["grammar"])
    if "value" in expect:
        assert doc.value == expect["value"]
    try:
        for method, path, *args in expect.get("edits", []):
            getattr(doc, method)(tuple(path), *args)
    except JsoncError as exc:
        assert "edit_error" in expect, exc
        assert_error(exc, expect["edit_error"])
        assert doc.text == text
        return
    assert "edit_error" not in expect
    if "edits" in expect:
        assert doc.text == read(case + ".out", expect)
        # The result parses again in the file's own grammar.
        assert Document(doc.text, expect["grammar"]).value == doc.value
