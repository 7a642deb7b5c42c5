# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The envFile format VS Code and Cursor read."""

import pytest
from hypothesis import given, strategies as st

from ansible_collections.mcpfleet.mcp.plugins.module_utils._envfile import EnvFileError, parse, render

TOKEN = "sntryu_" + "0" * 60 + "test"


def test_parse_the_usual_forms():
    text = "\n".join([
        "# Sentry MCP",
        "",
        "SENTRY_ACCESS_TOKEN=%s" % TOKEN,
        "export SENTRY_HOST=sentry.example.com  # on-prem",
        "  SPACED = value with spaces  ",
        "SINGLE='a # not a comment $X'",
        'DOUBLE="line1\\nline2 \\"q\\" \\\\"',
        "EMPTY=",
        "HASH=a#b",
    ])
    assert parse(text) == {
        "SENTRY_ACCESS_TOKEN": TOKEN,
        "SENTRY_HOST": "sentry.example.com",
        "SPACED": "value with spaces",
        "SINGLE": "a # not a comment $X",
        "DOUBLE": 'line1\nline2 "q" \\',
        "EMPTY": "",
        "HASH": "a#b",
    }


def test_later_assignment_wins_and_crlf_is_accepted():
    assert parse("A=1\r\nA=2\r\n") == {"A": "2"}


@pytest.mark.parametrize("text, message", [
    ("NOT AN ASSIGNMENT", "line 1: expected KEY=VALUE"),
    ("A=1\n1A=2", "line 2: expected KEY=VALUE"),
    ("A='open", "line 1: unterminated ' quote"),
    ('A="x" y', "line 1: unexpected text after the closing quote"),
])
def test_bad_lines(text, message):
    with pytest.raises(EnvFileError, match=message):
        parse(text)


def test_render_quotes_only_what_needs_it():
    assert render({"A": "plain/value:1", "B": "two words", "C": 'q"\n'}) == 'A=plain/value:1\nB="two words"\nC="q\\"\\n"\n'
    with pytest.raises(EnvFileError, match="not a valid variable name"):
        render({"1A": "x"})


@given(st.dictionaries(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True),
                       st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)))
def test_render_then_parse_is_identity(mapping):
    # Lines are split like str.splitlines, so values with exotic line separators must be quoted.
    assert parse(render(mapping)) == mapping
