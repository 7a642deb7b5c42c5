# -*- coding: utf-8 -*-
# Copyright: Contributors to the mcpfleet.mcp collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Examples of the TOML parser and editor: every part of TOML 1.0, errors, and edits of each form
an MCP server entry can take in Codex's config.toml.

``assert_same_data`` compares our data (dates and times as their text) with an oracle's (the
standard library's tomllib, or tomlkit); the corpus and property tests use it too.
"""

import datetime
import json
import math
import tomllib

import pytest

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _toml
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import MAX_DEPTH, JsoncError, JsoncTypeError
from ansible_collections.mcpfleet.mcp.plugins.module_utils._toml import Document, TomlError, TomlTypeError, render

SECRET = "sk_live_9f8e7d6c5b4a"
ENTRY = {"command": "npx", "args": ["-y", "@sentry/mcp-server@0.31.0"], "env": {"SENTRY_HOST": "sentry.example.com"}}


def assert_same_data(ours, oracle, crlf_strings=False):
    """ours equals an oracle's data: a date or time that the oracle gives as an object is our text
    of it (or the same object); nan equals nan; a bool is not an int, an int not a float.

    crlf_strings: the oracle keeps a CRLF inside multi-line strings (tomlkit), which we read as LF,
    as the TOML spec allows.
    """
    stack = [(ours, oracle, ())]
    while stack:
        mine, theirs, path = stack.pop()
        if isinstance(theirs, dict):
            assert isinstance(mine, dict) and sorted(mine) == sorted(theirs), path
            stack.extend((mine[key], theirs[key], path + (key,)) for key in theirs)
        elif isinstance(theirs, list):
            assert isinstance(mine, list) and len(mine) == len(theirs), path
            stack.extend((mine[index], item, path + (index,)) for index, item in enumerate(theirs))
        elif isinstance(theirs, (datetime.date, datetime.time)):
            if isinstance(mine, str):
                mine = tomllib.loads("v = " + mine)["v"]
            assert mine == theirs and isinstance(mine, datetime.datetime) == isinstance(theirs, datetime.datetime), path
            assert getattr(mine, "utcoffset", lambda: None)() == getattr(theirs, "utcoffset", lambda: None)(), path
        elif isinstance(theirs, float) and math.isnan(theirs):
            assert isinstance(mine, float) and math.isnan(mine), path
        else:
            if crlf_strings and isinstance(theirs, str):
                theirs = theirs.replace("\r\n", "\n")
            assert type(mine) is type(theirs) and mine == theirs, path


def parsed(text):
    """Our data of text, after checking that tomllib reads the same."""
    value = Document(text).value
    assert_same_data(value, tomllib.loads(text))
    return value


def edited(text, op, path, *args):
    doc = Document(text)
    getattr(doc, op)(path, *args)
    assert_same_data(doc.value, tomllib.loads(doc.text))
    return doc.text


def error_of(text):
    with pytest.raises(TomlError) as info:
        Document(text)
    return info.value


# --- parsing -----------------------------------------------------------------------------------

def test_values_of_every_type():
    text = ("int = +99\nneg = -17\nzero = -0\nhex = 0xDEAD_beef\noct = 0o755\nbin = 0b1101\nbig = 1_000_000\n"
            "flt = 6.626e-34\nexp = 1E6\nfrac = -0.01\ninf1 = inf\ninf2 = -inf\nnan1 = +nan\nyes = true\nno = false\n"
            "odt = 1979-05-27T07:32:00.999999-07:00\nzulu = 1979-05-27 07:32:00z\nldt = 1979-05-27t07:32:00\n"
            "ld = 1979-05-27\nlt = 07:32:00.123456789\n")
    value = parsed(text)
    assert value["hex"] == 0xDEADBEEF and value["oct"] == 0o755 and value["bin"] == 13 and value["zero"] == 0
    assert value["flt"] == 6.626e-34 and value["inf2"] == -math.inf and math.isnan(value["nan1"])
    assert value["yes"] is True and value["no"] is False
    # Dates and times are their RFC 3339 text: the digits as written, separator T, Z in capitals.
    assert value["odt"] == "1979-05-27T07:32:00.999999-07:00"
    assert value["zulu"] == "1979-05-27T07:32:00Z"
    assert value["ldt"] == "1979-05-27T07:32:00"
    assert value["ld"] == "1979-05-27"
    assert value["lt"] == "07:32:00.123456789"
    json.dumps(value)  # JSON-able data


def test_strings_and_escapes():
    text = ('basic = "tab\\tquote\\" back\\\\ \\b\\f\\n\\r \\u00e9 \\U0001F600"\n'
            "literal = 'C:\\Users\\dev \"as is\"'\n"
            'ml = """\nfirst\n  second"""\n'
            'trimmed = """\\\n    one \\\n    two"""\n'
            'quotes = """a "quoted" ""word"" ends with two quotes"""""\n'
            "ml_literal = '''\nno \\escapes here\n'''\n"
            "ml_literal_quotes = ''''one quote and two'''''\n"
            'empty = ""\nempty_literal = \'\'\n'
            'tab = "a\tb"\n')
    value = parsed(text)
    assert value["basic"] == 'tab\tquote" back\\ \b\f\n\r \u00e9 \U0001F600'
    assert value["literal"] == 'C:\\Users\\dev "as is"'
    assert value["ml"] == "first\n  second"
    assert value["trimmed"] == "one two"
    assert value["quotes"] == 'a "quoted" ""word"" ends with two quotes""'
    assert value["ml_literal"] == "no \\escapes here\n"
    assert value["ml_literal_quotes"] == "'one quote and two''"
    assert value["tab"] == "a\tb"


def test_crlf_in_multiline_strings_reads_as_lf():
    value = parsed('a = """\r\nx\r\ny"""\r\nb = \'\'\'\r\nq\r\n\'\'\'\r\nc = """x \\\r\n   y"""\r\n')
    assert value == {"a": "x\ny", "b": "q\n", "c": "x y"}


def test_keys():
    text = ('bare_key-1 = 1\n"quoted key" = 2\n\'literal "key"\' = 3\n"" = 4\n1234 = 5\n'
            'site . "google.com" . x = 6\n"a.b" = 7\n')
    assert parsed(text) == {"bare_key-1": 1, "quoted key": 2, 'literal "key"': 3, "": 4, "1234": 5,
                            "site": {"google.com": {"x": 6}}, "a.b": 7}


def test_arrays():
    text = ("a = [ 1, 2, 3 ]\nb = [\n  \"x\", # comment\n  # own line\n  'y',\n]\nc = [[1, 2], ['a'], [{ k = 1 }], []]\n"
            "d = [1, 'mixed', 1.5, true, 1979-05-27]\ne = [\n]\nf = [ # c\n 1 # c\n , # c\n 2 ]\n")
    value = parsed(text)
    assert value["b"] == ["x", "y"] and value["c"] == [[1, 2], ["a"], [{"k": 1}], []] and value["e"] == []
    assert value["f"] == [1, 2]


def test_tables_arrays_of_tables_and_dotted_keys():
    text = ("[a.b.c]\nx = 1\n[a]\ny = 2\n"  # a super-table after its sub-table
            "[fruit]\napple.color = 'red'\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true\n"
            "[[products]]\nname = 'Hammer'\n[[products]]\n[[products]]\nname = 'Nail'\n"
            "[[fruits]]\nname = 'apple'\n[fruits.physical]\ncolor = 'red'\n[[fruits.varieties]]\nname = 'delicious'\n"
            "[[fruits]]\nname = 'banana'\n[[fruits.varieties]]\nname = 'plantain'\n"
            "[inline]\npoint = { x = 1, y = { z = 2 }, w.v = 3 }\n[ spaced . \"header\" ]\n")
    value = parsed(text)
    assert value["a"] == {"b": {"c": {"x": 1}}, "y": 2}
    assert value["fruit"]["apple"] == {"color": "red", "taste": {"sweet": True}, "texture": {"smooth": True}}
    assert value["products"] == [{"name": "Hammer"}, {}, {"name": "Nail"}]
    assert value["fruits"][1] == {"name": "banana", "varieties": [{"name": "plantain"}]}
    assert value["inline"]["point"] == {"x": 1, "y": {"z": 2}, "w": {"v": 3}}
    assert value["spaced"] == {"header": {}}


def test_comments_blank_lines_and_newlines():
    assert parsed("") == {}
    assert parsed("# only a comment") == {}
    assert parsed("\n\n  \t\n# c\r\n") == {}
    assert parsed("a = 1 # comment with \"quotes\" and = and [x]\n[t] # after a header\n#\tb = 2\r\n") == {"a": 1, "t": {}}
    assert parsed("a = 1") == {"a": 1}


def test_a_byte_order_mark_is_skipped_and_not_counted():
    doc = Document("\ufeffa = 1\n")
    assert doc.value == {"a": 1}
    assert error_of("\ufeffa = ?\n").column == 5
    doc.set(("b",), 2)
    assert doc.text == "\ufeffa = 1\nb = 2\n"


INVALID = [
    # redefinitions
    ("[a]\nx = 1\n[a]\n", 3, 1, "cannot define this table twice"),
    ("a = 1\na = 2\n", 2, 1, "a key defined twice"),
    ("[a]\nb = 1\n[a.b]\n", 3, 1, "it is already a value (line 2)"),
    ("a = {}\n[a.b]\n", 2, 1, "it is already an inline table"),
    ("a = { b = 1 }\na.c = 2\n", 2, 1, "it is already an inline table"),
    ("a = []\n[[a]]\n", 2, 1, "cannot define an array of tables"),
    ("[[a]]\n[a]\n", 2, 1, "it is already an array of tables"),
    ("[a]\nb.c = 1\n[a.b]\n", 3, 1, "it is already a table defined with dotted keys (line 2)"),
    ("[a]\nb.c = 1\n[x]\n[a.b]\n", 4, 1, "it is already a table defined with dotted keys"),
    ("[a.b]\n[a]\nb.c = 1\n", 3, 1, "it is already a table defined by a [header] (line 1)"),
    ("[x]\nb.c = 1\n[y]\n[x.b.d]\n[x]\n", 5, 1, "cannot define this table twice"),
    ("a.b = 1\na.b.c = 2\n", 2, 1, "dotted keys cannot extend this key here"),
    ("a = [1]\na.b = 2\n", 2, 1, "it is already a value"),
    ("[a]\nb = 1\n[[a.b]]\n", 3, 1, "cannot define an array of tables"),
    ("a = {b = 1, b.c = 2}\n", 1, 13, "it is already a value"),
    ("a = { b = { c = 1 }, b.d = 2 }\n", 1, 22, "it is already an inline table"),
    ("a = { b = 1, b = 2 }\n", 1, 14, "a key defined twice"),
    # inline tables stay on one line, without a trailing comma
    ("a = { b = 1, }\n", 1, 14, "expected a key"),
    ("a = {\nb = 1}\n", 1, 6, "expected a key"),
    ("a = { b = 1\n}\n", 1, 12, "expected ',' or '}'"),
    # control characters: DEL and the C0 controls but tab, in strings and comments; a lone CR
    ('a = "x\x01y"\n', 1, 7, "a control character is not allowed in a string"),
    ('a = "\x7f"\n', 1, 6, "a control character is not allowed in a string"),
    ("a = 'x\x7f'\n", 1, 7, "a control character is not allowed in a string"),
    ('a = """x\x7f"""\n', 1, 9, "a control character is not allowed in a string"),
    ("a = '''x\x00'''\n", 1, 9, "a control character is not allowed in a string"),
    ("# del \x7f here\n", 1, 7, "a control character is not allowed in a comment"),
    ("a = [ # \x01\n]\n", 1, 9, "a control character is not allowed in a comment"),
    ("a = 1\r\nb = 2\r", 2, 6, "a control character is not allowed here"),
    ('a = """x\ry"""\n', 1, 9, "a control character is not allowed in a string"),
    # escapes
    ('a = "\\x41"\n', 1, 6, "invalid escape"),
    ('a = "\\e"\n', 1, 6, "invalid escape"),
    ('a = "\\u12"\n', 1, 6, "\\u takes 4 hexadecimal digits"),
    ('a = "\\U0001F60"\n', 1, 6, "\\U takes 8 hexadecimal digits"),
    ('a = "\\uD800"\n', 1, 6, "not a Unicode scalar value"),
    ('a = "\\U00110000"\n', 1, 6, "not a Unicode scalar value"),
    ('a = """a\\ b"""\n', 1, 9, "invalid escape"),
    ('a = "a\\\nb"\n', 1, 7, "invalid escape"),
    # numbers
    ("a = 01\n", 1, 5, "invalid number"), ("a = 00\n", 1, 5, "invalid number"), ("a = 1.\n", 1, 5, "invalid number"),
    ("a = .5\n", 1, 5, "invalid number"), ("a = 1.e5\n", 1, 5, "invalid number"), ("a = 1__0\n", 1, 5, "invalid number"),
    ("a = 1_\n", 1, 5, "invalid number"), ("a = _1\n", 1, 5, "expected a value"), ("a = 0x\n", 1, 5, "invalid number"),
    ("a = +0x1\n", 1, 5, "invalid number"), ("a = -0o7\n", 1, 5, "invalid number"), ("a = 0b2\n", 1, 5, "invalid number"),
    ("a = 0o8\n", 1, 5, "invalid number"), ("a = 1e\n", 1, 5, "invalid number"), ("a = 1e_5\n", 1, 5, "invalid number"),
    ("a = infinity\n", 1, 5, "expected a value"), ("a = NaN\n", 1, 5, "expected a value"), ("a = 0xG\n", 1, 5, "invalid number"),
    # dates and times
    ("a = 1979-02-30\n", 1, 5, "invalid date"), ("a = 1979-13-01\n", 1, 5, "invalid date"),
    ("a = 1900-02-29\n", 1, 5, "invalid date"), ("a = 24:00:00\n", 1, 5, "invalid time"),
    ("a = 07:60:00\n", 1, 5, "invalid time"), ("a = 1979-05-27T07:32:60\n", 1, 5, "invalid time"),
    ("a = 1979-05-27T07:32\n", 1, 5, "invalid number, date or time"), ("a = 1979-05-27T\n", 1, 5, "invalid number, date or time"),
    ("a = 1979-05-27T07:32:00+24:00\n", 1, 5, "invalid time offset"), ("a = 07:32:00Z\n", 1, 5, "invalid number, date or time"),
    ("a = 1979-05-27 07:32\n", 1, 16, "expected the end of the line after the value"),
    # unterminated
    ('a = "x\n', 1, 5, "unterminated string"), ("a = 'x\n", 1, 5, "unterminated string"), ('a = "x', 1, 5, "unterminated string"),
    ('a = """x\n', 1, 5, "unterminated multi-line string"), ("a = '''x", 1, 5, "unterminated multi-line string"),
    ('a = """x""""""\n', 1, 14, "expected the end of the line after the value"),
    ("a = [1, 2\n", 2, 1, "expected ',' or ']'"),
    # structure
    ("= 1\n", 1, 1, "expected a key, a [table] header or a comment"), ("a b = 1\n", 1, 3, "expected '=' after the key"),
    ("a. = 1\n", 1, 4, "expected a key"), ("a = \n", 1, 5, "expected a value"), ("a =\n1\n", 1, 4, "expected a value"),
    ("a = 1 b = 2\n", 1, 7, "expected the end of the line after the value"),
    ("[a] b = 1\n", 1, 5, "expected the end of the line after the table header"),
    ("[a\n", 1, 3, "expected ']' at the end of the [table] header"), ("[[a]\n", 1, 4, "expected ']]' at the end of the [[array]] header"),
    ("[]\n", 1, 2, "expected a key"), ("[ [a]]\n", 1, 3, "expected a key"), ("a = [1 2]\n", 1, 8, "expected ',' or ']'"),
    ("a = [1,,2]\n", 1, 8, "expected a value"), ("a = [,]\n", 1, 6, "expected a value"), ("a = {,}\n", 1, 6, "expected a key"),
    ("a = true1\n", 1, 5, "expected a value"), ("a = True\n", 1, 5, "expected a value"), ("a = null\n", 1, 5, "expected a value"),
    ('"""k""" = 1\n', 1, 3, "expected '=' after the key"), ("a.'b\nc' = 1\n", 1, 3, "unterminated string"),
    # a secret that lost its quotes: the message names what was expected, never the word
    ("token = %s\n" % SECRET, 1, 9, "expected a value"), ('token = "%s\n' % SECRET, 1, 9, "unterminated string"),
    ("[%s\n" % SECRET, 1, 22, "expected ']'"), ("%s\n" % SECRET, 1, 21, "expected '=' after the key"),
    ('x = ["a", %s]\n' % SECRET, 1, 11, "expected a value"), ("x = { k = %s }\n" % SECRET, 1, 11, "expected a value"),
    ("x = 1\n\n[t]\ny = %s-%s\n" % (SECRET, SECRET), 4, 5, "expected a value"),
]


