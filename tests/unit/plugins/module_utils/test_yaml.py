# -*- coding: utf-8 -*-
# Copyright: Contributors to the mcpfleet.mcp collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Unit tests of the YAML parser and editor: the data it reads, what it rejects and where, the
named-list view, and what edits write and keep.

PARSED holds the data that the npm yaml package (Continue's parser; 2.9.1 when these cases were
written) reads from each text. REJECTED holds constructs this parser does not support and texts
that are not YAML, each with the position and message of its error.
"""

import inspect
import json
import sys

import pytest
import yaml

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _yaml
from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import apply_entry, find_entry, remove_entry
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import JsoncError, JsoncTypeError
from ansible_collections.mcpfleet.mcp.plugins.module_utils._yaml import MAX_DEPTH, Document, YamlError, YamlTypeError, render

INF = float("inf")
NAN = float("nan")
SERVERS = ("mcpServers",)
NAMED = {SERVERS: "name"}


def same(left, right):
    """Equal data of equal types (1 is not 1.0 nor true), NaN included."""
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


def servers(text):
    return Document(text, named_lists=NAMED)


PARSED = [
    ('', None),
    ('# only a comment\n', None),
    ('---\n', None),
    ('---\n# c\n...\n', None),
    ('a: 1\n', {'a': 1}),
    ('\ufeffa: 1\n', {'a': 1}),
    ('---\na: 1\n...\n# after\n', {'a': 1}),
    ('a: 1\r\nb:\r\n  - x\r\n', {'a': 1, 'b': ['x']}),
    ('a:\n  b:\n    c: d\n', {'a': {'b': {'c': 'd'}}}),
    ('a:\n- x\n- y\nb: 1\n', {'a': ['x', 'y'], 'b': 1}),
    ('a:\n  - x\n  - y\nb: 1\n', {'a': ['x', 'y'], 'b': 1}),
    ('- a: 1\n  b: 2\n- - x\n  - y\n-\n  c: 3\n- \n', [{'a': 1, 'b': 2}, ['x', 'y'], {'c': 3}, None]),
    ('-   a: 1\n    b: 2\n', [{'a': 1, 'b': 2}]),
    ('a:\n b: 1\n', {'a': {'b': 1}}),
    ('a:   # comment\n  b: 1 # comment\n# comment\n  c: 2\n', {'a': {'b': 1, 'c': 2}}),
    ('a: x#y\nb: x #y\n', {'a': 'x#y', 'b': 'x'}),
    ('a: http://host:80/p?q=1#frag\n', {'a': 'http://host:80/p?q=1#frag'}),
    ('a: ${{ secrets.X }}\n', {'a': '${{ secrets.X }}'}),
    ('a: -y\nb: --x=1\nc: ?x\nd: :x\n', {'a': '-y', 'b': '--x=1', 'c': '?x', 'd': ':x'}),
    ('a: one\n  two\n\n  three\n\n\n  four\nb: 1\n', {'a': 'one two\nthree\n\nfour', 'b': 1}),
    ('a: x\n  - y\n', {'a': 'x - y'}),
    ('- one\n  two\n', ['one two']),
    ('a key with spaces: v\n"quoted: key": 1\n\'single\': 2\n', {'a key with spaces': 'v', 'quoted: key': 1, 'single': 2}),
    ('a : b\n', {'a': 'b'}),
    ('a:\tb\n', {'a': 'b'}),
    ('[~, null, Null, NULL, true, True, TRUE, false, False, FALSE]', [None, None, None, None, True, True, True, False, False, False]),
    ('[yes, no, on, off, y, n, Yes, ON]', ['yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'ON']),
    ('[0, -1, +2, 012, 0o17, 0x1F, 0xff, 1_000, 0b11, -0x1]', [0, -1, 2, 12, 15, 31, 255, '1_000', '0b11', '-0x1']),
    ('[1.5, -.5, +1., 1e3, 1E-2, 6.02e+23, .inf, -.Inf, +.INF, .nan, .NaN]', [1.5, -0.5, 1.0, 1000.0, 0.01, 6.02e+23, INF, -INF, INF, NAN, NAN]),
    ('[1.0.0, 2024-01-01, 12:30, 0.]', ['1.0.0', '2024-01-01', '12:30', 0.0]),
    ('a:\nb: ~\nc: null\n', {'a': None, 'b': None, 'c': None}),
    ('a: "tab\\there \\"q\\" \\\\ \\/ \\0 \\a \\b \\v \\f \\e \\N \\_ \\L \\P \\x41 \\u00e9 \\U0001F600"\n',
     {'a': 'tab\there "q" \\ / \x00 \x07 \x08 \x0b \x0c \x1b \x85 \xa0 \u2028 \u2029 A \xe9 \U0001f600'}),
    ('a: "\\ud83d\\ude00"\n', {'a': '\U0001f600'}),
    ('a: "one\n  two  \n\n  three"\n', {'a': 'one two\nthree'}),
    ('a: "joined\\\n  line \\\n  kept space"\n', {'a': 'joinedline kept space'}),
    ('a: "x\\\n\n  y"\n', {'a': 'x y'}),
    ("a: 'it''s\n  here '\n", {'a': "it's here "}),
    ('a: \'\'\nb: ""\n', {'a': '', 'b': ''}),
    ("a: '#not a comment'\n", {'a': '#not a comment'}),
    ('a: |\n  one\n\n  two\n\n\nb: 1\n', {'a': 'one\n\ntwo\n', 'b': 1}),
    ('a: |-\n  one\n\nb: 1\n', {'a': 'one', 'b': 1}),
    ('a: |+\n  one\n\n\nb: 1\n', {'a': 'one\n\n\n', 'b': 1}),
    ('a: >\n  one\n  two\n\n  three\n    indented\n  four\n', {'a': 'one two\nthree\n  indented\nfour\n'}),
    ('a: >-\n  one\n  two\n', {'a': 'one two'}),
    ('a: |2\n    two more\n  base\n', {'a': '  two more\nbase\n'}),
    ('a: >+2\n   x\n\n', {'a': ' x\n\n'}),
    ('a: |-1\n  x\n', {'a': ' x'}),
    ('a: | # comment\n  # not a comment\n  x\n# comment\n', {'a': '# not a comment\nx\n'}),
    ('a: |\n\n  x\n', {'a': '\nx\n'}),
    ('a: |\nb: 1\n', {'a': '', 'b': 1}),
    ('a: |\n  x', {'a': 'x\n'}),
    ('- |\n  item\n- >\n  folded\n', ['item\n', 'folded\n']),
    ('|\n literal root\n', 'literal root\n'),
    ('a: [1, [2, [3]], {b: c, d: [e]}]\n', {'a': [1, [2, [3]], {'b': 'c', 'd': ['e']}]}),
    ('a: [\n  x,  # comment\n  y,\n]\nb: {\n  c: 1\n}\n', {'a': ['x', 'y'], 'b': {'c': 1}}),
    ('a: {x, y: , z: 1}\n', {'a': {'x': None, 'y': None, 'z': 1}}),
    ('a: {"k":v, k2: "v2"}\n', {'a': {'k': 'v', 'k2': 'v2'}}),
    ('a: [a b, c:d, \'e\', "f"]\n', {'a': ['a b', 'c:d', 'e', 'f']}),
    ('a: []\nb: {}\n', {'a': [], 'b': {}}),
    ('a: [x,\n  y\n  z]\n', {'a': ['x', 'y z']}),
    ('[a, b]\n', ['a', 'b']),
    ('{a: 1}\n', {'a': 1}),
]

REJECTED = [
    ('a: &x 1\n', 1, 4, 'anchors (&) are not supported'),
    ('a: 1\nb: *x\n', 2, 4, 'aliases (*) are not supported'),
    ('a: !!str 1\n', 1, 4, 'tags (!) are not supported'),
    ('a: !Ref x\n', 1, 4, 'tags (!) are not supported'),
    ('- [1, &a 2]\n', 1, 7, 'anchors (&) are not supported'),
    ('%YAML 1.2\n---\na: 1\n', 1, 1, 'directives (%) are not supported'),
    ('a: 1\n---\nb: 2\n', 2, 1, 'several documents in one file are not supported'),
    ('a: 1\n...\nb: 2\n', 3, 1, 'several documents in one file are not supported'),
    ('? a\n: b\n', 1, 1, 'complex mapping keys (?) are not supported'),
    ('a: {? b}\n', 1, 5, 'complex mapping keys (?) are not supported'),
    ('[a, b]: c\n', 1, 1, 'a flow collection as a mapping key is not supported'),
    ('<<: {a: 1}\n', 1, 1, 'merge keys (<<) are not supported'),
    ('1: a\n', 1, 1, 'a mapping key that is a number, a boolean or null is not supported'),
    ('true: a\n', 1, 1, 'a mapping key that is a number, a boolean or null is not supported'),
    ('~: a\n', 1, 1, 'a mapping key that is a number, a boolean or null is not supported'),
    (': a\n', 1, 1, 'a mapping entry without a key is not supported'),
    ('[a: b]\n', 1, 3, 'a mapping inside a flow sequence ([key: value]) is not supported'),
    ('--- a\n', 1, 5, "content on the '---' line is not supported: start the document on the next line"),
    ('a: 1\rb: 2\n', 1, 5, 'a carriage return must be followed by a line feed'),
    ('a: 1\na: 2\n', 2, 1, 'duplicate key in a mapping'),
    ('a: {b: 1, b: 2}\n', 1, 11, 'duplicate key in a mapping'),
    ('\ta: 1\n', 1, 1, 'a tab character is not allowed in indentation'),
    ('a:\n\t- b\n', 2, 1, 'a tab character is not allowed in indentation'),
    ('-\tb: 1\n', 1, 2, 'a tab character is not allowed in indentation'),
    ('a: |\n  x\n\t\nb: 1\n', 3, 1, 'a tab character is not allowed in the indentation of a block scalar'),
    ('a: 1\n b: 2\n', 1, 4, 'a mapping key must be on one line (or a line below is indented too deep)'),
    ('a:\n  b: 1\n c: 2\n', 3, 2, 'bad indentation: this line is deeper than the keys of its mapping (column 1)'),
    ('a:\n  - x\n  b: 1\n', 3, 3, 'bad indentation: this line is deeper than the keys of its mapping (column 1)'),
    ('a:\n    b: 1\n  c: 2\n', 3, 3, 'bad indentation: this line is deeper than the keys of its mapping (column 1)'),
    ('- a\nb: 1\n', 2, 1, "expected a sequence entry ('- ') at this indentation"),
    ('a: 1\n- b\n', 2, 1, 'a sequence entry cannot follow a mapping entry at the same indentation'),
    ('a: b: c\n', 1, 4, 'a mapping cannot start on the line of its key: put it on the lines below'),
    ('a: - b\n', 1, 4, 'a block sequence cannot start on the line of its key'),
    ('a: "x"y\n', 1, 7, 'unexpected text after a value'),
    ('a: "x"#c\n', 1, 7, 'a comment must be separated from a value by a space'),
    ('a: "unclosed\n', 1, 4, 'a quoted string is not closed'),
    ("a: 'unclosed\n  more\n", 1, 4, 'a quoted string is not closed'),
    ('a: "x\ny"\n', 2, 1, 'bad indentation: the lines of a quoted string must be indented more than their parent (column 1)'),
    ('a: "\\q"\n', 1, 5, 'invalid escape in a double-quoted string'),
    ('a: "\\x4"\n', 1, 5, 'invalid escape in a double-quoted string'),
    ('a: [x, y\n', 1, 4, 'a flow collection is not closed'),
    ('a: [x, , y]\n', 1, 8, "unexpected ',' in a flow collection"),
    ('a: [x y: z]\n', 1, 8, 'a mapping inside a flow sequence ([key: value]) is not supported'),
    ('a: [x}\n', 1, 6, "expected ',' or ']' in a flow collection"),
    ('a: [x,\ny]\n', 2, 1, 'bad indentation: the lines of a flow collection must be indented more than their parent (column 1)'),
    ('a: [x,#c\n]\n', 1, 7, 'a comment must be separated from other tokens by a space'),
    ('a: |x\n', 1, 5, 'invalid block scalar header: expected a chomping indicator (+ or -), an indentation digit (1-9) or a comment'),
    ('a: |\n   \n  x\n', 3, 1, 'the empty lines that start a block scalar are indented more than its first line of text'),
    ('a: @x\n', 1, 4, 'a value must not start with a reserved character (@ or `)'),
    ('a: %x\n', 1, 4, "a value must not start with '%' (the directive indicator)"),
    ('a: ]\n', 1, 4, 'a value must not start with a flow indicator (, [ ] { })'),
    ('a: [|]\n', 1, 5, 'a block scalar (| or >) is not allowed inside a flow collection'),
    ('a: 1\n>b: 2\n', 2, 1, "a mapping key must not start with '|' or '>'"),
    ('a: 1\n\x00\n', 2, 1, 'a control character is not allowed in YAML'),
    ('a: [x,\n---\n]\n', 2, 1, 'a document marker inside a flow collection'),
    ('a: "x\n---\n"\n', 2, 1, 'a document marker inside a quoted string'),
]


@pytest.mark.parametrize("text, expected", PARSED)
def test_reads_the_data_of_yaml_1_2(text, expected):
    assert same(Document(text).value, expected)


@pytest.mark.parametrize("text, line, column, message", REJECTED)
def test_rejects_with_line_and_column(text, line, column, message):
    with pytest.raises(YamlError) as info:
        Document(text)
    assert (info.value.line, info.value.column, info.value.message) == (line, column, message)
    assert str(info.value) == "line %d, column %d: %s" % (line, column, message)


def test_an_integer_longer_than_python_reads():
    text = "a: " + "1" * 5000 + "\n"
    if not hasattr(sys, "get_int_max_str_digits"):  # Python before the limit (3.9.13 and older) reads it
        assert Document(text).value == {"a": int("1" * 5000)}
        return
    with pytest.raises(YamlError) as info:
        Document(text)
    assert (info.value.line, info.value.column, info.value.message) == (1, 4, "a number with too many digits")


def test_errors_are_the_collections_positioned_errors():
    assert issubclass(YamlError, JsoncError)
    assert issubclass(YamlTypeError, JsoncTypeError) and issubclass(YamlTypeError, YamlError)


@pytest.mark.parametrize("text", [
    "TOKEN: s3cr3tW0rd extra: x\n",
    "TOKEN: \"s3cr3tW0rd\n",
    "TOKEN: [s3cr3tW0rd\n",
    "TOKEN: {s3cr3tW0rd: 1, s3cr3tW0rd: 2}\n",
    "TOKEN: s3cr3tW0rd\n  s3cr3tW0rd: 1\n",
    "TOKEN: \"\\qs3cr3tW0rd\"\n",
    "TOKEN: |s3cr3tW0rd\n",
    "- s3cr3tW0rd\ns3cr3tW0rd: x\n",
    "s3cr3tW0rd: &s3cr3tW0rd x\n",
    "\ufeffTOKEN:\n\ts3cr3tW0rd\n",
])
def test_errors_never_quote_the_text(text):
    """An unquoted word may be a secret: messages name what was expected and where."""
    with pytest.raises(YamlError) as info:
        Document(text)
    assert "s3cr3tW0rd" not in str(info.value)


def test_nesting_is_bounded_without_recursion_errors():
    Document("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    for text in ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "[" * 100000):
        with pytest.raises(YamlError) as info:
            Document(text)
        assert (info.value.line, info.value.column) == (1, MAX_DEPTH + 1)
    block = "".join(" " * level + "k:\n" for level in range(MAX_DEPTH + 1)) + " " * (MAX_DEPTH + 1) + "v\n"
    with pytest.raises(YamlError) as info:
        Document(block)
    assert (info.value.line, info.value.message) == (MAX_DEPTH + 1, "nesting deeper than %d levels" % MAX_DEPTH)
    Document("").set(("a",), _nested(MAX_DEPTH - 1))
    with pytest.raises(ValueError):  # the root mapping and the lists: one level too many
        Document("").set(("a",), _nested(MAX_DEPTH))


def test_the_deepest_documents_need_few_frames_per_level():
    """Recursion is bounded: a document at MAX_DEPTH parses and renders within four frames a level."""
    block = "".join(" " * level + "k:\n" for level in range(MAX_DEPTH - 2)) + " " * (MAX_DEPTH - 2) + "- [v]\n"
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 4 * MAX_DEPTH)
    try:
        assert Document(block).get(("k",) * (MAX_DEPTH - 2)) == [["v"]]
        assert render({"k": _nested(MAX_DEPTH - 1)})
    finally:
        sys.setrecursionlimit(limit)


def _nested(levels):
    value = 1
    for dummy in range(levels):
        value = [value]
    return value


# The named-list view.

ODD_LIST = """\
name: config
mcpServers:
  - just a string
  - command: no-name
  - name: 42
    command: numeric-name
  - name: twice
    command: first
  - name: kept
    command: k
    env:
      A: "1"
  - name: twice
    command: second
