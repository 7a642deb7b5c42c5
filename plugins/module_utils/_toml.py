# -*- coding: utf-8 -*-
# Copyright: Contributors to the mcpfleet.mcp collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Lossless parser and editor for TOML 1.0 config files, such as Codex CLI's config.toml.

A ``Document`` parses the text once into tables, key/value pairs and sections (a ``[header]``
line and the pairs below it), all with their offsets in the text. Every edit is a few splices of
the text, so each byte outside the edited member stays as it was: comments, blank lines, key
order, the newline style and a missing final newline. After an edit the new text is parsed again
and its data compared with the data asked for; an edit that would not give exactly that raises
and leaves the document as it was. The interface is the one of ``_jsonc.Document`` (without
``append`` and ``remove_value``, for JSON companion lists).

TOML can write one table in several forms, and an edit keeps the member's form:

- ``[a.b]`` header tables: a new key goes after the last key/value line of the table's section;
- tables made by dotted keys (``b.c = 1`` under ``[a]``): a new key is one more dotted line in
  that section, after the table's last one;
- inline tables (``b = { c = 1 }``), which hold no comments and stay on one line: a new key is
  one more item, a removed one leaves with its comma;
- a table that only exists because of its sub-tables' headers gets its own ``[header]`` above
  them when a key is added to it.

A changed value replaces only its own token (a literal string stays literal and a multi-line array
multi-line where they can); a table set to another table is edited key by key; only a member that
changes between a table and a value is removed and written anew.

New tables at most SECTION_DEPTH keys deep (``[mcp_servers.<name>]``) get their own ``[header]``
section, after the last section under their parent (else at the end), set apart by one blank line;
deeper ones (``env``) are written inline, as Codex's documentation shows. ``delete`` removes every
definition of a member: its header sections and their sub-tables, its dotted-key lines, its inline
items. Comment lines inside a removed section's body go with it; the comments right above its
header (and those after a blank line at its end) stay, since they may be about what follows. A
table that only existed through the removed member (an implicit or dotted-key parent) is gone
with it, as in TOML's data.

Values come back as JSON-able data: dates and times as their RFC 3339 text (separator ``T``,
``Z`` in capitals, the digits as written), inf and nan as floats. An empty document is ``{}``.
Lines are counted by LF (a CRLF counts once); columns count characters, 1-based; a leading BOM
is skipped and does not count.

Nesting (tables, arrays of tables, arrays and inline tables, the root being level 1) is bounded
by ``_jsonc.MAX_DEPTH``; parsing, copying and rendering are loops, so no file can exhaust Python's
recursion limit. Error messages name what was expected and where, never the file's text.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import re

from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import (
    _BLANKS, _BOM, _LONE_SURROGATE, MAX_DEPTH, JsoncError, JsoncTypeError, _check_path, checked_spans, _copy, _depth, _error,
    _line_indent, _line_start, _nest, _newline_at, _path_text, _starts_line)

# New tables this many keys deep or less get a [header] of their own; deeper ones are inline.
SECTION_DEPTH = 2

# How a table is defined (see _Table).
_ROOT, _IMPLICIT, _HEADER, _DOTTED, _INLINE = "root", "implicit", "header", "dotted", "inline"

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BARE_KEY_ONLY = re.compile(r"[A-Za-z0-9_-]+\Z")
_KEY_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-\"'")
# A comment runs to the end of its line; control characters other than tab are not allowed in it.
_COMMENT = re.compile(r"#[^\x00-\x08\x0a-\x1f\x7f]*")
# Between the items of an array: blanks, newlines and comments.
_ARRAY_GAP = re.compile(r"(?:[ \t\n]|\r\n|#[^\x00-\x08\x0a-\x1f\x7f]*)*")
# The characters a string may hold as they are (no quote, backslash or control character; tab is
# allowed, and a newline in multi-line strings).
_BASIC_RUN = re.compile(r'[^"\\\x00-\x08\x0a-\x1f\x7f]*')
_LITERAL_RUN = re.compile(r"[^'\x00-\x08\x0a-\x1f\x7f]*")
_MULTILINE_RUNS = {'"': re.compile(r'[^"\\\x00-\x08\x0b-\x1f\x7f]*'), "'": re.compile(r"[^'\x00-\x08\x0b-\x1f\x7f]*")}
_QUOTE_RUNS = {'"': re.compile('"+'), "'": re.compile("'+")}
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_HEX_DIGITS = {"u": re.compile(r"[0-9A-Fa-f]{4}"), "U": re.compile(r"[0-9A-Fa-f]{8}")}
# A backslash at the end of a line in a multi-line basic string trims the whitespace after it.
_LINE_ENDING_BACKSLASH = re.compile(r"\\[ \t]*\r?\n(?:[ \t\n]|\r\n)*")
_DATETIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
                       r"(?:[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))?)?")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?")
_NUMBER = re.compile(r"(0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|0o[0-7](?:_?[0-7])*|0b[01](?:_?[01])*)"
                     r"|([+-]?(?:inf|nan))"
                     r"|[+-]?(?:0|[1-9](?:_?[0-9])*)(\.[0-9](?:_?[0-9])*)?([eE][+-]?[0-9](?:_?[0-9])*)?")
_BOOLEAN = re.compile(r"true|false")
# A value must not run on into more of these: "1x", "truex" and "1979-05-27T" are errors.
_RUNS_ON = re.compile(r"[A-Za-z0-9_.:+-]")
_INTEGER_BASES = {"x": 16, "o": 8, "b": 2}
_EXPECTED_VALUE = ("expected a value: a string in quotes, a number, true, false, a date or time, "
                   "an array or an inline table")

# Writing: the characters a basic string escapes, and the strings a literal string can hold.
_TO_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')
_ESCAPED = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_LITERAL_ONLY = re.compile(r"[^'\x00-\x08\x0a-\x1f\x7f]*\Z")


