# -*- coding: utf-8 -*-
# Copyright: Contributors to the mcpfleet.mcp collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Examples of the JSONC parser and editor: grammars, formatting styles, edits, errors."""

import json

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import (
    GRAMMARS, Document, JsoncError, JsoncTypeError, json_equal, render,
)

ENTRY = {"command": "/opt/sentry-mcp/bin/sentry-mcp-stdio", "args": ["--host=sentry.example.com"]}


def edited(text, op, path, *args, **kwargs):
    doc = Document(text, **kwargs)
    getattr(doc, op)(path, *args)
    return doc.text


def error_of(text, grammar="jsonc"):
    with pytest.raises(JsoncError) as info:
        Document(text, grammar)
    return info.value


# --- parsing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("grammar", GRAMMARS)
def test_plain_json_parses_in_every_grammar(grammar):
    text = '{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"], "b": {}}'
    assert Document(text, grammar).value == json.loads(text)


def test_comments_everywhere_in_jsonc():
    text = ('/* head */ { // open\n "a" /* k */ : /* v */ 1 /* after */ , // line\n'
            ' "b": [ /* e */ 2 // two\n , 3 ] /* end */ } // tail\n/* last */')
    assert Document(text, "jsonc").value == {"a": 1, "b": [2, 3]}
    assert Document(text, "json_comments").value == {"a": 1, "b": [2, 3]}


@pytest.mark.parametrize("text", ['{"a": 1,}', '[1, 2,]', '{"a": [1,],}'])
def test_trailing_commas(text):
    assert Document(text, "jsonc").value is not None
    for grammar in ("json", "json_comments"):
        err = error_of(text, grammar)
        assert err.message == "trailing comma is not allowed in this file's grammar"
        assert text[err.column - 1] == ","


def test_comment_and_slashes_inside_strings_are_string_content():
    text = '{"url": "http://x/*y*/", "c": "// not a comment"}'
    assert Document(text, "json").value == {"url": "http://x/*y*/", "c": "// not a comment"}


def test_bom_is_accepted_and_kept():
    doc = Document('\ufeff{"a": 1}', "json")
    assert doc.value == {"a": 1}
    doc.set(("b",), 2)
    assert doc.text == '\ufeff{"a": 1, "b": 2}'
    err = error_of('\ufeff{"a": x}')
    assert (err.line, err.column) == (1, 7)


@pytest.mark.parametrize("text", ["", "  \n\t", "// only a comment\n", "/* a */ /* b */"])
def test_empty_document(text):
    doc = Document(text)
    assert doc.value is None
    assert doc.get(()) is None
    with pytest.raises(KeyError):
        doc.get(("servers",))
    assert not doc.delete(("servers",))
    assert doc.remove_value(("tools",), "x") == 0


def test_non_object_root_parses_but_cannot_take_members():
    doc = Document("[1, 2]\n", "json")
    assert doc.value == [1, 2]
    with pytest.raises(JsoncTypeError) as info:
        doc.set(("servers",), {})
    assert str(info.value) == "line 1, column 1: the document root is an array, not an object"


def test_duplicate_keys_read_like_json_parse():
    doc = Document('{"a": 1, "b": 2, "a": 3}')
    assert doc.value == {"a": 3, "b": 2}
    assert list(doc.value) == ["a", "b"]


def test_duplicate_keys_set_the_last_and_delete_all():
    text = '{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}'
    assert edited(text, "set", ("a",), 4) == '{\n  "a": 1,\n  "b": 2,\n  "a": 4\n}'
    assert edited(text, "delete", ("a",)) == '{\n  "b": 2\n}'


def test_numbers():
    doc = Document('[0, -0, 12, 1.5, 1e2, 1E-2, 123456789012345678901234567890]', "json")
    assert doc.value == [0, 0, 12, 1.5, 100.0, 0.01, 123456789012345678901234567890]
    assert isinstance(doc.value[4], float)


