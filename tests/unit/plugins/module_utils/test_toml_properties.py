# -*- coding: utf-8 -*-
# Copyright: Contributors to the mcpfleet.mcp collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property tests of the TOML editor on generated data written in generated forms.

A writer of its own (not the module's) puts each table as a [header] section (or leaves the header
out when only sub-tables hold it), as dotted keys, as an inline table, or a list of tables as
[[array]] sections; strings in all four string forms, arrays on one line or several with comments
inside, CRLF or LF, with or without a final newline, blank lines and comments with a unique marker
``<cN>`` everywhere. Random edits follow; after each, tomllib reads the text exactly as we do, the
data is the data asked for, and a new key or a changed scalar keeps every comment.
"""

import json
import re
import tomllib

from hypothesis import given, settings, strategies as st

from ansible_collections.mcpfleet.mcp.plugins.module_utils._toml import Document
from ansible_collections.mcpfleet.mcp.tests.unit.plugins.module_utils.test_toml import assert_same_data

SETTINGS = settings(max_examples=200, deadline=None)

# "<" is left out so that no string can contain a comment marker.
TEXT = (st.sampled_from(["npx", "-y", "two\nlines", "C:\\bin", 'say "hi"', "it's", "'''", '"""', "end'"])
        | st.text(st.characters(exclude_categories=("Cs",), exclude_characters="<"), max_size=6))
KEYS = st.sampled_from(["a", "b", "env", "mcp_servers", "x-y_1", "1", "a.b", "with space", "\u00e9", "", "q'\"k"]) | TEXT
SCALARS = (st.booleans() | st.integers(-2 ** 63, 2 ** 63 - 1) | st.floats(allow_nan=False) | TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
                      max_leaves=8)
TABLES = st.recursive(st.dictionaries(KEYS, VALUES, max_size=3),
                      lambda inner: st.dictionaries(KEYS, inner | VALUES | st.lists(inner, min_size=1, max_size=2), max_size=4),
                      max_leaves=6)
MARKER = re.compile(r"<c\d+>")
BARE = re.compile(r"[A-Za-z0-9_-]+\Z")
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def escaped(text, newline=None):
    """text with the escapes of a basic string; newline: how a multi-line one writes a newline."""
    def escape(match):
        char = match.group()
        if char == "\n" and newline:
            return newline
        return {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}.get(char) or "\\U%08x" % ord(char)
    return re.sub(r'["\\\x00-\x1f\x7f]', escape, text)


def basic(text):
    return '"%s"' % escaped(text)


class Writer:
    """Writes data as TOML text in forms and formatting drawn from hypothesis."""

    def __init__(self, draw):
        self.draw = draw
        self.newline = draw(st.sampled_from(["\n", "\r\n"]))
        self.markers = []

    def choose(self, *options):
        return self.draw(st.sampled_from(options))

    def marker(self):
        marker = "<c%d>" % len(self.markers)
        self.markers.append(marker)
        return marker

    def comment_after(self):
        return " # %s = [ \"x\" ] '" % self.marker() if self.draw(st.booleans()) else ""

    def gap_lines(self):
        """Blank and comment lines that may come between two lines."""
        return [self.choose("", "  ", "# %s [not.a] header" % self.marker()) for dummy in range(self.draw(st.integers(0, 2)))]

    def key(self, key):
        if BARE.match(key) and self.draw(st.booleans()):
            return key
        if "'" not in key and not CONTROL.search(key) and self.draw(st.booleans()):
            return "'%s'" % key
        return basic(key)

    def keys(self, keys):
        return self.choose(".", " . ").join(self.key(key) for key in keys)

    def string(self, text):
        forms = ["basic"]
        if "'" not in text and not CONTROL.search(text):
            forms.append("literal")
        if not CONTROL.search(text.replace("\n", "")):
            forms.append("multiline")
            if "'''" not in text and not text.endswith("'"):
                forms.append("multiline literal")
        form = self.choose(*forms)
        if form == "literal":
            return "'%s'" % text
        if form == "multiline literal":
            return "'''" + self.newline + text.replace("\n", self.newline) + "'''"
        if form == "multiline":
            return '"""' + self.newline + escaped(text, self.newline) + '"""'
        return basic(text)

    def value(self, value, one_line=False):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return hex(value) if value >= 0 and self.draw(st.booleans()) else str(value)
        if isinstance(value, float):
            return repr(value)
        if isinstance(value, str):
            return self.string(value) if not one_line else basic(value)
        if isinstance(value, dict):
            items = ", ".join("%s = %s" % (self.keys((key,)), self.value(item, True)) for key, item in value.items())
            return "{ %s }" % items if items else "{}"
        items = [self.value(item, one_line) for item in value]
        if one_line or not items or self.draw(st.booleans()):
            return "[%s]" % ", ".join(items)
        lines = ["["]
        for item in items:
            lines.extend("  " + line for line in self.gap_lines() if line)
            lines.append("  %s,%s" % (item, self.comment_after()))
        return self.newline.join(lines + ["]"])

    def pairs(self, path, table, prefix, lines, later):
        """The pair lines of table (at path) in the current section, each key after prefix;
        tables to write as their own sections go to later."""
        for key, value in table.items():
            if isinstance(value, dict):
                form = self.choose("inline", "dotted", "section", "section")
                if form == "dotted" and value:
                    self.pairs(path + (key,), value, prefix + (key,), lines, later)
                    continue
                if form == "section":
                    later.append((path + (key,), value, False))
                    continue
            elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value) and self.draw(st.booleans()):
                later.append((path + (key,), value, True))
                continue
            lines.extend(self.gap_lines())
            lines.append("%s%s%s%s" % (self.keys(prefix + (key,)), self.choose(" = ", "=", "  =\t"), self.value(value),
                                       self.comment_after()))

    def section(self, path, table, array, lines):
        later = []
        body = []
        self.pairs(path, table, (), body, later)
        if array or body or not later or self.draw(st.booleans()):
            lines.extend(self.gap_lines() + [""])
            lines.append(("[[%s]]" if array else "[%s]") % self.keys(path) + self.comment_after())
        lines.extend(body)
        for sub_path, sub_table, sub_array in later:
            for element in sub_table if sub_array else [sub_table]:
                self.section(sub_path, element, sub_array, lines)

    def document(self, data):
        lines = self.gap_lines()
        later = []
        self.pairs((), data, (), lines, later)
        for path, table, array in later:
            for element in table if array else [table]:
                self.section(path, element, array, lines)
        text = self.newline.join(lines)
        return text + self.newline if text and self.draw(st.booleans()) else text


