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

Nesting is bounded by MAX_DEPTH: a deeper file fails to parse (with the line and column of the
first bracket too deep), and so does an edit that would nest deeper. Within the bound nothing
here recurses per level (parsing, copies and comparison are loops; rendering uses the C JSON
encoder), so no file can exhaust Python's recursion limit. ``limit_depth`` checks a tighter bound
for one value, such as data that goes back to Ansible's controller.

Error messages name what was expected and where, never the file's text: an unquoted word may be
a secret that lost its quotes.
"""

import json
import re
from collections import deque
from json.decoder import scanstring

GRAMMARS = ("json", "jsonc", "json_comments")

# The deepest nesting of arrays and objects accepted (the root container is level 1), PHP's
# json_decode default. Real config files nest less than 20 levels. Data from within the bound can
# be walked by anything that spends at most one Python frame per level (the C JSON encoder
# included) under the default recursion limit of 1000.
MAX_DEPTH = 512

_BOM = "\ufeff"

# One significant token after optional whitespace; the group that matched says which kind
# (none at the end of the text).
# A word must not run on into more word characters: "01", "1.", "truex" and "NaN" fall through
# to the error group. Strings with escapes are checked when they are decoded.
_TOKEN = re.compile(r"""[ \t\r\n]*(?:
    ([{}\[\]:,])                                              # 1 punctuation
  | ("[^"\\\x00-\x1f]*(?:\\.[^"\\\x00-\x1f]*)*")              # 2 string
  | (-?(?:0|[1-9][0-9]*))(?![-+.\w])                          # 3 integer
  | (-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)(?![-+.\w])  # 4 other number
  | (true|false|null)(?![-+.\w])                              # 5 literal
  | (//[^\r\n]*|/\*.*?\*/)                                    # 6 comment
  | ([-+.\w]+|/\*|[^ \t\r\n])                                # 7 an error: bad word, open comment, other
  | \Z                                                         # the end (after trailing whitespace)
)""", re.S | re.X)
_WORD = re.compile(r"[-+.\w]")
_LITERALS = {"true": True, "false": False, "null": None}
_COMMENT = re.compile(r"//[^\r\n]*|/\*.*?\*/", re.S)
_BLANKS = re.compile(r"[ \t]*")
_WHITESPACE = re.compile(r"[ \t\r\n]*")
# Comments that end on the line where they start, with the blanks before them.
_SAME_LINE_COMMENTS = re.compile(r"(?:[ \t]*/\*[^\r\n]*?\*/)*(?:[ \t]*//[^\r\n]*)?")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Words that are not JSON but that people (or other serializers) write: named in an error as a
# constant of this module, which quotes no file content.
# A malformed number of at most 10 characters, all of them number characters, is quoted as it
# is (``invalid number '08080'``): such a word is a number gone wrong, too short for a secret.
_QUOTABLE_NUMBER = re.compile(r"(?=.{1,10}\Z)[-+]?(?:0[xX][0-9a-fA-F]*|[0-9.]*(?:[eE][-+]?[0-9]*)?)\Z")
_KNOWN_WORDS = frozenset((
    "NaN", "-NaN", "+NaN", "Infinity", "-Infinity", "+Infinity", "undefined",
    "True", "False", "None", "TRUE", "FALSE", "NULL", "Null", "nil",
))

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
    """A parsed value and its place in the text.

    ``start``, ``end``: the span of the value; ``value``: its python data; ``items``: the child
    nodes of a container (None for a scalar). Inside a container, ``key`` is the member's key
    (None in an array), ``head`` where the member starts (its key, or the value itself in an
    array) and ``comma`` the offset of the comma after it, -1 if none.
    """

    __slots__ = ("start", "end", "value", "items", "key", "head", "comma")

    def __init__(self, start, end, value, items=None, key=None, head=None):
        self.start = start
        self.end = end
        self.value = value
        self.items = items
        self.key = key
        self.head = start if head is None else head
        self.comma = -1


def _string(text, start):
    """Decode the string whose opening quote is at start."""
    try:
        return scanstring(text, start + 1, True)[0]
    except json.JSONDecodeError as exc:
        pos, reason = exc.pos, exc.msg
        if reason.startswith("Unterminated") or (reason.startswith("Invalid control") and text[pos] in "\r\n"):
            raise _error(text, start, "unterminated string") from None
        if reason.startswith("Invalid control"):
            raise _error(text, pos, "control character in string") from None
        raise _error(text, max(text.rfind("\\", start, pos + 1), start), "invalid escape") from None


def _integer(text, start, digits):
    try:
        return int(digits)
    except ValueError:  # Python 3.11+ limits int() to 4300 digits
        raise _error(text, start, "number has too many digits") from None


def _number_problem(token):
    """What is wrong with a word that starts like a number, without quoting it."""
    body = token[1:] if token[0] in "-+" else token
    if token[0] == "+":
        return "a number must not start with '+'"
    if not body:
        return "'-' must be followed by digits"
    if body[:2] in ("0x", "0X"):
        return "hexadecimal numbers are not allowed"
    if body[0] == ".":
        return "a digit must come before the decimal point"
    if body[0] == "0" and body[1:2].isdigit():
        return "leading zeros are not allowed"
    if re.match(r"[0-9]+\.(?![0-9])", body):
        return "a digit must follow the decimal point"
    return "expected digits with an optional fraction and exponent"


def _bad_token(text, start, token, allow_comments, expected):
    """The error for a token of the error group; expected is the message for a misplaced word.

    The message never quotes the word (it may be a secret without its quotes), only a single
    character that cannot be part of a word, or a word of _KNOWN_WORDS.
    """
    if token == '"':
        _string(text, start)  # raises the precise error of the broken string
    if token == "/*":
        return _error(text, start, "unterminated comment" if allow_comments else "comments are not allowed in strict JSON")
    if not _WORD.match(token):
        return _error(text, start, "unexpected character %r" % token)
    if expected:
        return _error(text, start, expected)
    if token in _KNOWN_WORDS or _QUOTABLE_NUMBER.match(token):
        kind = "number" if token[0] in "-+.0123456789" else "literal"
        return _error(text, start, "invalid %s '%s'" % (kind, token))
    if token[0] in "-+.0123456789":
        return _error(text, start, "invalid number: " + _number_problem(token))
    return _error(text, start, "invalid literal: a word outside double quotes "
                               "(expected true, false, null, a number or a string in double quotes)")


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
    root = top = None  # top: the innermost open container
    in_object = False
    stack = []
    state = _VALUE
    key = key_start = None
    previous = previous_start = None  # the last punctuation character and its offset
    for found in _TOKEN.finditer(text, 1 if text.startswith(_BOM) else 0):
        kind = found.lastindex
        if kind is None:
            break
        start = found.start(kind)
        char = text[start] if kind == 1 else None
        if kind == 6:
            if not allow_comments:
                raise _error(text, start, "comments are not allowed in strict JSON")
            continue
        if kind == 7:
            raise _bad_token(text, start, found.group(7), allow_comments, state != _VALUE and _expected(state, top))
        if state == _VALUE and char not in ("]", "}", ":", ","):
            if not in_object:
                key = key_start = None
            if kind == 1:
                node = _Node(start, -1, {} if char == "{" else [], [], key, key_start)
            else:
                if kind == 2:
                    value = _string(text, start)
                elif kind == 3:
                    value = _integer(text, start, found.group(3))
                elif kind == 4:
                    value = float(found.group(4))
                else:
                    value = _LITERALS[found.group(5)]
                node = _Node(start, found.end(), value, None, key, key_start)
            if top is None:
                root = node
            else:
                top.items.append(node)
                if in_object:
                    top.value[key] = node.value
                else:
                    top.value.append(node.value)
            if kind == 1:
                if len(stack) >= MAX_DEPTH:
                    raise _error(text, start, "nesting deeper than %d levels" % MAX_DEPTH)
                stack.append(node)
                top = node
                in_object = char == "{"
                state = _KEY if in_object else _VALUE
            else:
                state = _AFTER
        elif kind == 2 and state == _KEY:
            key = _string(text, start)
            key_start = start
            state = _COLON
        elif char == "," and state == _AFTER and top is not None:
            top.items[-1].comma = start
            state = _KEY if in_object else _VALUE
        elif char == ":" and state == _COLON:
            state = _VALUE
        elif char in ("}", "]") and top is not None and (char == "}") == in_object:
            if previous == "," and state != _AFTER:
                if not allow_trailing_comma:
                    raise _error(text, previous_start, "trailing comma is not allowed in this file's grammar")
            elif state != _AFTER and previous not in ("{", "["):
                raise _error(text, start, _expected(state, top))
            top.end = start + 1
            stack.pop()
            top = stack[-1] if stack else None
            in_object = top is not None and isinstance(top.value, dict)
            state = _AFTER
        else:
            raise _error(text, start, _expected(state, top))
        previous, previous_start = char, start
    if stack or (root is not None and state != _AFTER):
        raise _error(text, len(text), "unexpected end of file: " + _expected(state, top))
    return root


def _dump(value, indent=None, unit="  ", newline="\n", compact=False):
    """JSON text of value: one line when indent is None, else multi-line starting at indent.

    compact leaves out the spaces after ',' and ':'.
    """
    colon = ":" if compact else ": "
    if indent is None:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=("," if compact else ", ", colon))
    else:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=unit, separators=(",", colon))
        text = text.replace("\n", newline + indent)
    # A lone surrogate (valid in JSON as an escape) cannot be encoded to UTF-8: keep it escaped.
    return _LONE_SURROGATE.sub(lambda match: "\\u%04x" % ord(match.group()), text)


def _copy(value):
    """A deep copy of JSON data (dicts, lists, scalars), without recursion."""
    holder = [value]
    stack = [(holder, 0)]
    while stack:
        parent, index = stack.pop()
        item = parent[index]
        if isinstance(item, dict):
            parent[index] = item = dict(item)
            stack.extend((item, key) for key in item)
        elif isinstance(item, list):
            parent[index] = item = list(item)
            stack.extend((item, position) for position in range(len(item)))
    return holder[0]


def _quote(key):
    """A key as JSON text (a lone surrogate stays escaped, as in _dump)."""
    return _dump(key)


def _depth(value):
    """How many levels of arrays and objects value nests (0 for a scalar), without recursion.

    Stops counting past MAX_DEPTH: the caller only compares with the bound.
    """
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:
            stack.extend((child, level + 1) for child in children)
    return deepest


def render(value, indent="  ", newline="\n"):
    """Text of a new file holding value, ending with a newline."""
    return _dump(value, "", indent, newline) + newline


def _scalar_equal(left, right):
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, (int, float)):
        return isinstance(right, (int, float)) and left == right
    if isinstance(left, str):
        return isinstance(right, str) and left == right
    return left is None and right is None


def json_equal(left, right):
    """Compare two values as JSON data: true is not 1, 1 equals 1.0, object key order is ignored.

    A loop over an explicit stack: any depth compares without recursion.
    """
    pairs = [(left, right)]
    while pairs:
        left, right = pairs.pop()
        if isinstance(left, dict):
            if not (isinstance(right, dict) and len(left) == len(right)):
                return False
            for key, item in left.items():
                if key not in right:
                    return False
                pairs.append((item, right[key]))
        elif isinstance(left, (list, tuple)):
            if not (isinstance(right, (list, tuple)) and len(left) == len(right)):
                return False
            pairs.extend(zip(left, right))
        elif isinstance(right, (dict, list, tuple)) or not _scalar_equal(left, right):
            return False
    return True


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


def checked_spans(edits, length):
    """(start, end, replacement) edits of a text of ``length`` characters, in text order; a
    ValueError when they overlap, leave the text or replace with something else than a str.
    Every grammar's ``Document.replace_spans`` takes its edits through here."""
    edits = sorted(edits, key=lambda edit: (edit[0], edit[1]))
    done = 0
    for start, end, replacement in edits:
        if not (done <= start <= end <= length) or not isinstance(replacement, str):
            raise ValueError("edits must be non-overlapping (start, end, text) spans of the text")
        done = end
    return edits


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
        return _copy(self._root.value) if self._root is not None else None

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
        queue = deque([self._root] if self._root is not None and self._root.items else [])
        while queue:
            node = queue.popleft()
            outer = _line_indent(text, node.start)
            for item in node.items:
                if _starts_line(text, item.head):
                    inner = _line_indent(text, item.head)
                    if len(inner) > len(outer) and inner.startswith(outer):
                        return inner[len(outer):]
                if item.items:
                    queue.append(item)
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
                    chain.append(item)
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

    def _compact(self, chain):
        """Whether new text leaves out the spaces after ',' and ':', as the nearest container does."""
        text = self._text
        for node in reversed(chain):
            items = node.items or ()
            if isinstance(node.value, dict) and items:
                key_end = scanstring(text, items[-1].head + 1)[1]
                return text[key_end:items[-1].start] == ":"
            if len(items) > 1:
                return items[-2].comma + 1 == items[-1].start
        return False

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
        return _copy(chain[-1].value)

    def span(self, path):
        """(start, end) offsets of the value's text at path; KeyError if a key is missing."""
        keys, chain = self._find(path)
        if chain is None or len(chain) <= len(keys):
            raise KeyError(keys)
        return chain[-1].start, chain[-1].end

    def limit_depth(self, path, levels):
        """Fail if the value at path nests more than ``levels`` arrays and objects (itself included).

        The JsoncError names the first bracket too deep; a missing path passes (KeyError is not
        raised).
        """
        keys, chain = self._find(path)
        if chain is None or len(chain) <= len(keys):
            return
        stack = [(chain[-1], 1)]
        while stack:
            node, level = stack.pop()
            if node.items is None:
                continue
            if level > levels:
                where = "the value at %s" % _path_text(keys) if keys else "the document"
                raise _error(self._text, node.start, "%s nests deeper than %d levels" % (where, levels))
            stack.extend((item, level + 1) for item in reversed(node.items))

    def member_span(self, path):
        """(start, end) offsets of the member at path, from its key to the end of its value."""
        keys, chain = self._find(path)
        if not keys or chain is None or len(chain) <= len(keys):
            raise KeyError(keys)
        return chain[-1].head, chain[-1].end

    def occurrences(self, path):
        """Every value at path, through every occurrence of a duplicate key, in text order.

        A key of None matches any key of an object; a value that is not an object ends its branch
        (no type error). Returns a list of (keys, (start, end), value): the actual keys, the span
        of the value's text and a copy of its data.
        """
        keys = tuple(path) if isinstance(path, (tuple, list)) else None
        if keys is None or not all(key is None or isinstance(key, str) for key in keys):
            raise TypeError("a path is a tuple of string keys (or None for any key), got %r" % (path,))
        level = [((), self._root)] if self._root is not None else []
        for key in keys:
            level = [(found + (item.key,), item) for found, node in level if isinstance(node.value, dict)
                     for item in node.items if key is None or item.key == key]
        return [(found, (node.start, node.end), _copy(node.value)) for found, node in level]

    def replace_spans(self, edits):
        """Replace the text of (start, end, replacement) spans, which must not overlap.

        The result is parsed again: a replacement that breaks the file raises JsoncError and
        leaves the document as it was.
        """
        edits = checked_spans(edits, len(self._text))
        if edits:
            self._splice(edits)

    def set(self, path, value):
        """Set the value at path, creating missing objects on the way; True if the text changed."""
        keys, chain = self._find(path)
        if chain is None:
            self._check_depth(0, _nest(keys, value), len(self._text))
            self._set_empty(_nest(keys, value))
            return True
        node = chain[-1]
        if len(chain) > len(keys):
            if json_equal(node.value, value):
                return False
            self._check_depth(len(chain) - 1, value, node.start)
            indent = None if self._one_line(chain) else _line_indent(self._text, node.start)
            new = _dump(value, indent, self.indent, self.newline, self._compact(chain[:-1]))
            self._splice([(node.start, node.end, new)])
            return True
        value = _nest(keys[len(chain):], value)
        self._check_depth(len(chain), value, node.start)
        self._insert(chain, keys[len(chain) - 1], value)
        return True

    def _check_depth(self, levels, value, pos):
        """Refuse value below ``levels`` containers if the result would nest deeper than MAX_DEPTH."""
        if levels + _depth(value) > MAX_DEPTH:
            raise _error(self._text, pos, "the new value would nest deeper than %d levels" % MAX_DEPTH)

    def _set_empty(self, value):
        text = self._text
        body = text[1:] if text.startswith(_BOM) else text
        new = render(value, self.indent, self.newline)
        if not body.strip(" \t\r\n"):
            self._splice([(len(text) - len(body), len(text), new)])
        else:  # only comments: keep them above the new value
            self._splice([(len(text), len(text), new if body.endswith("\n") else self.newline + new)])

    def _insert(self, chain, key, value):
        """Add value (under key for an object, None for an array) as the last item of the container
        at the end of chain."""
        text = self._text
        node = chain[-1]
        newline = self.newline
        compact = self._compact(chain)
        prefix = "" if key is None else _quote(key) + (":" if compact else ": ")
        edits = []
        trailing = ""
        if node.items:
            last = node.items[-1]
            if last.comma >= 0:  # a trailing comma: the new item gets one too
                trailing = ","
                pos = last.comma + 1
            else:
                edits.append((last.end, last.end, ","))
                pos = last.end
            # Keep comments that end the last item's line on that line.
            pos = _SAME_LINE_COMMENTS.match(text, pos).end()
            indents = [_line_indent(text, item.head) for item in node.items if _starts_line(text, item.head)]
            indent = indents[-1] if indents else None
        else:
            pos = node.start + 1
            indent = None
            for comment in _COMMENT.finditer(text, pos, node.end - 1):  # new item after them
                pos = comment.end()
                indent = _line_indent(text, comment.start()) if _starts_line(text, comment.start()) else None
        if self._one_line(chain):
            lead = "" if compact or pos == node.start + 1 else " "
            edits.append((pos, pos, lead + prefix + _dump(value, compact=compact) + trailing))
        else:
            if indent is None:
                indent = _line_indent(text, node.start) + self.indent
            new = newline + indent + prefix + _dump(value, indent, self.indent, newline, compact) + trailing
            blanks_end = _BLANKS.match(text, pos).end()
            if not node.items and not _newline_at(text, blanks_end):
                # The closing bracket is on this line: it moves to the next one.
                pos = blanks_end
                new += newline + _line_indent(text, node.start)
            edits.append((pos, pos, new))
        self._splice(edits)

    def delete(self, path):
        """Remove the member at path (every occurrence of a duplicate key); True if removed."""
        keys, chain = self._find(path)
        if not keys:
            raise ValueError("cannot delete the document root")
        removed = False
        while chain is not None and len(chain) > len(keys):
            parent = chain[-2]
            self._remove(parent, parent.items.index(chain[-1]))
            removed = True
            chain = self._chain(keys)
        return removed

    def _remove(self, node, index):
        """Remove item index of a container with its comma, its line(s) if it has them to itself."""
        text = self._text
        item = node.items[index]
        start, end = item.head, item.end
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
        self._check_depth(len(chain), value, chain[-1].start)
        self._insert(chain, None, value)
        return True

    def remove_value(self, path, value):
        """Remove the elements equal to value from the array at path; return how many."""
        keys, chain = self._find(path)
        count = 0
        while chain is not None and len(chain) > len(keys):
            node = chain[-1]
            if not isinstance(node.value, list):
                raise self._type_error(keys, node, "an array")
            found = [i for i, item in enumerate(node.items) if json_equal(item.value, value)]
            if not found:
                break
            self._remove(node, found[-1])
            count += 1
            chain = self._chain(keys)
        return count
