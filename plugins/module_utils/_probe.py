# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The probe: read an entry as its client reads it, start the server as the user, speak MCP.

Used by mcp_probe (one entry, or many targets: run_module) and by mcp_user_config (each user's
entries right after writing them, in the same process of the user). Every result has the
secrets masked.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible_collections.mcpfleet.mcp.plugins.module_utils import _probe_reuse as probe_reuse
from ansible_collections.mcpfleet.mcp.plugins.module_utils._as_user import UserProcessError, UserProcessTimeout, call_as_each
from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import (
    ENTRY_LOCATION_OPTIONS, ClientError, find_entry, get_profile, read_entry, resolve_from_params,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._concurrency import probe_concurrency
from ansible_collections.mcpfleet.mcp.plugins.module_utils._config_file import ConfigFileError, decode, read_bytes, read_text
from ansible_collections.mcpfleet.mcp.plugins.module_utils._dotenv import DotenvError, parse_dotenv
from ansible_collections.mcpfleet.mcp.plugins.module_utils._documents import profile_document
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import JsoncError
from ansible_collections.mcpfleet.mcp.plugins.module_utils._mcp_stdio import (
    McpError, become_subreaper, ide_environment, kill_descendants, merge_environment, probe,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._placeholders import Context, PlaceholderError, expand_all
from ansible_collections.mcpfleet.mcp.plugins.module_utils._redact import controller_safe, redact_text, redact_value
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import AccountError, expand_home, get_account

DIRECT_OPTIONS = ("command", "args", "env", "env_file", "cwd")
CLIENT_ONLY_OPTIONS = ("path", "key", "user_data_dir", "editor", "user_env")
# What one item of the targets option says: where to read an entry, and as whom.
TARGET_OPTIONS = ("client", "user") + ENTRY_LOCATION_OPTIONS
# How to probe, whatever the entry: mcp_probe's options, and mcp_user_config's probe.
PROBE_OPTIONS_SPEC = dict(
    path_env=dict(type="str", default="/usr/local/bin:/usr/bin:/bin"),
    timeout=dict(type="float", default=30),
    call=dict(type="dict", options=dict(tool=dict(type="str", required=True), arguments=dict(type="dict", default={}))),
    expect_tools=dict(type="list", elements="str", default=[]),
    reuse=probe_reuse.REUSE_SPEC,
)


def entry_probe_params(options):
    """mcp_probe's parameters for probing entries (given as targets) with ``options`` (validated
    by PROBE_OPTIONS_SPEC)."""
    params = dict.fromkeys(TARGET_OPTIONS + DIRECT_OPTIONS + ("name", "client_env"))
    params.update(options, args=[])
    return params


class ProbeSetupError(Exception):
    """The server cannot be launched as configured (before anything is started)."""


class Launch:
    """Everything needed to start the server, and the secrets that must not leave the host."""

    def __init__(self, account):
        self.account = account
        self.secrets = set()
        self.path = None
        self.argv = None
        self.env = None
        self.cwd = None
        self.warnings = []

    def add_secrets(self, values):
        self.secrets.update(value for value in values if isinstance(value, str) and value)

    def describe(self):
        facts = {"command": self.argv[0], "cwd": self.cwd, "env_names": sorted(self.env)}
        if self.path:
            facts["path"] = self.path
        return facts


def _vscode_launcher(profile):
    # The VS Code family keeps its file in the editor's own user-data dir, and VS Code's
    # extension host launches it (untildify, PATH appended, cwd defaulting to the workspace).
    return profile["editor"] is not None and not profile["runs_in_editor"]


def _from_client(params, launch, client_env):
    """The entry's spec with placeholders expanded, as the client would read it."""
    profile = get_profile(params["client"], params["key"])
    launch.path = resolve_from_params(profile, launch.account, params)
    text = read_text(launch.path)
    if text is None:
        raise ProbeSetupError("%s does not exist: client %s has no configuration for %s" % (launch.path, params["client"], launch.account.name))
    try:
        entry = find_entry(profile, profile_document(profile, text), params["name"])
    except JsoncError as exc:
        raise ProbeSetupError("%s cannot be parsed the way %s parses it: %s" % (launch.path, profile["title"], exc))
    if entry is None:
        raise ProbeSetupError("%s has no server named %s under %s" % (launch.path, params["name"], ".".join(profile["key"])))
    spec = read_entry(profile, entry)
    extra = spec["extra"]
    if extra.get("disabled") is True or extra.get("enabled") is False:
        launch.warnings.append("server %s is disabled in %s: the client does not start it" % (params["name"], launch.path))
    if spec["transport"] != "stdio":
        raise ProbeSetupError("server %s in %s is not a stdio server (transport %s): the probe speaks stdio only"
                              % (params["name"], launch.path, spec["transport"] or "unknown"))
    workspace = expand_home(params["workspace"], launch.account) if params["workspace"] else None
    context = Context(client_env, launch.account.home, workspace=workspace, config_dir=os.path.dirname(launch.path),
                      read=lambda path: decode(path, read_bytes(path, what="placeholder file")[0] or b""))
    fields = expand_all(dict((field, spec[field]) for field in DIRECT_OPTIONS), profile["placeholders"], context)
    launch.add_secrets(context.file_values)
    for field, kind, what in (("command", str, "a string"), ("args", list, "a list"), ("env", dict, "an object")):
        if fields[field] is not None and not isinstance(fields[field], kind):
            raise ProbeSetupError("%s of server %s in %s must be %s" % (field, params["name"], launch.path, what))
    vscode = _vscode_launcher(profile)
    if vscode:
        fields["command"] = expand_home(fields["command"], launch.account)
        fields["args"] = [expand_home(str(arg), launch.account) for arg in fields["args"] or []]
        fields["cwd"] = expand_home(fields["cwd"], launch.account) if fields["cwd"] else None
    return fields, workspace, vscode


def build_launch(params, account):
    launch = Launch(account)
    client_env = ide_environment(account, params["path_env"])
    client_env.update((key, str(value)) for key, value in (params["client_env"] or {}).items() if value is not None)
    launch.add_secrets(client_env[key] for key in params["client_env"] or {} if key in client_env)
    if params["client"]:
        fields, workspace, append_path = _from_client(params, launch, client_env)
    else:
        fields = dict((field, params[field]) for field in DIRECT_OPTIONS)
        fields["command"] = expand_home(fields["command"], account)
        fields["cwd"] = expand_home(fields["cwd"], account) if fields["cwd"] else None
        workspace = expand_home(params["workspace"], account) if params["workspace"] else None
        append_path = False
    if not fields["command"]:
        raise ProbeSetupError("the server has no command")
    launch.add_secrets(str(value) for value in (fields["env"] or {}).values() if value is not None)
    launch.cwd = os.path.normpath(os.path.join(workspace or account.home, fields["cwd"] or ""))
    file_env = None
    if fields["env_file"]:
        env_file = os.path.join(launch.cwd, expand_home(fields["env_file"], account))
        try:
            data, _info = read_bytes(env_file, what="env file")
            if data is None:
                raise ConfigFileError("it does not exist")
            file_env = parse_dotenv(decode(env_file, data))
        except (DotenvError, ConfigFileError) as exc:
            raise ProbeSetupError("env file %s cannot be read: %s" % (env_file, exc))
        launch.add_secrets(file_env.values())
    launch.env = merge_environment(client_env, file_env, fields["env"], append_path=append_path)
    launch.argv = [fields["command"]] + [str(arg) for arg in fields["args"] or []]
    return launch


SETUP_ERRORS = (AccountError, ClientError, ConfigFileError, PlaceholderError, ProbeSetupError)


def run_launch(launch, params):
    """Probe one resolved launch; the result has every secret masked, and ``failed`` with
    ``msg`` and ``failure`` when the probe failed."""
    result = dict(changed=False, launch=launch.describe(), warnings=launch.warnings)
    try:
        facts = probe(launch.argv, launch.env, cwd=launch.cwd, timeout=params["timeout"], call=params["call"],
                      secrets=launch.secrets, warnings=launch.warnings)
    except McpError as exc:
        result.update(redact_value(dict((key, value) for key, value in exc.partial.items() if value is not None), launch.secrets))
        result["stderr"] = redact_text("\n".join(exc.stderr), launch.secrets)
        return dict(result, failed=True, msg=redact_text(str(exc), launch.secrets), failure=exc.details())
    facts["stderr"] = "\n".join(facts["stderr"])
    result.update(redact_value(facts, launch.secrets))
    missing = [tool for tool in params["expect_tools"] if tool not in facts["tools"]]
    if missing:
        return dict(result, failed=True, msg="the server answered but does not list the expected tools %s" % ", ".join(missing),
                    failure={"kind": "missing_tools", "phase": "tools/list"})
    return result


def _setup_failure(exc):
    return dict(changed=False, failed=True, msg=str(exc), failure={"kind": "config", "phase": "setup"})


def probe_as_user(account, params):
    """Read the configuration and probe the server, in a process that is ``account``.

    The config file, the env file and files that placeholders name are read with the user's own
    rights, and the server starts as a child of this process. Returns the module's result, with
    every secret masked, and ``failed`` with ``msg`` and ``failure`` when the probe failed.
    """
    try:
        launch = build_launch(params, account)
    except SETUP_ERRORS as exc:
        return _setup_failure(exc)
    return run_launch(launch, params)


def _launch_key(launch):
    return json.dumps([launch.argv, sorted(launch.env.items()), launch.cwd])


def probe_targets_as_user(account, params, targets, fresh=(), start=True):
    """probe_as_user for each of one user's ``targets`` (client options each): every entry is
    read as its client reads it, and each distinct launch (command, arguments, environment,
    directory) is probed once, one after the other, each within its own timeout: a user's
    process runs one server at a time, so that bounding the users' processes (run_as_users)
    bounds the servers. Results in target order.

    With O(reuse), a launch whose fingerprint is in ``fresh`` is not started: its result says
    ``reused`` and root fills in what it kept of the earlier probe. Without ``start``, no launch
    is started: the result of one that would be says ``pending``."""
    launches, keys, results, prints = {}, [], [], {}
    # What the server is asked is part of what passed.
    reuse = params["reuse"] and dict(params["reuse"], inputs=[params["reuse"]["inputs"], params["call"], params["expect_tools"]])
    for target in targets:
        try:
            launch = build_launch(dict(params, **target), account)
        except SETUP_ERRORS as exc:
            keys.append(None)
            results.append(_setup_failure(exc))
            continue
        keys.append(_launch_key(launch))
        results.append(launch)
        launches.setdefault(keys[-1], launch)
        if params["reuse"] and keys[-1] not in prints:
            prints[keys[-1]] = probe_reuse.fingerprint(launch.argv, launch.env, launch.cwd, reuse, account)
    outcomes = dict((key, dict(changed=False, reused=True)) for key in launches if prints.get(key) in fresh)
    outcomes.update((key, run_launch(launch, params) if start else dict(changed=False, pending=True))
                    for key, launch in launches.items() if key not in outcomes)
    first = {}
    for index, key in enumerate(keys):
        if key is None:
            continue
        launch = results[index]
        result = dict(outcomes[key], launch=launch.describe())
        if key in prints:
            result["fingerprint"] = prints[key]
        if key in first:
            result["same_launch_as"] = first[key]
        else:
            first[key] = targets[index]["client"]
        results[index] = result
    return results


def check_can_act(account):
    """Only root can act for another user; anyone else must already be that user."""
    if account.uid != os.geteuid() and os.geteuid() != 0:
        raise ProbeSetupError("cannot start the server as %s: the module runs as uid %d; use become_user: %s, or become root"
                              % (account.name, os.geteuid(), account.name))


# What root allows the process of the user beyond the probe's own timeout (reading the files).
SETUP_ALLOWANCE = 0.9


def process_failure(account, exc):
    """The result of a target whose process of ``account`` failed (UserProcessError ``exc``)."""
    return dict(changed=False, failed=True, msg="the probe as %s failed: %s" % (account.name, exc),
                failure={"kind": "timeout" if isinstance(exc, UserProcessTimeout) else "error", "phase": "probe"})


def run_as_users(calls, timeouts, concurrency=None):
    """call_as_each for calls that start servers, one at a time each (probe_targets_as_user): at
    most ``concurrency`` processes, so servers, at once (default: what the host's CPUs and memory
    allow, see _concurrency), each process with its item of ``timeouts`` from its own start.
    Descendants of a server that leave its process group (setsid) are re-parented to us, so that
    none of them outlives the task."""
    become_subreaper()
    try:
        return call_as_each(calls, timeout=timeouts, limit=concurrency or probe_concurrency())
    finally:
        kill_descendants()


def fresh_probes(params):
    """With O(reuse), the kept probes that are fresh (fingerprint -> result); raises ReuseError."""
    return probe_reuse.load(params["reuse"]) if params["reuse"] else {}


def keep_probes(params, fresh, results, save):
    """With O(reuse), fill in the reused results (each with its ``user``) and keep this run's
    successful probes unless ``save`` is false (check mode). Returns a warning, or None."""
    if not params["reuse"]:
        return None
    probes = {}
    for result in results:
        key = result.get("fingerprint")
        if result.get("reused") and key in fresh:
            result.update(fresh[key])
            probes[key] = fresh[key]
        elif result.get("reused"):
            result.update(failed=True, msg="the process of %s reused a probe that root did not keep" % result["user"],
                          failure={"kind": "error", "phase": "probe"})
        elif key and not result.get("failed"):
            result["probed_at"] = probes.setdefault(key, probe_reuse.kept(result))["probed_at"]
    if save:
        try:
            probe_reuse.save(params["reuse"], probes)
        except probe_reuse.ReuseError as exc:
            return "%s: the next run probes every launch again" % exc
    return None


def run_probes(params, keep=True):
    """Every target's result, in order: one process per user, as many at once as run_as_users allows.
    With O(reuse), the successful probes are kept unless ``keep`` is false (check mode).

    Returns (results, setup error message or None)."""
    targets = params["targets"]
    by_user = {}
    for index, target in enumerate(targets):
        by_user.setdefault(target["user"], []).append(index)
    calls = []
    try:
        fresh = fresh_probes(params)
        for user, indexes in by_user.items():
            account = get_account(user)
            check_can_act(account)
            calls.append((account, probe_targets_as_user, (account, params, [targets[index] for index in indexes], set(fresh))))
    except (AccountError, ProbeSetupError, probe_reuse.ReuseError) as exc:
        return None, str(exc)
    # A user's launches are probed one after the other: at most one per target.
    outcomes = run_as_users(calls, [len(indexes) * params["timeout"] + SETUP_ALLOWANCE for indexes in by_user.values()])
    results = [None] * len(targets)
    for (account, _function, _args), indexes, outcome in zip(calls, by_user.values(), outcomes):
        for position, index in enumerate(indexes):
            result = process_failure(account, outcome) if isinstance(outcome, UserProcessError) else outcome[position]
            results[index] = dict(result, user=account.name, client=targets[index]["client"])
    warning = keep_probes(params, fresh, results, keep)
    if warning:
        results[0].setdefault("warnings", []).append(warning)
    return results, None


def _validate(module):
    params = module.params
    if params["client"] and params["args"]:
        module.fail_json(msg="args applies to command only; with client the arguments come from the entry")
    if params["command"]:
        misplaced = [option for option in CLIENT_ONLY_OPTIONS if params[option] is not None]
        if misplaced:
            module.fail_json(msg="%s applies to client only" % ", ".join(misplaced))
    if params["targets"] is not None:
        misplaced = [option for option in TARGET_OPTIONS + DIRECT_OPTIONS if option != "scope" and params[option]]
        if misplaced or not params["targets"]:
            module.fail_json(msg="targets gives every entry's client options; not with %s" % ", ".join(misplaced)
                             if misplaced else "targets must name at least one entry")
    if params["timeout"] <= 0:
        module.fail_json(msg="timeout must be positive")


def run_module(module):
    """mcp_probe, for an AnsibleModule with its options. One entry (client or command) is probed as
    a list of one target, and returns that target's result as the module's own."""
    _validate(module)
    params = module.params
    single = params["targets"] is None
    if single:
        params["targets"] = [dict((option, params[option]) for option in TARGET_OPTIONS)]
    results, error = run_probes(params, keep=not module.check_mode)
    if error:
        module.fail_json(msg=error, failure={"kind": "config", "phase": "setup"}, changed=False)
    for result in results:
        for warning in result.pop("warnings", []):
            module.warn(controller_safe(warning))
    results = controller_safe(results)
    if single:
        result = results[0]
        for key in ("user", "client", "same_launch_as"):
            result.pop(key, None)
        if result.get("failed"):
            module.fail_json(**result)
        module.exit_json(**result)
    failed = [result for result in results if result.get("failed")]
    distinct = len([result for result in results if "launch" in result and "same_launch_as" not in result and not result.get("reused")])
    summary = dict(changed=False, targets=results, launches=distinct)
    if failed:
        module.fail_json(msg="Servers that did not answer: " + "; ".join(
            "%s in %s: %s" % (result["user"], result["client"], result["msg"]) for result in failed), **summary)
    module.exit_json(**summary)