@pytest.mark.parametrize("text, line, column, message", INVALID, ids=[repr(case[0])[:40] for case in INVALID])
def test_invalid_toml_fails_with_its_position(text, line, column, message):
    with pytest.raises(tomllib.TOMLDecodeError):  # invalid for the standard library too
        tomllib.loads(text)
    exc = error_of(text)
    assert (exc.line, exc.column) == (line, column)
    assert message in exc.message
    assert str(exc).startswith("line %d, column %d: " % (line, column))
    assert SECRET not in str(exc) and "sk_live" not in str(exc)


def test_errors_are_the_collections_positioned_errors():
    assert issubclass(TomlError, JsoncError) and issubclass(TomlTypeError, JsoncTypeError)
    assert issubclass(TomlTypeError, TomlError)


def test_nesting_is_bounded_without_exhausting_recursion():
    deep = MAX_DEPTH - 1  # the root table is level 1
    assert Document("a = " + "[" * deep + "]" * deep).get(("a",)) is not None
    exc = error_of("a = " + "[" * (deep + 1) + "]" * (deep + 1))
    assert (exc.line, exc.column) == (1, 5 + deep) and "nesting deeper than %d levels" % MAX_DEPTH in exc.message
    assert "nesting deeper" in error_of("a = " + "{ b = " * 600 + "1" + " }" * 600).message
    assert "nesting deeper" in error_of("[" + ".".join(["k"] * 600) + "]\n").message
    assert "nesting deeper" in error_of(".".join(["k"] * 600) + " = 1\n").message
    assert "nesting deeper" in error_of("[[" + ".".join(["k"] * 600) + "]]\n").message
    doc = Document("")
    value = 1
    for dummy in range(MAX_DEPTH):
        value = [value]
    with pytest.raises(TomlTypeError, match="would nest deeper"):
        doc.set(("a",), value)
    assert doc.text == ""


