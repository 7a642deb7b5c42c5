# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Keep secrets out of results, diffs and messages.

Ansible's ``no_log`` masks the values of the task's own parameters, but not a different secret
that is already in a file (the ``before`` side of a diff) nor one that sits in another server's
entry. Every value under an entry's secret keys (``env``, ``headers``, ...) is therefore masked
structurally, in the data and in the file text, and any other occurrence of such a value is
masked as a substring.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import Document, JsoncError

MASK = "********"
# Shown on the after side of a diff where a masked value replaces a different one, so that a
# rotated token is visible as a change without showing either token.
CHANGED_MASK = "******** (changed)"
# Shorter values (``"1"``, ``"true"``) are masked where they are secrets but not searched for
# elsewhere in a text, where they would mangle unrelated words.
MIN_SUBSTRING = 6


def _secret_items(entry, secret_keys):
    """Yield (key, name, value) for every value stored under one of ``secret_keys``."""
    if not isinstance(entry, dict):
        return
    for key in secret_keys:
        values = entry.get(key)
        if isinstance(values, dict):
            for name, value in values.items():
                yield key, name, value


def collect(entries, secret_keys, extra=()):
    """Return the set of secret strings found in ``entries`` plus ``extra``."""
    secrets = set(value for value in extra if isinstance(value, str) and value)
    for entry in entries:
        for dummy, dummy, value in _secret_items(entry, secret_keys):
            if isinstance(value, str) and value:
                secrets.add(value)
    return secrets


def redact_text(text, secrets):
    """Replace every occurrence of a known secret (long enough to search for) in ``text``."""
    if not text:
        return text
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) < MIN_SUBSTRING:
            continue
        for form in (secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]):
            text = text.replace(form, MASK)
    return text


def redact_value(value, secrets):
    """Apply redact_text to every string inside lists and dicts (keys included)."""
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, list):
        return [redact_value(item, secrets) for item in value]
    if isinstance(value, dict):
        return dict((redact_text(key, secrets), redact_value(item, secrets)) for key, item in value.items())
    return value


def redact_entry(entry, secret_keys, secrets=()):
    """Return a copy of an entry with its secret values masked (None stays None)."""
    if entry is None:
        return None
    masked = dict(entry)
    for key in secret_keys:
        if isinstance(entry.get(key), dict):
            masked[key] = dict((name, MASK) for name in entry[key])
    return redact_value(masked, secrets)


def _servers(document, key_path):
    try:
        servers = document.get(key_path)
    except (KeyError, JsoncError):
        return {}
    return servers if isinstance(servers, dict) else {}


def redact_file_texts(before, after, grammar, key_path, secret_keys, secrets=()):
    """Redact the before and after texts of a config file for a diff.

    Every server entry under ``key_path`` has its secret values replaced in place (the text
    keeps its layout, so the diff shows only real changes), a value that differs between the
    sides is shown as CHANGED_MASK on the after side, and any other occurrence of a secret is
    masked as a substring.
    """
    documents = []
    for text in (before, after):
        try:
            documents.append(Document(text or "", grammar=grammar))
        except JsoncError:
            documents.append(None)
    all_secrets = set(secrets)
    old_values = {}
    for side, document in enumerate(documents):
        if document is None:
            continue
        for server, entry in _servers(document, key_path).items():
            for key, name, value in _secret_items(entry, secret_keys):
                if isinstance(value, str) and value:
                    all_secrets.add(value)
                path = tuple(key_path) + (server, key, name)
                if side == 0:
                    old_values[path] = value
                    mask = MASK
                else:
                    changed = path in old_values and old_values[path] != value
                    mask = CHANGED_MASK if changed else MASK
                document.set(path, mask)
    texts = []
    for text, document in zip((before, after), documents):
        if text is None:
            texts.append(None)
        else:
            texts.append(redact_text(document.text if document is not None else text, all_secrets))
    return texts[0], texts[1]