class TomlError(JsoncError):
    """A TOML parse or edit error at a position of the text (line and column are 1-based)."""


class TomlTypeError(TomlError, JsoncTypeError):
    """A path goes through a value that is not a table (e.g. ``mcp_servers = 3``), or a value
    cannot be written in TOML (None)."""


class _Table:
    """A table and where its definition is.

    ``form`` is how it is defined: the root; implicit (only a header's prefix made it, as ``a`` in
    ``[a.b]``); a ``[header]`` (also an element of an array of tables); dotted keys; an inline
    table. ``section`` is the _Section of a header table, or the place whose dotted keys made a
    dotted table: a _Section, or the inline table it is in. ``frozen``: an inline table, or a
    table inside one, which nothing outside it may extend. ``start`` is where it is defined (for
    errors). ``children`` maps keys to nodes, ``value`` holds their data. An inline table also has
    its ``end`` and its ``pairs``.
    """

    __slots__ = ("form", "path", "section", "start", "end", "depth", "frozen", "children", "value", "pairs")

    def __init__(self, form, path, section, start, depth, frozen=False):
        self.form = form
        self.path = path  # None inside an array: no path of keys reaches it
        self.section = section
        self.start = start
        self.end = -1
        self.depth = depth
        self.frozen = frozen
        self.children = {}
        self.value = {}
        self.pairs = [] if form == _INLINE else None


class _ArrayOfTables:
    """The tables of ``[[path]]`` headers, in order."""

    __slots__ = ("path", "start", "depth", "tables", "value")

    def __init__(self, path, start, depth):
        self.path = path
        self.start = start
        self.depth = depth
        self.tables = []
        self.value = []


class _Value:
    """A value written after '=' or in an array: a scalar or an array (``items``), and its span.

    ``kind`` names its type for messages ("an integer").
    """

    __slots__ = ("kind", "start", "end", "value", "items", "depth")

    def __init__(self, kind, start, end, value, depth=0):
        self.kind = kind
        self.start = start
        self.end = end
        self.value = value
        self.items = [] if kind == "an array" else None
        self.depth = depth


class _Pair:
    """``keys = value``: the keys as written (dotted keys give several), their span and the value."""

    __slots__ = ("keys", "key_start", "key_end", "value")

    def __init__(self, keys, key_start, key_end, value):
        self.keys = keys
        self.key_start = key_start
        self.key_end = key_end
        self.value = value


class _Section:
    """The root's pairs, or a ``[path]`` / ``[[path]]`` header and the pairs below it."""

    __slots__ = ("path", "table", "header_start", "header_end", "pairs")

    def __init__(self, path, table, header_start, header_end):
        self.path = path
        self.table = table
        self.header_start = header_start  # None for the root's section
        self.header_end = header_end
        self.pairs = []


class _Tree:
    """What a parse gives: the root table, the sections in text order, and the line starts of
    the lines that hold only blanks, or only a comment (outside any value)."""

    __slots__ = ("root", "sections", "blank_lines", "comment_lines", "origin")

    def __init__(self, root, sections, blank_lines, comment_lines, origin):
        self.root = root
        self.sections = sections
        self.blank_lines = blank_lines
        self.comment_lines = comment_lines
        self.origin = origin


def _children(node):
    """The child nodes of a container, None for a scalar."""
    if isinstance(node, _Table):
        return list(node.children.values())
    if isinstance(node, _ArrayOfTables):
        return node.tables
    return node.items


def _is_token(node):
    """Whether node is written as one value token (a scalar, an array, an inline table)."""
    return isinstance(node, _Value) or (isinstance(node, _Table) and node.form == _INLINE)


def _kind(node):
    if isinstance(node, _Table):
        return "a table"
    if isinstance(node, _ArrayOfTables):
        return "an array of tables"
    return node.kind


def _describe(node):
    """What defined node, for a redefinition error."""
    if isinstance(node, _Table):
        if node.frozen:
            return "an inline table"
        return "a table defined with dotted keys" if node.form == _DOTTED else "a table defined by a [header]"
    if isinstance(node, _ArrayOfTables):
        return "an array of tables"
    return "a value"