@pytest.mark.parametrize("word, message", [
    # Short words of number characters are numbers gone wrong: quoted as they are.
    ("01", "invalid number '01'"),
    ("0x1F", "invalid number '0x1F'"),
    ("+1", "invalid number '+1'"),
    (".5", "invalid number '.5'"),
    ("1.", "invalid number '1.'"),
    ("1.e5", "invalid number '1.e5'"),
    ("-", "invalid number '-'"),
    ("1e", "invalid number '1e'"),
    # Anything else may be a secret that lost its quotes: described, never quoted.
    ("0x" + "3f9a" * 10, "invalid number: hexadecimal numbers are not allowed"),
    ("0" + "7" * 30, "invalid number: leading zeros are not allowed"),
    ("3f9a3f9a3f9a3f9a", "invalid number: expected digits with an optional fraction and exponent"),
    # Well-known words are named (as constants of the parser, not quoted from the file).
    ("NaN", "invalid literal 'NaN'"),
    ("-Infinity", "invalid number '-Infinity'"),
    ("True", "invalid literal 'True'"),
    ("undefined", "invalid literal 'undefined'"),
    ("truex", "invalid literal: a word outside double quotes "
              "(expected true, false, null, a number or a string in double quotes)"),
])
def test_invalid_words(word, message):
    err = error_of('{\n  "n": %s\n}' % word)
    assert (err.line, err.column, err.message) == (2, 8, message)


def test_unicode_escapes_and_surrogates():
    doc = Document(r'["\u00e9", "\ud83d\ude00", "\ud800", "\/"]', "json")
    assert doc.value == ["\u00e9", "\U0001f600", "\ud800", "/"]


# --- errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, grammar, line, column, message", [
    ('{"a": 1 "b": 2}', "jsonc", 1, 9, "expected ',' or '}' after object member"),
    ('[1 2]', "jsonc", 1, 4, "expected ',' or ']' after array element"),
    ('[1}', "jsonc", 1, 3, "expected ',' or ']' after array element"),
    ('{"a" 1}', "jsonc", 1, 6, "expected ':' after property name"),
    ('{a: 1}', "jsonc", 1, 2, "expected a property name in double quotes"),
    ("{'a': 1}", "jsonc", 1, 2, "unexpected character \"'\""),
    ('{"a": }', "jsonc", 1, 7, "expected a value"),
    ('{"a": 1', "jsonc", 1, 8, "unexpected end of file: expected ',' or '}' after object member"),
    ('{"a": 1}\n{"b": 2}', "jsonc", 2, 1, "only one top-level value is allowed"),
    ('{\n  // c\n}', "json", 2, 3, "comments are not allowed in strict JSON"),
    ('{"a": 1} /* c', "jsonc", 1, 10, "unterminated comment"),
    ('{"a": 1} / c', "jsonc", 1, 10, "unexpected character '/'"),
    ('{\r\n  "a": "abc\r\n}', "jsonc", 2, 8, "unterminated string"),
    ('{"a": "abc', "jsonc", 1, 7, "unterminated string"),
    ('{"a": "a\tb"}', "jsonc", 1, 9, "control character in string"),
    ('{"a": "\\x41"}', "jsonc", 1, 8, "invalid escape"),
    ('{"a": "\\u12"}', "jsonc", 1, 8, "invalid escape"),
    ('{"a\\q": 1}', "jsonc", 1, 4, "invalid escape"),
    ('\t{"é": [1, 2,]}', "json_comments", 1, 13, "trailing comma is not allowed in this file's grammar"),
])
def test_errors_carry_line_and_column(text, grammar, line, column, message):
    err = error_of(text, grammar)
    assert (err.line, err.column, err.message) == (line, column, message)
    assert str(err) == "line %d, column %d: %s" % (line, column, message)


def test_unknown_grammar():
    with pytest.raises(ValueError):
        Document("{}", "json5")


def test_path_must_be_a_tuple_of_strings():
    doc = Document('{"a": [1]}')
    with pytest.raises(TypeError):
        doc.get("a")
    with pytest.raises(TypeError):
        doc.get(("a", 0))


# --- get and type errors -----------------------------------------------------------------------