# --- reading -----------------------------------------------------------------------------------

def test_get_copies_and_positioned_type_errors():
    doc = Document('model = "o3"\nmcp_servers = 3\n[[hooks]]\nx = 1\n[t]\ninline = { a = [1] }\n')
    assert doc.get(("model",)) == "o3"
    with pytest.raises(KeyError):
        doc.get(("nope", "deeper"))
    with pytest.raises(TomlTypeError) as info:
        doc.get(("mcp_servers", "sentry"))
    assert (info.value.line, info.value.column) == (2, 15)
    assert info.value.message == "the value at mcp_servers is an integer, not a table"
    with pytest.raises(TomlTypeError, match="the value at hooks is an array of tables, not a table") as info:
        doc.get(("hooks", "x"))
    assert (info.value.line, info.value.column) == (3, 1)
    with pytest.raises(TomlTypeError, match="the value at t.inline.a is an array, not a table"):
        doc.get(("t", "inline", "a", "b"))
    copy = doc.get(("t",))
    copy["inline"]["a"].append(2)
    assert doc.get(("t", "inline", "a")) == [1]
    assert doc.get(()) == doc.value


def test_limit_depth_names_the_first_table_too_deep():
    doc = Document('[mcp_servers.x]\ncommand = "c"\nenv = { A = { B = { C = "d" } } }\n')
    doc.limit_depth(("mcp_servers", "x"), 4)
    doc.limit_depth(("mcp_servers", "missing"), 1)
    with pytest.raises(TomlError) as info:
        doc.limit_depth(("mcp_servers", "x"), 3)
    assert (info.value.line, info.value.column) == (3, 19)
    assert "nests deeper than 3 levels" in info.value.message