"""


def test_named_list_view():
    document = servers(ODD_LIST)
    view = {"twice": {"command": "second"}, "kept": {"command": "k", "env": {"A": "1"}}}
    assert document.get(SERVERS) == view
    assert list(document.get(SERVERS)) == ["twice", "kept"]  # the first item of a name sets the order
    assert document.get(()) == {"name": "config", "mcpServers": view}
    assert document.get(SERVERS + ("kept",)) == {"command": "k", "env": {"A": "1"}}
    assert document.get(SERVERS + ("kept", "env", "A")) == "1"
    assert document.value["mcpServers"][0] == "just a string"  # value: the data as the file holds it
    for missing in (SERVERS + ("nope",), SERVERS + ("kept", "name"), SERVERS + ("kept", "cwd")):
        with pytest.raises(KeyError):
            document.get(missing)
    with pytest.raises(ValueError):  # the name is the item's key in the view
        document.set(SERVERS + ("kept", "name"), "renamed")
    with pytest.raises(ValueError):
        document.set(SERVERS + ("new",), {"name": "other", "command": "x"})


def test_named_list_edits_touch_only_the_named_items():
    document = servers(ODD_LIST)
    document.set(SERVERS + ("twice", "command"), "third")
    assert document.text == ODD_LIST.replace("command: second", 'command: "third"')
    assert document.delete(SERVERS + ("twice",))
    assert document.text == ODD_LIST.replace("  - name: twice\n    command: first\n", "").replace(
        "  - name: twice\n    command: second\n", "")
    assert not document.delete(SERVERS + ("twice",))
    assert document.value["mcpServers"][:3] == ["just a string", {"command": "no-name"}, {"name": 42, "command": "numeric-name"}]


@pytest.mark.parametrize("text, position, kind", [
    ("mcpServers:\n  a:\n    command: x\n", (2, 3), "a mapping"),
    ("mcpServers: none\n", (1, 13), "a string"),
    ("mcpServers: 3\n", (1, 13), "a number"),
    ("mcpServers: true\n", (1, 13), "a boolean"),
])
def test_named_list_of_the_wrong_type(text, position, kind):
    document = servers(text)
    message = "the value at mcpServers is %s, not a list" % kind
    for attempt in (lambda: document.get(SERVERS), lambda: document.get(()), lambda: document.get(SERVERS + ("a",)),
                    lambda: document.set(SERVERS + ("a",), {"command": "x"})):
        with pytest.raises(YamlTypeError) as info:
            attempt()
        assert ((info.value.line, info.value.column), info.value.message) == (position, message)
    assert document.text == text


@pytest.mark.parametrize("text", ["mcpServers:\n", "mcpServers: null\n", "mcpServers: ~ # none\n", "mcpServers: []\n"])
def test_named_list_that_is_null_or_empty(text):
    document = servers(text)
    assert document.get(SERVERS) == {}
    with pytest.raises(KeyError):
        document.get(SERVERS + ("a",))
    assert not document.delete(SERVERS + ("a",))


def test_a_path_through_a_scalar_is_a_positioned_type_error():
    document = servers("a: 3\nmcpServers:\n  - name: s\n    env: text\n")
    with pytest.raises(YamlTypeError) as info:
        document.get(("a", "b"))
    assert (info.value.line, info.value.column, info.value.message) == (1, 4, "the value at a is a number, not a mapping")
    with pytest.raises(YamlTypeError) as info:
        document.set(SERVERS + ("s", "env", "X"), "1")
    assert (info.value.line, info.value.column, info.value.message) == (4, 10, "the value at mcpServers.s.env is a string, not a mapping")


NEW_ENTRY = {"command": "npx", "args": ["-y", "pkg"], "env": {"TOKEN": "t"}}


@pytest.mark.parametrize("text, expected", [
    ('mcpServers:\n  - name: a\n    command: x\n',
     'mcpServers:\n  - name: a\n    command: x\n  - name: "new"\n    command: "npx"\n    args:\n      - "-y"\n      - "pkg"\n'
     '    env:\n      TOKEN: "t"\n'),
    ('mcpServers:\n- name: a\n  command: x\n',
     'mcpServers:\n- name: a\n  command: x\n- name: "new"\n  command: "npx"\n  args:\n  - "-y"\n  - "pkg"\n  env:\n    TOKEN: "t"\n'),
    ('mcpServers:\n    -   name: a\n        command: x\n',
     'mcpServers:\n    -   name: a\n        command: x\n    -   name: "new"\n        command: "npx"\n        args:\n'
     '            - "-y"\n            - "pkg"\n        env:\n            TOKEN: "t"\n'),
    ('mcpServers:\r\n  - name: a\r\n    command: x\r\n',
     'mcpServers:\r\n  - name: a\r\n    command: x\r\n  - name: "new"\r\n    command: "npx"\r\n    args:\r\n      - "-y"\r\n'
     '      - "pkg"\r\n    env:\r\n      TOKEN: "t"\r\n'),
    ('mcpServers:\n  - name: a\n    command: x',
     'mcpServers:\n  - name: a\n    command: x\n  - name: "new"\n    command: "npx"\n    args:\n      - "-y"\n      - "pkg"\n'
     '    env:\n      TOKEN: "t"'),
    ('name: n\nmcpServers:\n  - name: a\n    command: x\n...\n',
     'name: n\nmcpServers:\n  - name: a\n    command: x\n  - name: "new"\n    command: "npx"\n    args:\n      - "-y"\n'
     '      - "pkg"\n    env:\n      TOKEN: "t"\n...\n'),
    ('',
     'mcpServers:\n  - name: "new"\n    command: "npx"\n    args:\n      - "-y"\n      - "pkg"\n    env:\n      TOKEN: "t"\n'),
    ('# just a comment',
     '# just a comment\nmcpServers:\n  - name: "new"\n    command: "npx"\n    args:\n      - "-y"\n      - "pkg"\n'
     '    env:\n      TOKEN: "t"\n'),
    ('name: n\nmcpServers: # none yet\nother: 1\n',
     'name: n\nmcpServers: # none yet\n  - name: "new"\n    command: "npx"\n    args:\n      - "-y"\n      - "pkg"\n'
     '    env:\n      TOKEN: "t"\nother: 1\n'),
    ('name: n\nmcpServers: []\n',
     'name: n\nmcpServers:\n  - name: "new"\n    command: "npx"\n    args:\n      - "-y"\n      - "pkg"\n    env:\n      TOKEN: "t"\n'),
    ('models:\n- name: m\n  roles:\n  - chat\n',
     'models:\n- name: m\n  roles:\n  - chat\nmcpServers:\n- name: "new"\n  command: "npx"\n  args:\n  - "-y"\n  - "pkg"\n'
     '  env:\n    TOKEN: "t"\n'),
])
def test_a_new_item_follows_the_files_layout(text, expected):
    document = servers(text)
    assert document.set(SERVERS + ("new",), NEW_ENTRY)
    assert document.text == expected
    assert document.get(SERVERS + ("new",)) == NEW_ENTRY
    assert yaml.safe_load(expected)["mcpServers"][-1] == dict(name="new", **NEW_ENTRY)


ITEM = """\
mcpServers:
  - name: a
    command: x   # the launcher
    args:
      - one
      - two  # second
    env:
      KEEP: "1"
    empty:
    # end of a
  - name: b
    command: y
