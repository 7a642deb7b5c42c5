# -*- coding: utf-8 -*-
# Copyright: Contributors to the mcpfleet.mcp collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Lossless parser and editor for YAML config files (Continue's ``config.yaml``).

The data is what the npm ``yaml`` package (Continue's parser) reads: YAML 1.2 with the core
schema, so ``yes``, ``on`` and ``0o17``-style words follow 1.2 (``yes`` stays a string). The parser
takes the YAML that config files use: one document (optional ``---`` line and ``...`` end), block
mappings and sequences (a sequence under a key may be indented or not), plain, single- and
double-quoted scalars (multi-line too), literal and folded block scalars with their indicators,
flow sequences and mappings, comments, LF or CRLF line breaks and a leading BOM. Anything else
fails with the line and column and names the construct: anchors, aliases, tags, directives,
several documents, ``?`` keys, flow collections as keys, merge keys (``<<``), keys that are not
strings, text on the ``---`` line and carriage returns without a line feed. Duplicate keys are an
error, as in the ``yaml`` package. Where YAML readers disagree, this one reads as that package
does: a block scalar that ends the file without a line break still ends with one (unless
stripped), and blank lines after an escaped line break in a double-quoted string fold once more.

A ``Document`` parses the text once into nodes with spans (offsets into the text). An edit
splices new text into the old, so each byte outside the edited value stays as it was; new text
is block style and writes every string double-quoted, so no string can be read back as another
type. After an edit the text is parsed again, and the data must be what was asked, else nothing
changes.

Named lists: Continue keeps its servers in a LIST of items that carry their name
(``mcpServers: [{name, command, ...}]``). ``Document(text, named_lists={("mcpServers",): "name"})``
presents such a list as a mapping from name to item (without its name member), so that callers
address a server as ``("mcpServers", name)`` as in the JSON clients. Items that are not mappings
with a string name stay as they are and are left out of that view; a null list counts as an
empty one. A duplicate name reads as its last item; ``delete`` removes every item of the name.
Edits of a named list need the list itself in block style: a non-empty flow list fails with its
position (an empty ``[]`` is one token, which edits can replace). Items written in flow style, or
with flow values (``args: ["-y", "pkg"]``), are read, replaced and removed whole; an edit inside a
flow collection fails with its position.

Nesting is bounded by MAX_DEPTH; the parser and the renderer recurse a few frames per level,
so the bound also bounds their recursion. Lines are counted by LF, columns in characters from 1
(a leading BOM does not count). Error messages name what was expected and where, never the
file's text.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math
import re
from collections import deque, namedtuple

from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import (
    JsoncError, JsoncTypeError, _check_path, checked_spans, _copy, _depth, _error, _line_start, _path_text, json_equal,
)

# The deepest nesting of mappings and sequences accepted (the root is level 1). Config files nest
# less than 10 levels; the parser spends at most four Python frames per level.
MAX_DEPTH = 100

_BOM = "\ufeff"
_BLANKS = re.compile(r"[ \t]*")
_SPACES = re.compile(r" *")
# Characters YAML does not allow in a stream (c-printable), and carriage returns without a line
# feed, which this parser does not take as line breaks.
_NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_LONE_CR = re.compile("\r(?!\n)")

# A plain scalar on one line: characters that are not blanks, ': ' or ' #' (and not flow
# indicators inside a flow collection), with blanks between them.
_PLAIN_CHAR = r"(?:[^ \t\r\n:#%(x)s]|:(?=[^ \t\r\n%(x)s])|(?<=[^ \t\r\n])#)"
_PLAIN_BLOCK = re.compile("%s(?:[ \t]*%s)*" % ((_PLAIN_CHAR % {"x": ""},) * 2))
_PLAIN_FLOW = re.compile("%s(?:[ \t]*%s)*" % ((_PLAIN_CHAR % {"x": r",\[\]{}"},) * 2))
_DOUBLE_RUN = re.compile(r'[^"\\\r\n]*')
_SINGLE_RUN = re.compile(r"[^'\r\n]*")
_HEX = re.compile("[0-9a-fA-F]+")
_ESCAPES = {
    "0": "\x00", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}

# The YAML 1.2 core schema (tag resolution of plain scalars), as the npm yaml package has it.
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCTAL = re.compile(r"0o[0-7]+\Z")
_HEXADECIMAL = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INFINITY = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")

# Keys written without quotes: words that every YAML version reads as the same string (YAML 1.1
# readers, such as PyYAML, take yes/no/on/off/y/n for booleans).
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
_YAML11_WORDS = frozenset("y Y yes Yes YES n N no No NO on On ON off Off OFF true True TRUE false False FALSE "
                          "null Null NULL".split())
# Characters a new double-quoted string escapes besides JSON's: not printable in YAML, or line
# breaks for YAML 1.1 readers, or a BOM.
_ESCAPE_IN_QUOTES = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")

_MAPPINGS = ("map", "flow_map")
_SEQUENCES = ("seq", "flow_seq")
_FLOW = ("flow_map", "flow_seq")


class YamlError(JsoncError):
    """A YAML parse or edit error at a position of the text (line and column are 1-based)."""


class YamlTypeError(JsoncTypeError, YamlError):
    """A path goes through, or ends at, a value of the wrong type (e.g. ``mcpServers: 3``)."""


class _Node:
    """A parsed value and its place in the text.

    ``start``, ``end``: the span of the value's text (for a value without text, an empty span
    right after its ':' or '-'); ``value``: its python data; ``items``: the child nodes of a
    collection (None for a scalar); ``style``: plain, single, double, literal, folded, empty (no
    text), map, seq, flow_map or flow_seq. Inside a collection, ``key`` is the member's key,
    ``head`` where the entry starts (its key or its '-'), ``after`` the offset after its ':' or
    '-' and ``tail`` the end of the entry's last line (after a comment on that line, before the
    line break).
    """

    __slots__ = ("start", "end", "value", "items", "style", "key", "head", "after", "tail")

    def __init__(self, start, end, value, style, items=None):
        self.start = start
        self.end = end
        self.value = value
        self.style = style
        self.items = items
        self.key = None
        self.head = start
        self.after = None
        self.tail = end


def _line_end(text, pos):
    """The offset of the line break that ends pos's line (the end of the text on the last line)."""
    end = text.find("\n", pos)
    if end < 0:
        return len(text)
    return end - 1 if text[end - 1] == "\r" and end - 1 >= pos else end


def _resolve(text):
    """The data of a plain scalar under the YAML 1.2 core schema."""
    if text in _NULLS:
        return None
    if text in _BOOLEANS:
        return _BOOLEANS[text]
    if _INT.match(text):
        return int(text)
    if _OCTAL.match(text):
        return int(text[2:], 8)
    if _HEXADECIMAL.match(text):
        return int(text[2:], 16)
    if _INFINITY.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    if _FLOAT.match(text):
        return float(text)
    return text


class _Parser:
    """One pass over the text; ``parse`` returns the root node (None for an empty document)."""

    def __init__(self, text):
        self.text = text
        self.size = len(text)
        self.depth = 0
        self.flow_level = 0
        self.empties = set()  # the 'after' offsets of values without text
        self.document_end = None  # the offset of a '...' line

    def error(self, pos, message):
        return _error(self.text, pos, message, YamlError)

    # Lines and blanks.

    def column(self, pos):
        return pos - _line_start(self.text, pos)

    def line_end(self, pos):
        return _line_end(self.text, pos)

    def next_line(self, pos):
        """The offset after the line break at or after pos."""
        end = self.text.find("\n", pos)
        return self.size if end < 0 else end + 1

    def blanks(self, pos):
        return _BLANKS.match(self.text, pos).end()

    def at_break(self, pos):
        return pos >= self.size or self.text[pos] in "\r\n"

    def blank_or_end(self, pos):
        return pos >= self.size or self.text[pos] in " \t\r\n"

    def is_marker(self, pos, marker=None):
        """Whether a document marker ('---' or '...', or the one given) starts at pos."""
        found = self.text[pos:pos + 3]
        return (found in ("---", "...") and (marker is None or found == marker) and self.blank_or_end(pos + 3)
                and pos == _line_start(self.text, pos))

    def is_entry(self, pos):
        """Whether a block sequence entry ('-' and a blank) starts at pos."""
        return self.text.startswith("-", pos) and self.blank_or_end(pos + 1)

    def next_content(self, pos):
        """(offset, indentation) of the first character after blank and comment lines, from the
        line that starts at pos; (size, -1) at the end of the text."""
        text = self.text
        while pos < self.size:
            indented = _SPACES.match(text, pos).end()
            first = self.blanks(indented)
            if first >= self.size:
                break
            if text[first] not in "#\r\n":
                if first > indented:
                    raise self.error(indented, "a tab character is not allowed in indentation")
                return first, first - pos
            pos = self.next_line(first)
        return self.size, -1

    def finish_line(self, pos, message="unexpected text after a value"):
        """The end of the line after a value that ends at pos: blanks and a comment may follow."""
        end = self.blanks(pos)
        if end < self.size and self.text[end] == "#":
            if end == pos:
                raise self.error(end, "a comment must be separated from a value by a space")
            return self.line_end(end)
        if not self.at_break(end):
            if self.text[end] == ":":
                raise self.error(end, "unexpected ':': a key must be on one line and start its own line "
                                      "(a nested mapping goes on the lines below its key)")
            raise self.error(end, message)
        return end

    # The document.

    def parse(self):
        text = self.text
        for pattern, message in ((_NON_PRINTABLE, "a control character is not allowed in YAML"),
                                 (_LONE_CR, "a carriage return must be followed by a line feed")):
            found = pattern.search(text, 1 if text.startswith(_BOM) else 0)
            if found:
                raise self.error(found.start(), message)
        first, indent = self.next_content(1 if text.startswith(_BOM) else 0)
        if first < self.size and indent == 0 and text[first] == "%":
            raise self.error(first, "directives (%) are not supported")
        if self.is_marker(first, "---"):
            end = self.finish_line(first + 3, "content on the '---' line is not supported: start the document on the next line")
            first, indent = self.next_content(self.next_line(end))
        root = None
        if first < self.size and not self.is_marker(first):
            root = self.block_node(first, -1, True)
            first, indent = self.next_content(self.next_line(root.tail))
        if self.is_marker(first, "..."):
            self.document_end = first
            end = self.finish_line(first + 3, "unexpected text after the document end marker '...'")
            first, indent = self.next_content(self.next_line(end))
            if first < self.size:
                raise self.error(first, "several documents in one file are not supported")
        elif self.is_marker(first, "---"):
            raise self.error(first, "several documents in one file are not supported")
        elif first < self.size:
            if root.style == "seq" and indent == self.column(root.start):
                raise self.error(first, "expected a sequence entry ('- ') at this indentation")
            raise self.error(first, "bad indentation: this line does not continue the document's structure")
        return root

    # Block context.

    def check_node_start(self, pos):
        """Fail on the constructs this parser does not support, where a node starts."""
        char = self.text[pos]
        if char == "&":
            raise self.error(pos, "anchors (&) are not supported")
        if char == "*":
            raise self.error(pos, "aliases (*) are not supported")
        if char == "!":
            raise self.error(pos, "tags (!) are not supported")
        if char == "?" and (self.blank_or_end(pos + 1) or (self.flow_level and self.text[pos + 1] in ",[]{}")):
            raise self.error(pos, "complex mapping keys (?) are not supported")

    def open(self, pos, value, style):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(pos, "nesting deeper than %d levels" % MAX_DEPTH)
        return _Node(pos, -1, value, style, [])

    def close(self, node, end, tail):
        self.depth -= 1
        node.end = end
        node.tail = tail
        return node

    def block_node(self, pos, parent, collection):
        """The node that starts at pos in block context, inside a collection indented ``parent``.

        collection: whether a block mapping or sequence may start here (not on a key's line).
        Sets the node's tail.
        """
        self.check_node_start(pos)
        text = self.text
        if self.is_entry(pos):
            if not collection:
                raise self.error(pos, "a block sequence cannot start on the line of its key")
            self.check_no_tab(pos)
            return self.block_sequence(pos)
        if text[pos] in "|>":
            return self.block_scalar(pos, parent)
        node, colon = self.key_or_value(pos, parent)
        if colon is None:
            node.tail = self.finish_line(node.end)
            return node
        if not collection:
            raise self.error(pos, "a mapping cannot start on the line of its key: put it on the lines below")
        self.check_no_tab(pos)
        return self.block_mapping(pos, node, colon)

    def check_no_tab(self, pos):
        """A block collection's column counts spaces: a tab before it on its line is an error."""
        start = _line_start(self.text, pos)
        tab = self.text.find("\t", start, pos)
        if tab >= 0:
            raise self.error(tab, "a tab character is not allowed in indentation")

    def key_or_value(self, pos, parent):
        """(node, offset of the ':') for an implicit key at pos, else (the value at pos, None)."""
        text = self.text
        if text[pos] in "\"'":
            node = self.quoted(pos, parent)
        elif text[pos] in "[{":
            node = self.flow_collection(pos, parent)
        else:
            self.check_plain_start(pos)
            end = _PLAIN_BLOCK.match(text, pos).end()
            colon = self.blanks(end)
            if text.startswith(":", colon) and self.blank_or_end(colon + 1):
                return self.plain_node(pos, end, text[pos:end]), colon
            node = self.plain(pos, parent)
        colon = self.blanks(node.end)
        if not (text.startswith(":", colon) and self.blank_or_end(colon + 1)):
            return node, None
        if node.style in _FLOW:
            raise self.error(pos, "a flow collection as a mapping key is not supported")
        if text.find("\n", pos, node.end) >= 0:
            raise self.error(pos, "a mapping key must be on one line (or a line below is indented too deep)")
        return node, colon

    def entry_key(self, pos, parent):
        self.check_node_start(pos)
        if self.is_entry(pos):
            raise self.error(pos, "a sequence entry cannot follow a mapping entry at the same indentation")
        key, colon = self.key_or_value(pos, parent)
        if colon is None:
            raise self.error(pos, "expected a mapping key followed by ':' at this indentation")
        return key, colon

    def add_member(self, node, key, value):
        """Add value under the key node to the mapping node; keys must be unique strings."""
        if key.style == "plain" and not isinstance(key.value, str):
            raise self.error(key.start, "a mapping key that is a number, a boolean or null is not supported")
        if key.style == "plain" and key.value == "<<":
            raise self.error(key.start, "merge keys (<<) are not supported")
        if key.value in node.value:
            raise self.error(key.start, "duplicate key in a mapping")
        value.key = key.value
        value.head = key.start
        node.items.append(value)
        node.value[key.value] = value.value

    def block_mapping(self, pos, key, colon):
        indent = self.column(pos)
        node = self.open(pos, {}, "map")
        while True:
            value = self.value_after(colon + 1, indent, False)
            self.add_member(node, key, value)
            pos, level = self.next_content(self.next_line(value.tail))
            if pos >= self.size or level < indent or self.is_marker(pos):
                break
            if level > indent:
                raise self.error(pos, "bad indentation: this line is deeper than the keys of its mapping (column %d)" % (indent + 1))
            key, colon = self.entry_key(pos, indent)
        return self.close(node, value.end, value.tail)

    def block_sequence(self, pos):
        indent = self.column(pos)
        node = self.open(pos, [], "seq")
        while True:
            item = self.value_after(pos + 1, indent, True)
            item.head = pos
            node.items.append(item)
            node.value.append(item.value)
            pos, level = self.next_content(self.next_line(item.tail))
            if pos >= self.size or level < indent or self.is_marker(pos):
                break
            if level > indent:
                raise self.error(pos, "bad indentation: this line is deeper than the entries of its sequence (column %d)" % (indent + 1))
            if not self.is_entry(pos):
                break  # the next key of a mapping whose sequence is not indented
        return self.close(node, item.end, item.tail)

    def value_after(self, after, parent, in_sequence):
        """The value after the ':' or '-' (ending at ``after``) of an entry of a block collection
        indented ``parent``."""
        text = self.text
        pos = self.blanks(after)
        if pos < self.size and text[pos] not in "#\r\n":
            node = self.block_node(pos, parent, in_sequence)
        else:
            line_end = self.line_end(pos)
            first, level = self.next_content(self.next_line(line_end))
            node = None
            if first < self.size and not self.is_marker(first):
                if level > parent:
                    node = self.block_node(first, parent, True)
                elif level == parent and not in_sequence and self.is_entry(first):
                    node = self.block_sequence(first)  # key:\n- item
            if node is None:
                node = _Node(after, after, None, "empty")
                node.tail = line_end
                self.empties.add(after)
        node.after = after
        return node

    def block_scalar(self, pos, parent):
        """A literal (|) or folded (>) scalar; its span runs from the indicator to its last line
        of text, its tail over the trailing empty lines that keep chomping (+) keeps."""
        text = self.text
        header = pos + 1
        chomping = indentation = None
        for dummy in range(2):
            char = text[header:header + 1]
            if char and char in "+-" and chomping is None:
                chomping = char
            elif char and char in "123456789" and indentation is None:
                indentation = int(char)
            else:
                break
            header += 1
        line_end = self.finish_line(header, "invalid block scalar header: expected a chomping indicator (+ or -), "
                                            "an indentation digit (1-9) or a comment")
        first = self.next_line(line_end)
        if indentation is not None:
            indent = max(parent, 0) + indentation  # at the top level too, as the yaml package counts
        else:
            indent = self.detect_indentation(first, parent)
        lines = []  # (empty lines before, text) of each line of text
        empty = 0
        last = trailing_end = None
        pos_line = first
        while pos_line < self.size:
            end = self.line_end(pos_line)
            spaces = _SPACES.match(text, pos_line, end).end() - pos_line
            if pos_line + spaces == end and spaces <= indent:
                empty += 1
                trailing_end = end
            elif spaces >= indent and not (indent == 0 and self.is_marker(pos_line)):
                lines.append((empty, text[pos_line + indent:end]))
                empty = 0
                last = end
                trailing_end = None
            elif text[pos_line + spaces] == "\t" and not text[pos_line:end].strip(" \t"):
                raise self.error(pos_line + spaces, "a tab character is not allowed in the indentation of a block scalar")
            else:
                break
            pos_line = self.next_line(end)
        value = self.block_text(text[pos] == "|", lines)
        if lines and chomping != "-":
            value += "\n"
        if chomping == "+":
            value += "\n" * empty
        node = _Node(pos, last if lines else header, value, "literal" if text[pos] == "|" else "folded")
        node.tail = last if lines else line_end
        if chomping == "+" and trailing_end is not None:
            node.tail = trailing_end
        return node

    def detect_indentation(self, pos, parent):
        """The indentation of a block scalar's text: that of its first non-empty line, else that
        of its longest empty line."""
        text = self.text
        deepest = 0
        while pos < self.size:
            end = self.line_end(pos)
            spaces = _SPACES.match(text, pos, end).end() - pos
            if pos + spaces < end:
                if spaces <= parent:
                    break  # the scalar has no text
                if deepest > spaces:
                    raise self.error(pos, "the empty lines that start a block scalar are indented more than its first line of text")
                return spaces
            deepest = max(deepest, spaces)
            pos = self.next_line(end)
        return max(deepest, parent + 1)

    @staticmethod
    def block_text(literal, lines):
        """The content of a block scalar from its lines, before chomping."""
        parts = []
        previous_spaced = True
        for index, (empty, line) in enumerate(lines):
            spaced = line[:1] in (" ", "\t")
            if index == 0:
                parts.append("\n" * empty)
            elif literal or spaced or previous_spaced:
                parts.append("\n" * (empty + 1))
            else:  # folding: one line break between two lines of text becomes a space
                parts.append("\n" * empty if empty else " ")
            parts.append(line)
            previous_spaced = spaced
        return "".join(parts)

    # Scalars.

    def check_plain_start(self, pos):
        text = self.text
        char = text[pos]
        flow = self.flow_level > 0
        if char in ",[]{}":
            raise self.error(pos, "a value must not start with a flow indicator (, [ ] { })")
        if char in "|>":  # block_node takes block scalars before a key or value can start
            raise self.error(pos, "a block scalar (| or >) is not allowed inside a flow collection" if flow
                             else "a mapping key must not start with '|' or '>'")
        if char == "%":
            raise self.error(pos, "a value must not start with '%' (the directive indicator)")
        if char in "@`":
            raise self.error(pos, "a value must not start with a reserved character (@ or `)")
        if char in "-?:" and (self.blank_or_end(pos + 1) or (flow and text[pos + 1] in ",[]{}")):
            if char == ":":
                raise self.error(pos, "a mapping entry without a key is not supported")
            raise self.error(pos, "unexpected '%s' followed by a space where a value starts" % char)

    def plain(self, pos, parent):
        """A plain scalar, continued on the following lines indented more than ``parent``."""
        text = self.text
        pattern = _PLAIN_FLOW if self.flow_level else _PLAIN_BLOCK
        self.check_plain_start(pos)
        end = pattern.match(text, pos).end()
        parts = [text[pos:end]]
        while self.at_break(self.blanks(end)):
            empty = 0
            line = self.next_line(end)
            while True:
                first = self.blanks(line)
                if first >= self.size or text[first] not in "\r\n":
                    break
                empty += 1
                line = self.next_line(first)
            if (first >= self.size or text[first] == "#" or _SPACES.match(text, line).end() - line <= parent
                    or self.is_marker(line)):
                break
            more = pattern.match(text, first)
            if more is None:  # e.g. ': ' or, in a flow collection, an indicator
                break
            more = more.end()
            parts.append("\n" * empty if empty else " ")
            parts.append(text[first:more])
            end = more
        return self.plain_node(pos, end, "".join(parts))

    def plain_node(self, start, end, content):
        try:
            return _Node(start, end, _resolve(content), "plain")
        except ValueError:  # Python 3.11+ limits int() to 4300 digits
            raise self.error(start, "a number with too many digits") from None

    def quoted(self, pos, parent):
        """A single- or double-quoted scalar (multi-line: its lines are folded)."""
        text = self.text
        double = text[pos] == '"'
        parts = []
        here = pos + 1
        while True:
            run = (_DOUBLE_RUN if double else _SINGLE_RUN).match(text, here)
            here = run.end()
            if here >= self.size:
                raise self.error(pos, "a quoted string is not closed")
            char = text[here]
            if char in "\r\n":
                parts.append(run.group().rstrip(" \t"))
                here = self.fold(here, parent, pos, parts, False)
                continue
            if run.group():
                parts.append(run.group())
            if char == "\\":
                here = self.escape(here, parent, pos, parts)
            elif not double and text.startswith("''", here):
                parts.append("'")
                here += 2
            else:
                break
        return _Node(pos, here + 1, "".join(parts), "double" if double else "single")

    def fold(self, pos, parent, start, parts, escaped):
        """Fold the line break at pos inside the quoted scalar that starts at ``start``; return the
        offset of the next line's first character that is not blank."""
        text = self.text
        empty = 0
        while True:
            line = self.next_line(pos)
            if self.is_marker(line):
                raise self.error(line, "a document marker inside a quoted string")
            first = self.blanks(line)
            if first >= self.size:
                raise self.error(start, "a quoted string is not closed")
            if text[first] not in "\r\n":
                break
            empty += 1
            pos = first
        if _SPACES.match(text, line).end() - line <= parent:
            raise self.error(first, "bad indentation: the lines of a quoted string must be indented more than "
                                    "their parent (column %d)" % (parent + 1))
        if escaped:  # the yaml package folds the empty lines after an escaped line break once more
            parts.append("\n" * (empty - 1) if empty > 1 else " " * empty)
        else:
            parts.append("\n" * empty if empty else " ")
        return first

    def escape(self, pos, parent, start, parts):
        """Decode the escape at pos (a backslash) of a double-quoted scalar; return the offset after it."""
        text = self.text
        char = text[pos + 1:pos + 2]
        if char in ("\r", "\n"):
            return self.fold(pos + 1, parent, start, parts, True)
        if char in _ESCAPES:
            parts.append(_ESCAPES[char])
            return pos + 2
        digits = _HEX_ESCAPES.get(char)
        found = _HEX.match(text, pos + 2, pos + 2 + digits) if digits else None
        if found is None or found.end() - found.start() != digits or int(found.group(), 16) > 0x10FFFF:
            raise self.error(pos, "invalid escape in a double-quoted string")
        code = int(found.group(), 16)
        if parts and 0xDC00 <= code <= 0xDFFF and len(parts[-1]) == 1 and "\ud800" <= parts[-1] <= "\udbff":
            # a surrogate pair written as two escapes is one character (JSON and the yaml package agree)
            parts[-1] = (parts[-1] + chr(code)).encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        else:
            parts.append(chr(code))
        return found.end()

    # Flow context.

    def flow_node(self, pos, parent):
        self.check_node_start(pos)
        char = self.text[pos]
        if char in "[{":
            return self.flow_collection(pos, parent)
        if char in "\"'":
            return self.quoted(pos, parent)
        return self.plain(pos, parent)

    def flow_gap(self, pos, parent, opening):
        """Skip blanks, line breaks and comments inside the flow collection that opens at
        ``opening``; return the offset of the next token."""
        text = self.text
        while True:
            pos = self.blanks(pos)
            if pos >= self.size:
                raise self.error(opening, "a flow collection is not closed")
            char = text[pos]
            if char == "#":
                if text[pos - 1] not in " \t\r\n":
                    raise self.error(pos, "a comment must be separated from other tokens by a space")
                pos = self.line_end(pos)
                continue
            if char not in "\r\n":
                return pos
            pos = self.next_line(pos)
            if self.is_marker(pos):
                raise self.error(pos, "a document marker inside a flow collection")
            spaces = _SPACES.match(text, pos).end() - pos
            first = self.blanks(pos)
            if first < self.size and text[first] not in "#\r\n" and spaces <= parent:
                # the closing bracket of the outermost collection may be at its parent's column
                if not (self.flow_level == 1 and text[first] in "]}" and spaces == parent):
                    raise self.error(first, "bad indentation: the lines of a flow collection must be indented more "
                                            "than their parent (column %d)" % (parent + 1))

    def flow_collection(self, pos, parent):
        text = self.text
        mapping = text[pos] == "{"
        closing = "}" if mapping else "]"
        self.flow_level += 1
        node = self.open(pos, {} if mapping else [], "flow_map" if mapping else "flow_seq")
        here = self.flow_gap(pos + 1, parent, pos)
        while text[here] != closing:
            if text[here] == ",":
                raise self.error(here, "unexpected ',' in a flow collection")
            if mapping:
                here = self.flow_pair(node, here, parent)
            else:
                item = self.flow_node(here, parent)
                here = self.flow_gap(item.end, parent, pos)
                if text[here] == ":":
                    raise self.error(here, "a mapping inside a flow sequence ([key: value]) is not supported")
                node.items.append(item)
                node.value.append(item.value)
            if text[here] == ",":
                here = self.flow_gap(here + 1, parent, pos)
            elif text[here] != closing:
                raise self.error(here, "expected ',' or '%s' in a flow collection" % closing)
        self.flow_level -= 1
        return self.close(node, here + 1, here + 1)

    def flow_pair(self, node, pos, parent):
        """Parse one 'key: value' (or 'key') of a flow mapping at pos; return the offset after it."""
        text = self.text
        self.check_node_start(pos)
        if text[pos] == ":" and (self.blank_or_end(pos + 1) or text[pos + 1] in ",[]{}"):
            raise self.error(pos, "a mapping entry without a key is not supported")
        if text[pos] in "[{":
            raise self.error(pos, "a flow collection as a mapping key is not supported")
        key = self.flow_node(pos, parent)
        here = self.flow_gap(key.end, parent, node.start)
        if text[here] == ":" and (key.style != "plain" or self.blank_or_end(here + 1) or text[here + 1] in ",[]{}"):
            after = here + 1
            here = self.flow_gap(after, parent, node.start)
            if text[here] in ",}":
                value = _Node(after, after, None, "empty")
                self.empties.add(after)
            else:
                value = self.flow_node(here, parent)
                here = self.flow_gap(value.end, parent, node.start)
            value.after = after
        else:  # 'key' alone: no ':' that a value could be written after (occurrences leaves it out)
            value = _Node(key.end, key.end, None, "empty")
        self.add_member(node, key, value)
        return here


def _parse(text):
    """(root node or None, offset of a '...' line or None, offsets of values without text)."""
    parser = _Parser(text)
    root = parser.parse()
    return root, parser.document_end, parser.empties


# Writing new text.

_Layout = namedtuple("_Layout", "unit same_indent offset newline")
_DEFAULT_LAYOUT = _Layout("  ", False, 2, "\n")


def _quote(text):
    """A string as a double-quoted scalar: JSON's escapes, which YAML shares, and a few more."""
    return _ESCAPE_IN_QUOTES.sub(lambda found: "\\u%04x" % ord(found.group()), json.dumps(text, ensure_ascii=False))


def _float_text(value):
    """A float that YAML 1.1 and 1.2 readers both take for one (with a '.' and a signed exponent)."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    mantissa, mark, exponent = repr(value).partition("e")
    return mantissa + ("" if "." in mantissa else ".0") + mark + exponent


def _scalar_text(value):
    """One token of YAML for a scalar or an empty collection."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, dict) and not value:
        return "{}"
    if isinstance(value, (list, tuple)) and not value:
        return "[]"
    raise TypeError("cannot write a %s to YAML" % type(value).__name__)


def _key_text(key):
    if not isinstance(key, str):
        raise TypeError("mapping keys must be strings, got %r" % (key,))
    return key if _PLAIN_KEY.match(key) and key not in _YAML11_WORDS else _quote(key)


def _is_block(value):
    """Whether value is written in block style: a mapping or a sequence that is not empty."""
    return isinstance(value, (dict, list, tuple)) and len(value) > 0


def _block_lines(value, indent, layout):
    """The lines (without line breaks) of a non-empty mapping or sequence, block style, at indent."""
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            head = indent + _key_text(key) + ":"
            if not _is_block(item):
                lines.append(head + " " + _scalar_text(item))
                continue
            lines.append(head)
            nested = isinstance(item, (list, tuple)) and layout.same_indent
            lines.extend(_block_lines(item, indent if nested else indent + layout.unit, layout))
        return lines
    for item in value:
        if not _is_block(item):
            lines.append(indent + "- " + _scalar_text(item))
            continue
        inner = _block_lines(item, indent + " " * layout.offset, layout)
        inner[0] = indent + "-" + inner[0][len(indent) + 1:]  # '- ' and the first entry on one line
        lines.extend(inner)
    return lines


def _check_new_depth(levels, value):
    if levels + _depth(value) > MAX_DEPTH:
        raise ValueError("the new value would nest deeper than %d levels" % MAX_DEPTH)


def render(value, newline="\n"):
    """Text of a new file holding value (a mapping) in block style; "" for an empty mapping."""
    if not isinstance(value, dict):
        raise TypeError("a YAML config file holds a mapping, got %s" % type(value).__name__)
    if not value:
        return ""
    _check_new_depth(0, value)
    text = newline.join(_block_lines(value, "", _DEFAULT_LAYOUT._replace(newline=newline))) + newline
    root = _parse(text)[0]
    if not _same_data(root.value, value):
        raise ValueError("the rendered text does not hold the value (an internal error)")
    return text


def _same_data(left, right):
    """Equal data with equal types (1 is not 1.0 nor true); NaN equals NaN; key order is ignored."""
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


# The named-list view.

def _raw_item_name(item, name_key):
    name = item.get(name_key) if isinstance(item, dict) else None
    return name if isinstance(name, str) else None


def _item_name(node, name_key):
    """The name of a named-list item node (a mapping with a string name member), else None."""
    if node.style not in _MAPPINGS:
        return None
    for member in node.items:
        if member.key == name_key:
            return member.value if isinstance(member.value, str) else None
    return None


def _named_view(items, name_key):
    """A named list as a mapping from name to item without its name (the last item of a name wins)."""
    view = {}
    for item in items or ():
        name = _raw_item_name(item, name_key)
        if name is not None:
            view[name] = dict((key, value) for key, value in item.items() if key != name_key)
    return view


def _type_name(value):
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    return "null" if value is None else "a number"


class Document:
    """A YAML document that can be edited while keeping every other byte of its text.

    ``named_lists`` maps paths (tuples of keys) of lists of named items to the key that holds an
    item's name; see the module's description. Paths are tuples of mapping keys (and names,
    below a named list).
    """

    def __init__(self, text, named_lists=None):
        self._named = dict((tuple(path), name) for path, name in (named_lists or {}).items())
        self._text = text
        self._root, self._document_end, self._empties = _parse(text)

    @property
    def text(self):
        """The full current text, edits included."""
        return self._text

    @property
    def value(self):
        """The data of the whole document as the file holds it (named lists are lists), None when
        the document is empty."""
        return _copy(self._root.value) if self._root is not None else None

    @property
    def newline(self):
        """The newline style of the file ("\\r\\n" or "\\n"), decided by its first line break."""
        pos = self._text.find("\n")
        return "\r\n" if pos > 0 and self._text[pos - 1] == "\r" else "\n"

    # Reading.

    def _column(self, pos):
        return pos - _line_start(self._text, pos)

    def _type_error(self, keys, node, expected):
        where = "the value at %s" % _path_text(keys) if keys else "the document root"
        return _error(self._text, node.start, "%s is %s, not %s" % (where, _type_name(node.value), expected), YamlTypeError)

    def _hidden_name(self, keys):
        """The name key that the view hides in the mapping at keys (an item of a named list), or None."""
        return self._named.get(keys[:-1]) if keys else None

    def _chain(self, keys):
        """Nodes from the root along keys, as far as the keys exist (through the named-list view)."""
        chain = [self._root]
        for depth, key in enumerate(keys):
            node = chain[-1]
            here = keys[:depth]
            name_key = self._named.get(here)
            if name_key is not None:
                if node.items is None and node.value is None:
                    break  # a null list: no items yet
                if node.style not in _SEQUENCES:
                    raise self._type_error(here, node, "a list")
                found = [item for item in node.items if _item_name(item, name_key) == key]
            else:
                if node.style not in _MAPPINGS:
                    raise self._type_error(here, node, "a mapping")
                hidden = self._hidden_name(here)
                found = [item for item in node.items if item.key == key and key != hidden]
            if not found:
                break
            chain.append(found[-1])
        return chain

    def _check_named_types(self, keys, node):
        """Fail with the position of a named list at or below keys that holds a mapping or a scalar."""
        for path in self._named:
            if path[:len(keys)] != keys:
                continue
            found = node
            for key in path[len(keys):]:
                found = next((item for item in found.items if item.key == key), None) if found.style in _MAPPINGS else None
                if found is None:
                    break
            if found is not None and found.style not in _SEQUENCES and found.value is not None:
                raise self._type_error(path, found, "a list")

    def _named_below(self, keys, holder):
        """(path, name key, container, index) of each named list at or below keys that the data
        holder[0] (the data at keys) holds."""
        for path, name_key in self._named.items():
            if path[:len(keys)] != keys:
                continue
            parent, index = holder, 0
            for key in path[len(keys):]:
                if not isinstance(parent[index], dict) or key not in parent[index]:
                    break
                parent, index = parent[index], key
            else:
                yield path, name_key, parent, index

    def _view(self, keys, value):
        """A copy of value (the data at keys) with each named list at or below keys shown as a mapping."""
        holder = [_copy(value)]
        for dummy, name_key, parent, index in self._named_below(keys, holder):
            if isinstance(parent[index], list) or parent[index] is None:
                parent[index] = _named_view(parent[index], name_key)
        hidden = self._hidden_name(keys)
        if hidden is not None and isinstance(holder[0], dict):  # an item of a named list
            holder[0].pop(hidden, None)
        return holder[0]

    def _find(self, path):
        """(keys, node at keys or None when it is missing)."""
        keys = _check_path(path)
        if self._root is None:
            return keys, None
        chain = self._chain(keys)
        return keys, (chain[-1] if len(chain) > len(keys) else None)

    def get(self, path):
        """The value (a copy, named lists as mappings) at path; KeyError if a key is missing."""
        keys, node = self._find(path)
        if node is None:
            if self._root is None and not keys:
                return None
            raise KeyError(keys)
        self._check_named_types(keys, node)
        return self._view(keys, node.value)

    def limit_depth(self, path, levels):
        """Fail if the value at path nests more than ``levels`` mappings and lists (itself
        included); the error names the first collection too deep. A missing path passes."""
        keys, node = self._find(path)
        stack = [(node, 1)] if node is not None else []
        while stack:
            node, level = stack.pop()
            if node.items is None:
                continue
            if level > levels:
                where = "the value at %s" % _path_text(keys) if keys else "the document"
                raise _error(self._text, node.start, "%s nests deeper than %d levels" % (where, levels), YamlError)
            stack.extend((item, level + 1) for item in reversed(node.items))

    def occurrences(self, path):
        """Every value at path, in text order; a key of None matches any key (or name).

        Returns a list of (keys, (start, end), value): the actual keys, the span of the value's
        text (one whole token for a scalar) and a copy of its data. Duplicate names give one
        entry per item. A value that is not a mapping ends its branch (no type error).
        """
        keys = tuple(path) if isinstance(path, (tuple, list)) else None
        if keys is None or not all(key is None or isinstance(key, str) for key in keys):
            raise TypeError("a path is a tuple of string keys (or None for any key), got %r" % (path,))
        level = [((), self._root)] if self._root is not None else []
        for key in keys:
            found = []
            for here, node in level:
                name_key = self._named.get(here)
                if name_key is not None:
                    names = [(_item_name(item, name_key), item) for item in (node.items or ()) if node.style in _SEQUENCES]
                    found.extend((here + (name,), item) for name, item in names if name is not None and key in (None, name))
                elif node.style in _MAPPINGS:
                    hidden = self._hidden_name(here)
                    found.extend((here + (item.key,), item) for item in node.items
                                 if key in (None, item.key) and item.key != hidden and not (item.style == "empty" and item.after is None))
            level = found
        return sorted(((here, (node.start, node.end), self._view(here, node.value)) for here, node in level),
                      key=lambda occurrence: occurrence[1])

    # Editing.

    def replace_spans(self, edits):
        """Replace the text of (start, end, replacement) spans, which must not overlap.

        A replacement put in the empty span of a value without text is separated from its ':' or
        '-' by a space. The result is parsed again: a replacement that breaks the file raises
        YamlError and leaves the document as it was.
        """
        edits = checked_spans(edits, len(self._text))
        spaced = [(start, end, " " + replacement if start == end and start in self._empties and replacement else replacement)
                  for start, end, replacement in edits]
        if spaced:
            self._commit(spaced)

    def _commit(self, edits, expected=None):
        """Splice the (start, end, text) edits into the text and parse it; with ``expected`` (the
        data the edit must give, see _expected) the new data must equal it."""
        pieces = []
        done = 0
        for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1])):
            pieces.append(self._text[done:start])
            pieces.append(replacement)
            done = end
        pieces.append(self._text[done:])
        text = "".join(pieces)
        parsed = _parse(text)
        if expected is not None and not _same_data(self._data_check(parsed[0]), expected):
            raise _error(self._text, min(edit[0] for edit in edits),
                         "the edited text would not hold the data asked for (an internal error): the file is left unchanged", YamlError)
        self._text = text
        self._root, self._document_end, self._empties = parsed

    def _data_check(self, root):
        """What an edit is checked on: the data in the view, and the items of named lists that the
        view leaves out."""
        if root is None:
            return [None, {}]
        hidden = {}
        for path, name_key in self._named.items():
            items = root.value
            for key in path:
                items = items.get(key) if isinstance(items, dict) else None
            if isinstance(items, list) and any(_raw_item_name(item, name_key) is None for item in items):
                hidden[json.dumps(path)] = [item for item in items if _raw_item_name(item, name_key) is None]
        return [self._view((), root.value), hidden]

    def _expected(self, keys, value=None, delete=False):
        """The data check after setting value at keys (or deleting keys), from the current data."""
        view, hidden = self._data_check(self._root)
        holder = [view]
        parent, index = holder, 0
        for key in keys:
            if not isinstance(parent[index], dict):
                parent[index] = {}
            parent, index = parent[index], key
            parent.setdefault(key, None)
        if delete:
            parent.pop(index, None)
        else:
            parent[index] = _copy(value)
        kept = dict((path, items) for path, items in hidden.items() if tuple(json.loads(path))[:len(keys)] != keys)
        return [holder[0], kept]

    def _layout(self, sequence=None):
        """How new text is laid out, as the file does it: the indentation unit (that of the first
        mapping nested in a mapping, else of the first list under a key), whether lists under a key
        are indented, and how far an item's first key is from its '-'. The block ``sequence`` that
        new items go into decides the last two by its own layout."""
        pairs = []  # (collection, entry) for block collections in block collections, breadth first
        queue = deque([self._root] if self._root is not None else [])
        while queue:
            node = queue.popleft()
            for item in node.items or ():
                queue.append(item)
                if node.style in ("map", "seq") and item.style in ("map", "seq"):
                    pairs.append((node, item))
        if sequence is not None:
            pairs = [(node, item) for node, item in pairs if item is sequence or node is sequence] + pairs
        unit = list_unit = same_indent = offset = None
        for node, item in pairs:
            shift = self._column(item.start) - self._column(item.head)
            if node.style == "seq":
                compact = _line_start(self._text, item.start) == _line_start(self._text, item.head)
                if item.style == "map" and compact and offset is None:
                    offset = shift
            elif item.style == "map":
                unit = unit or shift
            elif same_indent is None:
                same_indent = shift == 0
                list_unit = shift or None
        return _Layout(" " * (unit or list_unit or 2), bool(same_indent), max(offset or 2, 2), self.newline)

    def _named_sequence(self, keys, chain):
        """(path, node) of the named list that keys go through (or end at), if it is in chain."""
        for path in self._named:
            if keys[:len(path)] == path and len(chain) > len(path):
                return path, chain[len(path)]
        return None, None

    def _check_block(self, keys, chain):
        """Edits of a named list need the list in block style (an empty [] is one token)."""
        path, sequence = self._named_sequence(keys, chain)
        if sequence is not None and sequence.style in _FLOW and sequence.items:
            raise _error(self._text, sequence.start, "the list at %s is in flow style ([...]): edits of it need block style"
                         % _path_text(path), YamlError)

    def _check_editable(self, parent):
        if parent.style in _FLOW and parent.items:
            raise _error(self._text, parent.start, "editing inside a flow collection ([...] or {...}) is not supported", YamlError)

    def _as_item(self, keys, data):
        """data (the value at keys) with its name first when keys is an item of a named list."""
        name_key = self._hidden_name(keys)
        if name_key is None:
            return data
        if not isinstance(data, dict):
            raise ValueError("an item of the named list at %s must be a mapping" % _path_text(keys[:-1]))
        if name_key in data:
            raise ValueError("an item of the named list at %s has its %s as its key" % (_path_text(keys[:-1]), name_key))
        return dict([(name_key, keys[-1])] + list(data.items()))

    def _to_raw(self, keys, value):
        """value (view form, at keys) as the file holds it: named lists as lists of items."""
        holder = [_copy(value)]
        for path, dummy, parent, index in self._named_below(keys, holder):
            view = parent[index]
            if not isinstance(view, dict):
                raise ValueError("the value of the named list at %s must be a mapping from names to items" % _path_text(path))
            parent[index] = [self._as_item(path + (name,), item) for name, item in view.items()]
        return self._as_item(keys, holder[0])

    def _raw_value(self, keys, value, stop):
        """The data at keys[:stop] when value (view form) is set at keys and nothing from keys[stop]
        on exists yet."""
        data = self._to_raw(keys, value)
        for index in range(len(keys) - 1, stop - 1, -1):
            data = [data] if keys[:index] in self._named else {keys[index]: data}
            data = self._as_item(keys[:index], data)
        return data

    def set(self, path, value):
        """Set the value at path, creating missing mappings (and named lists) on the way; True if
        the text changed."""
        keys = _check_path(path)
        if keys and keys[-1] == self._hidden_name(keys[:-1]):
            raise ValueError("the %s of an item of the named list at %s is its key in the view" % (keys[-1], _path_text(keys[:-2])))
        if self._root is None:
            data = self._raw_value(keys, value, 0)
            _check_new_depth(0, data)
            self._commit(self._create(data), self._expected(keys, value))
            return True
        chain = self._chain(keys)
        if len(chain) > len(keys) and json_equal(self._view(keys, chain[-1].value), value):
            return False
        self._check_block(keys, chain)
        if len(chain) > len(keys):
            data = self._to_raw(keys, value)
            _check_new_depth(len(keys), data)
            edits = self._replace(chain, data, self._layout(self._named_sequence(keys, chain)[1]))
        else:
            start = len(chain) - 1
            data = self._raw_value(keys, value, start + 1)
            _check_new_depth(start + 1, data)
            edits = self._add(chain, keys[:start + 1], data)
        self._commit(edits, self._expected(keys, value))
        return True

    def _create(self, data):
        """Edits that write data into a document without a value (empty, or comments only)."""
        text = self._text
        start = 1 if text.startswith(_BOM) else 0
        end = self._document_end if self._document_end is not None else len(text)
        newline = self.newline
        new = (newline.join(_block_lines(data, "", self._layout())) if _is_block(data) else _scalar_text(data)) + newline
        if not text[start:end].strip(" \t\r\n"):
            return [(start, end, new)]
        return [(end, end, new if text[start:end].endswith("\n") else newline + new)]

    def _replace(self, chain, data, layout):
        """Edits that make the value of the node at the end of chain hold data."""
        node = chain[-1]
        newline = layout.newline
        if len(chain) == 1:  # the root
            if not _is_block(data):
                return [(node.start, node.end, _scalar_text(data))]
            column = self._column(node.start)
            return [(node.start, node.end, newline.join(_block_lines(data, " " * column, layout))[column:])]
        parent = chain[-2]
        self._check_editable(parent)
        if parent.style == "seq":  # an item: its first line follows its '-'
            if not _is_block(data):
                return [(node.after, node.tail, " " + _scalar_text(data))]
            lines = _block_lines([data], " " * self._column(node.head), layout)
            return [(node.after, node.tail, lines[0][self._column(node.head) + 1:] + "".join(newline + line for line in lines[1:]))]
        key_line_end = _line_end(self._text, node.after)
        inline = node.style != "empty" and node.start < key_line_end
        if not _is_block(data):
            new = _scalar_text(data)
            if node.style == "empty":
                return [(node.after, node.after, " " + new)]
            if inline:
                return [(node.start, node.end, new)]
            return [(node.after, node.after, " " + new), (key_line_end, node.tail, "")]
        indent = " " * self._column(node.head)
        nested = indent if isinstance(data, (list, tuple)) and layout.same_indent else indent + layout.unit
        block = "".join(newline + line for line in _block_lines(data, nested, layout))
        if node.style == "empty":
            return [(key_line_end, key_line_end, block)]
        if inline and node.end <= key_line_end:
            return [(node.after, node.end, ""), (key_line_end, key_line_end, block)]
        if inline:
            return [(node.after, node.tail, block)]
        return [(key_line_end, node.tail, block)]

    def _add(self, chain, keys, data):
        """Edits that add keys[-1], holding data, to the node at the end of chain (at keys[:-1])."""
        parent = chain[-1]
        here = keys[:-1]
        empty_list = here in self._named and (parent.value is None or parent.value == [])
        if empty_list or (parent.style == "flow_map" and not parent.items):
            container = [data] if empty_list else {keys[-1]: data}
            return self._replace(chain, container, self._layout())
        self._check_editable(parent)
        layout = self._layout(parent if parent.style == "seq" else None)
        last = parent.items[-1]
        indent = " " * self._column(last.head)
        lines = _block_lines([data] if parent.style == "seq" else {keys[-1]: data}, indent, layout)
        return [(last.tail, last.tail, "".join(layout.newline + line for line in lines))]

    def delete(self, path):
        """Remove the member at path (every item of a name, in a named list); True if removed."""
        keys = _check_path(path)
        if not keys:
            raise ValueError("cannot delete the document root")
        if self._root is None:
            return False
        chain = self._chain(keys)
        if len(chain) <= len(keys):
            return False
        self._check_block(keys, chain)
        parent = chain[-2]
        self._check_editable(parent)
        name_key = self._named.get(keys[:-1])
        if name_key is not None:
            doomed = [index for index, item in enumerate(parent.items) if _item_name(item, name_key) == keys[-1]]
        else:
            doomed = [parent.items.index(chain[-1])]
        edits = _merge([self._removal(parent, index) for index in doomed])
        if len(doomed) == len(parent.items):
            edits = self._emptied(parent, edits)
        self._commit(edits, self._expected(keys, delete=True))
        return True

    def _emptied(self, node, removals):
        """The edits that remove every entry of the block collection node: the entries' lines go,
        and the collection is written as an empty one ([] or {}) after its key (or its '-'). The
        comments between the entries stay."""
        text = self._text
        token = "{}" if node.style == "map" else "[]"
        first = node.items[0]
        if text[_line_start(text, first.head):first.head].strip(" "):  # '- key: value' alone
            return [(first.head, node.end, token)]
        if node.after is not None:
            return removals + [(node.after, node.after, " " + token)]
        # the document root: the token takes the place of the first entry
        start, end, dummy = removals[0]
        new = self.newline + token if text[start] in "\r\n" else token + self.newline
        return [(start, end, new)] + removals[1:]

    def _removal(self, parent, index):
        """The (start, end, "") edit that removes entry index of a block collection with its lines."""
        text = self._text
        item = parent.items[index]
        line = _line_start(text, item.head)
        if text[line:item.head].strip(" "):
            # the first entry of a collection that starts after '- ': the next entry takes its place
            following = parent.items[index + 1] if index + 1 < len(parent.items) else parent
            return (item.head, following.head if following is not parent else parent.end, "")
        end = _line_end(self._text, item.tail)
        if end < len(text):
            return (line, end + (2 if text.startswith("\r\n", end) else 1), "")
        # the last line of a file without a final line break: the break before it goes instead
        return (line - (2 if text[:line].endswith("\r\n") else 1), end, "")

    def append(self, path, value):
        """Companion lists are a JSON clients' feature."""
        raise NotImplementedError("YAML documents have no companion lists")

    def remove_value(self, path, value):
        """Companion lists are a JSON clients' feature."""
        raise NotImplementedError("YAML documents have no companion lists")


def _merge(edits):
    """Deletions (start, end, "") in any order, overlapping ones merged."""
    merged = []
    for start, end, dummy in sorted(edits):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), "")
        else:
            merged.append((start, end, ""))
    return merged