def test_occurrences_are_single_value_tokens_in_text_order():
    text = ('[mcp_servers.b]\nenv.K = """\nmulti\nline"""\n[mcp_servers.a]\nenv = { K = \'lit\', L = 1979-05-27 }\n'
            '[mcp_servers.c.env]\nK = "x"\n[mcp_servers.d]\nenv = "not a table"\n')
    doc = Document(text)
    found = doc.occurrences(("mcp_servers", None, "env", None))
    assert [(keys, text[start:end], value) for keys, (start, end), value in found] == [
        (("mcp_servers", "b", "env", "K"), '"""\nmulti\nline"""', "multi\nline"),
        (("mcp_servers", "a", "env", "K"), "'lit'", "lit"),
        (("mcp_servers", "a", "env", "L"), "1979-05-27", "1979-05-27"),
        (("mcp_servers", "c", "env", "K"), '"x"', "x")]
    # Tables written with headers or dotted keys have no token: left out; inline ones are one.
    assert [keys for keys, dummy, dummy in doc.occurrences(("mcp_servers", None, "env"))] == [
        ("mcp_servers", "a", "env"), ("mcp_servers", "d", "env")]
    doc.replace_spans([(start, end, json.dumps("********")) for dummy, (start, end), dummy in found])
    assert tomllib.loads(doc.text)["mcp_servers"]["b"]["env"]["K"] == "********"
    with pytest.raises(TypeError):
        doc.occurrences("mcp_servers")