class _Parser:
    """Parses a whole text into a _Tree, or raises a positioned TomlError."""

    def __init__(self, text):
        self.text = text
        self.origin = 1 if text.startswith(_BOM) else 0
        root = _Table(_ROOT, (), None, self.origin, 1)
        root.section = _Section((), root, None, None)
        self.root = root
        self.sections = [root.section]
        self.blank_lines = set()
        self.comment_lines = set()

    def error(self, pos, message):
        return _error(self.text, pos, message, TomlError)

    def unexpected(self, pos, expected):
        char = self.text[pos:pos + 1]
        if char and (char < " " or char == "\x7f") and char not in "\t\n":
            return self.error(pos, "a control character is not allowed here (%s)" % expected)
        return self.error(pos, expected)

    def redefined(self, pos, node, message):
        line = self.text.count("\n", 0, node.start) + 1
        return self.error(pos, "%s: it is already %s (line %d)" % (message, _describe(node), line))

    def check_depth(self, node, pos):
        if node.depth > MAX_DEPTH:
            raise self.error(pos, "nesting deeper than %d levels" % MAX_DEPTH)

    def add(self, table, key, node, pos):
        self.check_depth(node, pos)
        table.children[key] = node
        table.value[key] = node.value
        return node

    def parse(self):
        text = self.text
        pos = self.origin
        section = self.sections[0]
        while pos < len(text):
            line = pos
            pos = _BLANKS.match(text, pos).end()
            char = text[pos:pos + 1]
            if char == "#":
                pos = self.comment(pos)
                self.comment_lines.add(line)
                after = "a comment"
            elif _newline_at(text, pos):
                self.blank_lines.add(line)
                after = "blanks"
            elif char == "[":
                section = self.header(pos)
                pos = section.header_end
                after = "the table header"
            elif char in _KEY_START:
                pos = self.pair(pos, section)
                after = "the value"
            elif char:
                raise self.unexpected(pos, "expected a key, a [table] header or a comment")
            else:
                break
            pos = self.end_of_line(pos, after)
        return _Tree(self.root, self.sections, self.blank_lines, self.comment_lines, self.origin)

    def comment(self, pos):
        end = _COMMENT.match(self.text, pos).end()
        if end < len(self.text) and not _newline_at(self.text, end):
            raise self.error(end, "a control character is not allowed in a comment (tab is)")
        return end

    def end_of_line(self, pos, after):
        """The start of the next line, after blanks and a comment; an error if something else follows."""
        text = self.text
        pos = _BLANKS.match(text, pos).end()
        if text.startswith("#", pos):
            pos = self.comment(pos)
        if pos >= len(text):
            return pos
        newline = _newline_at(text, pos)
        if not newline:
            raise self.unexpected(pos, "expected the end of the line after %s" % after)
        return pos + newline

    def key(self, pos):
        """The (dotted) key at pos: (keys, end of its last part, position after the blanks after it)."""
        text = self.text
        keys = []
        while True:
            char = text[pos:pos + 1]
            if char == '"':
                part, end = self.basic_string(pos)
            elif char == "'":
                part, end = self.literal_string(pos)
            else:
                match = _BARE_KEY.match(text, pos)
                if match is None:
                    raise self.unexpected(pos, "expected a key: letters, digits, '_' and '-', or a string in quotes")
                part, end = match.group(), match.end()
            keys.append(part)
            pos = _BLANKS.match(text, end).end()
            if not text.startswith(".", pos):
                return tuple(keys), end, pos
            pos = _BLANKS.match(text, pos + 1).end()

    def header(self, start):
        text = self.text
        array = text.startswith("[[", start)
        keys, dummy, pos = self.key(_BLANKS.match(text, start + (2 if array else 1)).end())
        close = "]]" if array else "]"
        if not text.startswith(close, pos):
            raise self.unexpected(pos, "expected '%s' at the end of the %s header" % (close, "[[array]]" if array else "[table]"))
        section = _Section(keys, None, start, pos + len(close))
        section.table = self.open_table(keys, start, array, section)
        self.sections.append(section)
        return section

    def open_table(self, keys, start, array, section):
        """The table a [header] (array: a [[header]]) defines, with the tables on its path."""
        table = self.root
        for key in keys[:-1]:
            child = table.children.get(key)
            if child is None:
                child = self.add(table, key, _Table(_IMPLICIT, table.path + (key,), None, start, table.depth + 1), start)
            elif isinstance(child, _ArrayOfTables):
                child = child.tables[-1]
            elif not isinstance(child, _Table) or child.frozen:
                raise self.redefined(start, child, "a header cannot define a table inside this key")
            table = child
        key = keys[-1]
        child = table.children.get(key)
        if array:
            if child is None:
                child = self.add(table, key, _ArrayOfTables(table.path + (key,), start, table.depth + 1), start)
            elif not isinstance(child, _ArrayOfTables):
                raise self.redefined(start, child, "cannot define an array of tables")
            element = _Table(_HEADER, child.path, section, start, child.depth + 1)
            self.check_depth(element, start)
            child.tables.append(element)
            child.value.append(element.value)
            return element
        if child is None:
            return self.add(table, key, _Table(_HEADER, table.path + (key,), section, start, table.depth + 1), start)
        if isinstance(child, _Table) and child.form == _IMPLICIT:
            child.form, child.section, child.start = _HEADER, section, start
            return child
        raise self.redefined(start, child, "cannot define this table twice")

    def pair(self, start, section):
        keys, key_end, pos = self.key(start)
        if not self.text.startswith("=", pos):
            raise self.unexpected(pos, "expected '=' after the key")
        table = section.table
        value, pos = self.value(_BLANKS.match(self.text, pos + 1).end(), table.depth + len(keys), _below(table, keys))
        self.define(table, keys, value, section, start)
        section.pairs.append(_Pair(keys, start, key_end, value))
        return pos

    def define(self, table, keys, node, section, pos):
        """Put node at keys under table, for a pair of ``section`` (a _Section or an inline table)."""
        for key in keys[:-1]:
            child = table.children.get(key)
            if child is None:
                dotted = _Table(_DOTTED, _below(table, (key,)), section, pos, table.depth + 1, isinstance(section, _Table))
                child = self.add(table, key, dotted, pos)
            elif isinstance(child, _Table) and (child.form == _IMPLICIT or (child.form == _DOTTED and child.section is section)):
                child.form, child.section = _DOTTED, section
            else:
                raise self.redefined(pos, child, "dotted keys cannot extend this key here")
            table = child
        if keys[-1] in table.children:
            raise self.redefined(pos, table.children[keys[-1]], "a key defined twice")
        self.add(table, keys[-1], node, pos)

    def value(self, pos, level, path):
        """The value at pos, nested ``level`` deep, at keys ``path``: (node, end).

        Arrays and inline tables are parsed with an explicit stack of the open ones.
        """
        text = self.text
        stack = []  # [container, keys of the pending inline item, their start, their end]
        while True:
            if stack:
                entry = stack[-1]
                if isinstance(entry[0], _Table):
                    level, path = entry[0].depth + len(entry[1]), _below(entry[0], entry[1])
                else:
                    level, path = entry[0].depth + 1, None
            char = text[pos:pos + 1]
            if char in ("[", "{"):
                if level > MAX_DEPTH:
                    raise self.error(pos, "nesting deeper than %d levels" % MAX_DEPTH)
                if char == "[":
                    node = _Value("an array", pos, -1, [], level)
                    pos = self.array_gap(pos + 1)
                    if not text.startswith("]", pos):
                        stack.append([node])
                        continue
                else:
                    node = _Table(_INLINE, path, None, pos, level, True)
                    pos = _BLANKS.match(text, pos + 1).end()
                    if not text.startswith("}", pos):
                        entry = [node]
                        stack.append(entry)
                        pos = self.inline_key(entry, pos)
                        continue
                pos += 1
                node.end = pos
            else:
                node, pos = self.scalar(pos)
            # node is complete: add it to the innermost open container, and close those that end here.
            while stack:
                entry = stack[-1]
                top = entry[0]
                if isinstance(top, _Table):
                    keys, key_start, key_end = entry[1:]
                    self.define(top, keys, node, top, key_start)
                    top.pairs.append(_Pair(keys, key_start, key_end, node))
                    pos = _BLANKS.match(text, pos).end()
                    if text.startswith(",", pos):
                        pos = self.inline_key(entry, _BLANKS.match(text, pos + 1).end())
                        break
                    if not text.startswith("}", pos):
                        raise self.unexpected(pos, "expected ',' or '}' after a value of an inline table "
                                                   "(an inline table is written on one line)")
                else:
                    top.items.append(node)
                    top.value.append(node.value)
                    pos = self.array_gap(pos)
                    if text.startswith(",", pos):
                        pos = self.array_gap(pos + 1)
                        if not text.startswith("]", pos):
                            break
                    elif not text.startswith("]", pos):
                        raise self.unexpected(pos, "expected ',' or ']' after a value of an array")
                pos += 1
                top.end = pos
                stack.pop()
                node = top
            else:
                return node, pos

    def inline_key(self, entry, pos):
        """Parse ``key =`` of the next item of an inline table; return where its value starts."""
        keys, key_end, after = self.key(pos)
        if not self.text.startswith("=", after):
            raise self.unexpected(after, "expected '=' after the key")
        entry[1:] = [keys, pos, key_end]
        return _BLANKS.match(self.text, after + 1).end()

    def array_gap(self, pos):
        end = _ARRAY_GAP.match(self.text, pos).end()
        last = self.text.rfind("#", pos, end)
        if last >= 0 and self.text.find("\n", last, end) < 0:
            self.comment(last)  # the gap ended on a comment's line: fails if a control character stopped it
        return end

    def scalar(self, pos):
        text = self.text
        char = text[pos:pos + 1]
        if char in ('"', "'"):
            if text.startswith(char * 3, pos):
                value, end = self.multiline_string(pos, char)
            elif char == '"':
                value, end = self.basic_string(pos)
            else:
                value, end = self.literal_string(pos)
            return _Value("a string", pos, end, value), end
        match = _DATETIME.match(text, pos)
        if match:
            kind, value = self.date_time(match)
        else:
            match = _TIME.match(text, pos)
            if match:
                kind, value = "a local time", self.time(match, 0, pos)
            else:
                match = _NUMBER.match(text, pos)
                if match:
                    kind, value = self.number(match)
                else:
                    match = _BOOLEAN.match(text, pos)
                    kind, value = "a boolean", match is not None and match.group() == "true"
        if match is None or _RUNS_ON.match(text, match.end()):
            if char and char in "0123456789+-.":
                raise self.error(pos, "invalid number, date or time (no leading zeros; digits on both sides of '.' and '_')")
            raise self.unexpected(pos, _EXPECTED_VALUE)
        return _Value(kind, pos, match.end(), value), match.end()

    def date_time(self, match):
        year, month, day, hour = match.group(1, 2, 3, 4)
        try:
            datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise self.error(match.start(), "invalid date") from None
        value = "%s-%s-%s" % (year, month, day)
        if hour is None:
            return "a local date", value
        value += "T" + self.time(match, 3, match.start())
        if match.group(8):
            return "an offset date-time", value + "Z"
        if match.group(9):
            if int(match.group(10)) > 23 or int(match.group(11)) > 59:
                raise self.error(match.start(), "invalid time offset")
            return "an offset date-time", value + "%s%s:%s" % match.group(9, 10, 11)
        return "a local date-time", value

    def time(self, match, first, pos):
        """The text of the time in groups first+1 to first+4 of match."""
        hour, minute, second, fraction = match.group(first + 1, first + 2, first + 3, first + 4)
        if int(hour) > 23 or int(minute) > 59 or int(second) > 59:
            raise self.error(pos, "invalid time")
        return "%s:%s:%s%s" % (hour, minute, second, fraction or "")

    def number(self, match):
        prefixed, special, fraction, exponent = match.groups()
        if prefixed:
            return "an integer", int(prefixed[2:].replace("_", ""), _INTEGER_BASES[prefixed[1]])
        if special or fraction or exponent:
            return "a float", float(match.group().replace("_", ""))
        try:
            return "an integer", int(match.group().replace("_", ""))
        except ValueError:  # Python 3.11+ limits int() to 4300 digits
            raise self.error(match.start(), "an integer with too many digits") from None

    def basic_string(self, start):
        """The string whose '"' is at start: (value, end)."""
        text = self.text
        parts = []
        pos = start + 1
        while True:
            end = _BASIC_RUN.match(text, pos).end()
            parts.append(text[pos:end])
            char = text[end:end + 1]
            if char == '"':
                return "".join(parts), end + 1
            if char == "\\":
                value, pos = self.escape(end, False)
                parts.append(value)
            elif not char or _newline_at(text, end):
                raise self.error(start, 'unterminated string (a string in "..." ends on its line)')
            else:
                raise self.error(end, "a control character is not allowed in a string (write it as an escape)")

    def literal_string(self, start):
        text = self.text
        end = _LITERAL_RUN.match(text, start + 1).end()
        char = text[end:end + 1]
        if char == "'":
            return text[start + 1:end], end + 1
        if not char or _newline_at(text, end):
            raise self.error(start, "unterminated string (a string in '...' ends on its line)")
        raise self.error(end, "a control character is not allowed in a string")

    def multiline_string(self, start, quote):
        """The multi-line string at start (quote: its quote character): (value, end).

        A newline right after the opening quotes is left out, and a CRLF in the string counts as
        LF, as the TOML spec allows.
        """
        text = self.text
        run = _MULTILINE_RUNS[quote]
        pos = start + 3
        pos += _newline_at(text, pos)
        parts = []
        while True:
            end = run.match(text, pos).end()
            parts.append(text[pos:end])
            char = text[end:end + 1]
            if char == quote:
                count = _QUOTE_RUNS[quote].match(text, end).end() - end
                if count >= 3:  # the closing quotes; up to two more before them belong to the string
                    extra = min(count - 3, 2)
                    parts.append(quote * extra)
                    return "".join(parts), end + 3 + extra
                parts.append(quote * count)
                pos = end + count
            elif char == "\\":
                value, pos = self.escape(end, True)
                parts.append(value)
            elif text.startswith("\r\n", end):
                parts.append("\n")
                pos = end + 2
            elif not char:
                raise self.error(start, "unterminated multi-line string")
            else:
                raise self.error(end, "a control character is not allowed in a string (write it as an escape)")

    def escape(self, pos, multiline):
        """The escape sequence at pos (its backslash): (value, end)."""
        text = self.text
        char = text[pos + 1:pos + 2]
        if char in _ESCAPES:
            return _ESCAPES[char], pos + 2
        if char in _HEX_DIGITS:
            match = _HEX_DIGITS[char].match(text, pos + 2)
            if match is None:
                raise self.error(pos, "invalid escape: \\%s takes %d hexadecimal digits" % (char, 4 if char == "u" else 8))
            code = int(match.group(), 16)
            if 0xD800 <= code < 0xE000 or code > 0x10FFFF:
                raise self.error(pos, "invalid escape: not a Unicode scalar value")
            return chr(code), match.end()
        if multiline:
            match = _LINE_ENDING_BACKSLASH.match(text, pos)
            if match:
                return "", match.end()
        raise self.error(pos, "invalid escape (TOML has \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX and \\UXXXXXXXX)")


