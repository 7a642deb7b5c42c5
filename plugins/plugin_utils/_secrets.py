# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side code that the core's filters and a layer's filters share: the secrets the
stdio_server role's "plan" entry point hands back (its documented ``stdio_server_secrets``
fact), and the judging of them, host by host, user by user."""

from __future__ import annotations


def each_secret(secrets_by_host):
    """(host, entry) for every present user of a batch. secrets_by_host: host -> that host's
    ``stdio_server_secrets`` (each entry: name, secret, problem and the layer's plan options);
    a host without any (none planned, or it failed before) has none."""
    for host, entries in (secrets_by_host or {}).items():
        for entry in entries or []:
            yield host, entry


def check_status(secrets_by_host, judge):
    """host -> user -> {ok, detail}, every host of the batch listed. judge(entry) -> (ok, detail);
    a user whose secret is missing is judged not ok with the core's reason, without asking judge."""
    status = dict((host, {}) for host in secrets_by_host or {})
    for host, entry in each_secret(secrets_by_host):
        ok, detail = (False, entry['problem']) if entry['problem'] else judge(entry)
        status[host][entry['name']] = {'ok': ok, 'detail': detail}
    return status


def check_problems(status):
    """'user: detail' -> [hosts] for every check judged not ok (host -> user -> {ok, detail})."""
    problems = {}
    for host, users in status.items():
        for name, result in users.items():
            if not result['ok']:
                problems.setdefault('%s: %s' % (name, result['detail']), []).append(host)
    return problems