def table_paths(data, path=()):
    """Paths of every table reachable by keys (the root included), without recursion."""
    found = []
    stack = [(path, data)]
    while stack:
        path, table = stack.pop()
        found.append(path)
        stack.extend((path + (key,), item) for key, item in table.items() if isinstance(item, dict))
    return sorted(found)


def member_paths(data):
    return sorted(path + (key,) for path in table_paths(data) for key in dig(data, path))


def dig(data, path):
    for key in path:
        data = data[key]
    return data


def has(data, path):
    try:
        dig(data, path)
    except KeyError:
        return False
    return True


@SETTINGS
@given(st.data())
def test_random_edits_keep_tomllib_in_step(data):
    draw = data.draw
    writer = Writer(draw)
    text = writer.document(draw(TABLES))
    doc = Document(text)
    assert_same_data(doc.value, tomllib.loads(text))
    for dummy in range(draw(st.integers(1, 4))):
        old = doc.value
        old_text = doc.text
        members = member_paths(old)
        operation = draw(st.sampled_from(["add", "change", "delete"] if members else ["add"]))
        if operation == "add":
            parent = draw(st.sampled_from(table_paths(old)))
            key = draw(KEYS.filter(lambda name, table=dig(old, parent): name not in table))
            path = parent + (key,) + tuple(draw(st.lists(KEYS, max_size=2)))
        else:
            path = draw(st.sampled_from(members))
        expected = json.loads(json.dumps(old))
        if operation == "delete":
            assert doc.delete(path) is True
            del dig(expected, path[:-1])[path[-1]]
            # A table that only existed through the member goes with it (and only such a table).
            new = doc.value
            for depth in range(len(path) - 1, 0, -1):
                if has(new, path[:depth]):
                    break
                assert not dig(expected, path[:depth])
                del dig(expected, path[:depth - 1])[path[depth - 1]]
        else:
            value = draw(VALUES)
            changed = doc.set(path, value)
            target = expected
            for key in path[:-1]:
                target = target.setdefault(key, {})
            old_value = target.get(path[-1])
            target[path[-1]] = value
            assert changed == (json.dumps(old_value, sort_keys=True) != json.dumps(value, sort_keys=True)
                               or type(old_value) is not type(value))
            if operation == "add" or not isinstance(old_value, (dict, list)):
                assert MARKER.findall(doc.text) == MARKER.findall(old_text)
        assert_same_data(doc.value, json.loads(json.dumps(expected)))
        assert_same_data(doc.value, tomllib.loads(doc.text))


@SETTINGS
@given(st.data())
def test_every_value_span_can_be_masked(data):
    """What the redaction does to env maps, done to every value two keys deep."""
    draw = data.draw
    text = Writer(draw).document(draw(TABLES))
    doc = Document(text)
    found = doc.occurrences((None, None))
    doc.replace_spans([(start, end, json.dumps("********")) for dummy, (start, end), dummy in found])
    expected = Document(text).value
    for keys, (start, end), value in found:
        assert_same_data(value, dig(expected, keys))
        dig(expected, keys[:-1])[keys[-1]] = "********"
    assert_same_data(doc.value, expected)
    assert_same_data(doc.value, tomllib.loads(doc.text))