def test_get_returns_a_copy():
    doc = Document('{"servers": {"x": {"args": ["a"]}}}')
    entry = doc.get(("servers", "x"))
    entry["args"].append("b")
    assert doc.get(("servers", "x")) == {"args": ["a"]}
    assert not doc.set(("servers", "x"), {"args": ["a"]})


def test_get_missing_key():
    with pytest.raises(KeyError):
        Document('{"servers": {}}').get(("servers", "x"))


def test_servers_of_the_wrong_type_fail_with_the_position():
    doc = Document('{\n  "servers": [\n  ]\n}')
    for call in (lambda: doc.get(("servers", "x")), lambda: doc.set(("servers", "x"), 1),
                 lambda: doc.delete(("servers", "x"))):
        with pytest.raises(JsoncTypeError) as info:
            call()
        assert str(info.value) == "line 2, column 14: the value at servers is an array, not an object"


def test_append_to_a_non_array_fails():
    doc = Document('{"tools": "x"}')
    with pytest.raises(JsoncTypeError, match="column 11: the value at tools is a string, not an array"):
        doc.append(("tools",), "@x")
    with pytest.raises(JsoncTypeError):
        doc.remove_value(("tools",), "@x")


def test_path_text_with_dotted_keys_in_errors():
    doc = Document('{"a.b": 1}')
    with pytest.raises(JsoncTypeError, match=r'the value at \["a.b"\] is a number, not an object'):
        doc.set(("a.b", "c"), 1)


# --- set: new members --------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("", '{\n  "servers": {\n    "s": 1\n  }\n}\n'),
    ("{}", '{\n  "servers": {\n    "s": 1\n  }\n}'),
    ("{}\n", '{\n  "servers": {\n    "s": 1\n  }\n}\n'),
    ("{ }", '{ \n  "servers": {\n    "s": 1\n  }\n}'),  # edits only insert: the blank stays
    ('{"a": 1}', '{"a": 1, "servers": {"s": 1}}'),
    ('{"a": 1,}', '{"a": 1, "servers": {"s": 1},}'),
    ('{"servers": {}}', '{"servers": {"s": 1}}'),
    ('{\n  "servers": {}\n}', '{\n  "servers": {\n    "s": 1\n  }\n}'),
    ('{\n  "a": 1\n}', '{\n  "a": 1,\n  "servers": {\n    "s": 1\n  }\n}'),
    ('{\n  "a": 1,\n}', '{\n  "a": 1,\n  "servers": {\n    "s": 1\n  },\n}'),
    ('{\n    "a": 1\n}', '{\n    "a": 1,\n    "servers": {\n        "s": 1\n    }\n}'),
    ('{\n\t"a": 1\n}', '{\n\t"a": 1,\n\t"servers": {\n\t\t"s": 1\n\t}\n}'),
    ('{\r\n  "a": 1\r\n}\r\n', '{\r\n  "a": 1,\r\n  "servers": {\r\n    "s": 1\r\n  }\r\n}\r\n'),
    ('{"a": 1\n}', '{"a": 1,\n  "servers": {\n    "s": 1\n  }\n}'),
    ('{\n  "a": 1}', '{\n  "a": 1,\n  "servers": {\n    "s": 1\n  }}'),
    ("// top\n", '// top\n{\n  "servers": {\n    "s": 1\n  }\n}\n'),
    ("/* top */", '/* top */\n{\n  "servers": {\n    "s": 1\n  }\n}\n'),
])
def test_set_creates_members(text, expected):
    assert edited(text, "set", ("servers", "s"), 1) == expected


def test_set_keeps_comments_around_the_insertion_point():
    text = '{\n  "a": 1 // about a\n  // "old": 2,\n  /* tail */\n}\n'
    expected = '{\n  "a": 1, // about a\n  "b": 2\n  // "old": 2,\n  /* tail */\n}\n'
    assert edited(text, "set", ("b",), 2) == expected
    text = '{\n  "a": 1, /* x */ // about a\n}'
    assert edited(text, "set", ("b",), 2) == '{\n  "a": 1, /* x */ // about a\n  "b": 2,\n}'


