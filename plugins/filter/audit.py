# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet audit: mcp_server_info results of many hosts turned into one report, and its
Markdown. The results hold no secret, so neither does anything here."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

# The kinds of finding mcp_server_info reports (module_utils/_audit.py). Kept here, not imported
# from there: Ansible loads every filter file of the collection to resolve any one filter, in
# every worker, from source; importing the audit would bring in every file editor with it.
FINDING_KINDS = ("literal_secret", "secret_on_command_line", "unpinned_package", "readable_secret_file", "unparsable_file",
                 "blocked_by_policy", "missing_policy")


def _launch(server):
    """What a server counts under: its package, else its command, else its transport."""
    return server.get('package') or server.get('command') or '(%s)' % (server.get('transport') or 'unknown')


def _secrets(server):
    """'held where name' of each of a server's secrets, for a table cell."""
    return ', '.join('%s %s %s' % (secret['held'], secret['where'], secret['name'] or '(argument)')
                     for secret in server.get('secrets') or [])


def audit_report(results, all_hosts=None):
    """{summary, hosts, servers, findings} of the hosts' mcp_server_info results.

    results: one {host, users} per audited host (users: the module's result). all_hosts: the
    play's hosts; those without a result are listed as not audited."""
    hosts, servers, findings = [], [], []
    seen = set()
    for result in results or []:
        if not isinstance(result, dict) or not result.get('host'):
            raise AnsibleFilterError('audit_report: every item needs a host and users, got %r' % (result,))
        host = result['host']
        seen.add(host)
        row = {'host': host, 'audited': True, 'users': 0, 'files': 0, 'servers': 0, 'findings': 0, 'errors': []}
        for user in result.get('users') or []:
            if user.get('error'):
                row['errors'].append('%s: %s' % (user['user'], user['error']))
            present = [item for item in user.get('files') or [] if item.get('exists')]
            row['users'] += bool(present)
            row['files'] += len(present)
            for item in present:
                for server in item.get('servers') or []:
                    entry = dict(server, host=host, user=user['user'], client=item['client'], path=item['path'],
                                 launch=_launch(server))
                    entry['server'] = entry.pop('name')
                    servers.append(entry)
                    row['servers'] += 1
                for finding in item.get('findings') or []:
                    findings.append(dict(finding, host=host))
                    row['findings'] += 1
        hosts.append(row)
    for host in all_hosts or []:
        if host not in seen:
            hosts.append({'host': host, 'audited': False, 'users': 0, 'files': 0, 'servers': 0, 'findings': 0,
                          'errors': ['not audited: unreachable, or the audit failed (see the play output)']})
    policies = _policies(results or [])
    findings.extend(_missing_policies(policies, hosts))
    by_package, by_kind = {}, dict((kind, 0) for kind in FINDING_KINDS)
    for server in servers:
        by_package[server['launch']] = by_package.get(server['launch'], 0) + 1
    for finding in findings:
        by_kind[finding['kind']] = by_kind.get(finding['kind'], 0) + 1
    summary = {
        'hosts': len(seen),
        'hosts_not_audited': len(hosts) - len(seen),
        'users': sum(row['users'] for row in hosts),
        'servers': len(servers),
        'servers_by_package': dict(sorted(by_package.items())),
        'findings_by_kind': by_kind,
    }
    return {'summary': summary, 'hosts': hosts, 'servers': servers, 'findings': findings, 'policies': policies}


def _policies(results):
    """One row per host and client of the hosts' policies: host, client, path, exists,
    exclusive, allowed and denied (counts), error."""
    return [{'host': result['host'], 'client': policy['client'], 'path': policy['path'], 'exists': policy['exists'],
             'exclusive': policy['exclusive'], 'allowed': len(policy['allow']), 'denied': len(policy['deny']),
             'error': policy['error']}
            for result in results for policy in result.get('policies') or []]


def _missing_policies(policies, hosts):
    """A missing_policy finding for each host without a client's policy that another host has:
    where the fleet enforces one, a host without it runs whatever its users add."""
    enforced = {}
    for row in policies:
        if row['exists']:
            enforced.setdefault(row['client'], []).append(row['host'])
    found = []
    for row in policies:
        if not row['exists'] and not row['error'] and enforced.get(row['client']):
            found.append({'kind': 'missing_policy', 'host': row['host'], 'user': None, 'client': row['client'],
                          'path': row['path'], 'server': None,
                          'detail': 'no administrator policy here, while %d other hosts enforce one'
                                    % len(enforced[row['client']])})
    for finding in found:
        next(row for row in hosts if row['host'] == finding['host'])['findings'] += 1
    return found


def _cell(value):
    text = '' if value is None else str(value)
    return text.replace('|', '\\|').replace('\r', ' ').replace('\n', ' ')


def _table(header, rows):
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    lines.extend('| ' + ' | '.join(_cell(value) for value in row) + ' |' for row in rows)
    return lines


def audit_markdown(report, title='MCP server audit'):
    """The report of audit_report as Markdown: the summary, then a table of the servers and a
    table of the findings (and the hosts that were not audited or had errors)."""
    summary = report['summary']
    found = ', '.join('%d %s' % (count, kind) for kind, count in summary['findings_by_kind'].items())
    lines = ['# %s' % title, '',
             '%d hosts audited (%d not), %d users with MCP client files, %d servers.' % (
                 summary['hosts'], summary['hosts_not_audited'], summary['users'], summary['servers']),
             '', 'Findings: %s.' % found, '']
    lines += _table(['package or command', 'servers'], sorted(summary['servers_by_package'].items()))
    problems = [(row['host'], error) for row in report['hosts'] for error in row['errors']]
    if problems:
        lines += ['', '## Hosts and users not audited', '']
        lines += _table(['host', 'reason'], problems)
    lines += ['', '## Servers', '']
    lines += _table(['host', 'user', 'client', 'server', 'transport', 'package or command', 'version', 'secrets', 'path'],
                    [(s['host'], s['user'], s['client'], s['server'], s['transport'], s['launch'], s['version'], _secrets(s),
                      s['path']) for s in report['servers']])
    if report.get('policies'):
        lines += ['', '## Administrator policies', '']
        lines += _table(['host', 'client', 'present', 'allow-only', 'allowed', 'denied', 'path'],
                        [(p['host'], p['client'], 'yes' if p['exists'] else ('error: ' + p['error'] if p['error'] else 'no'),
                          'yes' if p['exclusive'] else 'no', p['allowed'], p['denied'], p['path'])
                         for p in report['policies']])
    lines += ['', '## Findings', '']
    lines += _table(['host', 'user', 'client', 'server', 'kind', 'detail', 'path'],
                    [(f['host'], f['user'], f['client'], f['server'], f['kind'], f['detail'], f['path'])
                     for f in report['findings']])
    return '\n'.join(lines) + '\n'


class FilterModule:
    def filters(self):
        return {
            'audit_report': audit_report,
            'audit_markdown': audit_markdown,
        }
