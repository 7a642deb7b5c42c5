# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile config files: deep nesting, duplicate keys, lone surrogates, secrets without quotes.

``edit`` below is the module's pipeline (mcp_server's Editor.edit and edit_config) on library
calls only: parse, find, merge and apply the entry, then the result with its masked entry and the
redacted diff, made controller-safe. Everything that can fail must fail before the module
writes, i.e. anywhere in this pipeline, and with a line and column when the file is to blame.
"""

import json
import re
import sys

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _clients as clients
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import (
    GRAMMARS, MAX_DEPTH, Document, JsoncError, json_equal, render,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._redact import (
    CHANGED_MASK, MASK, collect, collect_text, controller_safe, redact_entry, redact_file_texts, redact_text,
    redact_value,
)

SECRET = "sntryu_" + "4f3a9b" * 10 + "zz"
SHADOWED = "ghp_" + "7c1d" * 9 + "shadow"
SPEC = {"transport": "stdio", "command": "/opt/sentry-mcp", "args": ["--host=sentry.example.com"],
        "env": {"SENTRY_ACCESS_TOKEN": SECRET}}


def edit(text, spec="default", client="claude_code", name="sentry"):
    """(result, new text) as mcp_server computes them before it writes (spec None: remove the entry)."""
    spec = SPEC if spec == "default" else spec
    profile = clients.get_profile(client)
    document = Document(text, grammar=profile["grammar"])
    current = clients.find_entry(profile, document, name)
    if spec is None:
        clients.remove_entry(profile, document, name)
        entry = None
    else:
        entry = clients.merge_entry(profile, current, spec)
        clients.apply_entry(profile, document, name, entry)
    keys = clients.secret_keys(profile)
    extra = [value for option in ("env", "headers") for value in ((spec or {}).get(option) or {}).values()]
    secrets = collect([current, entry], keys, extra) | collect_text(text, profile["grammar"], profile["key"], keys)
    result = {"changed": document.text != text, "entry": redact_entry(entry, keys, secrets)}
    before, after = redact_file_texts(text, document.text, profile["grammar"], profile["key"], keys, secrets)
    result["diff"] = {"before": before, "after": after}
    result = controller_safe(result)
    # What AnsibleModule.exit_json and the controller need: UTF-8 JSON.
    json.dumps(result, ensure_ascii=False).encode("utf-8")
    document.text.encode("utf-8")  # what the module would write
    return result, document.text


def with_little_stack(function, *args, frames=200):
    """Call function with ``frames`` Python frames already in use (a module runs deep in Ansible)."""
    def burn(count):
        return function(*args) if count == 0 else burn(count - 1)
    return burn(frames)


def nested(depth, leaf="leaf"):
    """depth levels of alternating arrays and objects around leaf."""
    value = leaf
    for level in range(depth):
        value = {"k": value} if level % 2 else [value]
    return value


def nested_text(depth, leaf='"leaf"'):
    """The text of nested(depth), built without json.dumps (which recurses)."""
    opening, closing = [], []
    for level in range(depth):
        if level % 2:
            opening.append('{"k": ')
            closing.append("}")
        else:
            opening.append("[")
            closing.append("]")
    return "".join(reversed(opening)) + leaf + "".join(closing)


def file_with(sentry_extra=None, other_extra=None):
    other = '{"command": "o", "env": {"GH_TOKEN": "%s"}%s}' % (SHADOWED, ', "deep": ' + other_extra if other_extra else "")
    sentry = '{"command": "s", "env": {"SENTRY_ACCESS_TOKEN": "old-token-value"}%s}' % (
        ', "deep": ' + sentry_extra if sentry_extra else "")
    return '{\n  "mcpServers": {\n    "other": %s,\n    "sentry": %s\n  }\n}\n' % (other, sentry)


# --- 11. nesting -------------------------------------------------------------------------------

def test_the_parser_refuses_nesting_beyond_max_depth_with_the_position():
    assert MAX_DEPTH == 512
    Document(nested_text(MAX_DEPTH))
    for depth in (MAX_DEPTH + 1, 100000):
        text = "\n  " + nested_text(depth)
        with pytest.raises(JsoncError) as info:
            Document(text)
        # The first bracket too deep: level MAX_DEPTH + 1, on line 2 after the 2 blanks.
        opening = re.compile(r'\[|\{"k": ')
        starts = [match.start() for match in opening.finditer(text)]
        column = starts[MAX_DEPTH] - text.rfind("\n", 0, starts[MAX_DEPTH])
        assert (info.value.line, info.value.column) == (2, column)
        assert info.value.message == "nesting deeper than %d levels" % MAX_DEPTH


@pytest.mark.parametrize("where", ["sentry", "other"])
def test_100000_levels_in_any_entry_fail_before_anything_is_computed(where):
    deep = nested_text(100000)
    text = file_with(**{("sentry_extra" if where == "sentry" else "other_extra"): deep})
    with pytest.raises(JsoncError) as info:
        edit(text)
    assert "nesting deeper than %d levels" % MAX_DEPTH in str(info.value)
    assert str(info.value).startswith("line %d, column " % (4 if where == "sentry" else 3))


def test_diff_redaction_of_a_file_that_is_too_deep_masks_known_secrets_as_text():
    text = file_with(other_extra=nested_text(100000))
    before, after = redact_file_texts(text, text, "json", ("mcpServers",), ("env",), {SHADOWED})
    assert SHADOWED not in before and SHADOWED not in after
    assert before == text.replace(SHADOWED, MASK)


def test_a_deep_value_in_another_entry_is_kept_and_edited_around_again_and_again():
    """Within the bound, nesting in another entry costs nothing: the edit, its diff and the next
    run (on the text just written) all work, even with little stack left."""
    text = file_with(other_extra=nested_text(MAX_DEPTH - 3, '"%s"' % SECRET))
    result, written = with_little_stack(edit, text)
    assert result["changed"]
    assert SECRET not in result["diff"]["before"] and SECRET not in result["diff"]["after"]
    assert SHADOWED not in result["diff"]["before"]
    assert nested_text(MAX_DEPTH - 3, '"%s"' % SECRET) in written
    assert result["diff"]["after"].count(CHANGED_MASK) == 1  # the rotated token
    again, rewritten = with_little_stack(edit, written)
    assert not again["changed"] and rewritten == written
    assert again["diff"]["before"] == again["diff"]["after"] == result["diff"]["after"].replace(CHANGED_MASK, MASK)


def test_a_deep_edited_entry_fails_with_its_position_before_the_result_is_built():
    """An entry goes back to the controller, which walks it recursively: entries are bounded by
    ENTRY_MAX_DEPTH, which fails with the position of the first bracket too deep."""
    assert clients.ENTRY_MAX_DEPTH == 64
    text = file_with(sentry_extra=nested_text(clients.ENTRY_MAX_DEPTH - 1))
    result, dummy = with_little_stack(edit, text)
    assert result["entry"]["deep"] == nested(clients.ENTRY_MAX_DEPTH - 1)
    for depth in (clients.ENTRY_MAX_DEPTH, 300, MAX_DEPTH - 3):
        text = file_with(sentry_extra=nested_text(depth))
        with pytest.raises(clients.ClientError) as info:
            edit(text)
        message = str(info.value)
        assert message.startswith("line 4, column ")
        assert message.endswith("the value at mcpServers.sentry nests deeper than %d levels" % clients.ENTRY_MAX_DEPTH)
        column = int(re.match(r"line 4, column (\d+)", message).group(1))
        # Level 65 counted from the entry: the 64th bracket of "deep".
        line = text.split("\n")[3]
        brackets = [match.start() for match in re.finditer(r'\[|\{"k": ', line[line.index('"deep"'):])]
        assert column - 1 == line.index('"deep"') + brackets[clients.ENTRY_MAX_DEPTH - 1]
    # Removing such an entry is refused the same way (the module never returns it, but stays simple).
    with pytest.raises(clients.ClientError):
        edit(text, spec=None)


def test_every_walk_handles_max_depth_with_little_stack():
    deep = nested(MAX_DEPTH - 1, SECRET)
    text = nested_text(MAX_DEPTH - 1, json.dumps(SECRET))

    def walks():
        document = Document(text)
        assert json_equal(document.value, deep)
        assert json_equal(document.get(()), deep)
        assert document.occurrences(())[0][2] == document.value
        assert redact_value(deep, {SECRET}) == nested(MAX_DEPTH - 1, MASK)
        assert controller_safe(deep) == deep
        assert Document(render(deep)).value == deep
        document.set((), nested(MAX_DEPTH - 1, "x"))
        assert document.value == nested(MAX_DEPTH - 1, "x")
        doc = Document('{"a": {}}')
        doc.set(("a", "b"), nested(MAX_DEPTH - 2))
        assert doc.get(("a", "b")) == nested(MAX_DEPTH - 2)
        return True

    assert with_little_stack(walks)


@pytest.mark.parametrize("operation, path, args", [
    ("set", ("a", "b"), (nested(MAX_DEPTH - 1),)),       # new members
    ("set", ("a",), (nested(MAX_DEPTH),)),               # replacement
    ("set", (), (nested(MAX_DEPTH + 1),)),               # the root
    ("append", ("list",), (nested(MAX_DEPTH - 1),)),
    ("set", ("a",), (nested(100000),)),
])
def test_an_edit_that_would_nest_too_deep_fails_and_changes_nothing(operation, path, args):
    text = '{\n  "a": {},\n  "list": []\n}\n'
    document = Document(text)
    with pytest.raises(JsoncError) as info:
        getattr(document, operation)(path, *args)
    assert info.value.message == "the new value would nest deeper than %d levels" % MAX_DEPTH
    assert document.text == text


def test_an_edit_to_an_empty_file_that_would_nest_too_deep_fails():
    document = Document("")
    with pytest.raises(JsoncError):
        document.set(("a",), nested(MAX_DEPTH))
    document.set(("a",), nested(MAX_DEPTH - 1))


def test_json_equal_of_100000_levels():
    assert json_equal(nested(100000), nested(100000))
    assert not json_equal(nested(100000), nested(100000, "other"))
    assert not json_equal(nested(100000), nested(99999))


def test_redact_value_and_controller_safe_of_100000_levels():
    deep = nested(100000, SECRET + "\ud800")
    masked = controller_safe(redact_value(deep, {SECRET}))
    assert json_equal(masked, nested(100000, MASK + "\\ud800"))


# --- 12. duplicate keys ------------------------------------------------------------------------

DUPLICATES = {
    "servers": """{
  "mcpServers": {"sentry": {"command": "s", "env": {"TOKEN": "%s"}}},
  "mcpServers": {"sentry": {"command": "s", "env": {"TOKEN": "kept-value-1"}}}
}
""" % SHADOWED,
    "entry": """{
  "mcpServers": {
    "sentry": {"command": "s", "env": {"TOKEN": "%s"}},
    "other": {"command": "o"},
    "sentry": {"command": "s", "env": {"TOKEN": "kept-value-1"}}
  }
}
""" % SHADOWED,
    "env": """{
  "mcpServers": {
    "sentry": {"command": "s", "env": {"TOKEN": "%s"}, "env": {"TOKEN": "kept-value-1"}}
  }
}
""" % SHADOWED,
    "env member": """{
  "mcpServers": {
    "sentry": {"command": "s", "env": {"TOKEN": "%s", "TOKEN": "kept-value-1"}}
  }
}
""" % SHADOWED,
    "other entry": """{
  "mcpServers": {
    "other": {"command": "o", "headers": {"Authorization": "%s"}, "headers": {}},
    "sentry": {"command": "s", "env": {"TOKEN": "kept-value-1"}}
  }
}
""" % SHADOWED,
}


@pytest.mark.parametrize("level", sorted(DUPLICATES))
def test_a_secret_in_a_shadowed_duplicate_is_masked_in_the_diff(level):
    text = DUPLICATES[level]
    assert SHADOWED in text
    result, written = edit(text, client="claude_code")
    for side in ("before", "after"):
        assert SHADOWED not in result["diff"][side]
        assert "kept-value-1" not in result["diff"][side]
        assert SECRET not in result["diff"][side]
    assert result["diff"]["before"].count(MASK) == text.count('": "') - text.count('"command"')


@pytest.mark.parametrize("level", sorted(DUPLICATES))
def test_collect_text_finds_the_secrets_of_shadowed_duplicates(level):
    assert collect_text(DUPLICATES[level], "json", ("mcpServers",), ("env", "headers")) == {SHADOWED, "kept-value-1"}


def test_a_shadowed_secret_elsewhere_in_the_edited_entry_is_masked_in_the_result():
    text = """{"mcpServers": {"sentry": {"command": "s", "notes": ["--token=%s"],
      "env": {"TOKEN": "%s"}, "env": {}}}}""" % (SHADOWED, SHADOWED)
    result, written = edit(text, spec=dict(SPEC, env=None))
    assert result["entry"]["notes"] == ["--token=" + MASK]
    assert SHADOWED not in json.dumps(result)


def test_duplicates_along_a_dotted_key_path_and_comments_in_the_copies():
    text = """{
  // VS Code settings.json before 1.102
  "mcp": {"servers": {"s": {"env": {"A": "%s"}}}},
  "mcp": {
    "servers": {"s": {"env": {"A": "new-value-2" /* rotated */}}},
    "servers": {"s": {"env": {"A": "current-value-3"}}}
  }
}
""" % SHADOWED
    after = text.replace("current-value-3", "rotated-value-4")
    before_text, after_text = redact_file_texts(text, after, "jsonc", ("mcp", "servers"), ("env",))
    for value in (SHADOWED, "new-value-2", "current-value-3", "rotated-value-4"):
        assert value not in before_text and value not in after_text
    assert before_text.count(MASK) == 3
    assert after_text.count(CHANGED_MASK) == 1 and after_text.count(MASK) == 3
    assert "/* rotated */" in after_text and "// VS Code" in before_text


def test_non_object_copies_and_non_string_secrets():
    text = '{"mcpServers": 1, "mcpServers": {"s": "x", "s": {"env": [1], "env": {"A": {"n": "%s"}, "B": 2}}}}' % SHADOWED
    before_text, dummy = redact_file_texts(text, text, "json", ("mcpServers",), ("env",))
    assert before_text == '{"mcpServers": 1, "mcpServers": {"s": "x", "s": {"env": [1], "env": {"A": "%s", "B": "%s"}}}}' % (MASK, MASK)


def test_occurrences_and_replace_spans():
    document = Document('{"a": {"x": 1}, "b": {"x": 2}, "a": {"x": 3, "y": 4}}')
    assert [(keys, value) for keys, dummy, value in document.occurrences(("a", "x"))] == [(("a", "x"), 1), (("a", "x"), 3)]
    assert [keys for keys, dummy, dummy in document.occurrences((None, None))] == [
        ("a", "x"), ("b", "x"), ("a", "x"), ("a", "y")]
    assert document.occurrences(("a", "x", "z")) == []
    spans = [span for dummy, span, dummy in document.occurrences((None, "x"))]
    document.replace_spans([(start, end, "0") for start, end in spans])
    assert document.text == '{"a": {"x": 0}, "b": {"x": 0}, "a": {"x": 0, "y": 4}}'
    with pytest.raises(ValueError):
        document.replace_spans([(1, 5, ""), (3, 6, "")])
    with pytest.raises(JsoncError):
        document.replace_spans([(0, 1, "[")])
    assert document.text == '{"a": {"x": 0}, "b": {"x": 0}, "a": {"x": 0, "y": 4}}'
    with pytest.raises(TypeError):
        document.occurrences("a")


# --- 13. lone surrogates -----------------------------------------------------------------------

SURROGATES = """{
  "mcpServers": {
    "sentry": {
      "command": "s",
      "\\ud800key": "value\\udfff",
      "tags": ["\\ud83d", "\\ud83d\\ude00"],
      "env": {"\\udc00NAME": "\\ud800"}
    }
  }
}
"""


def test_a_lone_surrogate_in_a_kept_key_or_value_gives_a_result_the_controller_accepts():
    result, written = edit(SURROGATES)
    entry = result["entry"]
    assert entry["\\ud800key"] == "value\\udfff"
    assert entry["tags"] == ["\\ud83d", "\U0001f600"]
    assert entry["env"] == {"SENTRY_ACCESS_TOKEN": MASK}
    assert '"\\udc00NAME": "%s"' % MASK in result["diff"]["before"]
    assert '"\\ud800key": "value\\udfff"' in written  # the file keeps its escapes
    assert '"\\ud800key": "value\\udfff"' in result["diff"]["after"]
    json.dumps(result, ensure_ascii=False).encode("utf-8")


def test_a_new_key_with_a_lone_surrogate_is_written_escaped():
    for text in ('{"a": {}}', '{"a": {"b": 1}}', '{"a": {"b": 1}}\n'):
        document = Document(text)
        document.set(("a", "\ud800"), "\udfff")
        document.text.encode("utf-8")
        assert Document(document.text).get(("a", "\ud800")) == "\udfff"


def test_controller_safe_escapes_in_keys_values_tuples_and_shares_nothing_unsafe():
    shared = ["\ud800"]
    value = {"k\udfff": ("a\ud800b", [shared, shared], {"x": (1, None, True, 2.5)}), "ok": "é\U0001f600", 3: b"\xff"}
    safe = controller_safe(value)
    assert safe == {"k\\udfff": ("a\\ud800b", [["\\ud800"], ["\\ud800"]], {"x": (1, None, True, 2.5)}),
                    "ok": "é\U0001f600", 3: b"\xff"}
    assert isinstance(safe["k\\udfff"], tuple) and isinstance(safe["k\\udfff"][2]["x"], tuple)
    assert value["k\udfff"][0] == "a\ud800b"  # the input is not changed
    assert controller_safe("\ud800") == "\\ud800" and controller_safe(None) is None
    cyclic = []
    cyclic.append(cyclic)
    safe = controller_safe(cyclic)
    assert safe is not cyclic and safe[0] is safe


# --- 14. parse errors quote nothing of the file ------------------------------------------------

HOSTILE_TEXTS = [
    '{"mcpServers": {"s": {"env": {"T": %s}}}}',
    '{"mcpServers": {"s": {"env": {"T": %s,}}}}',
    '{"mcpServers": {"s": {"env": {%s: "x"}}}}',
    '{"mcpServers": {"s": {"env": {"T": "a" %s}}}}',
    '{"mcpServers": {"s": {"env": {"T" %s}}}}',
    '{"mcpServers": {"s": {"env": [%s]}}}',
    '%s',
    '{} %s',
    '{"a": -%s}',
    '{"a": +%s}',
    '{"a": .%s}',
    '{"a": 0%s}',
    '{"a": 0x%s}',
    '{"a": 1.%s}',
    '{"a": 1e%s}',
    "{\"a\": '%s'}",
    '{"a": "%s',
    '{"a": "%s\n"}',
    '{"a": "%s\\q"}',
    '{"a": "%s\\u12"}',
    '{"a": "%s\t"}',
    '{"a": %s /* open',
    '{"a": 1 // %s\n',
    '{"mcpServers": "%s"}',
    '{"mcpServers": {"sentry": ["%s"]}}',
]
TOKENS = [SECRET, "4f3a9b" * 8, "Bearer" + "x" * 30, "ghp_" + "A1" * 20, "-" + "9" * 40, "True" + "x" * 30]


def message_leaks(message, token):
    """Whether any 6 characters in a row of the token are in message."""
    return any(token[i:i + 6] in message for i in range(len(token) - 5))


@pytest.mark.parametrize("template", HOSTILE_TEXTS)
@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize("grammar", GRAMMARS)
def test_errors_never_quote_the_file(template, token, grammar):
    text = template % token
    try:
        document = Document(text, grammar)
        clients.find_entry(clients.get_profile("claude_code"), document, "sentry")
    except (JsoncError, clients.ClientError) as exc:
        message = str(exc)
        assert re.match(r"line \d+, column \d+: ", message), message
        assert not message_leaks(message, token), message


@settings(max_examples=300, deadline=None)
@given(data=st.data(), grammar=st.sampled_from(GRAMMARS),
       token=st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters="-+._"),
                     min_size=12, max_size=40))
def test_an_unquoted_token_anywhere_is_never_quoted(data, grammar, token):
    text = json.dumps({"mcpServers": {"s": {"command": "c", "env": {"T": "v", "U": [1, "w"]}}}}, indent=2)
    position = data.draw(st.integers(0, len(text)))
    text = text[:position] + token + text[position:]
    try:
        Document(text, grammar)
    except JsoncError as exc:
        assert re.match(r"line \d+, column \d+: ", str(exc))
        assert token not in str(exc)
        # A fragment of letters only may be a word of the message itself ("expect"): fragments
        # that mix letters and digits are the token's.
        fragments = [token[i:i + 6] for i in range(len(token) - 5)]
        mixed = [part for part in fragments if any(c.isdigit() for c in part) and any(c.isalpha() for c in part)]
        assert not any(part in exc.message for part in mixed), exc.message


def test_redact_text_still_masks_what_a_message_could_carry():
    # Belt and braces: the module also redacts known secrets from every message.
    assert redact_text("line 1, column 2: x %s" % SECRET, {SECRET}) == "line 1, column 2: x " + MASK


def test_recursion_limit_is_untouched():
    assert sys.getrecursionlimit() >= 1000