def test_set_in_empty_object_with_comments_goes_after_them():
    text = '{\n    // Place your settings here\n}\n'
    assert edited(text, "set", ("a",), 1) == '{\n    // Place your settings here\n    "a": 1\n}\n'
    text = '{ // servers\n}'
    assert edited(text, "set", ("a",), 1) == '{ // servers\n  "a": 1\n}'
    text = '{"servers": { /* none yet */ }}'
    assert edited(text, "set", ("servers", "a"), 1) == '{"servers": { /* none yet */ "a": 1 }}'


def test_set_nested_creation_renders_at_the_right_depth():
    text = '{\n  "mcp": {\n    "inputs": []\n  }\n}\n'
    expected = ('{\n  "mcp": {\n    "inputs": [],\n    "servers": {\n      "sentry": {\n'
                '        "command": "/opt/sentry-mcp/bin/sentry-mcp-stdio",\n        "args": [\n'
                '          "--host=sentry.example.com"\n        ]\n      }\n    }\n  }\n}\n')
    assert edited(text, "set", ("mcp", "servers", "sentry"), ENTRY) == expected


def test_indent_override_and_detection():
    assert Document('{\n\t"a": {\n\t\t"b": 1\n\t}\n}').indent == "\t"
    assert Document('{"a": {\n      "b": 1}}').indent == "      "
    assert Document("{}").indent == "  "
    assert Document("{}", indent=4).indent == "    "
    assert edited("{}", "set", ("a",), [1], indent="\t") == '{\n\t"a": [\n\t\t1\n\t]\n}'


def test_new_strings_keep_unicode_and_escape_lone_surrogates():
    assert edited("{}", "set", ("k",), "é\ud800\n", indent="") == '{\n"k": "é\\ud800\\n"\n}'


# --- set: existing members ---------------------------------------------------------------------

def test_set_replaces_only_the_value_text():
    text = '{\n  /* k */ "a" /* c */ :  1 /* v */, // end\n  "b": 2\n}'
    assert edited(text, "set", ("a",), "x") == '{\n  /* k */ "a" /* c */ :  "x" /* v */, // end\n  "b": 2\n}'


def test_set_replaces_a_container_at_its_depth():
    text = '{\n  "servers": {\n    "s": 1\n  }\n}'
    expected = '{\n  "servers": {\n    "s": {\n      "x": [\n        1\n      ]\n    }\n  }\n}'
    assert edited(text, "set", ("servers", "s"), {"x": [1]}) == expected
    text = '{\n  "args": ["a"]\n}'
    assert edited(text, "set", ("args",), ["a", "b"]) == '{\n  "args": ["a", "b"]\n}'


def test_set_equal_value_changes_nothing():
    text = '{"a": 1.0, "b": [true], "c": {"x": null, "y": "z"}}'
    doc = Document(text)
    assert not doc.set(("a",), 1)
    assert not doc.set(("c",), {"y": "z", "x": None})
    assert doc.set(("b",), [1])
    assert doc.text == '{"a": 1.0, "b": [1], "c": {"x": null, "y": "z"}}'


def test_set_root():
    assert edited('[1]', "set", (), {"a": 1}) == '{"a": 1}'
    assert edited('// c\n[\n]\n', "set", (), {"a": 1}) == '// c\n{\n  "a": 1\n}\n'


# --- delete ------------------------------------------------------------------------------------

BLOCK = '{\n  "a": 1,\n  "b": {\n    "x": [1, 2]\n  },\n  "c": 3\n}\n'


@pytest.mark.parametrize("key, expected", [
    ("a", '{\n  "b": {\n    "x": [1, 2]\n  },\n  "c": 3\n}\n'),
    ("b", '{\n  "a": 1,\n  "c": 3\n}\n'),
    ("c", '{\n  "a": 1,\n  "b": {\n    "x": [1, 2]\n  }\n}\n'),
])
def test_delete_first_middle_last(key, expected):
    assert edited(BLOCK, "delete", (key,)) == expected