def test_replace_spans_that_break_the_file_leave_it_as_it_was():
    doc = Document('a = "x"\n')
    with pytest.raises(TomlError):
        doc.replace_spans([(4, 7, "x y")])
    assert doc.text == 'a = "x"\n' and doc.value == {"a": "x"}
    with pytest.raises(ValueError):
        doc.replace_spans([(4, 7, '"1"'), (5, 6, '"2"')])
    doc.replace_spans([])
    assert doc.text == 'a = "x"\n'


def test_companion_lists_are_not_offered():
    with pytest.raises(NotImplementedError):
        Document("").append(("a",), 1)
    with pytest.raises(NotImplementedError):
        Document("").remove_value(("a",), 1)


# --- new entries -------------------------------------------------------------------------------

CONFIG = '''# Codex
model = "gpt-5"

[mcp_servers.context7]
command = "npx"

# the next one
[projects."/home/x/app"]
trust_level = "trusted"
'''


def test_a_new_entry_goes_after_the_last_server_table():
    assert edited(CONFIG, "set", ("mcp_servers", "sentry"), ENTRY) == CONFIG.replace('command = "npx"\n', '''command = "npx"

[mcp_servers.sentry]
command = "npx"
args = ["-y", "@sentry/mcp-server@0.31.0"]
env = { SENTRY_HOST = "sentry.example.com" }
''')


def test_a_new_entry_without_servers_goes_at_the_end():
    text = 'model = "gpt-5"\n\n[tools]\nweb_search = true\n'
    assert edited(text, "set", ("mcp_servers", "my server"), {"command": "c"}) == (
        text + '\n[mcp_servers."my server"]\ncommand = "c"\n')
    assert edited("", "set", ("mcp_servers", "s"), {"command": "c"}) == '[mcp_servers.s]\ncommand = "c"\n'
    assert edited("# only a comment\n", "set", ("mcp_servers", "s"), {}) == "# only a comment\n\n[mcp_servers.s]\n"


