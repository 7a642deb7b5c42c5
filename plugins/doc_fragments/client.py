# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Options of plugins/module_utils/_clients.py CLIENT_ARGUMENT_SPEC.
    DOCUMENTATION = r"""
options:
  client:
    description:
      - The MCP client whose configuration file is used. The client decides the file, its
        grammar, the key that holds the servers and the shape of an entry; the README's
        "Supported clients" table lists them.
      - V(code_server), V(vscode), V(vscode_insiders), V(vscodium) and V(vscode_server)
        (Remote-SSH, tunnels) use C(User/mcp.json) in the editor's user-data dir, or
        C(.vscode/mcp.json) in a workspace.
      - V(amazonq) is the Amazon Q IDE plugin's legacy C(~/.aws/amazonq/mcp.json);
        V(amazonq_agent) its agent file C(~/.aws/amazonq/agents/default.json), where the server
        is also listed in C(tools) as C(@<name>).
      - V(roo_code) lives in the extension storage of an editor, see O(editor) and O(user_data_dir).
      - V(generic) is any other JSON or JSONC file; it needs O(path) and O(key).
      - V(codex) is Codex CLI's C(~/.codex/config.toml) (C($CODEX_HOME) from O(user_env)), a TOML
        file with one C([mcp_servers.<name>]) table per server.
      - V(continue) is Continue's C(~/.continue/config.yaml), a YAML file whose C(mcpServers) is a
        list of items named by C(name); in a workspace, the block file
        C(.continue/mcpServers/<name>.yaml).
    type: str
    required: true
    choices:
      - amazonq
      - amazonq_agent
      - claude_code
      - claude_desktop
      - cline
      - code_server
      - codex
      - continue
      - copilot_cli
      - cursor
      - gemini_cli
      - generic
      - kiro
      - opencode
      - qwen_code
      - roo_code
      - vscode
      - vscode_insiders
      - vscode_server
      - vscodium
      - windsurf
      - zed
  user:
    description:
      - The account whose configuration this is. Its home directory anchors the client's
        default paths and any O(path), O(workspace) or O(user_data_dir) starting with C(~/).
      - Files and directories the module creates belong to this user.
      - Defaults to the user the module runs as.
    type: str
  name:
    description:
      - The name of the server entry, the key under the client's servers object.
    type: str
    required: true
  path:
    description:
      - An explicit config file instead of the client's default one; the client still decides
        grammar, key and entry shape. Required for O(client=generic).
      - A symlink is followed to the file it points to.
    type: str
  key:
    description:
      - Dotted path of the object that maps server names to entries, for example V(mcpServers)
        or V(mcp.servers) (VS Code's C(settings.json) before version 1.102).
      - Overrides the client's own key. Required for O(client=generic).
    type: str
  scope:
    description:
      - V(user) edits the user's own file, V(workspace) the file inside the project folder
        O(workspace).
    type: str
    choices: [user, workspace]
    default: user
  workspace:
    description:
      - The project folder for O(scope=workspace), absolute or starting with C(~/).
    type: str
  user_data_dir:
    description:
      - The user-data dir of a VS Code-style editor, for the VS Code family of clients and for
        clients that live in an editor's extension storage (V(roo_code)). Absolute or starting
        with C(~/).
      - Defaults to the editor's own default, for example C(~/.local/share/code-server) for
        code-server (code-server started with C(--user-data-dir) needs this option).
    type: str
  editor:
    description:
      - The editor that hosts an extension client (V(roo_code)); decides the default
        O(user_data_dir).
      - Defaults to V(code_server).
    type: str
    choices:
      - code_server
      - cursor
      - vscode
      - vscode_insiders
      - vscode_server
      - vscodium
      - windsurf
  user_env:
    description:
      - Environment variables of O(user) that move the client's files, when the user sets them
        to something else than their defaults.
      - The module does not read them from its own environment, which is that of the remote
        login or become, not the client's.
      - Known variables are C(XDG_CONFIG_HOME) (default C(~/.config)), C(XDG_DATA_HOME) (default
        C(~/.local/share)), C(COPILOT_HOME) (default C(~/.copilot)) and C(CODEX_HOME) (default
        C(~/.codex)).
    type: dict
"""

    # The match option of the modules that read users' servers (plugins/module_utils/_supersede.py MATCHERS_SPEC).
    MATCH = r"""
options:
  match:
    description:
      - Matchers of what an entry launches, as O(mcpfleet.mcp.mcp_server#module:supersedes) takes them.
      - Every server found then says in C(matched) whether one of them selects it, to find the
        clients in which users configured a given server by hand.
    type: list
    elements: dict
    version_added: 1.1.0
    suboptions:
      package:
        description: An npm package name, without version.
        type: str
      command:
        description: The command; a name without C(/) matches the basename.
        type: str
      args_regex:
        description: A regular expression searched in the arguments joined by spaces.
        type: str
"""

    # Attributes both modules share; combine with ansible.builtin.action_common_attributes.
    ATTRIBUTES = r"""
options: {}
attributes:
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second
        invocation indicates no change.
  action_group:
    description: Use C(group/mcpfleet.mcp.mcp) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - mcpfleet.mcp.mcp
"""
