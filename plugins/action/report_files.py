# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report_files: write a run's report files on the controller, in the controller's own process.

Three copy/file tasks cost three module processes; a report is a few kilobytes that the
controller already holds in memory.
"""

from __future__ import annotations

import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

ARGUMENT_SPEC = dict(
    dest=dict(type='path', required=True),
    files=dict(type='dict', required=True),
    mode=dict(type='str', default='0644'),
    dir_mode=dict(type='str', default='0755'),
)


def _octal(value, option):
    try:
        return int(value, 8)
    except ValueError:
        raise AnsibleActionFail('%s must be octal digits such as 0644, got %r' % (option, value))


def _current(path):
    try:
        with open(path, 'rb') as handle:
            return handle.read(), os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        return None, None


def write_file(path, data, mode):
    """Put ``data`` at ``path`` atomically with ``mode``; False when it is there already."""
    if _current(path) == (data, mode):
        return False
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix='.' + os.path.basename(path) + '.')
    try:
        with os.fdopen(fd, 'wb') as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise
    return True


def write_report(dest, files, mode, dir_mode):
    """Create ``dest`` with ``dir_mode`` (or give it that mode) and write each file; the paths changed."""
    changed = []
    if not os.path.isdir(dest):
        os.makedirs(dest, mode=dir_mode)
        changed.append(dest)
    if os.stat(dest).st_mode & 0o7777 != dir_mode:
        os.chmod(dest, dir_mode)
        changed.append(dest)
    for name, content in sorted(files.items()):
        if not name or os.path.basename(name) != name or name in ('.', '..'):
            raise AnsibleActionFail('files: %r is not a plain file name' % (name,))
        path = os.path.join(dest, name)
        if write_file(path, str(content).encode('utf-8'), mode):
            changed.append(path)
    return list(dict.fromkeys(changed))


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        dest = os.path.expanduser(args['dest'])
        paths = [os.path.join(dest, name) for name in sorted(args['files'])]
        if self._task.check_mode:
            result.update(changed=False, skipped=False, paths=paths, msg='check mode: nothing written')
            return result
        try:
            written = write_report(dest, args['files'], _octal(args['mode'], 'mode'), _octal(args['dir_mode'], 'dir_mode'))
        except OSError as exc:
            raise AnsibleActionFail('cannot write the report in %s: %s' % (dest, exc))
        result.update(changed=bool(written), paths=paths, written=written)
        return result
