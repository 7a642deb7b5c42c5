# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Find the entries a managed entry supersedes and describe them without their secrets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import read_entry
from ansible_collections.mcpfleet.mcp.plugins.module_utils._launch import (
    matches, options, parse_launch, secrets_in_args, secrets_in_map,
)


# The argument spec of a list of matchers (mcp_server's supersedes, mcp_server_info's match).
MATCHERS_SPEC = dict(type="list", elements="dict", options=dict(
    package=dict(type="str"), command=dict(type="str"), args_regex=dict(type="str")))


def _launches(spec):
    return spec.get("command"), list(spec.get("args") or [])


def superseded_entries(profile, document, name, matchers, desired=None):
    """Yield (name, spec, set of literal secrets) for every entry a matcher selects.

    The entry called ``name`` is the managed one: it is yielded only when it launches something
    else than ``desired`` (a hand-made entry under the managed name, which the managed entry
    replaces), never when it already is what the caller manages."""
    if not matchers:
        return
    try:
        servers = document.get(tuple(profile["key"]))
    except KeyError:
        return
    if not isinstance(servers, dict):
        return
    for other, entry in list(servers.items()):
        if not isinstance(entry, dict):
            continue
        spec = read_entry(profile, entry)
        if spec["transport"] != "stdio" or not isinstance(spec["command"], str):
            continue
        if other == name and (desired is None or _launches(spec) == _launches(desired)):
            continue
        if any(matches(matcher, spec["command"], spec["args"]) for matcher in matchers):
            secrets = set(secrets_in_args(spec["args"])) | set(secrets_in_map(spec["env"]))
            yield other, spec, secrets


def describe_superseded(name, spec, known_secrets):
    """The result row for one superseded entry: kinds of exposure, never a value."""
    launch = parse_launch(spec["command"], spec["args"])
    exposures = []
    for kind, values in (("args", secrets_in_args(spec["args"])), ("env", secrets_in_map(spec["env"]))):
        if values:
            exposure = dict(kind=kind)
            if known_secrets:
                exposure["matches_known"] = any(value in known_secrets for value in values)
            exposures.append(exposure)
    return dict(name=name, package=launch["package"], version=launch["version"],
                options=options(launch["rest"]), exposures=exposures)
