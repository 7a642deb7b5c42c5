"""The variables of earlier releases that a role no longer reads (its vars/main.yml's
__<role>_moved): a run that still sets one fails in the role's first checks, before any host is read,
naming what took its place."""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "docs"))

import role_variables  # noqa: E402  (docs/role_variables.py)

COLLECTIONS = os.path.join(ROOT, "build", "pytest-collections")  # tests/conftest.py links the checkout there
LAYERS = ("stdio_server", "sentry_mcp")


def moved(role):
    with open(os.path.join(ROOT, "roles", role, "vars", "main.yml"), encoding="utf-8") as f:
        return yaml.safe_load(f)["__%s_moved" % role]


@pytest.mark.parametrize("role", LAYERS)
def test_each_moved_variable_names_a_documented_option_in_its_place(role):
    # A layer passes a group whole to the core: the group's keys are the core's suboptions.
    spec, core = role_variables.load_spec(role), role_variables.load_spec("stdio_server")
    for old, new in moved(role).items():
        assert old not in spec, old
        if not re.match(r"^\w+(\.\w+)?$", new):
            continue  # a sentence, for a variable with no single successor
        option, key = (new.split(".", 1) + [""])[:2]
        assert option in spec, new
        if key:
            assert key in core[option.replace(role + "_", "stdio_server_", 1)]["options"], new


def test_no_role_reads_a_moved_variable():
    names = sorted(old for role in LAYERS for old in moved(role))
    read = re.compile(r"\b(%s)\b" % "|".join(names))
    found = []
    for role in os.listdir(os.path.join(ROOT, "roles")):
        for part in ("defaults", "tasks", "templates", "vars", "handlers"):
            for folder, _dirs, files in os.walk(os.path.join(ROOT, "roles", role, part)):
                for name in files:
                    path = os.path.join(folder, name)
                    with open(path, encoding="utf-8") as f:
                        for number, line in enumerate(f, 1):
                            match = read.search(line)
                            # The table itself: "  <old name>: <what took its place>".
                            if match and not line.startswith("  %s: " % match.group(1)):
                                found.append("%s:%d" % (os.path.relpath(path, ROOT), number))
    assert found == []


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.include_role:
        name: mcpfleet.mcp.{role}
        tasks_from: {entry}
      vars:
        stdio_server_name: example
        stdio_server_package: example-mcp
        stdio_server_version: 1.0.0
"""


@pytest.mark.parametrize("role, entry", [("stdio_server", "plan"), ("sentry_mcp", "main")])
def test_a_run_that_sets_a_moved_variable_fails_naming_its_replacement(tmp_path, role, entry):
    table = moved(role)
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAYBOOK.format(role=role, entry=entry), encoding="utf-8")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_NOCOLOR="true", ANSIBLE_STDOUT_CALLBACK="default")
    run = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local",
         "-e", json.dumps(dict.fromkeys(table, "x")), str(playbook)],
        cwd=str(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    assert run.returncode == 2, run.stdout[-3000:]
    message = "These variables are no longer read: %s." % "; ".join(
        "%s (now %s)" % (old, table[old]) for old in sorted(table))
    assert message in " ".join(run.stdout.split())
    # The refusal comes before anything that reads the host, and is the last task that ran.
    tasks = re.findall(r"^TASK \[(.*)\]", run.stdout, re.MULTILINE)
    assert tasks[-1].endswith("and refuse the variables that %s" % (
        "the groups of settings replaced" if role == "stdio_server" else "the core's groups replaced")), tasks
    assert "failed=1" in run.stdout
