# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""release_tree: with remote_src=false, the archive travels in the module's own round trip.

A copy task to a directory that a file task created first costs two round trips before the
module runs; here the archive goes into Ansible's private remote temporary directory and the
module unpacks it from there, with the SHA-256 the controller computed unless one is given.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.mcpfleet.mcp.plugins.module_utils._release_tree import sha256_of

MODULE = 'mcpfleet.mcp.release_tree'


class ActionModule(ActionBase):

    # The temporary directory is made only when there is an archive to send: a tree already on
    # the host costs the module's round trip and nothing more.
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        args = dict(self._task.args)
        if boolean(args.get('remote_src', True), strict=False):
            result.update(self._execute_module(MODULE, module_args=args, task_vars=task_vars))
            return result
        if not args.get('src'):
            raise AnsibleActionFail('src is required')
        try:
            source = self._find_needle('files', args['src'])
        except AnsibleError as exc:
            raise AnsibleActionFail('cannot find src %s on the controller: %s' % (args['src'], exc))
        args['sha256'] = args.get('sha256') or sha256_of(source)
        if self._task.check_mode:
            # Nothing is sent: the module only says what it would do.
            result.update(self._execute_module(MODULE, module_args=args, task_vars=task_vars))
            return result
        tmpdir = self._connection._shell.tmpdir or self._make_tmp_path()
        try:
            remote = self._connection._shell.join_path(tmpdir, 'release.tar.gz')
            self._transfer_file(source, remote)
            self._fixup_perms2((tmpdir, remote))
            args['src'] = remote
            result.update(self._execute_module(MODULE, module_args=args, task_vars=task_vars))
        finally:
            self._remove_tmp_path(tmpdir)
        return result
