# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mcp_user_config: each user's MCP setup converged in one process that is the user (the env file
that holds the server's secrets, then the server entries in every client, see _server_entry),
and root's side that validates the users' items, starts their processes and joins the results.

A failure of one entry does not stop the others: each is reported on its own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.mcpfleet.mcp.plugins.module_utils._as_user import UserProcessError, acting_for, call_as_each, describe_error
from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import ClientError
from ansible_collections.mcpfleet.mcp.plugins.module_utils._config_file import (
    STALE,
    ConfigFileError,
    commit,
    make_parents,
    read_snapshot,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import JsoncError
from ansible_collections.mcpfleet.mcp.plugins.module_utils._launcher_env import LauncherEnvError, render_env_file
from ansible_collections.mcpfleet.mcp.plugins.module_utils._probe import (
    SETUP_ALLOWANCE, TARGET_OPTIONS, entry_probe_params, fresh_probes, keep_probes, probe_targets_as_user, process_failure, run_as_users,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._probe_reuse import ReuseError
from ansible_collections.mcpfleet.mcp.plugins.module_utils._redact import controller_safe, redact_text
from ansible_collections.mcpfleet.mcp.plugins.module_utils._server_entry import ENTRY_ARGUMENT_SPEC, edit_config, secret_params
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import AccountError, get_account

ENV_FILE_MODE = 0o600
ENV_DIR_MODE = 0o700
# A file replaced by another writer between our read and our rename is read again this often.
ENV_FILE_ROUNDS = 5
# Seconds a user's process may take to write its files (a probe adds its own timeout).
WRITE_TIMEOUT = 60.0
# An entry's user is the item's user.
_ENTRY_VALIDATOR = ArgumentSpecValidator(dict((key, value) for key, value in ENTRY_ARGUMENT_SPEC.items() if key != "user"))


def _env_file_path(account, path):
    return path if os.path.isabs(path) else os.path.join(account.home, path)


def _remove_env_file(path, check_mode):
    """Remove the file, then its directory when nothing else is left in it."""
    changed = False
    if os.path.lexists(path):
        if os.path.isdir(path) and not os.path.islink(path):
            raise ConfigFileError("%s is a directory, not an env file: not removed" % path)
        changed = True
        if not check_mode:
            os.unlink(path)
    directory = os.path.dirname(path)
    if os.path.isdir(directory) and not os.path.islink(directory):
        # In check mode the file is still there: it does not count.
        if not [name for name in os.listdir(directory) if name != os.path.basename(path)]:
            changed = True
            if not check_mode:
                os.rmdir(directory)
    return changed


def _write_env_file(path, text, check_mode):
    """Create the directory (0700) and put ``text`` in the file (0600), atomically."""
    directory = os.path.dirname(path)
    changed = False
    if not os.path.isdir(directory):
        changed = True
        if check_mode:
            return True
        make_parents(os.path.dirname(directory))
        os.mkdir(directory, ENV_DIR_MODE)
    if stat.S_IMODE(os.lstat(directory).st_mode) != ENV_DIR_MODE:
        changed = True
        if not check_mode:
            os.chmod(directory, ENV_DIR_MODE)
    for _round in range(ENV_FILE_ROUNDS):
        snapshot = read_snapshot(path)
        if snapshot.text == text:
            if snapshot.mode != ENV_FILE_MODE:
                if not check_mode:
                    os.chmod(path, ENV_FILE_MODE)
                return True
            return changed
        if check_mode:
            return True
        if commit(path, snapshot, text, ENV_FILE_MODE) != STALE:
            return True
    raise ConfigFileError("%s kept changing while it was written" % path)


def converge_env_file(account, spec, check_mode):
    """{path, state, changed} for the env file of ``spec`` (path, state, env, header)."""
    path = _env_file_path(account, spec["path"])
    if spec["state"] == "absent":
        changed = _remove_env_file(path, check_mode)
    else:
        changed = _write_env_file(path, render_env_file(spec["env"] or {}, spec["header"] or []), check_mode)
    return dict(path=path, state=spec["state"], changed=changed)


def _failure(exc):
    if isinstance(exc, OSError):
        return describe_error(exc)
    return str(exc)


def converge_user(account, spec, check_mode, diff):
    """The whole work for one user, run as that user: {changed, env_file, entries}."""
    result = dict(changed=False, entries=[])
    if spec.get("env_file"):
        try:
            result["env_file"] = converge_env_file(account, spec["env_file"], check_mode)
        except (ConfigFileError, LauncherEnvError, OSError) as exc:
            result["env_file"] = dict(path=spec["env_file"]["path"], failed=True, msg="env file: %s" % _failure(exc))
        result["changed"] = bool(result["env_file"].get("changed"))
    for params in spec["entries"]:
        try:
            entry = edit_config(account, params, check_mode, diff)
        except (ClientError, ConfigFileError, JsoncError, OSError) as exc:
            entry = dict(client=params["client"], failed=True, msg=_failure(exc))
        entry["name"] = params["name"]
        result["entries"].append(entry)
        result["changed"] = result["changed"] or bool(entry.get("changed"))
    return result


def probe_targets(spec, entries):
    """mcp_probe's targets for the present entries of ``spec`` that converged (``entries``: their results)."""
    return [dict(dict((key, params[key]) for key in TARGET_OPTIONS if params.get(key) is not None), name=params["name"])
            for params, entry in zip(spec["entries"], entries) if params["state"] == "present" and not entry.get("failed")]


def converge_and_check(account, spec, check_mode, diff, probe=None, fresh=()):
    """converge_user, then, with ``probe`` (mcp_probe's parameters), read the user's present
    entries that converged as their clients read them, in the same process of the user, without
    starting anything: ``probes`` has mcp_probe's targets results, ``pending`` for each launch
    that must be started (not reused), which probe_pending then probes."""
    result = converge_user(account, spec, check_mode, diff)
    if probe:
        targets = probe_targets(spec, result["entries"])
        outcomes = probe_targets_as_user(account, probe, targets, fresh, start=False) if targets else []
        result["probes"] = [dict(outcome, user=account.name, client=target["client"]) for target, outcome in zip(targets, outcomes)]
    return result


def probe_pending(calls, outcomes, probe, fresh):
    """Start and probe the pending launches of converge_and_check's ``outcomes``: for each user
    with one, a second process of the user (probe_targets_as_user), as many at once as
    O(probe.concurrency) allows, each with a timeout per launch from its own start. A user whose
    launches all passed within O(probe.reuse.max_age) (a rerun) needs no second process, so the
    bound on servers does not hold up the users that start none. Fills in the results in place."""
    second, places = [], []
    for (account, _function, args), outcome in zip(calls, outcomes):
        if isinstance(outcome, UserProcessError):
            continue
        pending = [index for index, item in enumerate(outcome.get("probes", [])) if item.get("pending")]
        if pending:
            targets = probe_targets(args[1], outcome["entries"])
            second.append((account, probe_targets_as_user, (account, probe, [targets[index] for index in pending], set(fresh))))
            places.append((outcome["probes"], pending))
    if not second:
        return
    timeouts = [len(args[2]) * probe["timeout"] + SETUP_ALLOWANCE for _account, _function, args in second]
    for (account, _function, _args), (probes, pending), results in zip(second, places, run_as_users(second, timeouts, probe["concurrency"])):
        for position, index in enumerate(pending):
            result = process_failure(account, results) if isinstance(results, UserProcessError) else results[position]
            probes[index] = dict(result, user=account.name, client=probes[index]["client"])


def _entries(module, item):
    """The item's entries validated as mcp_server's options, with the user's secrets added; their
    secret values are masked from now on."""
    entries = []
    for index, raw in enumerate(item["entries"]):
        validation = _ENTRY_VALIDATOR.validate(raw)
        module.no_log_values.update(validation._no_log_values)
        if validation.error_messages:
            module.fail_json(msg="users[%s].entries[%d]: %s" % (item["user"], index, "; ".join(validation.error_messages)))
        params = validation.validated_parameters
        params["user"] = item["user"]
        if params["state"] == "present" and item["env"]:
            params["env"] = dict(params["env"] or {}, **item["env"])
        if item["known_secrets"]:
            params["known_secrets"] = (params["known_secrets"] or []) + item["known_secrets"]
        entries.append(params)
    return entries


def _user_calls(module, probe, fresh):
    """One call of converge_and_check per item of the users option, and every secret value given."""
    calls, secrets = [], []
    for item in module.params["users"]:
        spec = dict(env_file=item["env_file"], entries=_entries(module, item))
        secrets.extend(str(value) for value in ((item["env_file"] or {}).get("env") or {}).values())
        for params in spec["entries"]:
            secrets.extend(secret_params(params))
        try:
            account = get_account(item["user"])
        except AccountError as exc:
            module.fail_json(msg=str(exc))
        if account.uid != os.geteuid() and not acting_for(account):
            module.fail_json(msg="cannot write the files of %s: the module runs as uid %d; become root or become %s"
                             % (account.name, os.geteuid(), account.name))
        calls.append((account, converge_and_check, (account, spec, module.check_mode, module._diff, probe, set(fresh))))
    return calls, secrets


def _failures(name, outcome):
    if isinstance(outcome, UserProcessError):
        return ["%s: %s" % (name, outcome)]
    found = []
    if (outcome.get("env_file") or {}).get("failed"):
        found.append("%s: %s" % (name, outcome["env_file"]["msg"]))
    found.extend("%s %s: %s" % (name, entry["client"], entry["msg"]) for entry in outcome["entries"] if entry.get("failed"))
    return found


def _joined(calls, outcomes, secrets):
    """(users, diffs, failures, probes) of the users' outcomes, with secrets masked in every message."""
    users, diffs, failures, probes = [], [], [], []
    for (account, _function, _args), outcome in zip(calls, outcomes):
        failures.extend(_failures(account.name, outcome))
        if isinstance(outcome, UserProcessError):
            users.append(dict(user=account.name, changed=False, failed=True, msg=str(outcome), entries=[]))
            continue
        probes.extend(outcome.pop("probes", []))
        for entry in outcome["entries"]:
            if "diff" in entry:
                diffs.append(entry.pop("diff"))
        users.append(dict(outcome, user=account.name))
    failures = [redact_text(failure, secrets) for failure in failures]
    for user in users:
        for part in [user, user.get("env_file") or {}] + user["entries"]:
            if "msg" in part:
                part["msg"] = redact_text(part["msg"], secrets)
    return users, diffs, failures, probes


def run_module(module):
    """mcp_user_config on root's side, for an AnsibleModule with its options: the users' processes
    that write side by side, as many at once as the host allows (see _concurrency), then those
    that start servers (probe_pending), then one result; exits the module."""
    probe = module.params["probe"] and entry_probe_params(module.params["probe"])
    if probe and (probe["concurrency"] or 0) < 0:
        module.fail_json(msg="probe.concurrency must be 0 (the host decides) or more")
    try:
        fresh = fresh_probes(probe) if probe else {}
    except ReuseError as exc:
        module.fail_json(msg=str(exc))
    calls, secrets = _user_calls(module, probe, fresh)
    outcomes = call_as_each(calls, WRITE_TIMEOUT)
    if probe:
        probe_pending(calls, outcomes, probe, fresh)
    users, diffs, failures, probes = _joined(calls, outcomes, secrets)
    result = dict(changed=any(user["changed"] for user in users), users=users, failures=failures)
    if probe:
        warning = keep_probes(probe, fresh, probes, not module.check_mode)
        if warning:
            module.warn(warning)
        for item in probes:
            for warning in item.pop("warnings", []):
                module.warn(controller_safe(warning))
        failures.extend("%s %s: %s" % (item["user"], item["client"], item["msg"]) for item in probes if item.get("failed"))
        result.update(probes=probes, launches=len([item for item in probes if "same_launch_as" not in item and not item.get("reused")
                                                   and "launch" in item]))
    if module._diff:
        result["diff"] = diffs
    result = controller_safe(result)
    if failures:
        module.fail_json(msg="; ".join(result["failures"]), **result)
    module.exit_json(**result)
