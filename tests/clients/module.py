# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run mcpfleet.mcp.mcp_server for real: ansible-playbook against localhost, as root acting for
the throwaway user, with the collection as installed from its tarball under build/collections
(`make collection`), never this working tree's parent."""

import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COLLECTIONS = os.path.join(ROOT, "build", "collections")


def collection_installed():
    return os.path.isfile(os.path.join(COLLECTIONS, "ansible_collections", "mcpfleet", "mcp", "MANIFEST.json"))


def run_module(options, name="mcpfleet.mcp.mcp_server"):
    """Run module ``name`` once with ``options``; return (registered result, Ansible's -vvv output)."""
    with tempfile.TemporaryDirectory(prefix="mcpc-ansible-") as work:
        result_file = os.path.join(work, "result.json")
        tasks = [
            {"name": "entry", name: options, "register": "entry"},
            {"name": "save", "ansible.builtin.copy": {"content": "{{ entry | to_json }}", "dest": result_file}},
        ]
        play = [{"hosts": "localhost", "connection": "local", "gather_facts": False,
                 "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, "tasks": tasks}]
        play_file = os.path.join(work, "play.json")
        with open(play_file, "w") as handle:
            json.dump(play, handle)
        home = os.path.join(work, "ansible-home")
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_HOME=home, ANSIBLE_LOCAL_TEMP=os.path.join(home, "tmp"),
                   ANSIBLE_NOCOLOR="1", ANSIBLE_INVENTORY_UNPARSED_WARNING="0", ANSIBLE_LOCALHOST_WARNING="0")
        playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
        done = subprocess.run([playbook, "-vvv", "-i", "localhost,", play_file], env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        output = done.stdout + done.stderr
        if done.returncode != 0 or not os.path.exists(result_file):
            raise AssertionError("ansible-playbook failed (%d):\n%s" % (done.returncode, output[-4000:]))
        with open(result_file) as handle:
            return json.load(handle), output
