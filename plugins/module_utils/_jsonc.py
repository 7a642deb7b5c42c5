# -*- coding: utf-8 -*-
# Copyright: Contributors to the mcpfleet.mcp collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Lossless parser and editor for JSON, JSONC and "JSON with comments" config files.

A ``Document`` parses the text once into a tree of spans (offsets into the text). Every edit is
a few splices of the original text, so each byte outside the edited member stays as it was:
comments, blank lines, key order, indentation, BOM and newline style. After an edit the new text
is parsed again, which also proves that the edit produced a valid file in the same grammar.

Duplicate keys: reading follows JSON.parse (the last occurrence wins, in the position of the
first); ``set`` replaces the value of the last occurrence, ``delete`` removes every occurrence so
that the key is really gone from the data.

Lines are counted by LF (a CRLF counts once); columns count characters, 1-based, and a leading
BOM does not count.
"""

import copy
import json
import re
from json.decoder import scanstring

GRAMMARS = ("json", "jsonc", "json_comments")

_BOM = "\ufeff"

# One significant token after optional whitespace. Groups: 1 punctuation, 2 string start,
# 3 word (number or literal, validated later), 4 comment start, 5 any other character.
# No group matches at the end of the text.
_TOKEN = re.compile(r'[ \t\r\n]*(?:([{}\[\]:,])|(")|([-+.\w]+)|(//[^\r\n]*|/\*)|(.)|\Z)', re.S)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?\Z")
_LITERALS = {"true": True, "false": False, "null": None}
_COMMENT = re.compile(r"//[^\r\n]*|/\*.*?\*/", re.S)
_BLANKS = re.compile(r"[ \t]*")
_WHITESPACE = re.compile(r"[ \t\r\n]*")
# Comments that end on the line where they start, with the blanks before them.
_SAME_LINE_COMMENTS = re.compile(r"(?:[ \t]*/\*[^\r\n]*?\*/)*(?:[ \t]*//[^\r\n]*)?")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# Parser states: what the next significant token must be.
_VALUE, _KEY, _COLON, _AFTER = range(4)


class JsoncError(ValueError):
    """A parse or edit error at a position of the text (line and column are 1-based)."""

    def __init__(self, message, line, column):
        super().__init__("line %d, column %d: %s" % (line, column, message))
        self.message = message
        self.line = line
        self.column = column


class JsoncTypeError(JsoncError):
    """A path goes through, or ends at, a value of the wrong type (e.g. ``"servers": []``)."""


def _error(text, pos, message, cls=JsoncError):
    line_start = text.rfind("\n", 0, pos) + 1
    column = pos - line_start + 1
    if line_start == 0 and text.startswith(_BOM):
        column = max(column - 1, 1)
    return cls(message, text.count("\n", 0, pos) + 1, column)


class _Node:
    """A parsed value: its text span [start, end), its python value and, for a container, its items."""

    __slots__ = ("start", "end", "value", "items")

    def __init__(self, start, end, value, items=None):
        self.start = start
        self.end = end
        self.value = value
        self.items = items


class _Item:
    """A member of an object (``key`` set) or an element of an array (``key`` None).

    ``start`` is where the key (or the element) starts; ``comma`` the offset of the comma that
    follows it, -1 if none.
    """

    __slots__ = ("key", "start", "node", "comma")

    def __init__(self, key, start, node):
        self.key = key
        self.start = start
        self.node = node
        self.comma = -1


def _string(text, start):
    """Decode the string token whose opening quote is at start; return (value, end)."""
    try:
        return scanstring(text, start + 1, True)
    except ValueError as exc:
        pos = getattr(exc, "pos", start)
        reason = getattr(exc, "msg", "")
        if reason.startswith("Unterminated") or (reason.startswith("Invalid control") and text[pos] in "\r\n"):
            raise _error(text, start, "unterminated string") from None
        if reason.startswith("Invalid control"):
            raise _error(text, pos, "control character in string") from None
        raise _error(text, max(text.rfind("\\", start, pos + 1), start), "invalid escape") from None


def _word(text, start, end):
    """Value of a bare word: true, false, null or a number in JSON syntax."""
    word = text[start:end]
    if word in _LITERALS:
        return _LITERALS[word]
    match = _NUMBER.match(word)
    if match is None:
        kind = "number" if word[0] in "-+.0123456789" else "literal"
        shown = word if len(word) <= 30 else word[:27] + "..."
        raise _error(text, start, "invalid %s '%s'" % (kind, shown))
    if match.group(1) or match.group(2):
        return float(word)
    try:
        return int(word)
    except ValueError:  # Python 3.11+ limits int() to 4300 digits
        raise _error(text, start, "number has too many digits") from None


def _expected(state, top):
    if state == _KEY:
        return "expected a property name in double quotes"
    if state == _COLON:
        return "expected ':' after property name"
    if state == _VALUE:
        return "expected a value"
    if top is None:
        return "only one top-level value is allowed"
    if isinstance(top.value, dict):
        return "expected ',' or '}' after object member"
    return "expected ',' or ']' after array element"


def _parse(text, grammar):
    """Parse text; return the root _Node or None for an empty document.

    A loop with an explicit stack, so nesting depth is not limited by Python's recursion limit.
    """
    allow_comments = grammar != "json"
    allow_trailing_comma = grammar == "jsonc"
    match = _TOKEN.match
    pos = 1 if text.startswith(_BOM) else 0
    root = None
    stack = []
    state = _VALUE
    key = key_start = None
    previous = previous_start = None  # the last punctuation character and its offset
    while True:
        found = match(text, pos)
        kind = found.lastindex
        top = stack[-1] if stack else None
        if kind is None:
            if stack or (root is not None and state != _AFTER):
                raise _error(text, len(text), "unexpected end of file: " + _expected(state, top))
            return root
        start = found.start(kind)
        pos = found.end()
        if kind == 4:
            if not allow_comments:
                raise _error(text, start, "comments are not allowed in strict JSON")
            if text[start + 1] == "*":
                pos = text.find("*/", start + 2) + 2
                if pos < 2:
                    raise _error(text, start, "unterminated comment")
            continue
        if kind == 5:
            raise _error(text, start, "unexpected character %r" % text[start])
        char = text[start] if kind == 1 else None
        if kind == 2 and state == _KEY:
            key, pos = _string(text, start)
            key_start = start
            state = _COLON
        elif state == _VALUE and char not in ("]", "}", ":", ","):
            if kind == 2:
                value, pos = _string(text, start)
                node = _Node(start, pos, value)
            elif kind == 3:
                node = _Node(start, pos, _word(text, start, pos))
            else:
                node = _Node(start, -1, {} if char == "{" else [], [])
            if top is None:
                root = node
            elif isinstance(top.value, dict):
                top.items.append(_Item(key, key_start, node))
                top.value[key] = node.value
            else:
                top.items.append(_Item(None, start, node))
                top.value.append(node.value)
            if node.items is None:
                state = _AFTER
            else:
                stack.append(node)
                state = _KEY if char == "{" else _VALUE
        elif char in ("}", "]") and top is not None and (char == "}") == isinstance(top.value, dict):
            if previous == "," and state != _AFTER:
                if not allow_trailing_comma:
                    raise _error(text, previous_start, "trailing comma is not allowed in this file's grammar")
            elif state != _AFTER and previous not in ("{", "["):
                raise _error(text, start, _expected(state, top))
            top.end = pos
            stack.pop()
            state = _AFTER
        elif char == ":" and state == _COLON:
            state = _VALUE
        elif char == "," and state == _AFTER and top is not None:
            top.items[-1].comma = start
            state = _KEY if isinstance(top.value, dict) else _VALUE
        else:
            raise _error(text, start, _expected(state, top))
        previous, previous_start = char, start


def _dump(value, indent=None, unit="  ", newline="\n"):
    """JSON text of value: one line when indent is None, else multi-line starting at indent."""
    if indent is None:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
    else:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=unit, separators=(",", ": "))
        text = text.replace("\n", newline + indent)
    # A lone surrogate (valid in JSON as an escape) cannot be encoded to UTF-8: keep it escaped.
    return _LONE_SURROGATE.sub(lambda match: "\\u%04x" % ord(match.group()), text)


def render(value, indent="  ", newline="\n"):
    """Text of a new file holding value, ending with a newline."""
    return _dump(value, "", indent, newline) + newline


def json_equal(left, right):
    """Compare two values as JSON data: true is not 1, 1 equals 1.0, object key order is ignored."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, (int, float)):
        return isinstance(right, (int, float)) and left == right
    if isinstance(left, dict):
        return (isinstance(right, dict) and len(left) == len(right)
                and all(key in right and json_equal(item, right[key]) for key, item in left.items()))
    if isinstance(left, (list, tuple)):
        return (isinstance(right, (list, tuple)) and len(left) == len(right)
                and all(json_equal(a, b) for a, b in zip(left, right)))
    if isinstance(left, str):
        return isinstance(right, str) and left == right
    return left is None and right is None


