# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A server's lock: npm's package-lock.json (lockfileVersion 3) and the package.json beside it,
from which ``npm ci`` installs exactly one tree.

``lock_problems`` says why a lock cannot be trusted to pin a server's whole tree (every
package needs a sha512 integrity that npm checks what it downloads against), and
``integrity_failure`` turns npm's integrity error, which names only a hash, into the packages
of the lock that carry it; ``node_minimum`` reads the lowest Node.js the server's engines allow. Pure functions of the files' text: they run on the controller.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

LOCKFILE_VERSION = 3
# The sections of package.json that npm ci requires the lock's root entry to repeat.
_DEPENDENCY_KEYS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
# npm 6 to 11: "... integrity checksum failed when using sha512: wanted sha512-X but got sha512-Y."
_INTEGRITY_ERROR = re.compile(r"wanted (sha\d+-[A-Za-z0-9+/=]+) but got (sha\d+-[A-Za-z0-9+/=]+)")
# What is shown of npm's output when the failure is something else: its error lines only.
_NPM_ERROR_LINE = re.compile(r"^npm (?:ERR!|error) (?!A complete log|code )(.+)$", re.MULTILINE)


def _parse(text, what):
    try:
        data = json.loads(text)
    except ValueError as exc:
        return None, "%s is not JSON (%s)" % (what, exc)
    if not isinstance(data, dict):
        return None, "%s is not a JSON object" % what
    return data, ""


def package_name(path):
    """The package an entry of the lock's ``packages`` installs: node_modules/a/node_modules/@s/b -> @s/b."""
    return path.rsplit("node_modules/", 1)[-1]


def _entry_problem(path, entry):
    """Why one entry of ``packages`` does not pin what it installs, or ''."""
    if not isinstance(entry, dict):
        return "%s is not an object" % path
    if entry.get("link"):
        return "%s links to %s instead of a package from a registry" % (path, entry.get("resolved"))
    if entry.get("inBundle"):
        return ""  # inside its parent's tarball, which its parent's integrity covers
    integrity = entry.get("integrity")
    if not isinstance(integrity, str) or not any(part.startswith("sha512-") for part in integrity.split()):
        source = entry.get("resolved")
        return "%s has no sha512 integrity%s" % (path, " (resolved from %s)" % source if source else "")
    return ""


def lock_problems(lock_text, package_json_text, package, version):
    """(number of packages the lock installs, problems): an empty list of problems means ``npm
    ci`` installs ``package`` at exactly ``version`` and checks every download against a sha512
    integrity. Problems name entries of the lock, never their content beyond a path."""
    lock, problem = _parse(lock_text, "package-lock.json")
    if lock is None:
        return 0, [problem]
    manifest, problem = _parse(package_json_text, "package.json")
    if manifest is None:
        return 0, [problem]
    if lock.get("lockfileVersion") != LOCKFILE_VERSION:
        return 0, ["package-lock.json has lockfileVersion %s, not %d: make it with npm 9 or later"
                   % (json.dumps(lock.get("lockfileVersion")), LOCKFILE_VERSION)]
    packages = lock.get("packages")
    if not isinstance(packages, dict) or not isinstance(packages.get(""), dict):
        return 0, ["package-lock.json has no packages with a root entry"]
    problems = []
    root = packages[""]
    for key in _DEPENDENCY_KEYS:
        if (manifest.get(key) or {}) != (root.get(key) or {}):
            problems.append("package.json's %s differ from the lock's: make the lock again from this package.json" % key)
    server = packages.get("node_modules/" + package)
    if not isinstance(server, dict):
        problems.append("the lock does not install %s" % package)
    elif server.get("version") != version:
        problems.append("the lock installs %s %s, not %s" % (package, server.get("version"), version))
    entries = [(path, entry) for path, entry in sorted(packages.items()) if path]
    problems.extend(problem for problem in (_entry_problem(path, entry) for path, entry in entries) if problem)
    return len(entries), problems


# The lower bound of one alternative of an engines range: >=22.13, ^22.13.0, ~22.13, 22.13.0.
_LOWER_BOUND = re.compile(r"^(?:>=|\^|~)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\s.*)?$")


def node_minimum(lock_text, package):
    """The lowest Node.js version (X.Y.Z) that ``package``'s ``engines.node`` in the lock allows,
    or '' when the lock names none, or a range without a lower bound in every alternative."""
    lock, _problem = _parse(lock_text, "package-lock.json")
    server = ((lock or {}).get("packages") or {}).get("node_modules/" + package)
    engines = server.get("engines") if isinstance(server, dict) else None
    node = engines.get("node") if isinstance(engines, dict) else None
    if not isinstance(node, str):
        return ""
    bounds = []
    for alternative in node.split("||"):
        match = _LOWER_BOUND.match(alternative.strip())
        if not match:
            return ""
        bounds.append(tuple(int(part or 0) for part in match.groups()))
    return "%d.%d.%d" % min(bounds) if bounds else ""


def _integrities(entry):
    return entry.get("integrity", "").split() if isinstance(entry, dict) and isinstance(entry.get("integrity"), str) else []


def integrity_failure(npm_output, lock_text):
    """Why npm refused to install from the lock, in one line naming the packages of the lock
    whose integrity npm found wrong; '' when ``npm_output`` shows no integrity failure."""
    found = _INTEGRITY_ERROR.findall(npm_output or "")
    if not found:
        return ""
    lock, _problem = _parse(lock_text, "package-lock.json")
    packages = (lock or {}).get("packages") or {}
    named = []
    for wanted, got in found:
        holders = sorted("%s %s (%s)" % (package_name(path), entry.get("version", "?"), path)
                         for path, entry in packages.items() if path and wanted in _integrities(entry))
        named.append("%s: the registry sent content with integrity %s, the lock says %s"
                     % (" and ".join(holders) or "a package of the lock", got, wanted))
    return "npm refused to install: " + "; ".join(dict.fromkeys(named))


def npm_failure(npm_output, lock_text, limit=600):
    """A one-line reason for a failed npm install: the packages whose integrity failed, else
    npm's own error lines (without the log file's path), cut at ``limit`` characters."""
    reason = integrity_failure(npm_output, lock_text)
    if not reason:
        lines = [line.strip() for line in _NPM_ERROR_LINE.findall(npm_output or "")]
        reason = "npm failed: " + (" ".join(lines) if lines else (npm_output or "").strip()[-limit:] or "no output")
    return reason if len(reason) <= limit else reason[:limit - 3] + "..."