@pytest.mark.parametrize("text, expected", [
    ('{"a": 1}', "{}"),
    ('{\n  "a": 1\n}', "{\n}"),
    ('{"a": 1, "b": 2}', '{"b": 2}'),
    ('{"b": 2, "a": 1}', '{"b": 2}'),
    ('{"a": 1,}', "{}"),
    ('{\n  "b": 0,\n  "a": 1,\n}', '{\n  "b": 0,\n}'),
    ('{\r\n  "a": 1,\r\n  "b": 2\r\n}', '{\r\n  "b": 2\r\n}'),
    ('{\n  "b": 0, // about b\n  "a": 1\n}', '{\n  "b": 0 // about b\n}'),
    ('{\n  "b": 0,\n  "a": 1 // about a\n}', '{\n  "b": 0\n  // about a\n}'),
    ('{\n  "a": 1, // about a\n  "b": 0\n}', '{\n  // about a\n  "b": 0\n}'),
    ('{\n  // heading\n  "a": {\n    // inside\n  }\n}', '{\n  // heading\n}'),
    ('{"a" /* in */ : 1 /* out */, "b": 0}', '{ /* out */ "b": 0}'),
    ('{"b": 0, /* mid */ "a": 1}', '{"b": 0 /* mid */ }'),
])
def test_delete_keeps_comments_and_commas_right(text, expected):
    assert edited(text, "delete", ("a",)) == expected
    assert "a" not in Document(expected).value


def test_delete_missing_returns_false_and_root_is_refused():
    doc = Document('{"a": {}}')
    assert not doc.delete(("b",))
    assert not doc.delete(("a", "b"))
    assert not doc.delete(("x", "y"))
    assert doc.text == '{"a": {}}'
    with pytest.raises(ValueError):
        doc.delete(())


# --- arrays ------------------------------------------------------------------------------------

def test_append_and_remove_value():
    doc = Document('{\n  "tools": [\n    "@a", // first\n    "@b"\n  ]\n}', "jsonc")
    doc.append(("tools",), "@sentry")
    assert doc.text == '{\n  "tools": [\n    "@a", // first\n    "@b",\n    "@sentry"\n  ]\n}'
    assert doc.remove_value(("tools",), "@a") == 1
    assert doc.text == '{\n  "tools": [\n    // first\n    "@b",\n    "@sentry"\n  ]\n}'
    assert doc.remove_value(("tools",), "@none") == 0


def test_append_creates_the_array():
    assert edited('{"a": 1}', "append", ("tools",), "@s") == '{"a": 1, "tools": ["@s"]}'
    assert edited('{\n}', "append", ("tools",), "@s") == '{\n  "tools": [\n    "@s"\n  ]\n}'


def test_remove_value_removes_every_equal_element_strictly():
    doc = Document('[1, true, 1.0, "1", 2, 1]')
    assert doc.remove_value((), 1) == 3
    assert doc.text == '[true, "1", 2]'


def test_append_inline_and_empty_arrays():
    assert edited('{"args": []}', "append", ("args",), "x") == '{"args": ["x"]}'
    assert edited('{"args": ["a",]}', "append", ("args",), "x") == '{"args": ["a", "x",]}'


# --- render and json_equal ---------------------------------------------------------------------

def test_render():
    assert render({"a": [1, {}], "b": "é"}) == '{\n  "a": [\n    1,\n    {}\n  ],\n  "b": "é"\n}\n'
    assert render({"a": 1}, indent="\t", newline="\r\n") == '{\r\n\t"a": 1\r\n}\r\n'
    assert render({}) == "{}\n"


@pytest.mark.parametrize("left, right, equal", [
    (1, 1.0, True), (True, 1, False), (False, 0, False), (None, None, True), ({"a": 1, "b": 2}, {"b": 2, "a": 1}, True),
    ([1, 2], (1, 2), True), ([1], [1, 2], False), ({"a": 1}, {"b": 1}, False), ("1", 1, False), (None, 0, False),
])
def test_json_equal(left, right, equal):
    for one, other in ((left, right), (right, left)):
        assert json_equal(one, other) is equal
