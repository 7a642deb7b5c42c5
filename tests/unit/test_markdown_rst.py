"""docs/markdown_rst.py: a benchmark's Markdown reads the same on the docs site."""

import os
import sys

import pytest
from docutils import nodes
from docutils.core import publish_doctree

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "docs"))

import markdown_rst  # noqa: E402  (docs/markdown_rst.py)

RESULT = """### mcp_server vs slurp | combine | copy

| case | `sentry_mcp_probe` ms | per host |
|---|---|---|
| rerun, `1024` KB | 1502 | - |
| 1. first | *x* | a_ |

- ratio = mcp_server / slurp+copy, `0` changed
- 2 users x 2 clients
"""


def doctree(rst):
    # halt_level 2: a warning (markup docutils could not read as meant) raises.
    return publish_doctree(rst, settings_overrides={"halt_level": 2, "report_level": 2})


def test_a_result_renders_without_a_warning_and_keeps_its_text():
    tree = doctree(markdown_rst.to_rst(RESULT))
    title = next(iter(tree.findall(nodes.title)))
    assert title.astext() == "mcp_server vs slurp | combine | copy"
    rows = [[entry.astext() for entry in row.findall(nodes.entry)] for row in tree.findall(nodes.row)]
    assert rows == [
        ["case", "sentry_mcp_probe ms", "per host"],
        ["rerun, 1024 KB", "1502", "-"],
        ["1. first", "*x*", "a_"],
    ]
    items = [item.astext() for item in tree.findall(nodes.list_item)]
    assert items == ["ratio = mcp_server / slurp+copy, 0 changed", "2 users x 2 clients"]
    literals = [literal.astext() for literal in tree.findall(nodes.literal)]
    assert literals == ["sentry_mcp_probe", "1024", "0"]


def test_code_next_to_a_word_stays_code():
    tree = doctree(markdown_rst.to_rst("the `ping`s took `1`x\n"))
    assert tree.astext() == "the pings took 1x"
    assert [literal.astext() for literal in tree.findall(nodes.literal)] == ["ping", "1"]


@pytest.mark.parametrize("markdown", ["## A title of another level\n", "### title\ntext under it\n", "- a bullet\n| a | table |\n",
                                      "```\ncode\n```\n"])
def test_markdown_it_does_not_know_is_refused(markdown):
    with pytest.raises(ValueError):
        markdown_rst.to_rst(markdown)