def test_new_text_keeps_crlf_and_a_missing_final_newline():
    text = "a = 1\r\n\r\n[t]\r\nb = 2"
    assert edited(text, "set", ("mcp_servers", "s"), {"args": ["x"]}) == text + '\r\n\r\n[mcp_servers.s]\r\nargs = ["x"]'
    assert edited(text, "set", ("t", "c"), 3) == text + "\r\nc = 3"
    assert edited(text, "set", ("z",), True) == "a = 1\r\nz = true\r\n\r\n[t]\r\nb = 2"


def test_strings_are_written_with_toml_escapes():
    value = 'q"b\\ \b\t\n\f\r \x00\x1f\x7f é 😀'
    text = edited("", "set", ("s",), value)
    assert text == 's = "q\\"b\\\\ \\b\\t\\n\\f\\r \\u0000\\u001F\\u007F é 😀"\n'
    assert tomllib.loads(text)["s"] == value
    text = edited("", "set", ("t",), {"": 1, "a.b": {"c d": [1.5, float("inf"), -0.0, True, {"x": []}]}})
    assert text == '[t]\n"" = 1\n\n[t."a.b"]\n"c d" = [1.5, inf, -0.0, true, { x = [] }]\n'


def test_values_toml_cannot_hold_are_refused_with_a_position():
    doc = Document("[t]\nx = 1\n")
    with pytest.raises(TomlTypeError, match="TOML has no null") as info:
        doc.set(("t", "x"), None)
    assert (info.value.line, info.value.column) == (2, 5)
    with pytest.raises(TomlTypeError, match="lone surrogate"):
        doc.set(("t", "y"), {"k": "\ud800"})
    with pytest.raises(TomlTypeError, match="of type set"):
        doc.set(("t", "y"), {1, 2})
    with pytest.raises(TomlTypeError, match="document root of a TOML file is a table"):
        doc.set((), [1])
    with pytest.raises(TomlTypeError, match="the value at t.x is an integer, not a table"):
        doc.set(("t", "x", "y"), 1)
    assert doc.text == "[t]\nx = 1\n"


def test_render_a_new_file():
    assert render({}) == ""
    text = render({"model": "o3", "mcp_servers": {"sentry": ENTRY, "b": {}}, "profiles": {"x": {"model": "m"}}})
    assert text == ('model = "o3"\n\n[mcp_servers.sentry]\ncommand = "npx"\nargs = ["-y", "@sentry/mcp-server@0.31.0"]\n'
                    'env = { SENTRY_HOST = "sentry.example.com" }\n\n[mcp_servers.b]\n\n[profiles.x]\nmodel = "m"\n')
    assert Document(text).value == tomllib.loads(text)
    with pytest.raises(ValueError):
        render({"a": None})
    with pytest.raises(ValueError):
        render([])


# --- changing an entry, in each form -------------------------------------------------------------

HEADER = '''[mcp_servers.sentry]
command = "npx"
args = ["-y"]
env = { A = "1", B = "2" }

[other]
x = 1
'''


@pytest.mark.parametrize("op, path, args, expected", [
    ("set", ("command",), ("node",), HEADER.replace('"npx"', '"node"')),
    ("set", ("cwd",), ("/w",), HEADER.replace('}\n', '}\ncwd = "/w"\n')),
    ("set", ("env", "A"), ("x",), HEADER.replace('A = "1"', 'A = "x"')),
    ("set", ("env", "C"), ("3",), HEADER.replace('B = "2" }', 'B = "2", C = "3" }')),
    ("delete", ("env", "A"), (), HEADER.replace('A = "1", ', "")),
    ("delete", ("env", "B"), (), HEADER.replace(', B = "2"', "")),
    ("delete", ("args",), (), HEADER.replace('args = ["-y"]\n', "")),
    ("set", ("env",), ({"B": "2", "D": "4"},), HEADER.replace('A = "1", B = "2"', 'B = "2", D = "4"')),
    ("set", ("env",), ({},), HEADER.replace('{ A = "1", B = "2" }', "{}")),
    ("set", ("env",), ("now a string",), HEADER.replace('{ A = "1", B = "2" }', '"now a string"')),
])
def test_edit_a_header_entry(op, path, args, expected):
    assert edited(HEADER, op, ("mcp_servers", "sentry") + path, *args) == expected


def test_a_multiline_array_stays_multiline_and_a_literal_string_literal():
    text = "[mcp_servers.s]\ncommand = 'C:\\bin\\s.exe'\nargs = [\n    \"-y\", # why\n    \"pkg\",\n]\n"
    assert edited(text, "set", ("mcp_servers", "s", "args"), ["a", "b b"]) == (
        "[mcp_servers.s]\ncommand = 'C:\\bin\\s.exe'\nargs = [\n    \"a\",\n    \"b b\",\n]\n")
    assert edited(text, "set", ("mcp_servers", "s", "command"), "D:\\s.exe") == text.replace("C:\\bin\\s.exe", "D:\\s.exe")
    assert edited(text, "set", ("mcp_servers", "s", "command"), "it's") == text.replace("'C:\\bin\\s.exe'", '"it\'s"')
    text = "args = [\n  1,\n  2\n  ]\n"
    assert edited(text, "set", ("args",), [3]) == "args = [\n  3\n  ]\n"