def _type_name(value):
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def _path_text(keys):
    if all(key and "." not in key for key in keys):
        return ".".join(keys)
    return json.dumps(list(keys), ensure_ascii=False)


def _check_path(path):
    if not isinstance(path, (tuple, list)) or not all(isinstance(key, str) for key in path):
        raise TypeError("a path is a tuple of string keys, got %r" % (path,))
    return tuple(path)


def _nest(keys, value):
    for key in reversed(keys):
        value = {key: value}
    return value


def _line_start(text, pos):
    start = text.rfind("\n", 0, pos) + 1
    return 1 if start == 0 and text.startswith(_BOM) else start


def _line_indent(text, pos):
    start = _line_start(text, pos)
    return text[start:_BLANKS.match(text, start).end()]


def _starts_line(text, pos):
    return _BLANKS.match(text, _line_start(text, pos)).end() >= pos


def _is_whitespace(text, start, end):
    return _WHITESPACE.match(text, start, end).end() == end


def _newline_at(text, pos):
    """Length of the newline at pos (0 if there is none)."""
    if text.startswith("\r\n", pos):
        return 2
    return 1 if text.startswith("\n", pos) else 0


class Document:
    """A JSON/JSONC document that can be edited while keeping every other byte of its text.

    ``indent`` overrides the indentation unit used for new text (detected from the file, else
    two spaces). Paths are tuples of object keys.
    """

    def __init__(self, text, grammar="jsonc", indent=None):
        if grammar not in GRAMMARS:
            raise ValueError("unknown grammar %r, expected one of %s" % (grammar, ", ".join(GRAMMARS)))
        self.grammar = grammar
        self._indent = " " * indent if isinstance(indent, int) else indent
        self._text = text
        self._root = _parse(text, grammar)

    @property
    def text(self):
        """The full current text, edits included."""
        return self._text

    @property
    def value(self):
        """The data of the whole document (a copy), None when the document is empty."""
        return copy.deepcopy(self._root.value) if self._root is not None else None

    @property
    def newline(self):
        """The newline style of the file ("\\r\\n" or "\\n"), decided by its first line break."""
        pos = self._text.find("\n")
        return "\r\n" if pos > 0 and self._text[pos - 1] == "\r" else "\n"

    @property
    def indent(self):
        """The indentation unit for new text: the override, else the file's own, else two spaces.

        The file's unit is the extra indentation of the first item (breadth first) that starts its
        own line, relative to the line of its container.
        """
        if self._indent is not None:
            return self._indent
        text = self._text
        queue = [self._root] if self._root is not None and self._root.items else []
        for node in queue:  # grows while iterating: a breadth-first walk
            outer = _line_indent(text, node.start)
            for item in node.items:
                if _starts_line(text, item.start):
                    inner = _line_indent(text, item.start)
                    if len(inner) > len(outer) and inner.startswith(outer):
                        return inner[len(outer):]
                if item.node.items:
                    queue.append(item.node)
        return "  "

    def _splice(self, edits):
        """Apply (start, end, replacement) edits given in text order, then parse the result."""
        pieces = []
        done = 0
        for start, end, replacement in sorted(edits, key=lambda edit: edit[0]):
            pieces.append(self._text[done:start])
            pieces.append(replacement)
            done = end
        pieces.append(self._text[done:])
        text = "".join(pieces)
        self._root = _parse(text, self.grammar)
        self._text = text

    def _type_error(self, keys, node, expected):
        where = "the value at %s" % _path_text(keys) if keys else "the document root"
        message = "%s is %s, not %s" % (where, _type_name(node.value), expected)
        return _error(self._text, node.start, message, JsoncTypeError)

    def _chain(self, keys):
        """Nodes from the root along keys, as far as the keys exist (last occurrence of a duplicate)."""
        chain = [self._root]
        for depth, key in enumerate(keys):
            node = chain[-1]
            if not isinstance(node.value, dict):
                raise self._type_error(keys[:depth], node, "an object")
            for item in reversed(node.items):
                if item.key == key:
                    chain.append(item.node)
                    break
            else:
                break
        return chain

    def _one_line(self, chain):
        """Whether new text at the end of chain goes on one line.

        A container whose items are all on one line stays on one line; an empty container
        follows its parent's style (the root's parent counts as multi-line).
        """
        one_line = False
        for node in chain:
            if node.items is not None:
                flat = self._text.find("\n", node.start, node.end) < 0
                one_line = flat and (bool(node.items) or one_line)
        return one_line

    def _find(self, path):
        """(keys, chain) for path; chain is None when the document is empty."""
        keys = _check_path(path)
        return keys, (self._chain(keys) if self._root is not None else None)

    def get(self, path):
        """The value (a copy) at path; KeyError if a key is missing."""
        keys, chain = self._find(path)
        if chain is None:
            if keys:
                raise KeyError(keys[:1])
            return None
        if len(chain) <= len(keys):
            raise KeyError(keys[:len(chain)])
        return copy.deepcopy(chain[-1].value)

    def span(self, path):
        """(start, end) offsets of the value's text at path; KeyError if a key is missing."""
        keys, chain = self._find(path)
        if chain is None or len(chain) <= len(keys):
            raise KeyError(keys)
        return chain[-1].start, chain[-1].end

    def member_span(self, path):
        """(start, end) offsets of the member at path, from its key to the end of its value."""
        keys, chain = self._find(path)
        if not keys or chain is None or len(chain) <= len(keys):
            raise KeyError(keys)
        item = [item for item in chain[-2].items if item.node is chain[-1]][0]
        return item.start, item.node.end

    def set(self, path, value):
        """Set the value at path, creating missing objects on the way; True if the text changed."""
        keys, chain = self._find(path)
        if chain is None:
            self._set_empty(_nest(keys, value))
            return True
        node = chain[-1]
        if len(chain) > len(keys):
            if json_equal(node.value, value):
                return False
            indent = None if self._one_line(chain) else _line_indent(self._text, node.start)
            self._splice([(node.start, node.end, _dump(value, indent, self.indent, self.newline))])
            return True
        key = keys[len(chain) - 1]
        self._insert(chain, json.dumps(key, ensure_ascii=False) + ": ", _nest(keys[len(chain):], value))
        return True

    def _set_empty(self, value):
        text = self._text
        body = text[1:] if text.startswith(_BOM) else text
        new = render(value, self.indent, self.newline)
        if not body.strip(" \t\r\n"):
            self._splice([(len(text) - len(body), len(text), new)])
        else:  # only comments: keep them above the new value
            self._splice([(len(text), len(text), new if body.endswith("\n") else self.newline + new)])

    def _insert(self, chain, prefix, value):
        """Add prefix + value as the last item of the container at the end of chain."""
        text = self._text
        node = chain[-1]
        newline = self.newline
        edits = []
        trailing = ""
        if node.items:
            last = node.items[-1]
            if last.comma >= 0:  # a trailing comma: the new item gets one too
                trailing = ","
                pos = last.comma + 1
            else:
                edits.append((last.node.end, last.node.end, ","))
                pos = last.node.end
            # Keep comments that end the last item's line on that line.
            pos = _SAME_LINE_COMMENTS.match(text, pos).end()
            indents = [_line_indent(text, item.start) for item in node.items if _starts_line(text, item.start)]
            indent = indents[-1] if indents else None
        else:
            pos = node.start + 1
            indent = None
            for comment in _COMMENT.finditer(text, pos, node.end - 1):  # new item after them
                pos = comment.end()
                indent = _line_indent(text, comment.start()) if _starts_line(text, comment.start()) else None
        if self._one_line(chain):
            lead = " " if node.items or pos > node.start + 1 else ""
            edits.append((pos, pos, lead + prefix + _dump(value) + trailing))
        else:
            if indent is None:
                indent = _line_indent(text, node.start) + self.indent
            new = newline + indent + prefix + _dump(value, indent, self.indent, newline) + trailing
            end = pos
            if not node.items:
                end = _BLANKS.match(text, pos).end()
                if _newline_at(text, end):
                    end = pos
                else:  # the closing bracket is on this line: move it to the next one
                    new += newline + _line_indent(text, node.start)
            edits.append((pos, end, new))
        self._splice(edits)

    def delete(self, path):
        """Remove the member at path (every occurrence of a duplicate key); True if removed."""
        keys, chain = self._find(path)
        if not keys:
            raise ValueError("cannot delete the document root")
        removed = False
        while chain is not None and len(chain) > len(keys):
            parent = chain[-2]
            index = max(i for i, item in enumerate(parent.items) if item.node is chain[-1])
            self._remove(parent, index)
            removed = True
            chain = self._chain(keys)
        return removed

    def _remove(self, node, index):
        """Remove item index of a container with its comma, its line(s) if it has them to itself."""
        text = self._text
        item = node.items[index]
        start, end = item.start, item.node.end
        edits = []
        if item.comma >= 0:
            if _is_whitespace(text, end, item.comma):
                end = item.comma + 1
            else:  # a comment between the value and its comma stays
                edits.append((item.comma, item.comma + 1, ""))
        after = _BLANKS.match(text, end).end()
        newline = _newline_at(text, after)
        alone = newline or after == len(text)  # nothing follows the item on its last line
        if item.comma < 0 and index > 0:  # the last item: the previous item's comma goes
            comma = node.items[index - 1].comma
            if _is_whitespace(text, comma + 1, start) and (alone or not _starts_line(text, start)):
                start = comma
            else:  # a comment after that comma, or one after the item on its own line, stays put
                edits.append((comma, comma + 1, ""))
        if alone and _starts_line(text, start):
            start = _line_start(text, start)
            end = after + newline
        elif _starts_line(text, start) or not text.startswith("/", after):  # glue no comment to a value
            end = after
        edits.append((start, end, ""))
        self._splice(edits)

    def append(self, path, value):
        """Append value to the array at path (created if missing)."""
        keys, chain = self._find(path)
        if chain is None or len(chain) <= len(keys):
            return self.set(keys, [value])
        if not isinstance(chain[-1].value, list):
            raise self._type_error(keys, chain[-1], "an array")
        self._insert(chain, "", value)
        return True

    def remove_value(self, path, value):
        """Remove the elements equal to value from the array at path; return how many."""
        keys, chain = self._find(path)
        count = 0
        while chain is not None and len(chain) > len(keys):
            node = chain[-1]
            if not isinstance(node.value, list):
                raise self._type_error(keys, node, "an array")
            found = [i for i, item in enumerate(node.items) if json_equal(item.node.value, value)]
            if not found:
                break
            self._remove(node, found[-1])
            count += 1
            chain = self._chain(keys)
        return count
