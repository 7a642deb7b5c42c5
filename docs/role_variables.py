"""Render each role's variable table in README.md from its meta/argument_specs.yml.

The argument specs are the source of truth. README.md holds one generated block per role:

    <!-- role-variables: nodejs -->
    ...table...
    <!-- /role-variables: nodejs -->

Each role's own README.md holds the same block. docs/readme.py rewrites those blocks (`make
docs`) and creates a missing role README; the unit tests check them.
"""

import json
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = re.compile(r"(<!-- role-variables: (?P<role>[\w-]+) -->\n)(?P<body>.*?)(<!-- /role-variables: (?P=role) -->)", re.S)


def load_entry_point(role):
    with open(os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml"), encoding="utf-8") as f:
        return yaml.safe_load(f)["argument_specs"]["main"]


def load_spec(role):
    return load_entry_point(role)["options"]


def roles():
    return sorted(d for d in os.listdir(os.path.join(ROOT, "roles")) if not d.startswith("."))


def role_readme(role):
    """A role's README.md (Galaxy refuses a role without one): kept when it exists, else made
    from the argument specs' descriptions. Either way its variable block is generated."""
    path = os.path.join(ROOT, "roles", role, "README.md")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return path, f.read()
    entry = load_entry_point(role)
    paragraphs = entry.get("description", [])
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    text = "# mcpfleet.mcp.%s\n\n%s.\n\n" % (role, cell(entry["short_description"]))
    text += "".join("%s\n\n" % cell(p) for p in paragraphs)
    text += "The variables below are generated from `meta/argument_specs.yml` (`make docs`); "
    text += "`ansible-doc -t role mcpfleet.mcp.%s` shows the same.\n\n" % role
    text += "## Variables\n\n<!-- role-variables: %s -->\n<!-- /role-variables: %s -->\n" % (role, role)
    return path, text


# Ansible's documentation markup, rendered as Markdown.
MARKUP = [
    (re.compile(r"\bP\(([^)#]*)#role\)"), r"`\1`"),
    (re.compile(r"\b[COVEPM]\(([^)]*)\)"), r"`\1`"),
    (re.compile(r"\bI\(([^)]*)\)"), r"*\1*"),
    (re.compile(r"\bB\(([^)]*)\)"), r"**\1**"),
    (re.compile(r"\bU\(([^)]*)\)"), r"\1"),
    (re.compile(r"\bL\(([^,)]*),\s*([^)]*)\)"), r"[\1](\2)"),
]


def cell(text):
    text = str(text)
    for pattern, replacement in MARKUP:
        text = pattern.sub(replacement, text)
    return text.replace("|", "\\|").replace("\n", " ").strip()


def describe(option):
    text = option.get("description", "")
    if isinstance(text, list):
        text = " ".join(text)
    if option.get("choices"):
        text += " Choices: " + ", ".join("`%s`" % c for c in option["choices"]) + "."
    return cell(text)


def type_of(option):
    kind = option.get("type", "str")
    if kind == "list" and option.get("elements"):
        kind = "list of %s" % option["elements"]
    return kind


def default_of(option):
    if option.get("required"):
        return "*required*"
    if "default" not in option:
        return ""
    return "`%s`" % cell(json.dumps(option["default"]))


def rows(options, prefix=""):
    for name, option in options.items():
        full = prefix + name
        yield "| `%s` | %s | %s | %s |" % (full, type_of(option), default_of(option), describe(option))
        if option.get("options"):
            sub = full + ("[]." if option.get("type") == "list" else ".")
            yield from rows(option["options"], sub)


def table(role):
    lines = ["| variable | type | default | description |", "|---|---|---|---|"]
    lines.extend(rows(load_spec(role)))
    return "\n".join(lines) + "\n"


def render(readme_text):
    return BLOCK.sub(lambda m: m.group(1) + table(m.group("role")) + m.group(4), readme_text)