def _below(table, keys):
    """The path of keys under table (None under a table that no path reaches)."""
    return None if table.path is None else table.path + tuple(keys)


def _parse(text):
    return _Parser(text).parse()


def _key_text(keys):
    """A (dotted) key as TOML text: bare where it can be, else a basic string."""
    return ".".join(key if _BARE_KEY_ONLY.match(key) else _basic_string(key) for key in keys)


def _basic_string(text):
    return '"' + _TO_ESCAPE.sub(lambda match: _ESCAPED.get(match.group()) or "\\u%04X" % ord(match.group()), text) + '"'


def _inline(value):
    """One-line TOML text of value (arrays and inline tables), without recursion."""
    out = []
    stack = [(False, value)]  # (is syntax, text or a value to write)
    while stack:
        syntax, item = stack.pop()
        if syntax:
            out.append(item)
        elif isinstance(item, (dict, list, tuple)):
            if not item:
                out.append("{}" if isinstance(item, dict) else "[]")
                continue
            if isinstance(item, dict):
                pieces, close = [(True, "{ ")], " }"
                for index, (key, child) in enumerate(item.items()):
                    pieces.extend(((True, (", " if index else "") + _key_text((key,)) + " = "), (False, child)))
            else:
                pieces, close = [(True, "[")], "]"
                for index, child in enumerate(item):
                    pieces.extend(((True, ", "),) if index else ())
                    pieces.append((False, child))
            pieces.append((True, close))
            stack.extend(reversed(pieces))
        elif isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, int):
            out.append(str(item))
        elif isinstance(item, float):
            out.append(repr(item))  # repr gives inf, -inf, nan, 1e+16: all TOML floats
        else:
            out.append(_basic_string(item))
    return "".join(out)


