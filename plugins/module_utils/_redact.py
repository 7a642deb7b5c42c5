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

Duplicate keys: a file can hold a member twice (``"env": {...}, "env": {...}``, or two copies of
``servers`` or of one entry). Only the last copy is data, but every copy is text, so the file texts
are redacted by walking every parsed occurrence, and ``collect_text`` finds the secrets of the
shadowed copies too.

Walks over values are loops, not recursion, so no depth of data makes them fail.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.mcpfleet.mcp.plugins.module_utils._documents import open_document
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import JsoncError, json_equal

MASK = "********"
# Shown on the after side of a diff where a masked value replaces a different one, so that a
# rotated token is visible as a change without showing either token.
CHANGED_MASK = "******** (changed)"
# Shorter values (``"1"``, ``"true"``) are masked where they are secrets but not searched for
# elsewhere in a text, where they would mangle unrelated words.
MIN_SUBSTRING = 6

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


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


def collect_text(text, grammar, key_path, secret_keys, named_list=None):
    """Return the set of secret strings in every server entry of a config file's text.

    Every occurrence counts: the shadowed copies of a duplicate ``servers``, entry or ``env`` key
    included. A text that does not parse gives an empty set. ``named_list``: see
    ``_documents.open_document``.
    """
    try:
        document = open_document(text or "", grammar, key_path, named_list)
    except JsoncError:
        return set()
    return collect_document(document, key_path, secret_keys)


def collect_document(document, key_path, secret_keys):
    """``collect_text`` for a Document already parsed (its shadowed copies included)."""
    return set(value for dummy, dummy, value in _secret_occurrences(document, key_path, secret_keys)
               if isinstance(value, str) and value)


def _secret_occurrences(document, key_path, secret_keys):
    """(keys, span, value) of every member of every secret map of every entry, in text order."""
    found = []
    for key in secret_keys:
        found.extend(document.occurrences(tuple(key_path) + (None, key, None)))
    return sorted(found, key=lambda occurrence: occurrence[1])


def _map_strings(value, function):
    """A copy of value with function applied to every string in dicts, lists and tuples (keys
    included), without recursion. A container met twice (shared or in a cycle) is copied once."""
    holder = [value]
    stack = [(holder, 0)]
    copies = {}
    tuples = []
    while stack:
        parent, index = stack.pop()
        item = parent[index]
        if isinstance(item, str):
            parent[index] = function(item)
        elif isinstance(item, (dict, list, tuple)):
            if id(item) in copies:
                parent[index] = copies[id(item)]
                continue
            if isinstance(item, dict):
                new = {}
                for key, child in item.items():
                    new[function(key) if isinstance(key, str) else key] = child
                copies[id(item)] = parent[index] = new
                stack.extend((new, key) for key in new)
            else:
                new = list(item)
                copies[id(item)] = parent[index] = new
                if isinstance(item, tuple):
                    tuples.append((parent, index, new))
                stack.extend((new, position) for position in range(len(new)))
    # Tuples become tuples again, inner ones first (they were met after their containers).
    for parent, index, new in reversed(tuples):
        parent[index] = tuple(new)
    return holder[0]


def _escape_surrogates(text):
    return _LONE_SURROGATE.sub(lambda match: "\\u%04x" % ord(match.group()), text)


def controller_safe(value):
    """A copy of a module result that the controller accepts as UTF-8 JSON.

    A JSON file may hold a lone surrogate (``"\\ud800"``), which Python decodes into a str that
    cannot be encoded as UTF-8; every such character, in any string or key of nested dicts,
    lists and tuples, becomes its escape text (a backslash, ``u`` and four hex digits). Apply it
    to the whole result (and to failure messages) right before exit_json/fail_json.
    """
    return _map_strings(value, _escape_surrogates)


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
    """Apply redact_text to every string inside lists, tuples and dicts (keys included)."""
    return _map_strings(value, lambda text: redact_text(text, secrets))


def redact_entry(entry, secret_keys, secrets=()):
    """Return a copy of an entry with its secret values masked (None stays None)."""
    if entry is None:
        return None
    masked = dict(entry)
    for key in secret_keys:
        if isinstance(entry.get(key), dict):
            masked[key] = dict((name, MASK) for name in entry[key])
    return redact_value(masked, secrets)


def redact_file_texts(before, after, grammar, key_path, secret_keys, secrets=(), named_list=None):
    """Redact the before and after texts of a config file for a diff.

    Every server entry under ``key_path`` has its secret values replaced in place (the text
    keeps its layout, so the diff shows only real changes), a value that differs between the
    sides is shown as CHANGED_MASK on the after side, and any other occurrence of a secret is
    masked as a substring. Every copy of a duplicate key is redacted, not only the one that
    counts as data. ``named_list``: see ``_documents.open_document``.
    """
    documents = []
    for text in (before, after):
        try:
            documents.append(open_document(text or "", grammar, key_path, named_list))
        except JsoncError:
            documents.append(None)
    all_secrets = set(secrets)
    old_values = {}
    for side, document in enumerate(documents):
        if document is None:
            continue
        edits = []
        for path, (start, end), value in _secret_occurrences(document, key_path, secret_keys):
            if isinstance(value, str) and value:
                all_secrets.add(value)
            if side == 0:
                old_values.setdefault(path, []).append(value)
                mask = MASK
            else:
                changed = path in old_values and not any(json_equal(old, value) for old in old_values[path])
                mask = CHANGED_MASK if changed else MASK
            edits.append((start, end, json.dumps(mask)))
        document.replace_spans(edits)
    texts = []
    for text, document in zip((before, after), documents):
        if text is None:
            texts.append(None)
        else:
            texts.append(redact_text(document.text if document is not None else text, all_secrets))
    return texts[0], texts[1]
