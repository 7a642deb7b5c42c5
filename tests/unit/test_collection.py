"""Checks that keep the collection's metadata, docs and role specs from drifting apart."""

import fnmatch
import os
import re
import sys

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "docs"))

import bench_tables  # noqa: E402  (docs/bench_tables.py)
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


DOCSITE = os.path.join(ROOT, "docs", "docsite")
PAGES = sorted(f[:-4] for f in os.listdir(os.path.join(DOCSITE, "rst")) if f.endswith(".rst"))


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def test_every_docs_page_is_in_the_table_of_contents():
    # Sphinx -W fails on a page no toctree names; a toctree entry without its page fails docs-lint.
    sections = load("docs", "docsite", "extra-docs.yml")["sections"]
    listed = [ref for section in sections for ref in section["toctree"]]
    assert sorted(listed) == PAGES


def test_the_docs_pages_ship_in_the_tarball():
    # antsibull-docs reads docs/docsite from the installed collection, as Galaxy's importer does.
    ignored = load("galaxy.yml")["build_ignore"]
    shipped = ["docs/docsite/extra-docs.yml"] + ["docs/docsite/rst/%s.rst" % page for page in PAGES]
    for path in shipped:
        parents = [path.rsplit("/", n)[0] for n in range(path.count("/") + 1)]
        assert not [p for p in ignored for part in parents if fnmatch.fnmatch(part, p)], path


def test_readme_links_existing_files():
    targets = re.findall(r"\]\(([^)#:]+)\)", read("README.md"))
    assert "docs/docsite/rst/install.rst" in targets
    assert [t for t in targets if not os.path.exists(os.path.join(ROOT, t))] == []


@pytest.mark.parametrize("role", ROLES)
def test_docs_site_links_the_role_reference(role):
    # The variables' reference is the role's page antsibull-docs generates from its argument specs.
    pages = "".join(read("docs", "docsite", "rst", page + ".rst") for page in PAGES)
    assert ":ansplugin:`mcpfleet.mcp.%s#role`" % role in pages


@pytest.mark.parametrize("role", ROLES)
def test_role_readme_has_the_role_variable_table(role):
    # Galaxy and Automation Hub refuse a role without a README ("No role readme found").
    path, text = role_variables.role_readme(role)
    assert os.path.exists(path), "run `make docs`"
    assert "<!-- role-variables: %s -->" % role in text
    assert role_variables.render(text) == text, "run `make docs`"


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_page_quotes_the_latest_results(name):
    text = read("docs", "docsite", "rst", "benchmarks.rst")
    assert ".. bench: %s\n" % name in text
    assert bench_tables.render(text) == text, "run `make docs`"


@pytest.mark.parametrize("role", ROLES)
def test_role_defaults_match_argument_specs(role):
    spec = role_variables.load_spec(role)
    defaults = load("roles", role, "defaults", "main.yml") or {}
    assert sorted(defaults) == sorted(name for name, option in spec.items() if "default" in option)
    for name, value in defaults.items():
        assert name.startswith(role + "_"), "role variables carry the role's name"
        assert spec[name]["default"] == value, name


@pytest.mark.parametrize("role", ROLES)
def test_a_group_of_settings_is_combined_over_the_defaults_its_spec_documents(role):
    # A group (a dict option with suboptions, such as stdio_server_probe) defaults to {}: each key
    # not given keeps its default, which vars/main.yml holds as __<option>_defaults.
    spec = role_variables.load_spec(role)
    role_vars = load("roles", role, "vars", "main.yml") or {}
    for name, option in spec.items():
        if option.get("type") != "dict" or "options" not in option:
            continue
        documented = dict((key, sub["default"]) for key, sub in option["options"].items() if "default" in sub)
        assert option.get("default") == {}, name
        assert role_vars.get("__%s_defaults" % name) == documented, name


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


def test_no_layer_touches_the_core_s_private_names():
    # A layer talks to the stdio_server role only through its documented inputs and facts.
    private = "__" + "stdio_server_"
    found = []
    for top in ("roles", "plugins", "playbooks", "molecule", "demo", "docs", "tests"):
        for folder, dirs, files in os.walk(os.path.join(ROOT, top)):
            dirs[:] = [d for d in dirs if d not in ("__pycache__", "venvs", "_build")]
            if os.path.relpath(folder, ROOT).split(os.sep)[:2] == ["roles", "stdio_server"]:
                continue
            for name in files:
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    if private.encode() in f.read():
                        found.append(os.path.relpath(path, ROOT))
    assert found == []


def test_the_layer_example_uses_only_documented_inputs_of_the_core():
    # docs/docsite/rst/layers.rst: its example role passes the core nothing its argument spec lacks.
    with open(os.path.join(ROOT, "docs", "docsite", "rst", "layers.rst"), encoding="utf-8") as f:
        text = f.read()
    block = text.split("``roles/acme_mcp/tasks/main.yml``:\n\n.. code-block:: yaml\n\n", 1)[1].split("\n\n``", 1)[0]
    tasks = yaml.safe_load("\n".join(line[3:] for line in block.splitlines()))
    spec = role_variables.load_spec("stdio_server")
    given = [task["vars"] for task in tasks if task.get("ansible.builtin.include_role", {}).get("name") == "mcpfleet.mcp.stdio_server"]
    assert len(given) == 2 and given[0] == given[1]
    assert sorted(name for name in given[0] if name not in spec) == []
    choices = spec["stdio_server_report_columns"]["options"]["from"]["choices"]
    assert [column["from"] for column in given[0]["stdio_server_report_columns"]] == ["call", "secret_check"]
    assert set(choices) == {"call", "secret_check"}


def test_the_cores_plan_and_rollout_entry_points_share_one_argument_spec():
    # The Sentry layer validates its inputs once, with "plan", and includes "rollout" with
    # rolespec_validate: false; that is sound only while both entry points take the same inputs.
    specs = load("roles", "stdio_server", "meta", "argument_specs.yml")["argument_specs"]
    assert specs["rollout"]["options"] == specs["plan"]["options"] == specs["main"]["options"]
    layer = load("roles", "sentry_mcp", "tasks", "main.yml")
    includes = [task["ansible.builtin.include_role"] for task in layer if "ansible.builtin.include_role" in task]
    assert [(inc["tasks_from"], inc.get("rolespec_validate", True)) for inc in includes] == [("plan", True), ("rollout", False)]


def test_the_cores_reading_of_the_nodejs_links_is_the_nodejs_roles_links():
    # The core reads the nodejs role's links in its one host reading (so that a rerun reads the
    # host once): the same names in the same directory, with the role's default.
    core = load("roles", "stdio_server", "vars", "main.yml")["__" + "stdio_server_node_links"]
    nodejs = load("roles", "nodejs", "vars", "main.yml")["__nodejs_link_names"]
    default = load("roles", "nodejs", "meta", "argument_specs.yml")["argument_specs"]["main"]["options"]["nodejs_link_dir"]["default"]
    names = re.search(r"(\[[^\]]*\])", nodejs).group(1)
    assert core == "{{ %s | map('regex_replace', '^', nodejs_link_dir | default('%s') ~ '/') }}" % (names, default)
