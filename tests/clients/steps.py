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
from listings import MODEL_REQUEST

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
        commands = [[os.path.join(tier.node, "bin", "node"), os.path.join(HERE, "cline_list.mjs"), tier.prefix(client)]]
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
        output += _session(tier, user, client, spec["session"], run_env)
    if spec.get("parse_needs_names"):
        return spec["parse"](output, names), output
    return spec["parse"](output), output


def _session(tier, user, client, session, env):
    """A client run that connects where its listing does not: what it printed, one JSON line per
    call it made to the model double (the tools it offered), then its log files, if any."""
    for relative in session.get("forget", []) + ([session["logs"]] if "logs" in session else []):
        shutil.rmtree(user.path(relative), ignore_errors=True)
    for relative, text in session.get("files", {}).items():
        user.write(relative, text)
    argv = [tier.bin(client)] + [arg.replace("{home}", user.home) for arg in session["argv"]]
    done = user.run(argv, env=dict(env, **session["env"]))
    assert done.status in session["statuses"], done.output[-3000:]
    _no_tokens(done.output, "the client's session output")
    calls = "".join(json.dumps({MODEL_REQUEST: {"path": request["path"], "tools": request["tools"]}}) + "\n"
                    for request in done.requests["model"])
    return done.output + calls + (_logs(user, session["logs"], done.output) if "logs" in session else "")


def _logs(user, relative, printed):
    """The session's log files. Copilot's debug log records each entry's env in clear (the
    README says so): the token check covers what it printed, and the log is only read for the
    tool names."""
    logs = sorted(glob.glob(os.path.join(user.path(relative), "*.log")))
    assert logs, "no log in %s:\n%s" % (relative, printed[-3000:])
    text = ""
    for path in logs:
        with open(path, errors="replace") as handle:
            text += handle.read()
    return text
