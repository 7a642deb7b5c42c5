# -*- coding: utf-8 -*-
# Copyright: Contributors to the mcpfleet.mcp collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the YAML corpus: Continue config files, read by this parser and by two independent YAML
parsers, then edited the way the mcp_server module edits a server.

tests/unit/corpus/yaml/NAME.in is the input (not named .yaml: ansible-test sanity runs yamllint on
those, and some inputs are broken on purpose); NAME.expect.json says ``about`` (why the case
exists) and optionally: ``newline`` ("\\r\\n" converts the file's LF), ``bom`` (true puts a BOM
first) and ``trailing_newline`` (false strips the last line break): sanity also rejects CRLF and a
BOM in the tree. A file that must be rejected has ``error`` (line, column,
message), with ``invalid`` when it is not YAML at all (both oracles reject it too); ``type_error``
when reading its servers fails; ``edit_error`` when it reads but edits of its servers fail.

The oracles: PyYAML (YAML 1.1; the corpus avoids the scalars where 1.1 and 1.2 differ, such as
yes, on, 0o17 or 1e3) and ruamel.yaml (YAML 1.2).
"""

import copy
import io
import json
import os
import re

import pytest
import yaml
from ruamel.yaml import YAML

from ansible_collections.mcpfleet.mcp.plugins.module_utils._yaml import Document, YamlError, YamlTypeError

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "corpus", "yaml")
CASES = sorted(name[:-len(".in")] for name in os.listdir(CORPUS) if name.endswith(".in"))
SERVERS = ("mcpServers",)
NAMED = {SERVERS: "name"}
ENTRY = {
    "type": "stdio",
    "command": "npx",
    "args": ["-y", "@sentry/mcp-server@0.31.0", "yes", "1.0", "--host=sentry.example.com"],
    "env": {"SENTRY_ACCESS_TOKEN": "sntrys_0123", "SENTRY_HOST": "sentry.example.com", "EMPTY": ""},
    "cwd": "/srv/mcp",
}


def read(name):
    with io.open(os.path.join(CORPUS, name), encoding="utf-8", newline="") as handle:
        return handle.read()


def load(case):
    meta = json.loads(read(case + ".expect.json"))
    text = read(case + ".in")
    if meta.get("trailing_newline") is False:
        text = text[:-1]
    text = text.replace("\n", meta.get("newline", "\n"))
    if meta.get("bom"):
        text = "\ufeff" + text
    return meta, text


def pyyaml(text):
    return yaml.safe_load(text)


def ruamel(text):
    return YAML(typ="safe", pure=True).load(text)


def named_items(data):
    """The items of the servers list that the named-list view shows."""
    return [item for item in data.get("mcpServers") or [] if isinstance(item, dict) and isinstance(item.get("name"), str)]


def assert_data(text, expected):
    """Our parser and both oracles read text as expected."""
    assert Document(text, named_lists=NAMED).value == expected
    assert pyyaml(text) == expected
    assert ruamel(text) == expected


def assert_position(exc, expected):
    assert (exc.line, exc.column, exc.message) == (expected["line"], expected["column"], expected["message"])


def line_region(text, span):
    """From the start of the span's first line to the end of its last line (before the break)."""
    start = text.rfind("\n", 0, span[0]) + 1
    end = text.find("\n", span[1])
    if end < 0:
        return start, len(text)
    return start, end - 1 if text[end - 1] == "\r" else end


def item_regions(document, name):
    return [line_region(document.text, span) for dummy, span, dummy in document.occurrences(SERVERS + (name,))]


def without(text, regions, newline):
    """text without the given line regions and one line break each (as deleting items does)."""
    for start, end in sorted(regions, reverse=True):
        text = text[:start - len(newline)] + text[end:]
    return text


class Run:
    """Edits one document, checking after each edit the data (against a model of the expected
    data, with the oracles) and that the text outside the edited item did not change."""

    def __init__(self, text):
        self.document = Document(text, named_lists=NAMED)
        self.data = self.document.value
        assert_data(text, self.data)

    def items(self, name):
        return [item for item in self.data.get("mcpServers") or [] if isinstance(item, dict) and item.get("name") == name]

    def add(self, name, entry):
        before = self.document.text
        had_items = bool(self.data.get("mcpServers"))
        assert self.document.set(SERVERS + (name,), entry)
        self.data["mcpServers"] = (self.data.get("mcpServers") or []) + [dict([("name", name)] + list(copy.deepcopy(entry).items()))]
        assert_data(self.document.text, self.data)
        after = self.document.text
        (start, end), = item_regions(self.document, name)
        if had_items:  # the new item's lines and one line break are all that is new
            assert without(after, [(start, end)], self.document.newline) == before
        else:  # a missing, null or empty list: only its '[]' or 'null' was replaced
            prefix = len(os.path.commonprefix([before, after]))
            suffix = len(os.path.commonprefix([before[prefix:][::-1], after[prefix:][::-1]]))
            assert before[prefix:len(before) - suffix].strip() in ("", "[]", "null")
            assert prefix <= start and end <= len(after) - suffix

    def edit(self, name, path, value=None, delete=False):
        """Set (or delete) path inside the last item called name."""
        before = self.document.text
        region = item_regions(self.document, name)[-1]
        keys = SERVERS + (name,) + path
        assert (self.document.delete(keys) if delete else self.document.set(keys, value))
        holder = self.items(name)[-1]
        for key in path[:-1]:
            holder = holder[key]
        if delete:
            del holder[path[-1]]
        else:
            holder[path[-1]] = copy.deepcopy(value)
        assert_data(self.document.text, self.data)
        after = self.document.text
        start, end = item_regions(self.document, name)[-1]
        assert start == region[0]
        assert after[:start] == before[:start]
        assert after[end:] == before[region[1]:]

    def remove(self, name):
        before = self.document.text
        regions = item_regions(self.document, name)
        assert self.document.delete(SERVERS + (name,))
        self.data["mcpServers"] = [item for item in self.data["mcpServers"] if item not in self.items(name)]
        assert_data(self.document.text, self.data)
        expected = without(before, regions, self.document.newline)
        if not self.data["mcpServers"]:  # the emptied list is written as []
            colon = re.search(r"^mcpServers:", expected, re.M).end()
            expected = expected[:colon] + " []" + expected[colon:]
        assert self.document.text == expected


