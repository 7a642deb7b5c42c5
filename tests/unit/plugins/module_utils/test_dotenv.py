# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The dotenv dialect of envFile that VS Code and Cursor read."""

import pytest
from hypothesis import given, strategies as st

from ansible_collections.mcpfleet.mcp.plugins.module_utils._dotenv import DotenvError, parse_dotenv as parse

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
    with pytest.raises(DotenvError, match=message):
        parse(text)


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=20))
def test_a_double_quoted_value_reads_back_whatever_it_holds(value):
    # Only LF ends a line: a form feed, U+2028 or a lone CR inside the quotes is part of the value.
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    assert parse('A="%s"\nB=1\n' % escaped) == {"A": value, "B": "1"}