def _unwritable(value, levels):
    """Why value (levels deep) cannot be written in TOML, or None."""
    if levels + _depth(value) > MAX_DEPTH:
        return "the new value would nest deeper than %d levels" % MAX_DEPTH
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str) or _LONE_SURROGATE.search(key):
                    return "a table key must be a string of Unicode characters"
                stack.append(child)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return "a string with a lone surrogate cannot be written in TOML"
        elif item is None:
            return "TOML has no null value (leave the key out instead)"
        elif not isinstance(item, (bool, int, float)):
            return "a value of type %s cannot be written in TOML" % type(item).__name__
    return None


def _table_blocks(path, value):
    """The lines of new sections that hold table value at path: one block per [header].

    Tables at most SECTION_DEPTH keys deep get a header, parents before their sub-tables; the
    root's own pairs (path ()) come first, without a header.
    """
    blocks = []
    work = [(path, value)]
    while work:
        path, table = work.pop()
        subs = [(path + (key,), item) for key, item in table.items() if isinstance(item, dict) and len(path) < SECTION_DEPTH]
        lines = ["%s = %s" % (_key_text((key,)), _inline(item)) for key, item in table.items()
                 if not (isinstance(item, dict) and len(path) < SECTION_DEPTH)]
        if path and (lines or not subs):
            lines.insert(0, "[%s]" % _key_text(path))
        if lines:
            blocks.append(lines)
        work.extend(reversed(subs))
    return blocks


def render(value):
    """Text of a new file holding value (a dict): "" for {}, else ending with a newline.

    Raises ValueError for data that TOML cannot hold (None, a non-dict document).
    """
    if not isinstance(value, dict):
        raise ValueError("a TOML document is a table (a dict), not %s" % type(value).__name__)
    problem = _unwritable(value, 0)
    if problem:
        raise ValueError(problem)
    blocks = _table_blocks((), value)
    return "\n\n".join("\n".join(lines) for lines in blocks) + "\n" if blocks else ""


