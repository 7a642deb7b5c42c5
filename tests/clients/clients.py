# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the tier knows about each real client, as data: the module's client profile and file,
how to list and how to `mcp add` with the client's own CLI, and a pre-existing user file.

Pre-existing files carry comments where the client's grammar allows them, another server
(``keep``, a second real Sentry server) and keys unknown to the module, all of which must
survive. ``{keep}`` in a template is replaced by the keep entry in the client's own form,
written by the grammar's ``entry``.
"""

import json
import re

import listings
import sandbox

# Where the Copilot session writes its log (relative to the home), read by listings.copilot.
COPILOT_LOGS = ".copilot/tier-logs"
# The model block the Continue session adds with --model (relative to the home): the user's
# config.yaml stays as the module wrote it.
CONTINUE_MODEL = ".tier/continue-model.yaml"

# A user's own file for each grammar. Gemini and Qwen accept comments but reject trailing
# commas; opencode and VS Code take full JSONC; Codex TOML and Continue YAML (comments with #);
# the others strict JSON.
_GEMINI_FILE = """{
  // my own settings, kept by hand
  "ui": {"theme": "GitHub"},
  "mcpServers": {
    /* a server I added myself */
    "keep": {keep}
  }
}
"""

_OPENCODE_FILE = """{
  // opencode.jsonc: comments and trailing commas are fine here
  "$schema": "https://opencode.ai/config.json",
  "theme": "system",
  "mcp": {
    "keep": {keep}, // mine
  },
}
"""

_VSCODE_FILE = """{
  // VS Code's user mcp.json
  "servers": {
    "keep": {keep},
  },
  "inputs": [],
}
"""

_CODEX_FILE = """# My Codex settings, kept by hand.
model = "o3"   # the model I use

[tui]
notifications = true

# a server I added myself
[mcp_servers.keep]
{keep}
tool_timeout_sec = 120   # slow tools

[projects."/srv/app"]
trust_level = "trusted"
"""

_CONTINUE_FILE = """# My Continue assistant, kept by hand
name: My Assistant
version: 1.0.0
schema: v1
rules:
  - Answer briefly.   # mine
mcpServers:
  # a server I added myself
  - name: keep
{keep}
    connectionTimeout: 60000
"""


def _claude_add(bin_path, name, argv, env):
    # -e is variadic: it goes after the name, and `--` ends it.
    return [bin_path, "mcp", "add", "--scope", "user", name] + _flags("-e", env) + ["--"] + argv


def _gemini_add(bin_path, name, argv, env):
    # -e takes an array: it goes after the command, and `--` ends it before the server's flags.
    return [bin_path, "mcp", "add", "--scope", "user", name, argv[0]] + _flags("-e", env) + ["--"] + argv[1:]


def _dashdash_add(bin_path, name, argv, env):
    return [bin_path, "mcp", "add", name] + _flags("--env", env) + ["--"] + argv


def _cline_add(bin_path, name, argv, env):
    # Cline's add takes no env flag (see "add_token_flag"); --yes skips its wizard.
    del env
    return [bin_path, "mcp", "add", name, "--yes", "--"] + argv


def _mcporter_add(bin_path, name, argv, env):
    # mcporter keeps its own servers in ~/.mcporter/mcporter.json, beside the files it imports.
    return ([bin_path, "config", "add", name, "--scope", "home", "--command", argv[0]]
            + [item for arg in argv[1:] for item in ("--arg", arg)] + _flags("--env", env))


def _flags(flag, env):
    return [item for key, value in sorted(env.items()) for item in (flag, "%s=%s" % (key, value))]


def _stdio(argv, env, **more):
    entry = {"command": argv[0], "args": argv[1:], "env": env}
    entry.update(more)
    return entry


def _json_entry(entry):
    # Indented for its place in the JSON templates.
    return json.dumps(entry, indent=2).replace("\n", "\n    ")


def _toml_entry(entry):
    # The keys of a [mcp_servers.keep] table; env as an inline table, as users write it. JSON's
    # strings, string arrays and integers are valid TOML.
    def value(item):
        if isinstance(item, dict):
            return "{ %s }" % ", ".join("%s = %s" % (key, json.dumps(inner)) for key, inner in item.items())
        return json.dumps(item)
    return "\n".join("%s = %s" % (key, value(item)) for key, item in entry.items())


def _yaml_entry(entry):
    # The members of a list item in block style, below its "- name:" line. JSON's quoted strings
    # are valid YAML double-quoted scalars.
    lines = []
    for key, item in entry.items():
        if isinstance(item, list):
            lines += ["    %s:" % key] + ["      - %s" % json.dumps(inner) for inner in item]
        elif isinstance(item, dict):
            lines += ["    %s:" % key] + ["      %s: %s" % (inner, json.dumps(text)) for inner, text in item.items()]
        else:
            lines.append("    %s: %s" % (key, json.dumps(item)))
    return "\n".join(lines)


# How the tests read a user's file in each grammar: its comments, and markers of what the user
# had besides the module's entry (the keep server, keys unknown to the module), each of which
# must occur as often after the module's edit as before. "entry" writes the keep server.
_HASH_COMMENT = re.compile(r"(?:^|(?<=\s))#[^\n]*", re.M)
JSON = {"comments": re.compile(r"//[^\n]*|/\*.*?\*/", re.S), "entry": _json_entry,
        "kept": ('"keep"', '"theme"', '"numStartups"', '"projects"', '"inputs"', '"trust"', '"autoApprove"', '"$schema"')}
TOML = {"comments": _HASH_COMMENT, "entry": _toml_entry,
        "kept": ("[mcp_servers.keep]", "model =", "[tui]", "tool_timeout_sec =", '[projects."/srv/app"]')}
YAML = {"comments": _HASH_COMMENT, "entry": _yaml_entry,
        "kept": ("- name: keep", "name: My Assistant", "rules:", "connectionTimeout:")}

# Codex talks to its model with the Responses API; the provider comes on the command line.
_CODEX_PROVIDER = '{name="tier", base_url="http://127.0.0.1:%d/v1", wire_api="responses"}' % sandbox.MODEL_PORT
_CONTINUE_MODEL_BLOCK = """name: tier model
version: 1.0.0
schema: v1
models:
  - name: double
    provider: openai
    model: gpt-4o
    apiBase: http://127.0.0.1:%d/v1
    apiKey: not-a-key
    roles:
      - chat