def test_new_keys_follow_the_style_of_the_last_pair():
    text = "[mcp_servers.s]\n  command=\"c\"\n\n[t]\n"
    assert edited(text, "set", ("mcp_servers", "s", "args"), ["x"]) == "[mcp_servers.s]\n  command=\"c\"\n  args=[\"x\"]\n\n[t]\n"
    assert edited("[a]\n\n[b]\n", "set", ("a", "k"), 1) == "[a]\nk = 1\n\n[b]\n"


DOTTED = '''[mcp_servers]
sentry.command = "npx"
sentry.env.A = "1"

other.command = "o"
'''


@pytest.mark.parametrize("op, path, args, expected", [
    ("set", ("command",), ("node",), DOTTED.replace('"npx"', '"node"')),
    ("set", ("args",), (["-y"],), DOTTED.replace('"1"\n', '"1"\nsentry.args = ["-y"]\n')),
    ("set", ("env", "B"), ("2",), DOTTED.replace('"1"\n', '"1"\nsentry.env.B = "2"\n')),
    ("delete", ("env", "A"), (), DOTTED.replace('sentry.env.A = "1"\n', "")),
    ("set", ("env",), ({"C": "3"},), DOTTED.replace('sentry.env.A = "1"\n', 'sentry.env = { C = "3" }\n')),
    ("delete", (), (), '[mcp_servers]\nother.command = "o"\n'),
])
def test_edit_a_dotted_key_entry(op, path, args, expected):
    assert edited(DOTTED, op, ("mcp_servers", "sentry") + path, *args) == expected


def test_a_new_entry_beside_dotted_entries_gets_its_own_table():
    assert edited(DOTTED, "set", ("mcp_servers", "new"), {"command": "n"}) == DOTTED + '\n[mcp_servers.new]\ncommand = "n"\n'


INLINE = '''[mcp_servers]
sentry = { command = "npx", env = { A = "1" } }
other = {}
'''


@pytest.mark.parametrize("op, path, args, expected", [
    ("set", ("sentry", "command"), ("node",), INLINE.replace('"npx"', '"node"')),
    ("set", ("sentry", "args"), (["-y"],), INLINE.replace('"1" } }', '"1" }, args = ["-y"] }')),
    ("set", ("sentry", "env", "B"), ("2",), INLINE.replace('"1" }', '"1", B = "2" }')),
    ("delete", ("sentry", "env", "A"), (), INLINE.replace('{ A = "1" }', "{}")),
    ("delete", ("sentry", "command"), (), INLINE.replace('command = "npx", ', "")),
    ("delete", ("sentry",), (), INLINE.replace('sentry = { command = "npx", env = { A = "1" } }\n', "")),
    ("set", ("other", "command"), ("o",), INLINE.replace("{}", '{ command = "o" }')),
    ("set", ("sentry",), ({"url": "u"},), INLINE.replace('command = "npx", env = { A = "1" }', 'url = "u"')),
])
def test_edit_an_inline_table_entry(op, path, args, expected):
    assert edited(INLINE, op, ("mcp_servers",) + path, *args) == expected


def test_dotted_keys_inside_an_inline_table():
    text = 'x = { env.A = "1", env.B = "2", c = 3 }\n'
    assert edited(text, "set", ("x", "env", "C"), "4") == 'x = { env.A = "1", env.B = "2", c = 3, env.C = "4" }\n'
    assert edited(text, "delete", ("x", "env")) == "x = { c = 3 }\n"
    assert edited(text, "delete", ("x", "env", "A")) == 'x = { env.B = "2", c = 3 }\n'


def test_servers_as_one_inline_table_get_a_new_item():
    text = 'mcp_servers = { a = { command = "x" } }\n'
    assert edited(text, "set", ("mcp_servers", "b"), {"command": "y"}) == (
        'mcp_servers = { a = { command = "x" }, b = { command = "y" } }\n')


def test_an_env_sub_table():
    text = '[mcp_servers.s]\ncommand = "c"\n\n[mcp_servers.s.env]\nA = "1"\n# why B\nB = "2"\n\n[t]\n'
    assert edited(text, "set", ("mcp_servers", "s", "env", "C"), "3") == text.replace('B = "2"\n', 'B = "2"\nC = "3"\n')
    assert edited(text, "delete", ("mcp_servers", "s", "env", "B")) == text.replace('B = "2"\n', "")
    assert edited(text, "delete", ("mcp_servers", "s")) == "[t]\n"
    assert edited(text, "set", ("mcp_servers", "s", "env"), "x") == (
        '[mcp_servers.s]\ncommand = "c"\nenv = "x"\n\n[t]\n')


