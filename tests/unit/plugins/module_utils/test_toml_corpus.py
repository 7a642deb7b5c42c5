# -*- coding: utf-8 -*-
# Copyright: Contributors to the mcpfleet.mcp collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the TOML corpus: real-world-looking Codex config.toml files, checked against two
independent TOML parsers, tomllib (the standard library's) and tomlkit.

tests/unit/corpus/toml/NAME.toml is the file (UTF-8, LF). NAME.json holds ``about`` (why the case
exists), ``entry`` (the name of the server entry under mcp_servers that the edits change, or
null) and ``regions``, the 1-based inclusive line ranges where that entry is defined: an edit of
the entry may change those lines and no other. ansible-test sanity rejects files with CRLF line
ends, so ``"newline": "\\r\\n"`` converts the file, and ``"final_newline": false`` drops its last
newline.

For every file: our data equals both oracles'. Then each edit the collection makes (add an entry,
change its command, args or env, add and remove keys, remove the entry) is applied to a fresh
Document; both oracles read the result, its data is the data asked for, and every line outside the
entry's regions is unchanged (a new entry: the old text is the new text with one inserted piece
cut out, and removing the new entry gives the old text back).
"""

import difflib
import io
import json
import os
import tomllib

import pytest
import tomlkit

from ansible_collections.mcpfleet.mcp.plugins.module_utils._toml import Document

from ansible_collections.mcpfleet.mcp.tests.unit.plugins.module_utils.test_toml import assert_same_data

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "corpus", "toml")
CASES = sorted(name[:-len(".json")] for name in os.listdir(CORPUS) if name.endswith(".json"))
SERVERS = ("mcp_servers",)

# A new entry as the collection writes one: its name needs quotes, its strings need escapes.
ADDED_NAME = "fleet.added"
ADDED = {"command": "npx", "args": ["-y", "@fleet/server@1.2.3", 'say "hi"\\now'],
         "env": {"TOKEN": "s3cr\\et\u00e9\n\t", "EMPTY": "", "WITH SPACE": "x"}, "startup_timeout_sec": 60, "enabled": True}


def read(case):
    with io.open(os.path.join(CORPUS, case + ".json"), encoding="utf-8") as handle:
        meta = json.load(handle)
    with io.open(os.path.join(CORPUS, case + ".toml"), encoding="utf-8", newline="") as handle:
        text = handle.read()
    newline = meta.get("newline", "\n")
    text = text.replace("\n", newline)
    if meta.get("final_newline") is False:
        assert text.endswith(newline)
        text = text[:-len(newline)]
    return meta, text


def assert_oracles(text, expected):
    """Both oracles read text, and their data is expected (and so is ours)."""
    assert_same_data(Document(text).value, expected)
    assert_same_data(expected, tomllib.loads(text))
    assert_same_data(expected, tomlkit.parse(text).unwrap(), crlf_strings=True)


def assert_pure_insertion(old, new):
    """new is old with one piece of text inserted; nothing of old changed."""
    prefix = len(os.path.commonprefix([old, new]))
    suffix = len(os.path.commonprefix([old[prefix:][::-1], new[prefix:][::-1]]))
    assert prefix + suffix == len(old), "text of the file changed outside the insertion"
    assert len(new) > len(old)


def assert_within(old, new, regions, removal=False):
    """Every line of old outside regions (1-based inclusive ranges) is in new, unchanged and in
    order; new lines are inserted only inside or right after a region. A removal may also take
    the blank lines around a region."""
    old_lines = old.splitlines(True)
    new_lines = new.splitlines(True)
    allowed = set()
    for first, last in regions:
        allowed.update(range(first - 1, last))
        if removal:
            below = first - 2
            while below >= 0 and not old_lines[below].strip():
                allowed.add(below)
                below -= 1
            above = last
            while above < len(old_lines) and not old_lines[above].strip():
                allowed.add(above)
                above += 1
    # A line without its newline (the last one) counts as changed when it gets one: compare with
    # the newlines stripped, and check the final newline separately.
    matcher = difflib.SequenceMatcher(None, [line.rstrip("\r\n") for line in old_lines],
                                      [line.rstrip("\r\n") for line in new_lines], autojunk=False)
    for tag, old_start, old_end, dummy, dummy in matcher.get_opcodes():
        if tag == "equal":
            continue
        if old_start == old_end:  # an insertion
            assert old_start - 1 in allowed or old_start in allowed, "lines inserted outside the entry"
        else:
            assert set(range(old_start, old_end)) <= allowed, "lines outside the entry changed"
    assert new.endswith("\n") == old.endswith("\n") or not new
    newline = "\r\n" if "\r\n" in old else "\n"
    assert new.count("\r\n") == (new.count("\n") if newline == "\r\n" else 0)


def test_corpus_is_complete():
    assert len(CASES) >= 15
    names = set(os.listdir(CORPUS))
    for case in CASES:
        assert case + ".toml" in names
        meta, text = read(case)
        assert meta["about"]
        if meta["entry"] is not None:
            assert meta["entry"] in tomllib.loads(text)["mcp_servers"]
            assert meta["regions"]
    assert any(read(case)[0].get("newline") == "\r\n" for case in CASES)
    assert any(read(case)[0].get("final_newline") is False for case in CASES)


@pytest.mark.parametrize("case", CASES)
def test_parse_matches_oracles(case):
    dummy, text = read(case)
    assert_oracles(text, Document(text).value)


@pytest.mark.parametrize("case", CASES)
def test_add_entry(case):
    dummy, text = read(case)
    doc = Document(text)
    expected = tomllib.loads(text)
    expected.setdefault("mcp_servers", {})[ADDED_NAME] = ADDED
    assert doc.set(SERVERS + (ADDED_NAME,), ADDED) is True
    assert_oracles(doc.text, expected)
    assert_pure_insertion(text, doc.text)
    assert doc.set(SERVERS + (ADDED_NAME,), ADDED) is False
    assert doc.delete(SERVERS + (ADDED_NAME,)) is True
    assert doc.text == text


def _entry(case):
    meta, text = read(case)
    return meta["entry"], tomllib.loads(text)["mcp_servers"][meta["entry"]]


def _edits(entry):
    """(id, edit) pairs that apply to entry: edit(doc, path, expected entry) changes both."""
    def change(key, value):
        def edit(doc, path, expected):
            expected[key] = value
            return doc.set(path + (key,), value)
        return edit

    def drop(*keys):
        def edit(doc, path, expected):
            target = expected
            for key in keys[:-1]:
                target = target[key]
            del target[keys[-1]]
            return doc.delete(path + keys)
        return edit

    def env_set(key, value):
        def edit(doc, path, expected):
            expected.setdefault("env", {})[key] = value
            return doc.set(path + ("env", key), value)
        return edit

    edits = [("command", change("command", "node")),
             ("args", change("args", ["--stdio", "two words", "quote\"d"])),
             ("new_key", change("cwd", "/srv/app")),
             ("env_add", env_set("NEW_VAR", "new value")),
             ("env_replace", change("env", {"ONLY": "1"}))]
    if "args" in entry:
        edits.append(("drop_args", drop("args")))
    if entry.get("env"):
        first = sorted(entry["env"])[0]
        edits.append(("env_change", env_set(first, "rotated")))
        if len(entry["env"]) > 1:
            edits.append(("env_drop", drop("env", first)))
    return edits


ENTRY_EDITS = [pytest.param(case, edit, id="%s-%s" % (case, name))
               for case in CASES if read(case)[0]["entry"] is not None for name, edit in _edits(_entry(case)[1])]


@pytest.mark.parametrize("case, edit", ENTRY_EDITS)
def test_entry_edit(case, edit):
    meta, text = read(case)
    doc = Document(text)
    expected = tomllib.loads(text)
    path = SERVERS + (meta["entry"],)
    assert edit(doc, path, expected["mcp_servers"][meta["entry"]]) is True
    assert_oracles(doc.text, expected)
    assert_within(text, doc.text, meta["regions"])


def _sync(doc, path, current, desired):
    """What the collection's _clients._sync does: delete keys that went away, recurse into
    tables on both sides, set the rest."""
    for key in current:
        if key not in desired:
            doc.delete(path + (key,))
    for key, value in desired.items():
        if key in current and current[key] == value:
            continue
        if isinstance(current.get(key), dict) and isinstance(value, dict):
            _sync(doc, path + (key,), current[key], value)
        else:
            doc.set(path + (key,), value)


@pytest.mark.parametrize("case", [case for case in CASES if read(case)[0]["entry"] is not None])
def test_sync_entry(case):
    meta, text = read(case)
    name, current = _entry(case)
    desired = {"command": "uvx", "args": ["mcp-server-sentry==1.4.0"],
               "env": {"SENTRY_ACCESS_TOKEN": "rotated", "LOG_LEVEL": "debug"}, "startup_timeout_sec": 90}
    doc = Document(text)
    _sync(doc, SERVERS + (name,), current, desired)
    expected = tomllib.loads(text)
    expected["mcp_servers"][name] = desired
    assert_oracles(doc.text, expected)
    assert_within(text, doc.text, meta["regions"])
    # Again: nothing left to change.
    before = doc.text
    _sync(doc, SERVERS + (name,), doc.get(SERVERS + (name,)), desired)
    assert doc.text == before


@pytest.mark.parametrize("case", [case for case in CASES if read(case)[0]["entry"] is not None])
def test_remove_entry(case):
    meta, text = read(case)
    doc = Document(text)
    expected = tomllib.loads(text)
    del expected["mcp_servers"][meta["entry"]]
    if not expected["mcp_servers"] and meta.get("empty_servers_table_goes"):
        del expected["mcp_servers"]
    assert doc.delete(SERVERS + (meta["entry"],)) is True
    assert_oracles(doc.text, expected)
    assert_within(text, doc.text, meta["regions"], removal=True)
    assert doc.delete(SERVERS + (meta["entry"],)) is False


@pytest.mark.parametrize("case", CASES)
def test_secret_spans_mask_in_place(case):
    """What the redaction does: every env value's span replaced by a quoted mask."""
    dummy, text = read(case)
    doc = Document(text)
    found = doc.occurrences(SERVERS + (None, "env", None))
    doc.replace_spans([(start, end, json.dumps("********")) for dummy, (start, end), dummy in found])
    expected = tomllib.loads(text)
    for keys, dummy, value in found:
        assert expected["mcp_servers"][keys[1]]["env"][keys[3]] == value
        expected["mcp_servers"][keys[1]]["env"][keys[3]] = "********"
    assert_oracles(doc.text, expected)
    assert bool(found) == ("SENTRY_ACCESS_TOKEN" in text)
