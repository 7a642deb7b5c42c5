# -*- coding: utf-8 -*-
# Copyright: Contributors to the mcpfleet.mcp collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property tests of the YAML editor: random Continue configs in random layouts, random edits.

A config is written by a random formatter (indentation unit, lists indented under their key or
not, where an item's first key sits after its '-', LF or CRLF, a final line break or not, every
scalar plain, single- or double-quoted) with comments around the servers. Every comment holds a
unique marker ``<cN>``, so the tests can count that each one survives every edit. The expected
data is kept in a plain model of the servers list and checked after each edit with this parser
and with PyYAML (the generated strings read the same in YAML 1.1 and 1.2).
"""

import json
import re

import yaml
from hypothesis import given, settings, strategies as st

from ansible_collections.mcpfleet.mcp.plugins.module_utils._yaml import Document

SETTINGS = settings(max_examples=120, deadline=None)
SERVERS = ("mcpServers",)
NAMES = ["sentry", "git", "sqlite", "fetch", "a b", "yes"]
# Strings that look like other types, indicators, escapes, non-ASCII text.
TRICKY = ["yes", "on", "1.0", "12", "0x1F", "-y", "", "null", "~", "true", "#x", "a: b", "- b", "[x]", "{y}", "'q'", '"d"',
          "back\\slash", "line\nbreak", "tab\there", "${{ secrets.TOKEN }}", "@scope/pkg@1.2.3", "%p", "\u00e9\u4e2d", " lead",
          "trail "]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="<\ufeff"), max_size=8)
STRINGS = st.sampled_from(TRICKY) | TEXT
ENV_KEYS = st.sampled_from(["TOKEN", "SENTRY_HOST", "A", "PATH", "yes"])
ENTRIES = st.fixed_dictionaries({"command": STRINGS}, optional={
    "type": st.just("stdio"),
    "args": st.lists(STRINGS, max_size=4),
    "env": st.dictionaries(ENV_KEYS, STRINGS, max_size=3),
    "cwd": STRINGS,
    "timeout": st.integers(0, 10 ** 6),
    "disabled": st.booleans(),
})
MARKER = re.compile(r"<c\d+>")
SAFE_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./@=+-]*\Z")
YAML11_WORDS = {"y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
                "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL"}


class Formatter:
    """Writes a config in a layout drawn from hypothesis."""

    def __init__(self, draw):
        self.draw = draw
        self.unit = draw(st.sampled_from([2, 4]))
        self.list_shift = draw(st.sampled_from([0, self.unit]))  # lists under a key: indented or not
        self.offset = draw(st.sampled_from([2, self.unit]))  # from '-' to the item's first key
        self.markers = 0

    def comment(self):
        self.markers += 1
        return "# <c%d> a comment: [x], {y}, - z" % self.markers

    def scalar(self, value):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        style = self.draw(st.sampled_from(["plain", "single", "double"]))
        if style == "plain" and SAFE_PLAIN.match(value) and value not in YAML11_WORDS:
            return value
        if style == "single" and "\n" not in value and value == value.strip():
            return "'" + value.replace("'", "''") + "'"
        # ASCII escapes write a character beyond the BMP as two surrogate escapes: the yaml package
        # and this parser join them into one character, PyYAML does not (so only when there is none)
        ascii_only = self.draw(st.booleans()) and all(ord(char) < 0x10000 for char in value)
        return json.dumps(value, ensure_ascii=ascii_only)

    def key(self, key):
        return key if SAFE_PLAIN.match(key) and key not in YAML11_WORDS else json.dumps(key)

    def block(self, indent, key, value):
        """Lines of 'key: value' at indent, lists and mappings in block style (empty ones in flow)."""
        head = " " * indent + self.key(key) + ":"
        if isinstance(value, list) and value:
            inner = indent + self.list_shift
            return [head] + [" " * inner + "- " + self.scalar(item) for item in value]
        if isinstance(value, dict) and value:
            lines = [head]
            for name, item in value.items():
                lines.extend(self.block(indent + self.unit, name, item))
            return lines
        if isinstance(value, (list, dict)):
            return [head + " " + json.dumps(value)]
        return [head + " " + self.scalar(value)]

    def item(self, indent, entry):
        inner = indent + self.offset
        lines = []
        for key, value in entry.items():
            lines.extend(self.block(inner, key, value))
        lines[0] = " " * indent + "-" + " " * (self.offset - 1) + lines[0][inner:]
        if self.draw(st.booleans()):
            lines.append(" " * inner + self.comment())  # a comment after the item's last member
        return lines

    def config(self, items):
        lines = [self.comment(), "name: Property Config", "version: 1.0.0", "schema: v1", "models:"]
        lines += [" " * self.list_shift + "- name: m", " " * (self.list_shift + 2) + "roles: [chat, edit]"]
        indent = self.list_shift
        if items is None:
            lines.append("mcpServers:  " + self.comment())
        elif not items:
            lines.append("mcpServers: []  " + self.comment())
        else:
            lines.append("mcpServers:")
            for item in items:
                if self.draw(st.booleans()):
                    lines.append(" " * indent + self.comment())  # between items
                lines.extend(self.item(indent, item))
        lines += ["rules:", " " * self.list_shift + "- " + self.scalar("keep answers short"), self.comment()]
        return lines


@st.composite
def configs(draw):
    """(text, servers list or None, newline) of a config in a random layout."""
    items = draw(st.none() | st.lists(st.tuples(st.sampled_from(NAMES), ENTRIES), max_size=4))
    servers = None if items is None else [dict([("name", name)] + list(entry.items())) for name, entry in items]
    formatter = Formatter(draw)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(formatter.config(servers))
    if draw(st.booleans()):
        text += newline
    return text, servers, newline


OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("add"), st.sampled_from(NAMES), ENTRIES),
    st.tuples(st.just("set"), st.sampled_from(NAMES), st.sampled_from(["command", "cwd", "args", "env", "extra"]),
              STRINGS | st.lists(STRINGS, max_size=3) | st.dictionaries(ENV_KEYS, STRINGS, max_size=2)),
    st.tuples(st.just("set_env"), st.sampled_from(NAMES), ENV_KEYS, STRINGS),
    st.tuples(st.just("delete"), st.sampled_from(NAMES), st.sampled_from(["command", "args", "env", "cwd"])),
    st.tuples(st.just("remove"), st.sampled_from(NAMES)),
), min_size=1, max_size=6)


class Model:
    """The servers list as plain data, edited the way the named-list view promises."""

    def __init__(self, servers):
        self.servers = servers

    def last(self, name):
        found = [item for item in self.servers or [] if item.get("name") == name]
        return found[-1] if found else None

    def apply(self, document, operation):
        kind, name = operation[:2]
        path = SERVERS + (name,)
        item = self.last(name)
        if kind == "add":
            entry = operation[2]
            document.set(path, entry)
            if item is None:
                self.servers = (self.servers or []) + [dict([("name", name)] + list(entry.items()))]
            else:  # the item is replaced in place, its name first
                item.clear()
                item.update([("name", name)] + list(entry.items()))
        elif kind in ("set", "set_env"):
            keys = (operation[2],) if kind == "set" else ("env", operation[2])
            value = operation[3]
            if kind == "set_env" and item is not None and not isinstance(item.get("env", {}), dict):
                return  # a path through a string: a type error, checked elsewhere
            document.set(path + keys, value)
            if item is None:
                item = {"name": name}
                self.servers = (self.servers or []) + [item]
            holder = item
            for key in keys[:-1]:
                holder = holder.setdefault(key, {})
            holder[keys[-1]] = value
        elif kind == "delete":
            removed = document.delete(path + (operation[2],))
            assert removed == (item is not None and operation[2] in item)
            if removed:
                del item[operation[2]]
        else:
            assert document.delete(path) == (item is not None)
            if item is not None:
                self.servers = [other for other in self.servers if other.get("name") != name]


def expected_data(servers, initial):
    data = dict(initial)
    data["mcpServers"] = servers  # the generated configs always have the key (None: written empty)
    return data


@SETTINGS
@given(configs())
def test_generated_configs_read_as_written(config):
    text, servers, dummy = config
    data = Document(text).value
    assert data.get("mcpServers") == servers
    assert yaml.safe_load(text) == data
    view = Document(text, named_lists={SERVERS: "name"}).get(SERVERS) if servers is not None else {}
    assert view == dict((item["name"], dict((key, value) for key, value in item.items() if key != "name"))
                        for item in servers or [])


@SETTINGS
@given(configs(), OPERATIONS)
def test_random_edits_keep_data_comments_and_layout(config, operations):
    text, servers, newline = config
    document = Document(text, named_lists={SERVERS: "name"})
    initial = dict((key, value) for key, value in document.value.items() if key != "mcpServers")
    markers = sorted(MARKER.findall(text))
    head = text[:text.index("mcpServers:")]
    model = Model(servers)
    for operation in operations:
        model.apply(document, operation)
        new = document.text
        expected = expected_data(model.servers, initial)
        assert Document(new).value == expected
        assert yaml.safe_load(new) == expected
        assert sorted(MARKER.findall(new)) == markers  # every comment survives
        assert new.startswith(head)  # nothing before the servers changes
        assert new.endswith("\n") == text.endswith("\n")
        assert new.count("\n") == new.count(newline)
