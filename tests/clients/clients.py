# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the tier knows about each real client, as data: the module's client profile and file,
how to list and how to `mcp add` with the client's own CLI, and a pre-existing user file.

Pre-existing files carry comments where the client's grammar allows them, another server
(``keep``, a second real Sentry server) and keys unknown to the module, all of which must
survive. ``{keep}`` in a template is replaced by the keep entry in the client's own form.
"""

import json

import listings
import sandbox

# Where the Copilot session writes its log (relative to the home), read by listings.copilot.
COPILOT_LOGS = ".copilot/tier-logs"

# A user's own file for each grammar. Gemini and Qwen accept comments but reject trailing
# commas; opencode and VS Code take full JSONC; the others strict JSON.
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


# keep: the pre-existing server in the client's own entry form (argv, env) -> dict.
CLIENTS = {
    "claude_code": {
        "profile": "claude_code", "file": ".claude.json", "list": [["mcp", "list"]], "parse": listings.claude,
        "add": _claude_add, "comments": False, "client_add_keeps_comments": False,
        "existing": '{\n  "numStartups": 3,\n  "theme": "dark",\n  "projects": {"/srv/app": {"allowedTools": []}},\n'
                    '  "mcpServers": {\n    "keep": {keep}\n  }\n}\n',
        "keep": lambda argv, env: dict(_stdio(argv, env), type="stdio"),
    },
    "gemini_cli": {
        "profile": "gemini_cli", "file": ".gemini/settings.json", "list": [["mcp", "list"]], "parse": listings.gemini,
        "add": _gemini_add, "comments": True, "client_add_keeps_comments": True,
        "env": {"GEMINI_CLI_TRUST_WORKSPACE": "true"},
        "existing": _GEMINI_FILE, "keep": lambda argv, env: _stdio(argv, env, trust=False),
    },
    "qwen_code": {
        "profile": "qwen_code", "file": ".qwen/settings.json", "list": [["mcp", "list"]], "parse": listings.gemini,
        "add": _gemini_add, "comments": True, "client_add_keeps_comments": True,
        "existing": _GEMINI_FILE, "keep": lambda argv, env: _stdio(argv, env, trust=False),
    },
    "opencode": {
        "profile": "opencode", "file": ".config/opencode/opencode.json", "existing_file": ".config/opencode/opencode.jsonc",
        "list": [["mcp", "list"]], "parse": listings.opencode,
        "add": _dashdash_add, "comments": True, "client_add_keeps_comments": True,
        "existing": _OPENCODE_FILE,
        "keep": lambda argv, env: {"type": "local", "command": argv, "environment": env, "enabled": True, "timeout": 30000},
    },
    "copilot_cli": {
        # `mcp get` reads the file without connecting; the session below connects.
        "profile": "copilot_cli", "file": ".copilot/mcp-config.json", "list": [["mcp", "get", "{name}"]],
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
        "profile": "cline", "file": ".cline/data/settings/cline_mcp_settings.json", "list": "cline_list",
        "parse": listings.cline, "add": _cline_add, "comments": False, "client_add_keeps_comments": False,
        # Its add cannot set env, and the server exits without a token: the added server gets
        # one on its command line (PUBLIC_TOKEN, not a secret of the tier).
        "add_token_flag": True,
        "existing": '{\n  "mcpServers": {\n    "keep": {keep}\n  }\n}\n',
        "keep": lambda argv, env: dict(_stdio(argv, env), type="stdio", disabled=False, autoApprove=[], timeout=60),
    },
    # mcporter reads VS Code's user mcp.json (among others): it proves the VS Code profile.
    "mcporter": {
        "profile": "vscode", "file": ".config/Code/User/mcp.json", "list": [["list", "--json"]], "parse": listings.mcporter,
        "add": _mcporter_add, "comments": True, "client_add_keeps_comments": True,
        "existing": _VSCODE_FILE, "keep": lambda argv, env: dict(_stdio(argv, env), type="stdio"),
    },
}


def existing_text(name, argv, env):
    """The pre-existing user file of client ``name``, with the keep server inside."""
    client = CLIENTS[name]
    keep = json.dumps(client["keep"](argv, env), indent=2).replace("\n", "\n    ")
    return client["existing"].replace("{keep}", keep)
