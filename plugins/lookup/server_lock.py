# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find and check the lock of a server version on the controller: the files npm ci installs
from, and whether they pin every package of the tree."""

from __future__ import annotations

DOCUMENTATION = r"""
name: server_lock
version_added: 1.1.0
short_description: Find and check the lock of an npm server version on the controller
description:
  - Looks for the lock of a package at a version, C(package-lock.json) with its C(package.json)
    beside it, and checks that C(npm ci) installs the package at exactly that version and checks
    every package it downloads against a C(sha512) integrity (lockfileVersion 3).
  - The lock is O(lockfile) when given, else C(<locks_dir>/<package>/<version>/package-lock.json).
  - A C(tree.sha256) file beside the lock, when there is one, holds the digest of the tree that
    C(npm ci) builds from it (as M(mcpfleet.mcp.tree_digest) computes it).
author:
  - mcpfleet maintainers (@mcpfleet)
options:
  _terms:
    description: The package and the version, in this order.
    type: list
    elements: str
    required: true
  lockfile:
    description: A C(package-lock.json) of the user's own. Empty looks in O(locks_dir).
    type: str
    default: ''
  locks_dir:
    description: The directory of the checked-in locks, one C(<package>/<version>/) directory each.
    type: str
    default: ''
"""

EXAMPLES = r"""
- name: Find the lock of @sentry/mcp-server 0.39.0
  ansible.builtin.set_fact:
    lock: "{{ lookup('mcpfleet.mcp.server_lock', '@sentry/mcp-server', '0.39.0', locks_dir=role_path ~ '/files/locks') }}"
"""

RETURN = r"""
_raw:
  description: One dict.
  type: list
  elements: dict
  contains:
    found:
      description: Whether the lock and its C(package.json) exist.
      type: bool
    lockfile:
      description: The path of the C(package-lock.json) looked for.
      type: str
    package_json:
      description: The path of the C(package.json) beside it.
      type: str
    sha256:
      description: The SHA-256 of the C(package-lock.json), empty when there is none.
      type: str
    tree_digest:
      description: The digest in C(tree.sha256) beside the lock, empty when there is none.
      type: str
    packages:
      description: The number of packages the lock installs.
      type: int
    node_min:
      description: >-
        The lowest Node.js version (C(X.Y.Z)) the server's C(engines) in the lock allow, such as C(22.13.0) for
        C(>=22.13); empty when the lock names none.
      type: str
      version_added: 1.1.0
    problems:
      description: Why the lock does not pin the whole tree; empty when it does.
      type: list
      elements: str
    refusal:
      description: >-
        Why no tree can be installed from a lock, in words: no lock (and how to make one), or its problems.
        Empty when the lock is fine.
      type: str
"""

import hashlib
import os
import re

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.lookup import LookupBase

from ansible_collections.mcpfleet.mcp.plugins.module_utils._lockfile import lock_problems, node_minimum

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _read(path):
    with open(path, "rb") as stream:
        return stream.read()


def _refusal(answer, package, version):
    if answer["problems"]:
        return "The lock %s does not pin the whole tree of %s %s: %s%s." % (
            answer["lockfile"], package, version, "; ".join(answer["problems"][:5]), "; ..." if len(answer["problems"]) > 5 else "")
    if not answer["found"]:
        return ("There is no lock for %s %s (looked for %s). Make one on a machine that reaches the registry (`make locks` in the"
                " collection's repository, or `npm install --package-lock-only --ignore-scripts` beside a package.json that pins"
                " the version), review it and give it as the lockfile, or allow an unlocked install." % (package, version, answer["lockfile"]))
    return ""


def server_lock(package, version, lockfile="", locks_dir=""):
    """The lookup's answer for one package and version."""
    answer = _find(package, version, lockfile, locks_dir)
    answer["refusal"] = _refusal(answer, package, version)
    return answer


def _find(package, version, lockfile, locks_dir):
    if not lockfile and not locks_dir:
        raise AnsibleLookupError("server_lock: give lockfile or locks_dir")
    lockfile = lockfile or os.path.join(locks_dir, package, version, "package-lock.json")
    directory = os.path.dirname(lockfile)
    answer = dict(found=False, lockfile=lockfile, package_json=os.path.join(directory, "package.json"),
                  sha256="", tree_digest="", packages=0, problems=[], node_min="")
    if not os.path.isfile(lockfile):
        return answer
    if not os.path.isfile(answer["package_json"]):
        answer["problems"] = ["%s has no package.json beside it" % lockfile]
        return answer
    lock = _read(lockfile)
    answer.update(found=True, sha256=hashlib.sha256(lock).hexdigest())
    answer["packages"], answer["problems"] = lock_problems(to_text(lock), to_text(_read(answer["package_json"])), package, version)
    answer["node_min"] = node_minimum(to_text(lock), package)
    digest_file = os.path.join(directory, "tree.sha256")
    if os.path.isfile(digest_file):
        digest = to_text(_read(digest_file)).strip()
        if _DIGEST.match(digest):
            answer["tree_digest"] = digest
        else:
            answer["problems"].append("%s does not hold a SHA-256 in hex" % digest_file)
    return answer


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if len(terms) != 2:
            raise AnsibleLookupError("server_lock: give the package and the version, got %d terms" % len(terms))
        return [server_lock(str(terms[0]), str(terms[1]), self.get_option("lockfile"), self.get_option("locks_dir"))]
