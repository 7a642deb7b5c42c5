"""Checks that keep the collection's metadata, docs and role specs from drifting apart."""

import os
import sys

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "docs"))

import readme  # noqa: E402  (docs/readme.py)
import role_variables  # noqa: E402  (docs/role_variables.py)

ROLES = sorted(d for d in os.listdir(os.path.join(ROOT, "roles")) if not d.startswith("."))
BENCHMARKS = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, "bench", "results")) if f.endswith(".md"))
MODULES = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, "plugins", "modules")) if f.endswith(".py") and not f.startswith("_"))


def load(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_every_module_is_in_the_action_group():
    assert sorted(load("meta", "runtime.yml")["action_groups"]["mcp"]) == MODULES


def test_execution_environment_installs_this_version():
    version = load("galaxy.yml")["version"]
    ee = load("execution-environment.yml")
    tarball = "mcpfleet-mcp-%s.tar.gz" % version
    assert any(f["src"].endswith(tarball) for f in ee["additional_build_files"])
    assert any(c["name"].endswith(tarball) for c in ee["dependencies"]["galaxy"]["collections"])


def read_readme():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        return f.read()


@pytest.mark.parametrize("role", ROLES)
def test_readme_has_the_role_variable_table(role):
    text = read_readme()
    assert "<!-- role-variables: %s -->" % role in text
    assert role_variables.render(text) == text, "run `make docs`"


@pytest.mark.parametrize("role", ROLES)
def test_role_readme_has_the_role_variable_table(role):
    # Galaxy and Automation Hub refuse a role without a README ("No role readme found").
    path, text = role_variables.role_readme(role)
    assert os.path.exists(path), "run `make docs`"
    assert "<!-- role-variables: %s -->" % role in text
    assert role_variables.render(text) == text, "run `make docs`"


@pytest.mark.parametrize("name", BENCHMARKS)
def test_readme_quotes_the_latest_benchmark_results(name):
    text = read_readme()
    assert "<!-- bench: %s -->" % name in text
    assert readme.render(text) == text, "run `make docs`"


@pytest.mark.parametrize("role", ROLES)
def test_role_defaults_match_argument_specs(role):
    spec = role_variables.load_spec(role)
    defaults = load("roles", role, "defaults", "main.yml") or {}
    assert sorted(defaults) == sorted(name for name, option in spec.items() if "default" in option)
    for name, value in defaults.items():
        assert name.startswith(role + "_"), "role variables carry the role's name"
        assert spec[name]["default"] == value, name


def jinja_strings(node, where):
    """(where, text) of every string in a loaded YAML document that holds a Jinja expression."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from jinja_strings(value, "%s.%s" % (where, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from jinja_strings(value, "%s[%d]" % (where, index))
    elif isinstance(node, str) and ("{{" in node or "{%" in node):
        yield where, node


def yaml_files(*tops):
    for top in tops:
        for directory, _dirs, files in os.walk(os.path.join(ROOT, top)):
            for name in files:
                if name.endswith((".yml", ".yaml")):
                    yield os.path.join(directory, name)


def test_roles_and_playbooks_pass_data_and_keep_jinja_short():
    # Programs belong in the collection's Python plugins, where they are tested.
    long_ones = []
    for path in yaml_files("roles", "playbooks"):
        with open(path, encoding="utf-8") as f:
            document = yaml.safe_load(f)
        for where, text in jinja_strings(document, os.path.relpath(path, ROOT)):
            if len(text.strip().splitlines()) > 5 or "{%" in text and len(text.strip().splitlines()) > 1:
                long_ones.append(where)
    assert long_ones == []
