# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Audit one user's MCP client files: the servers they launch and what is wrong with them.

``audit_account`` reads, and runs in a process that is the user (see ``_as_user``);
``run_module`` is mcp_server_info on root's side; everything else is pure and takes a profile
and the text that was read. No report holds a secret value or any part of one: secrets are
described by where they are and how they are held, and every string of a file's report is
masked against the literal secrets that file holds, as a last guard.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import pwd
import re
import stat

from ansible_collections.mcpfleet.mcp.plugins.module_utils._as_user import UserProcessError, acting_for, call_as_each, describe_error
from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import (
    ClientError, audited_clients, find_entry, get_profile, read_entry, resolve_config_path,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._config_file import (
    DEFAULT_MAX_SIZE, ConfigFileError, decode, read_bytes,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._documents import profile_document
from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import JsoncError
from ansible_collections.mcpfleet.mcp.plugins.module_utils._launch import (
    is_placeholder, matches, parse_launch, secret_args, secret_items,
)
from ansible_collections.mcpfleet.mcp.plugins.module_utils._policy import CLIENTS as POLICY_CLIENTS, blocked_by, read_policy
from ansible_collections.mcpfleet.mcp.plugins.module_utils._redact import controller_safe, redact_value
from ansible_collections.mcpfleet.mcp.plugins.module_utils._users import AccountError, all_accounts, get_account

# An exact npm version; anything else (none, latest, another tag, a range) may change at any start.
_EXACT_VERSION = re.compile(r"^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$")
# parse_launch's runner for an installed tree: its version is fixed by the install, not at start.
_INSTALLED = "node"


def _finding(kind, user, client, path, server, detail):
    return dict(kind=kind, user=user, client=client, path=path, server=server, detail=detail)


def server_secrets(spec):
    """Where an entry (a ``read_entry`` spec) holds secrets, and the literal values (for masking).

    Returns ([{where, name, held}], set of literal values). ``held`` is ``literal``,
    ``placeholder`` (the client expands it from elsewhere) or ``env_file`` (``name`` is the env
    file the client reads).
    """
    args = spec["args"] if isinstance(spec["args"], list) else []
    found = [("args", secret_args(args))]
    for where in ("env", "headers"):
        found.append((where, secret_items(spec[where] if isinstance(spec[where], dict) else {})))
    rows, literals = [], set()
    for where, items in found:
        for name, value in items:
            held = "placeholder" if is_placeholder(value) else "literal"
            rows.append(dict(where=where, name=name, held=held))
            if held == "literal":
                literals.add(value)
    if isinstance(spec["env_file"], str) and spec["env_file"]:
        rows.append(dict(where="env", name=spec["env_file"], held="env_file"))
    return rows, literals


def describe_server(name, spec, matchers=None):
    """The report row of one entry, and the literal secrets it holds. With ``matchers`` the row
    says whether any of them selects what the entry launches (``matched``)."""
    command = spec["command"] if isinstance(spec["command"], str) else None
    args = spec["args"] if isinstance(spec["args"], list) else []
    launch = parse_launch(command, args)
    secrets, literals = server_secrets(spec)
    row = dict(name=name, transport=spec["transport"], command=command, package=launch["package"],
               version=launch["version"], runner=launch["runner"], secrets=secrets)
    if matchers is not None:
        row["matched"] = command is not None and any(matches(matcher, command, args) for matcher in matchers)
    return row, literals


def server_findings(server):
    """(kind, detail) of everything wrong with one described server."""
    found = []
    for secret in server["secrets"]:
        if secret["held"] != "literal":
            continue
        where = "%s %s" % (secret["where"], secret["name"] or "(a token-shaped argument)")
        found.append(("literal_secret", "%s holds a literal secret" % where))
        if secret["where"] == "args":
            found.append(("secret_on_command_line",
                          "%s puts a literal secret on the command line, where every local user sees it (ps)" % where))
    if server["runner"] not in (None, _INSTALLED) and not _EXACT_VERSION.match(server["version"] or ""):
        found.append(("unpinned_package", "%s runs %s@%s: whatever the registry serves at each start"
                      % (server["runner"], server["package"], server["version"] or "latest")))
    return found


def _servers(profile, document):
    """The servers object of a document ({} when it has none); a wrong type fails positioned."""
    key = tuple(profile["key"])
    try:
        servers = document.get(key)
    except KeyError:
        return {}
    if not isinstance(servers, dict):
        document.get(key + ("",))  # raises the type error with the value's line and column
    return servers


def audit_text(profile, path, text, matchers=None, policy=None):
    """(parse error or None, server rows, literal secrets) of one file's text.

    An entry of the wrong type is reported as the file's parse error; the other entries are
    still described. With ``policy`` (read_policy of the file's client) a row the policy keeps
    from running says why (``blocked``).
    """
    try:
        document = profile_document(profile, text)
        names = list(_servers(profile, document))
    except JsoncError as exc:
        return "%s: %s" % (path, exc), [], set()
    error, servers, literals = None, [], set()
    for name in names:
        try:
            spec = read_entry(profile, find_entry(profile, document, name))
        except ClientError as exc:
            error = error or "%s: %s" % (path, exc)
            continue
        server, found = describe_server(name, spec, matchers)
        if policy is not None:
            server["blocked"] = blocked_by(profile["name"], policy, name, spec["command"], spec["args"], spec["url"])
        servers.append(server)
        literals |= found
    return error, servers, literals


def file_report(user, client, profile, path, text=None, owner=None, mode=None, error=None, matchers=None, policy=None):
    """The report of one client file from what was read: ``text`` None for no file (or ``error``,
    why it could not be read); ``mode`` the permission bits of the file."""
    servers, literals = [], set()
    if text is not None:
        error, servers, literals = audit_text(profile, path, text, matchers, policy)
    findings = []
    for server in servers:
        findings.extend(_finding(kind, user, client, path, server["name"], detail) for kind, detail in server_findings(server))
        if server.get("blocked"):
            findings.append(_finding("blocked_by_policy", user, client, path, server["name"],
                                     "the administrator policy %s keeps it from running: %s" % (policy["path"], server["blocked"])))
    if literals and mode is not None and mode & 0o044:
        findings.append(_finding("readable_secret_file", user, client, path, None,
                                 "mode %04o: the file holds literal secrets and other users can read it" % mode))
    if error:
        findings.append(_finding("unparsable_file", user, client, path, None, error))
    report = dict(client=client, path=path, exists=owner is not None, owner=owner,
                  mode=None if mode is None else "%04o" % mode, parse_error=error, servers=servers, findings=findings)
    return redact_value(report, literals)


def _owner(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def read_report(user, client, profile, path, max_size=DEFAULT_MAX_SIZE, matchers=None, policy=None):
    """file_report of ``path`` as it is now; run as the user."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return file_report(user, client, profile, path)
    except OSError as exc:
        return file_report(user, client, profile, path, error=describe_error(exc))
    owner, mode = _owner(info.st_uid), stat.S_IMODE(info.st_mode)
    try:
        data, dummy = read_bytes(path, max_size)
        text = None if data is None else decode(path, data)
    except ConfigFileError as exc:
        return file_report(user, client, profile, path, owner=owner, mode=mode, error=str(exc))
    return file_report(user, client, profile, path, text, owner, mode, matchers=matchers, policy=policy)


def audit_account(account, clients, need_home=False, max_size=DEFAULT_MAX_SIZE, matchers=None, policies=None):
    """{user, files} for every client's user file of ``account``, in a process that is the account.

    With ``need_home`` an account whose home is not a directory it can enter gives None (a
    system account): its clients could not read files there either. ``policies``: read_policy
    by client, read by root beforehand.
    """
    if need_home and not (os.path.isdir(account.home) and os.access(account.home, os.X_OK)):
        return None
    files = []
    for client in clients:
        profile = get_profile(client)
        files.append(read_report(account.name, client, profile, resolve_config_path(profile, account), max_size, matchers,
                                 (policies or {}).get(client)))
    return dict(user=account.name, files=files)


def audit_accounts(accounts, clients, need_home=False, matchers=None, warn=None, policies=None):
    """audit_account for each of ``accounts``, each in a process that is the account, side by side up to call_as_each's bound.

    Returns {user, files, error} per account audited; an account whose process failed has its
    error and no files (``warn`` is told), one without a home under ``need_home`` is left out."""
    outcomes = call_as_each([(account, audit_account, (account, clients, need_home, DEFAULT_MAX_SIZE, matchers, policies))
                             for account in accounts])
    users = []
    for account, outcome in zip(accounts, outcomes):
        if isinstance(outcome, UserProcessError):
            if warn:
                warn("the files of %s could not be audited: %s" % (account.name, outcome))
            users.append(dict(user=account.name, error=str(outcome), files=[]))
        elif outcome is not None:
            users.append(dict(outcome, error=None))
    return users


def _accounts(module):
    """The accounts mcp_server_info audits, and whether an account without a home is skipped."""
    params = module.params
    if not params["all_users"]:
        accounts = [get_account(name) for name in params["users"] or [params["user"]]]
        for account in accounts:
            if account.uid != os.geteuid() and not acting_for(account):
                module.fail_json(msg="cannot read the files of %s: the module runs as uid %d; become root or become %s"
                                 % (account.name, os.geteuid(), account.name))
        return accounts, False
    if os.geteuid() != 0:
        module.warn("all_users without root: only the files of the user the module runs as are audited")
        return [get_account()], True
    return all_accounts(), True


def run_module(module):
    """mcp_server_info, for an AnsibleModule with its options: the audit, then the module's exit."""
    clients = module.params["clients"] or audited_clients()
    try:
        accounts, need_home = _accounts(module)
    except AccountError as exc:
        module.fail_json(msg=str(exc))
    # The administrators' policies are root's files under /etc, read before the users' processes start.
    policies = [read_policy(client) for client in sorted(POLICY_CLIENTS) if client in clients]
    for policy in policies:
        if policy["error"]:
            module.warn("the policy of %s could not be read: %s" % (policy["client"], policy["error"]))
    # Root never touches a user's files itself: each user's are read by a process that is the user.
    users = audit_accounts(accounts, clients, need_home, module.params["match"], module.warn,
                           dict((policy["client"], policy) for policy in policies if policy["exists"]))
    findings = [finding for user in users for item in user["files"] for finding in item["findings"]]
    module.exit_json(**controller_safe(dict(changed=False, users=users, findings=findings, policies=policies)))
