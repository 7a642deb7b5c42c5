# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rollout's decisions, computed once from the host reading (decide.yml) and once more when
Node.js is settled (install.yml): which later tasks have anything to do."""

from __future__ import annotations

import hashlib

from ansible.errors import AnsibleFilterError
from ansible_collections.mcpfleet.mcp.plugins.plugin_utils._host_files import root_owned

_SETTINGS = ('prefix', 'version', 'package_json', 'tree', 'lock', 'ca_path', 'ca_sha1')
MISSING_TREE = {'state': 'missing'}


def _sha1(text):
    return hashlib.sha1(text.encode('utf-8')).hexdigest()


def rollout_decisions(host, settings):
    """What the host needs, from one mcp_host_info result: the package's install, its tree,
    `current`, the bin directory and the CA bundle (settings: see rollout_decisions.yml)."""
    missing = [key for key in _SETTINGS if key not in (settings or {})]
    if missing:
        raise AnsibleFilterError('rollout_decisions: settings has no %s' % ', '.join(repr(key) for key in missing))
    prefix = settings['prefix']
    files = host.get('files') or {}
    tree = (host.get('trees') or {}).get(settings['tree']) or dict(MISSING_TREE)
    intact = tree.get('state') == 'intact'
    # A tree installed from another lock than this run's is installed again.
    tree_ok = intact and (tree.get('facts') or {}).get('lock', '') == settings['lock']
    ca_sha1 = settings['ca_sha1']
    ca_state = files.get(settings['ca_path']) or {}
    return {
        'install': (host.get('packages') or {}).get(settings['package_json'], '') != settings['version'] or not tree_ok,
        'current_target': (files.get(prefix + '/current') or {}).get('target', ''),
        'tree': tree,
        'tree_ok': tree_ok,
        # Intact, but only found so by hashing its files again: the record's fingerprint is out of date.
        'tree_touched': intact and tree.get('checked') == 'content',
        'tree_digest': tree.get('digest', '') if intact else '',
        'bin_dir_ok': root_owned(files.get(prefix + '/bin'), 'directory', '0755'),
        # No CA bundle configured: the right state is none on the host.
        'ca_ok': root_owned(ca_state, 'file', '0644', ca_sha1) if ca_sha1 else not ca_state.get('exists', False),
        'ca_sha1': ca_sha1,
    }


def rollout_launcher(decisions, node_version, launcher_state, launcher_text):
    """The decisions with those that wait for Node.js to be settled: the Node.js the server runs
    on, and the launcher rendered for it (its text, SHA-1 and whether the host has it already)."""
    sha1 = _sha1(launcher_text)
    return dict(decisions, node_version=node_version or '', launcher_text=launcher_text, launcher_sha1=sha1,
                launcher_ok=root_owned(launcher_state, 'file', '0755', sha1))


class FilterModule:
    def filters(self):
        return {'rollout_decisions': rollout_decisions, 'rollout_launcher': rollout_launcher}
