"""Render each role's variable table in README.md from its meta/argument_specs.yml.

The argument specs are the source of truth. README.md holds one generated block per role:

    <!-- role-variables: nodejs -->
    ...table...
    <!-- /role-variables: nodejs -->

docs/readme.py rewrites those blocks (`make docs`); the unit tests check them.
"""

import json
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = re.compile(r"(<!-- role-variables: (?P<role>[\w-]+) -->\n)(?P<body>.*?)(<!-- /role-variables: (?P=role) -->)", re.S)


def load_spec(role):
    with open(os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml"), encoding="utf-8") as f:
        return yaml.safe_load(f)["argument_specs"]["main"]["options"]


# Ansible's documentation markup, rendered as Markdown.
MARKUP = [
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
