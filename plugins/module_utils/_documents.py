# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The config-file grammars the collection edits, each with its lossless Document.

Every Document offers the same interface (``get``, ``set``, ``delete``, ``limit_depth``,
``occurrences``, ``replace_spans``, ``text``; see ``_jsonc.Document``), keeps every byte outside
what it edits, and raises ``_jsonc.JsoncError`` (the collection's positioned parse error, whatever
the grammar) with the line and column of what it cannot read. Callers pick a grammar by its
name here and never branch on it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _jsonc, _toml, _yaml

_JSON_FAMILY = dict((grammar, _jsonc) for grammar in _jsonc.GRAMMARS)
_MODULES = dict(_JSON_FAMILY, toml=_toml, yaml=_yaml)

GRAMMARS = tuple(sorted(_MODULES))


def open_document(text, grammar, servers_key=None, named_list=None):
    """Parse ``text`` in ``grammar``.

    ``named_list``: the servers under ``servers_key`` are a list of items that carry their name
    in this member (Continue's ``mcpServers``); the document presents that list as a mapping
    from name to item, so that every caller addresses a server by ``servers_key + (name,)``.
    """
    if grammar not in _MODULES:
        raise ValueError("unknown grammar %r, expected one of %s" % (grammar, ", ".join(GRAMMARS)))
    if grammar in _JSON_FAMILY:
        return _jsonc.Document(text, grammar=grammar)
    if named_list is not None:
        return _MODULES[grammar].Document(text, named_lists={tuple(servers_key): named_list})
    return _MODULES[grammar].Document(text)


def profile_document(profile, text):
    """``open_document`` with a client profile's grammar, servers key and named list."""
    return open_document(text, profile["grammar"], profile["key"], profile.get("named_list"))


def render(value, grammar):
    """The text of a new file of ``grammar`` that holds ``value`` (a dict)."""
    return _MODULES[grammar].render(value)
