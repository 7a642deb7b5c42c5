# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The steps the tests are made of: the module writes the entry, the client adds its own, the
client lists. Each step checks that neither fake token shows in what it printed."""

import glob
import json
import os
import shutil

import module
from clients import CLIENTS
from fake_tokens import OTHER, TOKEN

HERE = os.path.dirname(os.path.abspath(__file__))


def _no_tokens(text, what):
    for token in (TOKEN, OTHER):
        assert token not in text, "a token appears in %s" % what


def module_entry(tier, user, client, env=None):
    """The module writes the Sentry entry ``sentry`` for ``client``; return its result.

    ``env`` replaces the entry's environment (default: the token).
    """
    argv = tier.server_argv()
    options = {"client": CLIENTS[client]["profile"], "user": user.name, "name": "sentry", "command": argv[0],
               "args": argv[1:], "env": {"SENTRY_ACCESS_TOKEN": TOKEN} if env is None else env}
    result, output = module.run_module(options)
    _no_tokens(output, "Ansible's -vvv output")
    _no_tokens(json.dumps(result), "the module's result")
    assert not result.get("failed"), result
    return result


def module_command(tier):
    """The command line the clients show for the module's entry."""
    return " ".join(tier.server_argv())


def client_add(tier, user, client, name, argv):
    """The client's own `mcp add` (or mcporter's `config add`) of server ``name``."""
    spec = CLIENTS[client]
    done = user.run(spec["add"](tier.bin(client), name, argv, {"SENTRY_ACCESS_TOKEN": OTHER}), env=spec.get("env"))
    assert done.status == 0, done.output[-3000:]
    return done


def client_list(tier, user, client, names=("sentry",), env=None):
    """The client's own listing, parsed: (servers, raw output)."""
    spec = CLIENTS[client]
    # env: variables on top of the client's own; a None value removes one.
    merged = dict(spec.get("env") or {}, **(env or {}))
    run_env = dict((key, value) for key, value in merged.items() if value is not None)
    if spec["list"] == "cline_list":
        commands = [[os.path.join(tier.node, "bin", "node"), os.path.join(HERE, "cline_list.mjs"), os.path.join(tier.cache, client)]]
    else:
        commands = [[tier.bin(client)] + [arg.format(name=name) for arg in argv] for argv in spec["list"] for name in
                    (names if any("{name}" in arg for arg in argv) else names[:1])]
    output = ""
    for argv in commands:
        done = user.run(argv, env=run_env)
        assert done.status == 0, done.output[-3000:]
        output += done.output
    _no_tokens(output, "the client's listing")
    if spec.get("session"):
        printed, log = _session(tier, user, client, spec["session"], run_env)
        output += printed + log
    return spec["parse"](output), output


def _session(tier, user, client, session, env):
    """A client run that connects where its listing does not: (what it printed, its log files)."""
    for relative in session.get("forget", []) + [session["logs"]]:
        shutil.rmtree(user.path(relative), ignore_errors=True)
    argv = [tier.bin(client)] + [arg.format(home=user.home) for arg in session["argv"]]
    done = user.run(argv, env=dict(env, **session["env"]))
    assert done.status in session["statuses"], done.output[-3000:]
    logs = sorted(glob.glob(os.path.join(user.path(session["logs"]), "*.log")))
    assert logs, "no log in %s:\n%s" % (session["logs"], done.output[-3000:])
    # Its debug log records each entry's env in clear (the README says so): the token check
    # covers what it printed, and the log is only read for the tool names.
    _no_tokens(done.output, "the client's session output")
    text = ""
    for path in logs:
        with open(path, errors="replace") as handle:
            text += handle.read()
    return done.output, text