""" % sandbox.MODEL_PORT


# keep: the pre-existing server in the client's own entry form (argv, env) -> dict.
CLIENTS = {
    "claude_code": {
        "profile": "claude_code", "grammar": JSON, "file": ".claude.json", "list": [["mcp", "list"]], "parse": listings.claude,
        "add": _claude_add, "comments": False, "client_add_keeps_comments": False,
        "existing": '{\n  "numStartups": 3,\n  "theme": "dark",\n  "projects": {"/srv/app": {"allowedTools": []}},\n'
                    '  "mcpServers": {\n    "keep": {keep}\n  }\n}\n',
        "keep": lambda argv, env: dict(_stdio(argv, env), type="stdio"),
    },
    "gemini_cli": {
        "profile": "gemini_cli", "grammar": JSON, "file": ".gemini/settings.json", "list": [["mcp", "list"]], "parse": listings.gemini,
        "add": _gemini_add, "comments": True, "client_add_keeps_comments": True,
        "env": {"GEMINI_CLI_TRUST_WORKSPACE": "true"},
        "existing": _GEMINI_FILE, "keep": lambda argv, env: _stdio(argv, env, trust=False),
    },
    "qwen_code": {
        "profile": "qwen_code", "grammar": JSON, "file": ".qwen/settings.json", "list": [["mcp", "list"]], "parse": listings.gemini,
        "add": _gemini_add, "comments": True, "client_add_keeps_comments": True,
        "existing": _GEMINI_FILE, "keep": lambda argv, env: _stdio(argv, env, trust=False),
    },
    "opencode": {
        "profile": "opencode", "grammar": JSON, "file": ".config/opencode/opencode.json", "existing_file": ".config/opencode/opencode.jsonc",
        "list": [["mcp", "list"]], "parse": listings.opencode,
        "add": _dashdash_add, "comments": True, "client_add_keeps_comments": True,
        "existing": _OPENCODE_FILE,
        "keep": lambda argv, env: {"type": "local", "command": argv, "environment": env, "enabled": True, "timeout": 30000},
    },
    "copilot_cli": {
        # `mcp get` reads the file without connecting; the session below connects.
        "profile": "copilot_cli", "grammar": JSON, "file": ".copilot/mcp-config.json", "list": [["mcp", "get", "{name}"]],
        "session": {
            # A one-prompt run starts every configured server before its first model call.
            # Offline mode (documented in `copilot help environment`) needs no GitHub login; the
            # model provider is the Sentry double on loopback, which answers 404, so the run
            # ends (status 1) at that first call. --output-format json prints the server
            # events; the log at level "all" holds the tool names offered to the model.
            "argv": ["-p", "Say hi.", "--allow-all-tools", "--no-auto-update", "--disable-client-telemetry",
                     "--output-format", "json", "--log-level", "all", "--log-dir", "{home}/" + COPILOT_LOGS],
            "env": {"COPILOT_OFFLINE": "true", "COPILOT_PROVIDER_BASE_URL": "http://127.0.0.1:%d" % sandbox.DOUBLE_PORT,
                    "COPILOT_MODEL": "gpt-4o"},
            "statuses": (0, 1), "logs": COPILOT_LOGS,
            # Its tool cache would let a run offer tools before (or without) connecting.
            "forget": [".cache/copilot/mcp-tools"],
        },
        "parse": listings.copilot,
        "add": _dashdash_add, "comments": False, "client_add_keeps_comments": False,
        "existing": '{\n  "mcpServers": {\n    "keep": {keep}\n  }\n}\n',
        "keep": lambda argv, env: dict(_stdio(argv, env), type="local", tools=["*"]),
    },
    "cline": {
        "profile": "cline", "grammar": JSON, "file": ".cline/data/settings/cline_mcp_settings.json", "list": "cline_list",
        "parse": listings.cline, "add": _cline_add, "comments": False, "client_add_keeps_comments": False,
        # Its add cannot set env, and the server exits without a token: the added server gets
        # one on its command line (PUBLIC_TOKEN, not a secret of the tier).
        "add_token_flag": True,
        "existing": '{\n  "mcpServers": {\n    "keep": {keep}\n  }\n}\n',
        "keep": lambda argv, env: dict(_stdio(argv, env), type="stdio", disabled=False, autoApprove=[], timeout=60),
    },
    # mcporter reads VS Code's user mcp.json (among others): it proves the VS Code profile.
    "mcporter": {
        "profile": "vscode", "grammar": JSON, "file": ".config/Code/User/mcp.json", "list": [["list", "--json"]], "parse": listings.mcporter,
        "add": _mcporter_add, "comments": True, "client_add_keeps_comments": True,
        "existing": _VSCODE_FILE, "keep": lambda argv, env: dict(_stdio(argv, env), type="stdio"),
    },
    "codex": {
        # `mcp get` reads the file without connecting (its --json form prints env values); the
        # session below connects.
        "profile": "codex", "grammar": TOML, "file": ".codex/config.toml", "list": [["mcp", "get", "{name}"]],
        "session": {
            # One `codex exec` turn starts every enabled server and offers the tools of each
            # that is ready to the model: the double, whose log holds them. Codex waits about 1 s
            # for optional servers before that first call and leaves out the slower ones, so the
            # grace goes up here (a busy host). --disable plugins keeps it from syncing plugins
            # from GitHub; warnings (a server that failed) go to stderr.
            "argv": ["exec", "--json", "--ephemeral", "--skip-git-repo-check", "--disable", "plugins",
                     "-c", "mcp_optional_startup_grace_ms=60000", "-c", 'model_provider="tier"',
                     "-c", "model_providers.tier=" + _CODEX_PROVIDER, "-m", "tier-model", "Say hi."],
            "env": {"RUST_LOG": "warn"}, "statuses": (0,),
        },
        "parse": listings.codex,
        # Its add keeps the comments outside [mcp_servers], and drops those inside.
        "add": _dashdash_add, "comments": True, "client_add_keeps_comments": False,
        "existing": _CODEX_FILE, "keep": lambda argv, env: _stdio(argv, env, startup_timeout_sec=60),
    },
    "continue": {
        # cn has no mcp command (no list, no add): the only judge is a headless session.
        "profile": "continue", "grammar": YAML, "file": ".continue/config.yaml", "list": [],
        "session": {
            # `cn -p` connects every server of the file before its model call and stops (exit 1)
            # naming those that failed; the model (the double) comes from a block file.
            "files": {CONTINUE_MODEL: _CONTINUE_MODEL_BLOCK},
            "argv": ["-p", "Say hi.", "--model", "{home}/" + CONTINUE_MODEL], "env": {}, "statuses": (0, 1),
        },
        # cn offers every server's tools under bare names: its parser needs the servers' names.
        "parse": listings.continue_cli, "parse_needs_names": True,
        "add": None, "comments": True,
        "existing": _CONTINUE_FILE, "keep": lambda argv, env: dict({"type": "stdio"}, **_stdio(argv, env)),
    },
}


def existing_text(name, argv, env):
    """The pre-existing user file of client ``name``, with the keep server inside."""
    client = CLIENTS[name]
    return client["existing"].replace("{keep}", client["grammar"]["entry"](client["keep"](argv, env)))
