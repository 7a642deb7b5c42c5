# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The "Supported clients" tables, the README's and the docs site's, say what the profile table does."""

import json
import os
import sys
from string import Template

from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import EDITORS, PROFILES

CLIENTS_TIER = os.path.join(os.path.dirname(__file__), "..", "..", "..", "clients")
ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")
README = os.path.join(ROOT, "README.md")
CLIENTS_PAGE = os.path.join(ROOT, "docs", "docsite", "rst", "clients.rst")
GRAMMARS = {"json": "strict JSON", "jsonc": "JSONC", "json_comments": "JSON + comments, no trailing commas", "toml": "TOML",
            "yaml": "YAML"}
SHOWN = {"HOME": "~", "XDG_CONFIG_HOME": "~/.config", "XDG_DATA_HOME": "~/.local/share", "COPILOT_HOME": "~/.copilot",
         "CODEX_HOME": "~/.codex"}
# The README lists editors first, then the other clients; generic last.
ORDER = ["code_server", "vscode", "vscode_insiders", "vscodium", "vscode_server", "cursor", "windsurf", "cline", "roo_code",
         "amazonq", "amazonq_agent", "kiro", "claude_desktop", "claude_code", "copilot_cli", "gemini_cli", "qwen_code", "zed", "opencode",
         "codex", "continue", "generic"]


def proven():
    """profile -> the README's "proven by a real client run" cell, from the clients tier's data."""
    sys.path.insert(0, CLIENTS_TIER)
    try:
        from clients import CLIENTS  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.remove(CLIENTS_TIER)
    with open(os.path.join(CLIENTS_TIER, "pins.json"), encoding="utf-8") as handle:
        pins = json.load(handle)["clients"]
    cells = {}
    for client, spec in CLIENTS.items():
        pin = pins[client]
        cells[spec["profile"]] = "%s (%s %s)" % (spec.get("proof", "connected"), pin["title"], pin["version"])
    # The code_server Molecule scenario drives a real code-server in a browser (molecule/code_server).
    cells["code_server"] = "started, 9 tools (code-server 4.139.1 in Chromium, `molecule` `code_server`)"
    return cells


def shown(template, profile):
    variables = dict(SHOWN)
    if profile["editor"]:
        variables["USER_DATA_DIR"] = Template(EDITORS[profile["editor"]]).substitute(SHOWN)
    return Template(template).substitute(variables)


def readme_row(name):
    profile = PROFILES[name]
    files = " or ".join("`%s`" % shown(template, profile) for template in profile["paths"]["user"]) or "any (`path`)"
    key = "`%s`" % ".".join(profile["key"]) if profile["key"] else "any (`key`)"
    if profile["named_list"]:
        key += " (a list, by `%s`)" % profile["named_list"]
    if profile["companion"]:
        key += " + `%s`" % ".".join(profile["companion"]["key"])
    secrets = ", ".join("`%s`" % secret for secret in profile["secrets"]) or "none"
    real = proven().get(name, "no: own parser and probe only")
    return "| %s | `%s` | %s | %s | %s | %s | %s |" % (profile["title"], name, files, GRAMMARS[profile["grammar"]], key, secrets, real)


def table_rows():
    with open(README, encoding="utf-8") as handle:
        section = handle.read().split("\n## Supported clients\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| client |")]


def test_order_names_every_profile_once():
    assert sorted(ORDER) == sorted(PROFILES)


def test_readme_rows_match_the_profiles():
    rows = table_rows()
    assert rows == [readme_row(name) for name in ORDER]


def page_rows():
    """The docs site's clients table (the page's first list-table), a list of cells per row."""
    with open(CLIENTS_PAGE, encoding="utf-8") as handle:
        table = handle.read().split(".. list-table::\n", 1)[1].split("\n\n", 2)[1]
    rows = []
    for line in table.splitlines():
        cell = line[len("   * - "):]  # an item of either kind, "   * - " or "     - "
        if line.startswith("   * - "):
            rows.append([cell])
        else:
            rows[-1].append(cell)
    return rows[1:]


def test_docs_page_rows_match_the_readme_rows():
    sys.path.insert(0, os.path.join(ROOT, "docs"))
    try:
        import markdown_rst  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.remove(os.path.join(ROOT, "docs"))
    wanted = [[markdown_rst.cell(text) for text in readme_row(name)[2:-2].split(" | ")] for name in ORDER]
    assert page_rows() == wanted
