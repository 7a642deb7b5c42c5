# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Install the pinned CLI clients of pins.json from the npm registry into a cache.

The cache is build/clients/<hash of pins.json and the Node version>/<client>/, one npm prefix
per client (their dependency trees conflict). A prefix with a .done marker is reused as is, so
a warm run costs nothing. The tier installs a client when a test first needs it (a run of some
clients installs only those); run as a script this installs every client and prints the cache dir.
"""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
PINS = os.path.join(HERE, "pins.json")


def load_pins():
    with open(PINS) as handle:
        return json.load(handle)["clients"]


def node_dir():
    """The Node 22 tree tests/setup/node-fixture.sh builds (it is reused when present)."""
    done = subprocess.run(["bash", os.path.join(ROOT, "tests", "setup", "node-fixture.sh")],
                          check=True, capture_output=True, text=True, timeout=600)
    return os.path.realpath(done.stdout.strip().splitlines()[-1])


def cache_root(node):
    with open(PINS, "rb") as handle:
        digest = hashlib.sha256(handle.read() + node.encode()).hexdigest()[:16]
    return os.path.join(ROOT, "build", "clients", digest)


def bin_path(root, name, pin):
    return os.path.join(root, name, "node_modules", ".bin", pin["bin"])


def install_one(root, name, pin, node):
    prefix = os.path.join(root, name)
    if os.path.exists(os.path.join(prefix, ".done")):
        return prefix
    shutil.rmtree(prefix, ignore_errors=True)
    os.makedirs(prefix)
    # Install scripts stay on: Claude Code and opencode link their platform binary in postinstall.
    env = dict(os.environ, PATH=os.path.join(node, "bin") + os.pathsep + os.environ["PATH"],
               npm_config_nodedir=node, npm_config_update_notifier="false", npm_config_fund="false",
               npm_config_audit="false")
    spec = "%s@%s" % (pin["package"], pin["version"])
    done = subprocess.run([os.path.join(node, "bin", "npm"), "install", "--no-save", "--prefix", prefix, spec],
                          env=env, capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise RuntimeError("npm install %s failed:\n%s" % (spec, (done.stdout + done.stderr)[-4000:]))
    if not os.path.exists(bin_path(root, name, pin)):
        raise RuntimeError("npm install %s gave no %s binary" % (spec, pin["bin"]))
    with open(os.path.join(prefix, ".done"), "w") as handle:
        handle.write(spec + "\n")
    return prefix


def install(root, name, pin, node):
    """install_one under the cache's lock: two runs at once must not install into one prefix."""
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return install_one(root, name, pin, node)


def install_all():
    """Install every pinned client (reusing the cache); return (cache root, node dir)."""
    node = node_dir()
    root = cache_root(node)
    for name, pin in sorted(load_pins().items()):
        install(root, name, pin, node)
    return root, node


if __name__ == "__main__":
    print(install_all()[0])
    sys.exit(0)
