# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make the lock of each server version the collection pins (`make locks`, on a machine that
reaches the npm registry), for review and check-in:

    roles/stdio_server/files/locks/<package>/<version>/package.json       pins the version exactly
    roles/stdio_server/files/locks/<package>/<version>/package-lock.json  npm's lock, lockfileVersion 3
    roles/stdio_server/files/locks/<package>/<version>/tree.sha256        digest of the tree npm ci builds

The lock is resolved by `npm install --package-lock-only --ignore-scripts` (nothing runs) with
the download address of every package (`resolved`) kept; the tree is then built from it with
`npm ci --ignore-scripts` in a scratch directory, normalized as the roles do, and hashed with
the roles' own code (plugins/module_utils/_tree_digest.py). The servers: @sentry/mcp-server at
roles/sentry_mcp/defaults/main.yml's sentry_mcp_version and the GitHub server of
molecule/default, or the `<package>@<version>` arguments. LOCKS_REGISTRY sets the registry
(default https://registry.npmjs.org/).
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LOCKS = os.path.join(ROOT, "roles", "stdio_server", "files", "locks")
NPM_QUIET = ["--ignore-scripts", "--no-audit", "--no-fund", "--no-update-notifier", "--loglevel=error"]


def _module_util(name):
    """A module of plugins/module_utils (standard library only), without the collection installed."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "plugins", "module_utils", name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _setting(path, pattern):
    with open(os.path.join(ROOT, path), encoding="utf-8") as stream:
        found = re.search(pattern, stream.read(), re.MULTILINE)
    if not found:
        sys.exit("locks: no match for %s in %s" % (pattern, path))
    return found.group(1)


def pinned_servers():
    """The server versions the collection pins by default: Sentry's and the default scenario's GitHub server."""
    return [
        ("@sentry/mcp-server", _setting("roles/sentry_mcp/defaults/main.yml", r'^sentry_mcp_version: *"?([^"\s]+)"?$')),
        (_setting("molecule/default/vars/sentry.yml", r'^  stdio_server_package: *"?([^"\s]+)"?$'),
         _setting("molecule/default/vars/sentry.yml", r'^  stdio_server_version: *"?([^"\s]+)"?$')),
    ]


def npm(args, directory, registry):
    result = subprocess.run(["npm"] + args + NPM_QUIET + ["--registry", registry], cwd=directory,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    if result.returncode:
        sys.exit("locks: npm %s in %s failed:\n%s" % (" ".join(args), directory, result.stdout))


def make_lock(package, version, registry, lockfile, digest):
    """Write the lock of package@version into LOCKS and return its directory."""
    scratch = tempfile.mkdtemp(prefix="mcpfleet-lock-")
    try:
        manifest = json.dumps({"name": "mcpfleet-server-tree", "version": "0.0.0", "private": True,
                               "dependencies": {package: version}}, indent=2) + "\n"
        with open(os.path.join(scratch, "package.json"), "w", encoding="utf-8") as stream:
            stream.write(manifest)
        # resolved kept whatever this machine's npmrc says: the lock names where each package came from.
        npm(["install", "--package-lock-only", "--omit-lockfile-registry-resolved=false"], scratch, registry)
        with open(os.path.join(scratch, "package-lock.json"), encoding="utf-8") as stream:
            lock = stream.read()
        count, problems = lockfile.lock_problems(lock, manifest, package, version)
        if problems:
            sys.exit("locks: the lock of %s %s does not pin its tree: %s" % (package, version, "; ".join(problems)))
        tree = os.path.join(scratch, "tree")
        os.mkdir(tree)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(scratch, name), tree)
        npm(["ci"], tree, registry)
        result = digest.digest_tree(dict(path=tree, record=False, record_as=None, normalize=True, expect="", facts={}), False)
        target = os.path.join(LOCKS, package, version)
        os.makedirs(target, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(scratch, name), target)
        with open(os.path.join(target, "tree.sha256"), "w", encoding="utf-8") as stream:
            stream.write(result["digest"] + "\n")
        print("%s %s: %d packages, %d files, tree %s" % (package, version, count, result["files"], result["digest"]))
        return target
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv):
    registry = os.environ.get("LOCKS_REGISTRY") or "https://registry.npmjs.org/"
    servers = [tuple(arg.rsplit("@", 1)) for arg in argv] if argv else pinned_servers()
    lockfile, digest = _module_util("_lockfile"), _module_util("_tree_digest")
    for package, version in servers:
        make_lock(package, version, registry, lockfile, digest)
    print("Review the locks (git diff %s) before you commit them." % os.path.relpath(LOCKS, ROOT))


if __name__ == "__main__":
    main(sys.argv[1:])