def _canonical(value):
    """Text that is equal for equal data (nan included; 1 and 1.0, true and 1 differ, as in TOML)."""
    return json.dumps(value, sort_keys=True)


class Document:
    """A TOML document that can be edited while keeping every other byte of its text.

    Paths are tuples of table keys. ``append`` and ``remove_value`` (JSON companion lists) are
    not offered.
    """

    def __init__(self, text):
        self._text = text
        self._tree = _parse(text)

    @property
    def text(self):
        """The full current text, edits included."""
        return self._text

    @property
    def value(self):
        """The data of the whole document (a copy); {} when it is empty."""
        return _copy(self._tree.root.value)

    @property
    def newline(self):
        """The newline style of the file ("\\r\\n" or "\\n"), decided by its first line break."""
        pos = self._text.find("\n")
        return "\r\n" if pos > 0 and self._text[pos - 1] == "\r" else "\n"

    # Reading

    def _type_error(self, keys, node):
        where = "the value at %s" % _path_text(keys) if keys else "the document root"
        return _error(self._text, node.start, "%s is %s, not a table" % (where, _kind(node)), TomlTypeError)

    def _chain(self, keys):
        """Nodes from the root along keys, as far as the keys exist; a positioned type error when
        a key is looked up in something that is not a table."""
        chain = [self._tree.root]
        for depth, key in enumerate(keys):
            node = chain[-1]
            if not isinstance(node, _Table):
                raise self._type_error(keys[:depth], node)
            child = node.children.get(key)
            if child is None:
                break
            chain.append(child)
        return chain

    def get(self, path):
        """The value (a copy) at path; KeyError if a key is missing."""
        keys = _check_path(path)
        chain = self._chain(keys)
        if len(chain) <= len(keys):
            raise KeyError(keys[:len(chain)])
        return _copy(chain[-1].value)

    def limit_depth(self, path, levels):
        """Fail if the value at path nests more than ``levels`` tables and arrays (itself included).

        The TomlError names the first one too deep; a missing path passes.
        """
        keys = _check_path(path)
        chain = self._chain(keys)
        if len(chain) <= len(keys):
            return
        stack = [(chain[-1], 1)]
        while stack:
            node, level = stack.pop()
            children = _children(node)
            if children is None:
                continue
            if level > levels:
                where = "the value at %s" % _path_text(keys) if keys else "the document"
                raise _error(self._text, node.start, "%s nests deeper than %d levels" % (where, levels), TomlError)
            stack.extend((child, level + 1) for child in reversed(children))

    def occurrences(self, path):
        """Every value at path, in text order: [(keys, (start, end), value)].

        A key of None matches any key of a table; a value that is not a table ends its branch.
        (start, end) is the span of the value's one token (a scalar, an array, an inline table);
        tables written with a [header] or dotted keys have no such token and are left out.
        """
        keys = tuple(path) if isinstance(path, (tuple, list)) else None
        if keys is None or not all(key is None or isinstance(key, str) for key in keys):
            raise TypeError("a path is a tuple of string keys (or None for any key), got %r" % (path,))
        level = [((), self._tree.root)]
        for key in keys:
            level = [(found + (name,), child) for found, node in level if isinstance(node, _Table)
                     for name, child in node.children.items() if key is None or name == key]
        found = [(found, (node.start, node.end), _copy(node.value)) for found, node in level if _is_token(node)]
        return sorted(found, key=lambda occurrence: occurrence[1])

    # Editing

    def replace_spans(self, edits):
        """Replace the text of (start, end, replacement) spans, which must not overlap.

        The result is parsed again: a replacement that breaks the file raises TomlError and
        leaves the document as it was.
        """
        edits = checked_spans(edits, len(self._text))
        if edits:
            self._splice(edits)

    def append(self, path, value):
        raise NotImplementedError("TOML documents have no companion lists")

    def remove_value(self, path, value):
        raise NotImplementedError("TOML documents have no companion lists")

    def set(self, path, value):
        """Set the value at path, creating missing tables on the way; True if the text changed."""
        keys = _check_path(path)
        chain = self._chain(keys)
        exists = len(chain) > len(keys)
        problem = _unwritable(value, len(keys)) or (None if keys or isinstance(value, dict) else
                                                    "the document root of a TOML file is a table")
        if problem:
            raise _error(self._text, chain[-1].start, problem, TomlTypeError)
        if exists and _canonical(chain[-1].value) == _canonical(value):
            return False
        expected = self._tree.root.value if keys else value
        if keys:
            expected = _copy(expected)
            parent = expected
            for key in keys[:-1]:
                parent = parent.setdefault(key, {})
            parent[keys[-1]] = value
        self._edit(lambda: self._set(keys, value), expected, chain[-1].start)
        return True

    def delete(self, path):
        """Remove the member at path (every definition of it); True if removed."""
        keys = _check_path(path)
        if not keys:
            raise ValueError("cannot delete the document root")
        chain = self._chain(keys)
        if len(chain) <= len(keys):
            return False
        # The data without the member: a parent that only existed through it goes too.
        expected = _copy(self._tree.root.value)
        parents = [expected]
        for key in keys[:-1]:
            parents.append(parents[-1][key])
        del parents[-1][keys[-1]]
        for depth in range(len(keys) - 1, 0, -1):
            if parents[depth] or chain[depth].form not in (_IMPLICIT, _DOTTED):
                break
            del parents[depth - 1][keys[depth - 1]]
        self._edit(lambda: self._delete(keys), expected, chain[-1].start)
        return True

    def _edit(self, change, expected, pos):
        """Run change (splices), then check that the data is expected; on any error, restore."""
        text, tree = self._text, self._tree
        try:
            change()
            if _canonical(self._tree.root.value) != _canonical(expected):
                raise _error(text, pos, "the edit would not give the data asked for; the file is left as it was", TomlError)
        except Exception:
            self._text, self._tree = text, tree
            raise

    def _splice(self, edits):
        """Apply (start, end, replacement) edits, then parse the result (which raises if it broke)."""
        pieces = []
        done = 0
        for start, end, replacement in sorted(edits, key=lambda edit: edit[0]):
            pieces.append(self._text[done:start])
            pieces.append(replacement)
            done = end
        pieces.append(self._text[done:])
        text = "".join(pieces)
        self._tree = _parse(text)
        self._text = text

    def _set(self, keys, value):
        """Set without checks: a table that becomes another table is edited key by key."""
        work = [(keys, value)]
        while work:
            keys, value = work.pop()
            chain = self._chain(keys)
            node = chain[-1]
            if len(chain) <= len(keys) or not (isinstance(node, _Table) and isinstance(value, dict)):
                self._set_other(keys, value)
                continue
            for key in [key for key in node.value if key not in value]:
                self._delete(keys + (key,))
            if len(self._chain(keys)) <= len(keys):  # the table went with its last key
                self._insert(keys, value)
                continue
            later = []
            for key, item in value.items():
                chain = self._chain(keys + (key,))
                if len(chain) > len(keys) + 1 and _canonical(chain[-1].value) == _canonical(item):
                    continue
                if isinstance(chain[-1], _Table) and isinstance(item, dict) and len(chain) > len(keys) + 1:
                    later.append((keys + (key,), item))
                else:
                    self._set_other(keys + (key,), item)
            work.extend(reversed(later))

    def _set_other(self, keys, value):
        """Set a missing member, or one that is not a table made into another table."""
        chain = self._chain(keys)
        node = chain[-1]
        if len(chain) <= len(keys):
            self._insert(keys, value)
        elif _is_token(node):
            self._splice([(node.start, node.end, self._value_text(node, value))])
        else:  # a table or an array of tables written with headers or dotted keys
            self._delete(keys)
            self._insert(keys, value)

    def _value_text(self, node, value):
        """The text of value replacing node's: a literal string stays literal, a multi-line
        array stays multi-line, where they can."""
        text = self._text
        if (isinstance(value, str) and _kind(node) == "a string" and text.startswith("'", node.start)
                and not text.startswith("'''", node.start) and _LITERAL_ONLY.match(value)):
            return "'%s'" % value
        if not (isinstance(value, (list, tuple)) and value and _kind(node) == "an array" and "\n" in text[node.start:node.end]):
            return _inline(value)
        newline = self.newline
        outer = _line_indent(text, node.start)
        first = node.items[0].start if node.items else -1
        indent = _line_indent(text, first) if first >= 0 and _starts_line(text, first) else outer + "  "
        close = _line_indent(text, node.end - 1) if _starts_line(text, node.end - 1) else outer
        trailing = bool(node.items) and text.startswith(",", _ARRAY_GAP.match(text, node.items[-1].end).end())
        lines = ["%s%s," % (indent, _inline(item)) for item in value]
        if not trailing:
            lines[-1] = lines[-1][:-1]
        return "[" + newline + newline.join(lines) + newline + close + "]"

    # Inserting

    def _insert(self, keys, value):
        """Add the missing member at keys (its parent exists up to some depth)."""
        chain = self._chain(keys)
        anchor = chain[-1]  # the deepest table that exists
        rest = keys[len(chain) - 1:]
        member = keys[:len(chain)]
        value = _nest(rest[1:], value)
        if anchor.frozen:
            self._insert_inline(anchor, rest[0], value)
        elif isinstance(value, dict) and len(member) <= SECTION_DEPTH:
            self._insert_section(anchor, member, value)
        elif anchor.form == _IMPLICIT:
            self._declare(anchor, rest[0], value)
        else:
            self._insert_pair(anchor, rest[0], value)

    def _under(self, table):
        """Indexes of the header sections at or below table's path."""
        size = len(table.path)
        return [index for index, section in enumerate(self._tree.sections) if index and section.path[:size] == table.path]

    def _insert_inline(self, anchor, key, value):
        """Add an item to the inline table that holds anchor."""
        text = self._text
        inline = anchor if anchor.form == _INLINE else anchor.section
        item = _key_text(anchor.path[len(inline.path):] + (key,))
        pairs = inline.pairs
        if not pairs:
            self._splice([(inline.start + 1, inline.end - 1, " %s = %s " % (item, _inline(value)))])
            return
        last = pairs[-1]
        separator = text[pairs[-2].value.end:last.key_start] if len(pairs) > 1 else ", "
        equals = text[last.key_end:last.value.start]
        self._splice([(last.value.end, last.value.end, separator + item + equals + _inline(value))])

    def _insert_section(self, anchor, path, value):
        """Add sections for table value at path, after the last section under anchor (else at the end)."""
        under = self._under(anchor)
        index = under[-1] if under else len(self._tree.sections) - 1
        lines = []
        for block in _table_blocks(path, value):
            lines.extend([""] + block if lines else block)
        self._insert_block(self._content_end(index), lines)

    def _declare(self, anchor, key, value):
        """Give an implicit table a [header] with its first key, above its sub-tables."""
        lines = ["[%s]" % _key_text(anchor.path), "%s = %s" % (_key_text((key,)), _inline(value))]
        self._insert_block(self._lead_start(self._under(anchor)[0]), lines)

    def _insert_pair(self, anchor, key, value):
        """Add ``key = value`` to a table defined by a header, by dotted keys, or the root."""
        text = self._text
        section = anchor.section
        size = len(anchor.path)
        pairs = [pair for pair in section.pairs if (section.path + pair.keys)[:size] == anchor.path]
        reference = pairs[-1] if pairs else None
        equals = text[reference.key_end:reference.value.start] if reference else " = "
        line = _key_text(anchor.path[len(section.path):] + (key,)) + equals + _inline(value)
        if reference:
            indent, pos = _line_indent(text, reference.key_start), self._line_end(reference.value.end)
        elif section.header_start is not None:
            indent, pos = _line_indent(text, section.header_start), self._line_end(section.header_start)
        else:  # the root without pairs: above the first header
            sections = self._tree.sections
            self._insert_block(self._lead_start(1) if len(sections) > 1 else self._content_end(0), [line])
            return
        if pos >= len(text) and not text.endswith("\n"):
            self._splice([(pos, pos, self.newline + indent + line)])
        else:
            self._splice([(pos, pos, indent + line + self.newline)])

    def _insert_block(self, pos, lines):
        """Insert lines at pos (a line start, or the end of the text), with a blank line between
        them and the text before and after."""
        text = self._text
        tree = self._tree
        newline = self.newline
        block = newline.join(lines)
        if pos > tree.origin and _line_start(text, pos - 1) not in tree.blank_lines:
            block = newline + block
        if pos < len(text):
            block += newline if pos in tree.blank_lines else newline + newline
        elif pos > tree.origin and not text.endswith("\n"):
            block = newline + block  # ends the last line; the file still ends without a newline
        else:
            block += newline
        self._splice([(pos, pos, block)])

    # Lines

    def _line_end(self, pos):
        """The start of the line after the one holding pos (the end of the text on the last line)."""
        end = self._text.find("\n", pos)
        return len(self._text) if end < 0 else end + 1

    def _lead_start(self, index):
        """Where the comment lines right above the header of section index start (the header's
        line if there are none)."""
        text = self._text
        tree = self._tree
        start = _line_start(text, tree.sections[index].header_start)
        while start > tree.origin and _line_start(text, start - 1) in tree.comment_lines:
            start = _line_start(text, start - 1)
        return start

    def _content_end(self, index):
        """The end of section index's last line, before its trailing blank lines and the comment
        lines that lead into the next header."""
        text = self._text
        tree = self._tree
        end = self._lead_start(index + 1) if index + 1 < len(tree.sections) else len(text)
        while end > tree.origin and _line_start(text, end - 1) in tree.blank_lines:
            end = _line_start(text, end - 1)
        return end

    def _own_end(self, index):
        """The end of the lines that are surely section index's own: its header, its pairs (and
        the comments between them), and comment lines right after its last pair unless they run
        on into the next header."""
        tree = self._tree
        section = tree.sections[index]
        end = self._line_end(section.pairs[-1].value.end if section.pairs else section.header_start)
        glued = end
        while glued in tree.comment_lines:
            glued = self._line_end(glued)
        following = tree.sections[index + 1] if index + 1 < len(tree.sections) else None
        if following is None or glued != _line_start(self._text, following.header_start):
            end = glued
        return end

    # Deleting

    def _delete(self, keys):
        chain = self._chain(keys)
        if chain[-2].frozen:
            self._delete_inline(chain[-2], keys)
        else:
            self._delete_lines(keys)

    def _delete_inline(self, parent, keys):
        """Remove the items of the inline table holding parent that define keys, one at a time."""
        inline = parent if parent.form == _INLINE else parent.section
        path = inline.path
        relative = keys[len(path):]
        while True:
            pairs = inline.pairs
            found = [index for index, pair in enumerate(pairs) if pair.keys[:len(relative)] == relative]
            if not found:
                return
            index = found[0]
            if index + 1 < len(pairs):
                edit = (pairs[index].key_start, pairs[index + 1].key_start, "")
            elif index:
                edit = (pairs[index - 1].value.end, pairs[index].value.end, "")
            else:
                edit = (inline.start + 1, inline.end - 1, "")
            self._splice([edit])
            inline = self._chain(path)[-1]

    def _delete_lines(self, keys):
        """Remove the header sections and the pair lines that define keys."""
        text = self._text
        size = len(keys)
        blocks = []
        for index, section in enumerate(self._tree.sections):
            if index and section.path[:size] == keys:
                blocks.append((_line_start(text, section.header_start), self._own_end(index)))
                continue
            blocks.extend((_line_start(text, pair.key_start), self._line_end(pair.value.end)) for pair in section.pairs
                          if (section.path + pair.keys)[:size] == keys)
        self._splice(self._cut(blocks))

    def _cut(self, blocks):
        """Edits that remove the lines [start, end) of blocks and tidy the blank lines around them.

        One run of blank lines stays as the separator of what was before and what comes after
        (the one after, when there are both), none at the start or the end of the file, nor right
        below a header unless a new section follows.
        """
        text = self._text
        tree = self._tree
        count = len(tree.sections)
        after_header = set(self._line_end(tree.sections[index].header_start) for index in range(1, count))
        section_starts = set(self._lead_start(index) for index in range(1, count))
        merged = []
        for start, end in sorted(blocks):
            if merged and self._skip_blank_lines(merged[-1][1]) >= start:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        edits = []
        for start, end in merged:
            after = self._skip_blank_lines(end)
            before = start
            while before > tree.origin and _line_start(text, before - 1) in tree.blank_lines:
                before = _line_start(text, before - 1)
            if after >= len(text):  # nothing follows: the blank lines before go
                start = before
                if start > tree.origin and not text.endswith("\n"):  # the file still ends without a newline
                    start -= 2 if text.startswith("\r\n", start - 2) else 1
                end = len(text)
            elif start <= tree.origin or (start in after_header and after not in section_starts):
                end = after
            elif before < start and after > end:
                start = before
            edits.append((start, end, ""))
        return edits

    def _skip_blank_lines(self, pos):
        while pos in self._tree.blank_lines:
            pos = self._line_end(pos)
        return pos