"""


@pytest.mark.parametrize("operation, path, value, expected", [
    ("set", ("command",), "uvx",
     '  - name: a\n    command: "uvx"   # the launcher\n    args:\n      - one\n      - two  # second\n    env:\n      KEEP: "1"\n'
     '    empty:\n    # end of a\n'),
    ("set", ("command",), ["uvx", "tool"],
     '  - name: a\n    command:   # the launcher\n      - "uvx"\n      - "tool"\n    args:\n      - one\n      - two  # second\n'
     '    env:\n      KEEP: "1"\n    empty:\n    # end of a\n'),
    ("set", ("args",), ["three"],
     '  - name: a\n    command: x   # the launcher\n    args:\n      - "three"\n    env:\n      KEEP: "1"\n    empty:\n    # end of a\n'),
    ("set", ("args",), "single",
     '  - name: a\n    command: x   # the launcher\n    args: "single"\n    env:\n      KEEP: "1"\n    empty:\n    # end of a\n'),
    ("set", ("args",), [],
     '  - name: a\n    command: x   # the launcher\n    args: []\n    env:\n      KEEP: "1"\n    empty:\n    # end of a\n'),
    ("set", ("empty",), "now set",
     '  - name: a\n    command: x   # the launcher\n    args:\n      - one\n      - two  # second\n    env:\n      KEEP: "1"\n'
     '    empty: "now set"\n    # end of a\n'),
    ("set", ("empty",), {"k": "v"},
     '  - name: a\n    command: x   # the launcher\n    args:\n      - one\n      - two  # second\n    env:\n      KEEP: "1"\n'
     '    empty:\n      k: "v"\n    # end of a\n'),
    ("set", ("env", "NEW"), "2",
     '  - name: a\n    command: x   # the launcher\n    args:\n      - one\n      - two  # second\n    env:\n      KEEP: "1"\n'
     '      NEW: "2"\n    empty:\n    # end of a\n'),
    ("set", ("cwd",), "/srv",
     '  - name: a\n    command: x   # the launcher\n    args:\n      - one\n      - two  # second\n    env:\n      KEEP: "1"\n'
     '    empty:\n    cwd: "/srv"\n    # end of a\n'),
    ("delete", ("env", "KEEP"), None,
     '  - name: a\n    command: x   # the launcher\n    args:\n      - one\n      - two  # second\n    env: {}\n    empty:\n    # end of a\n'),
    ("delete", ("args",), None,
     '  - name: a\n    command: x   # the launcher\n    env:\n      KEEP: "1"\n    empty:\n    # end of a\n'),
    ("delete", ("command",), None,
     '  - name: a\n    args:\n      - one\n      - two  # second\n    env:\n      KEEP: "1"\n    empty:\n    # end of a\n'),
])
def test_member_edits_replace_only_the_member(operation, path, value, expected):
    document = servers(ITEM)
    if operation == "set":
        assert document.set(SERVERS + ("a",) + path, value)
    else:
        assert document.delete(SERVERS + ("a",) + path)
    assert document.text == "mcpServers:\n" + expected + "  - name: b\n    command: y\n"


def test_setting_an_equal_value_changes_nothing():
    document = servers(ITEM)
    assert not document.set(SERVERS + ("a", "args"), ["one", "two"])
    assert not document.set(SERVERS + ("a", "env"), {"KEEP": "1"})
    assert document.text == ITEM


def test_replacing_a_whole_item_keeps_its_place_and_name_first():
    document = servers(ITEM)
    assert document.set(SERVERS + ("a",), {"command": "z", "args": ["q"]})
    assert document.text == ('mcpServers:\n  - name: "a"\n    command: "z"\n    args:\n      - "q"\n    # end of a\n'
                             '  - name: b\n    command: y\n')


def test_emptying_collections_keeps_the_comments_between_entries():
    text = "name: n\nmcpServers:\n  # first\n  - name: a\n    command: x\n  # between\n  - name: b\n    command: y\n# tail\n"
    document = servers(text)
    document.delete(SERVERS + ("a",))
    document.delete(SERVERS + ("b",))
    assert document.text == "name: n\nmcpServers: []\n  # first\n  # between\n# tail\n"
    document = servers("# head\nonly: 1\n# tail\n")
    document.delete(("only",))
    assert (document.text, document.value) == ("# head\n{}\n# tail\n", {})
    document = servers("x:\n  a: 1")
    document.delete(("x", "a"))
    assert document.text == "x: {}"
    with pytest.raises(ValueError):
        document.delete(())


def test_the_last_line_of_a_file_without_a_final_line_break():
    document = servers("a: 1\r\nb: 2")
    document.delete(("b",))
    assert document.text == "a: 1"
    document.set(("c",), "3")
    assert document.text == 'a: 1\nc: "3"'


def test_flow_values_and_items_in_a_named_list_are_edited_whole():
    text = ("mcpServers:\n  - name: a\n    command: x\n  - name: b\n    args: [\"-y\", pkg]  # mine\n"
            "  - {name: c, command: z}\n")
    document = servers(text)
    assert document.get(SERVERS + ("b", "args")) == ["-y", "pkg"]
    document.set(SERVERS + ("a", "command"), "y")
    document.set(SERVERS + ("b", "args"), ["pkg"])
    document.set(SERVERS + ("d",), {"command": "w"})
    assert document.text == ('mcpServers:\n  - name: a\n    command: "y"\n  - name: b\n    args:  # mine\n      - "pkg"\n'
                             '  - {name: c, command: z}\n  - name: "d"\n    command: "w"\n')
    document.delete(SERVERS + ("c",))
    assert list(document.get(SERVERS)) == ["a", "b", "d"]


def test_edits_inside_a_flow_collection_or_of_a_flow_list_fail_clearly():
    text = "mcpServers:\n  - {name: c, command: z}\n"
    document = servers(text)
    with pytest.raises(YamlError) as info:
        document.set(SERVERS + ("c", "command"), "y")
    assert (info.value.line, info.value.column) == (2, 5)
    assert "inside a flow collection" in info.value.message
    assert document.text == text
    document = servers("mcpServers: [{name: a}]\n")
    for attempt in (lambda: document.set(SERVERS + ("b",), {"command": "z"}), lambda: document.delete(SERVERS + ("a",))):
        with pytest.raises(YamlError) as info:
            attempt()
        assert (info.value.line, info.value.column, info.value.message) == (
            1, 13, "the list at mcpServers is in flow style ([...]): edits of it need block style")


def test_flow_collections_outside_named_lists():
    text = "roles: [chat, edit]\nopts: {a: 1}\nnone: {}\n"
    document = Document(text)
    with pytest.raises(YamlError) as info:
        document.set(("opts", "b"), 2)
    assert (info.value.line, info.value.column, info.value.message) == (
        2, 7, "editing inside a flow collection ([...] or {...}) is not supported")
    with pytest.raises(YamlError):
        document.delete(("opts", "a"))
    assert document.text == text
    document.set(("roles",), ["chat"])
    document.set(("none", "k"), "v")
    assert document.text == 'roles:\n  - "chat"\nopts: {a: 1}\nnone:\n  k: "v"\n'


@pytest.mark.parametrize("value", [
    "yes", "no", "on", "off", "y", "1.0", "1", "0x1F", "0o17", "1e3", ".inf", "-y", "", " padded ", "null", "~", "true",
    "#not a comment", "a: b", "- item", "[x]", "{y}", "'q'", '"d"', "back\\slash", "line\nbreak", "tab\there",
    "${{ secrets.TOKEN }}", "@sentry/mcp-server", "%percent", "\u00e9\U0001F600", "\x85\u2028\u2029", "\x7f\x9f", "\ufeffbom",
])
def test_strings_are_written_double_quoted(value):
    document = servers("mcpServers:\n  - name: a\n    command: x\n")
    document.set(SERVERS + ("a", "args"), [value])
    document.set(SERVERS + ("a", "env"), {value or "EMPTY": value})
    assert document.text.splitlines()[4].startswith('      - "')
    assert document.get(SERVERS + ("a", "args")) == [value]
    assert yaml.safe_load(document.text)["mcpServers"][0]["args"] == [value]
    assert yaml.safe_load(document.text)["mcpServers"][0]["env"] == {value or "EMPTY": value}


def test_keys_are_plain_only_when_every_reader_takes_them_for_the_same_string():
    text = render({"SENTRY_ACCESS_TOKEN": 1, "a.b-c": 2, "yes": 3, "on": 4, "1": 5, "a b": 6, "null": 7, "-x": 8})
    assert text == 'SENTRY_ACCESS_TOKEN: 1\na.b-c: 2\n"yes": 3\n"on": 4\n"1": 5\n"a b": 6\n"null": 7\n"-x": 8\n'
    assert yaml.safe_load(text) == Document(text).value


@pytest.mark.parametrize("value", [True, False, None, 0, -7, 10 ** 30, 1.5, 1e100, -2.5e-8, INF, -INF, [], {}, [[1, [2]], {"a": []}]])
def test_other_values_keep_their_type(value):
    document = Document("a: old\n")
    document.set(("a",), value)
    assert same(document.get(("a",)), value)
    if value not in (INF, -INF):  # YAML 1.1 readers spell infinity the same; compare only finite data
        assert yaml.safe_load(document.text) == {"a": value}


def test_a_failed_data_check_leaves_the_document_unchanged(monkeypatch):
    """The text of an edit is parsed again: if it does not hold the data asked for, nothing changes."""
    document = servers(ITEM)
    monkeypatch.setattr(_yaml, "_quote", lambda text: text)  # a renderer that forgets quotes
    with pytest.raises(YamlError) as info:
        document.set(SERVERS + ("a", "command"), "1.0")
    assert info.value.message.startswith("the edited text would not hold the data asked for")
    assert (info.value.line, info.value.column) == (3, 14)
    assert document.text == ITEM


# Occurrences (what the redaction of diffs uses) and replace_spans.

SECRETS = """\
mcpServers:
  - name: a
    env:
      PLAIN: secret value
      MULTI: first
        second
      DOUBLE: "x\\ny"
      SINGLE: 'it''s
        two'
      LITERAL: |
        line1

        line2
      KEEP: |+
        kept

      FOLDED: >-
        f1
        f2
      EMPTY:
      EMPTY_COMMENT: # comment
      NUMBER: 12
      TILDE: ~
      FLOW: [a, b]
  - name: b
    env: {X: "1", Y: , Z}
  - name: c
    env:
      LAST: |-
        end"""


def test_occurrences_span_one_token_each():
    document = servers(SECRETS)
    found = document.occurrences(SERVERS + (None, "env", None))
    tokens = [(keys[1], keys[3], SECRETS[start:end], value) for keys, (start, end), value in found]
    assert tokens == [
        ("a", "PLAIN", "secret value", "secret value"),
        ("a", "MULTI", "first\n        second", "first second"),
        ("a", "DOUBLE", '"x\\ny"', "x\ny"),
        ("a", "SINGLE", "'it''s\n        two'", "it's two"),
        ("a", "LITERAL", "|\n        line1\n\n        line2", "line1\n\nline2\n"),
        ("a", "KEEP", "|+\n        kept", "kept\n\n"),
        ("a", "FOLDED", ">-\n        f1\n        f2", "f1 f2"),
        ("a", "EMPTY", "", None),
        ("a", "EMPTY_COMMENT", "", None),
        ("a", "NUMBER", "12", 12),
        ("a", "TILDE", "~", None),
        ("a", "FLOW", "[a, b]", ["a", "b"]),
        ("b", "X", '"1"', "1"),
        ("b", "Y", "", None),  # Z (a key alone, no ':') has no place for a value: left out
        ("c", "LAST", "|-\n        end", "end"),
    ]
    # What the redaction of diffs does: every value becomes a quoted mask, the structure stays.
    document.replace_spans([(start, end, json.dumps("********")) for dummy, (start, end), dummy in found])
    masked = document.value
    assert masked["mcpServers"][0]["env"] == dict((key, "********") for key in masked["mcpServers"][0]["env"])
    assert masked["mcpServers"][1]["env"] == {"X": "********", "Y": "********", "Z": None}
    assert masked["mcpServers"][2]["env"] == {"LAST": "********"}
    assert "EMPTY_COMMENT: \"********\" # comment" in document.text


def test_occurrences_walk_the_view():
    document = servers(ODD_LIST)
    found = document.occurrences(SERVERS + (None,))
    assert [(keys, value) for keys, dummy, value in found] == [
        (SERVERS + ("twice",), {"command": "first"}),
        (SERVERS + ("kept",), {"command": "k", "env": {"A": "1"}}),
        (SERVERS + ("twice",), {"command": "second"}),
    ]
    members = [keys for keys, dummy, dummy in document.occurrences(SERVERS + ("kept", None))]
    assert members == [SERVERS + ("kept", "command"), SERVERS + ("kept", "env")]
    assert document.occurrences(("name", None)) == []
    with pytest.raises(TypeError):
        document.occurrences("mcpServers")


def test_replace_spans_that_break_the_file_change_nothing():
    document = servers(SECRETS)
    start = SECRETS.index("secret value")
    with pytest.raises(YamlError):
        document.replace_spans([(start, start + 6, "x: y")])
    with pytest.raises(ValueError):
        document.replace_spans([(start, start + 6, "x"), (start + 2, start + 8, "y")])
    assert document.text == SECRETS


def test_limit_depth():
    document = servers("mcpServers:\n  - name: a\n    env:\n      A: [[1]]\n")
    document.limit_depth(SERVERS + ("a",), 4)
    document.limit_depth(SERVERS + ("missing",), 1)
    with pytest.raises(YamlError) as info:
        document.limit_depth(SERVERS + ("a",), 3)
    assert (info.value.line, info.value.column, info.value.message) == (4, 11, "the value at mcpServers.a nests deeper than 3 levels")


def test_render():
    assert render({}) == ""
    text = render({"name": "Local Assistant", "version": "1.0.0", "schema": "v1", "mcpServers": [{"name": "s", "args": ["-y"]}]})
    assert text == ('name: "Local Assistant"\nversion: "1.0.0"\nschema: "v1"\nmcpServers:\n  - name: "s"\n    args:\n      - "-y"\n')
    assert render({"a": 1}, newline="\r\n") == "a: 1\r\n"
    assert yaml.safe_load(text) == Document(text).value
    with pytest.raises(TypeError):
        render(["not", "a", "mapping"])
    document = servers(render({}))
    document.set(SERVERS + ("s",), {"command": "x"})
    assert document.text == 'mcpServers:\n  - name: "s"\n    command: "x"\n'


def test_companion_lists_are_json_only():
    document = servers("a: 1\n")
    with pytest.raises(NotImplementedError):
        document.append(("a",), 1)
    with pytest.raises(NotImplementedError):
        document.remove_value(("a",), 1)


def test_the_callers_edit_entries_through_the_view():
    """_clients' find_entry, apply_entry (with _sync) and remove_entry work on a YAML document."""
    profile = {"key": SERVERS, "companion": None}
    text = "name: n\nmcpServers:\n  - name: s\n    command: old  # keep this comment\n    env:\n      A: \"1\"\n      B: \"2\"\n"
    document = servers(text)
    assert find_entry(profile, document, "s") == {"command": "old", "env": {"A": "1", "B": "2"}}
    assert find_entry(profile, document, "other") is None
    apply_entry(profile, document, "s", {"command": "new", "env": {"A": "1", "C": "3"}})
    assert document.text == ('name: n\nmcpServers:\n  - name: s\n    command: "new"  # keep this comment\n    env:\n      A: "1"\n'
                             '      C: "3"\n')
    apply_entry(profile, document, "t", {"command": "t"})
    remove_entry(profile, document, "s")
    assert document.text == 'name: n\nmcpServers:\n  - name: "t"\n    command: "t"\n'