def test_corpus_is_complete():
    assert len(CASES) >= 30
    names = set(os.listdir(CORPUS))
    for case in CASES:
        assert case + ".expect.json" in names
        meta = json.loads(read(case + ".expect.json"))
        assert meta["about"]
        text = read(case + ".in")
        assert text.endswith("\n") and "\r" not in text and not text.startswith("\ufeff")
    assert sorted(name[:-len(".expect.json")] for name in names if name.endswith(".expect.json")) == CASES


@pytest.mark.parametrize("case", CASES)
def test_read(case):
    meta, text = load(case)
    if "error" in meta:
        with pytest.raises(YamlError) as info:
            Document(text, named_lists=NAMED)
        assert_position(info.value, meta["error"])
        if meta.get("invalid"):
            for oracle in (pyyaml, ruamel):
                with pytest.raises(Exception):
                    oracle(text)
        return
    document = Document(text, named_lists=NAMED)
    assert_data(text, document.value)
    if "type_error" in meta:
        with pytest.raises(YamlTypeError) as info:
            document.get(SERVERS)
        assert_position(info.value, meta["type_error"])
        return
    if "mcpServers" not in document.value:
        with pytest.raises(KeyError):
            document.get(SERVERS)
        return
    view = dict((item["name"], dict((key, value) for key, value in item.items() if key != "name"))
                for item in named_items(document.value))
    assert document.get(SERVERS) == view


EDITABLE = [case for case in CASES if "error" not in json.loads(read(case + ".expect.json"))]


@pytest.mark.parametrize("case", EDITABLE)
def test_edits(case):
    meta, text = load(case)
    if "type_error" in meta or "edit_error" in meta:
        document = Document(text, named_lists=NAMED)
        with pytest.raises(YamlError) as info:
            document.set(SERVERS + ("sentry",), ENTRY)
        assert_position(info.value, meta.get("type_error") or meta["edit_error"])
        assert document.text == text
        return
    run = Run(text)
    existing = [item["name"] for item in named_items(run.data)]
    run.add("sentry", ENTRY)
    run.edit("sentry", ("command",), "uvx")
    run.edit("sentry", ("args",), ["mcp-sentry", "--org", "on", ""])
    run.edit("sentry", ("env", "SENTRY_ACCESS_TOKEN"), "sntrys_4567")
    run.edit("sentry", ("env", "ADDED"), "no")
    run.edit("sentry", ("env", "SENTRY_HOST"), delete=True)
    run.edit("sentry", ("cwd",), delete=True)
    run.edit("sentry", ("disabled",), False)
    run.remove("sentry")
    if existing:
        name = existing[0]
        run.edit(name, ("command",), "node")
        run.edit(name, ("args",), ["server.js", "--stdio"])
        run.edit(name, ("env",), {"TOKEN": "${{ secrets.TOKEN }}", "PORT": "8080"})
        run.edit(name, ("env", "PORT"), delete=True)
        run.remove(name)
    if meta.get("trailing_newline") is False:
        assert not run.document.text.endswith("\n")
    if "newline" in meta:
        assert run.document.text.count("\n") == run.document.text.count(meta["newline"])
    if meta.get("bom"):
        assert run.document.text.startswith("\ufeff")


def with_servers(case):
    """Whether the case is editable and lists servers already."""
    meta, text = load(case)
    if set(meta) & {"error", "type_error", "edit_error"}:
        return False
    return bool(Document(text).value.get("mcpServers"))


@pytest.mark.parametrize("case", [case for case in CASES if with_servers(case)])
def test_add_and_remove_restores_the_file(case):
    """Adding a server to a list that has items and removing it again gives back every byte."""
    dummy, text = load(case)
    document = Document(text, named_lists=NAMED)
    document.set(SERVERS + ("added",), ENTRY)
    assert document.text != text
    document.delete(SERVERS + ("added",))
    assert document.text == text