def test_a_table_that_only_sub_tables_made_gets_a_header_above_them():
    text = '# env first\n[mcp_servers.s.env]\nA = "1"\n'
    assert edited(text, "set", ("mcp_servers", "s", "command"), "c") == (
        '[mcp_servers.s]\ncommand = "c"\n\n# env first\n[mcp_servers.s.env]\nA = "1"\n')


def test_a_table_is_made_key_by_key_when_set_over_another():
    text = '[mcp_servers.s]\ncommand = "c" # keep me\nargs = ["a"]\nold = 1\n'
    assert edited(text, "set", ("mcp_servers", "s"), {"command": "c", "args": ["b"], "new": 2}) == (
        '[mcp_servers.s]\ncommand = "c" # keep me\nargs = ["b"]\nnew = 2\n')
    assert edited(text, "set", ("mcp_servers", "s"), 3) == "[mcp_servers]\ns = 3\n"
    assert edited("[[a]]\nx = 1\n[[a]]\n", "set", ("a",), {"k": 1}) == "[a]\nk = 1\n"


def test_an_unchanged_value_is_not_rewritten():
    text = "[mcp_servers.s]\ncommand = 'c'\nn = 0x3c\n"
    doc = Document(text)
    assert doc.set(("mcp_servers", "s", "command"), "c") is False
    assert doc.set(("mcp_servers", "s", "n"), 60) is False
    assert doc.set(("mcp_servers", "s"), {"command": "c", "n": 60}) is False
    assert doc.set(("mcp_servers", "s", "n"), 60.0) is True  # a float is not an integer in TOML
    assert doc.text == "[mcp_servers.s]\ncommand = 'c'\nn = 60.0\n"


# --- removing an entry ---------------------------------------------------------------------------

def test_removing_an_entry_keeps_the_comments_about_others():
    text = '''model = "gpt-5"

# Sentry, for on-call
[mcp_servers.sentry]
# pinned
command = "npx"
args = ["-y"] # why
# the end of sentry

# old settings, kept for reference
# command = "uvx"

# about context7
[mcp_servers.context7]
command = "npx"
'''
    assert edited(text, "delete", ("mcp_servers", "sentry")) == '''model = "gpt-5"

# Sentry, for on-call

# old settings, kept for reference
# command = "uvx"

# about context7
[mcp_servers.context7]
command = "npx"
'''
    assert edited(text, "delete", ("mcp_servers", "context7")) == text[:text.index("# about context7")] + "# about context7\n"


def test_removing_the_last_entry_tidies_blank_lines_and_keeps_the_file_end():
    text = 'a = 1\n\n[mcp_servers.s]\ncommand = "c"\n\n\n'
    assert edited(text, "delete", ("mcp_servers", "s")) == "a = 1\n"
    assert edited('a = 1\n\n[mcp_servers.s]\ncommand = "c"', "delete", ("mcp_servers", "s")) == "a = 1"
    assert edited('a = 1\r\n\r\n[mcp_servers.s]\r\ncommand = "c"', "delete", ("mcp_servers", "s")) == "a = 1"
    assert edited('[mcp_servers.s]\ncommand = "c"\n\n[t]\n', "delete", ("mcp_servers", "s")) == "[t]\n"
    assert edited('[a]\n\n[mcp_servers.s]\n\n\n[t]\n', "delete", ("mcp_servers", "s")) == "[a]\n\n\n[t]\n"


def test_removing_every_definition_of_an_entry():
    text = ('[mcp_servers]\ns.command = "c"\nkeep.command = "k"\n\n[mcp_servers.s.env]\nA = "1"\n\n'
            '[t]\nx = 1\n\n[mcp_servers.s.more]\ny = 2\n')
    assert edited(text, "delete", ("mcp_servers", "s")) == '[mcp_servers]\nkeep.command = "k"\n\n[t]\nx = 1\n'


def test_a_parent_that_only_existed_through_the_entry_goes_with_it():
    doc = Document('[mcp_servers.s]\ncommand = "c"\n')
    assert doc.delete(("mcp_servers", "s")) is True
    assert doc.text == "" and doc.value == {}
    doc = Document('x = 1\n[mcp_servers]\n[mcp_servers.s]\ncommand = "c"\n')
    doc.delete(("mcp_servers", "s"))
    assert doc.value == {"x": 1, "mcp_servers": {}}
    assert doc.delete(("mcp_servers", "s")) is False
    with pytest.raises(ValueError):
        doc.delete(())


def test_an_edit_that_would_not_give_the_data_asked_for_is_refused(monkeypatch):
    doc = Document("[t]\nx = 1\n")
    monkeypatch.setattr(_toml, "_inline", lambda value: "2")
    with pytest.raises(TomlError, match="would not give the data asked for"):
        doc.set(("t", "x"), 3)
    assert doc.text == "[t]\nx = 1\n" and doc.value == {"t": {"x": 1}}
