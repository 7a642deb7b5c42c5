# -*- coding: utf-8 -*-
# Copyright: Contributors to the mcpfleet.mcp collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property tests of the JSONC editor on generated data in generated formatting.

Each document is written by a random formatter (indent unit, inline or multi-line containers,
comments in every gap, trailing commas where the grammar allows them, CRLF, BOM). Every comment
holds a unique marker ``<cN>``, so the tests can count that each one survives an edit.
"""

import json
import re

from hypothesis import given, settings, strategies as st

from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import GRAMMARS, Document, json_equal, render

SETTINGS = settings(max_examples=150, deadline=None)

# "<" is left out so that no string can contain a comment marker.
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="<"), max_size=6)
SCALARS = (st.none() | st.booleans() | st.integers(-10 ** 30, 10 ** 30)
           | st.floats(allow_nan=False, allow_infinity=False) | TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                      max_leaves=12)
OBJECTS = st.dictionaries(TEXT, VALUES, max_size=5)
MARKER = re.compile(r"<c\d+>")


class Formatter:
    """Writes data as JSON text with formatting and comments drawn from hypothesis."""

    def __init__(self, draw, grammar):
        self.draw = draw
        self.grammar = grammar
        self.unit = draw(st.sampled_from(["  ", "    ", "\t", " "]))
        self.newline = draw(st.sampled_from(["\n", "\r\n"]))
        self.markers = []

    def gap(self):
        """Whitespace between two tokens, with a comment when the grammar allows one."""
        choices = ["", " ", "newline"] + (["block", "line"] if self.grammar != "json" else [])
        kind = self.draw(st.sampled_from(choices))
        if kind in ("block", "line"):
            marker = "<c%d>" % len(self.markers)
            self.markers.append(marker)
            if kind == "block":  # comment bodies hold things that look like JSON or comments
                return ' /* %s "x", // */ ' % marker
            return ' // %s /* "}' % marker + self.newline
        return self.newline if kind == "newline" else kind

    def string(self, text):
        return json.dumps(text, ensure_ascii=self.draw(st.booleans()))

    def value(self, data, depth=0):
        if isinstance(data, dict):
            items = [(self.string(key) + self.gap() + ":" + self.gap() + " ", self.value(item, depth + 1))
                     for key, item in data.items()]
            return self.container("{", items, "}", depth)
        if isinstance(data, list):
            return self.container("[", [("", self.value(item, depth + 1)) for item in data], "]", depth)
        if isinstance(data, str):
            return self.string(data)
        return json.dumps(data)

    def container(self, opening, items, closing, depth):
        if not items:
            return opening + self.gap() + closing
        multi_line = self.draw(st.booleans())
        trailing = self.grammar == "jsonc" and self.draw(st.booleans())
        parts = [opening]
        for index, (prefix, text) in enumerate(items):
            parts.append(self.newline + self.unit * (depth + 1) if multi_line else self.gap())
            parts.append(prefix + text + self.gap())
            if index < len(items) - 1 or trailing:
                parts.append("," + self.gap())
        parts.append(self.newline + self.unit * depth if multi_line else self.gap())
        return "".join(parts) + closing

    def document(self, data):
        bom = "\ufeff" if self.draw(st.booleans()) else ""
        return bom + self.gap() + self.value(data) + self.gap() + self.draw(st.sampled_from(["", self.newline]))


@st.composite
def documents(draw, data=OBJECTS):
    grammar = draw(st.sampled_from(GRAMMARS))
    value = draw(data)
    formatter = Formatter(draw, grammar)
    return grammar, value, formatter.document(value), formatter.markers


def same(left, right):
    """Equal as data, key order included."""
    return json.dumps(left, sort_keys=False) == json.dumps(right, sort_keys=False)


def object_paths(data, prefix=()):
    """Paths of every member of every object in data."""
    paths = []
    if isinstance(data, dict):
        for key, value in data.items():
            paths.append(prefix + (key,))
            paths.extend(object_paths(value, prefix + (key,)))
    return paths


def value_at(data, path):
    for key in path:
        data = data[key]
    return data


def with_inserted(short, long, allowed=" \t\r\n,"):
    """Whether long is short with only characters from allowed inserted."""
    index = 0
    for char in long:
        if index < len(short) and char == short[index]:
            index += 1
        elif char not in allowed:
            return False
    return index == len(short)


def assert_markers(text, markers, removed_text=""):
    """Every marker occurs once, except those in removed_text, which are gone."""
    gone = set(MARKER.findall(removed_text))
    for marker in markers:
        assert text.count(marker) == (0 if marker in gone else 1), marker


@SETTINGS
@given(documents(VALUES))
def test_parse_gives_the_data(case):
    grammar, value, text, _markers = case
    assert same(Document(text, grammar).value, value)


@SETTINGS
@given(VALUES, st.sampled_from(["  ", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_render_round_trips(value, indent, newline):
    text = render(value, indent, newline)
    assert same(Document(text, "json").value, value)
    assert text.endswith(newline)


@SETTINGS
@given(documents(), st.data())
def test_set_existing_member_replaces_only_its_value(case, data):
    grammar, value, text, markers = case
    paths = object_paths(value)
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    new_value = data.draw(VALUES)
    doc = Document(text, grammar)
    start, end = doc.span(path)
    changed = doc.set(path, new_value)
    if json_equal(value_at(value, path), new_value):  # an equal value leaves the text as it is
        assert not changed and doc.text == text
        return
    value_at(value, path[:-1])[path[-1]] = new_value
    assert same(Document(doc.text, grammar).value, value)
    assert doc.text.startswith(text[:start]) and doc.text.endswith(text[end:])
    assert len(doc.text) >= len(text) - (end - start)
    assert_markers(doc.text, markers, text[start:end])


@SETTINGS
@given(documents(), st.data())
def test_set_new_member_only_adds_text(case, data):
    grammar, value, text, markers = case
    parents = [()] + [path for path in object_paths(value) if isinstance(value_at(value, path), dict)]
    parent = data.draw(st.sampled_from(parents))
    container = value_at(value, parent)
    key = data.draw(TEXT.filter(lambda name: name not in container))
    deeper = tuple(data.draw(st.lists(TEXT, max_size=2)))
    new_value = data.draw(VALUES)
    doc = Document(text, grammar)
    doc.set(parent + (key,) + deeper, new_value)
    for name in reversed(deeper):
        new_value = {name: new_value}
    container[key] = new_value
    assert same(Document(doc.text, grammar).value, value)
    start, end = doc.member_span(parent + (key,))
    assert with_inserted(text, doc.text[:start] + doc.text[end:])
    assert_markers(doc.text, markers)


@SETTINGS
@given(documents(), st.data())
def test_delete_removes_only_the_member(case, data):
    grammar, value, text, markers = case
    paths = object_paths(value)
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    doc = Document(text, grammar)
    start, end = doc.member_span(path)
    assert doc.delete(path)
    del value_at(value, path[:-1])[path[-1]]
    assert same(Document(doc.text, grammar).value, value)
    assert with_inserted(doc.text, text[:start] + text[end:])
    assert_markers(doc.text, markers, text[start:end])
    assert not doc.delete(path)


@SETTINGS
@given(documents(st.dictionaries(TEXT, st.lists(SCALARS, max_size=4), min_size=1, max_size=3)), st.data())
def test_append_and_remove_value(case, data):
    grammar, value, text, markers = case
    key = data.draw(st.sampled_from(sorted(value)))
    item = data.draw(SCALARS)
    doc = Document(text, grammar)
    doc.append((key,), item)
    value[key].append(item)
    assert same(doc.value, value)
    assert_markers(doc.text, markers)
    expected = [element for element in value[key] if not json_equal(element, item)]
    assert doc.remove_value((key,), item) == len(value[key]) - len(expected)
    value[key] = expected
    assert same(Document(doc.text, grammar).value, value)
    assert_markers(doc.text, markers)
