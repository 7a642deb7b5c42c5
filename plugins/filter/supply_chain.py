# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The supply chain on the controller: why npm refused a lock, which tree every host runs (the
fleet report), and the audit's findings about installed trees. Digests and paths only."""

from __future__ import annotations

from ansible_collections.mcpfleet.mcp.plugins.module_utils._lockfile import npm_failure
from ansible_collections.mcpfleet.mcp.plugins.module_utils._tree_digest import describe_changes

TREE_FINDING_KINDS = ('tree_drift', 'tree_mismatch', 'unlocked_tree')


def _found(found, lock):
    """What the host reading found of the tree, in words."""
    state = found.get('state', 'missing')
    if state == 'drifted':
        return 'drifted: ' + describe_changes(found['changes'])
    if state == 'unrecorded':
        return 'no digest recorded'
    if state == 'missing':
        return 'not installed'
    if (found.get('facts') or {}).get('lock', '') != lock:
        return 'intact, from another lock'
    return 'intact'


def _tree_row(host, item):
    """One host's row of the report's package trees."""
    found, recorded = item.get('found') or {}, item.get('recorded') or {}
    if recorded.get('digest'):
        digest, action = recorded['digest'], 'repaired' if found.get('state') == 'drifted' else 'installed'
    else:
        digest = found.get('digest', '') if found.get('state') == 'intact' else ''
        action = 'failed' if item.get('failure') else 'kept' if digest else 'not installed'
    lock_digest = item.get('lock_digest') or ''
    return {'host': host, 'package': item['package'], 'version': item['version'], 'digest': digest,
            'locked': bool(item.get('locked')), 'lock_digest': lock_digest,
            'as_locked': bool(digest and lock_digest and digest == lock_digest),
            'found': _found(found, item.get('lock') or ''), 'action': action}


def _verdict(package, version, rows):
    """One line: whether every host of this version runs the same tree, and the lock's."""
    by_digest = {}
    for row in rows:
        by_digest.setdefault(row['digest'], []).append(row['host'])
    without = by_digest.pop('', [])
    lock_digest = rows[0]['lock_digest']
    unlocked = [row['host'] for row in rows if not row['locked']]
    name = '%s %s' % (package, version)
    if len(by_digest) == 1 and not without:
        digest = next(iter(by_digest))
        line = 'All %d hosts on %s run the same tree, digest %s' % (len(rows), name, digest)
        if lock_digest:
            line += ', the one the lock describes' if digest == lock_digest else ', NOT the one the lock describes (%s)' % lock_digest
    else:
        trees = ['%s on %s' % (digest, ', '.join(hosts)) for digest, hosts in sorted(by_digest.items(), key=lambda item: -len(item[1]))]
        line = 'Hosts on %s run %d different trees: %s' % (name, len(by_digest), '; '.join(trees) or 'none')
        if without:
            line += '; no verified tree on %s' % ', '.join(without)
    if unlocked:
        line += '; unlocked (each resolved its own dependencies) on %s' % ', '.join(unlocked)
    return {'package': package, 'version': version, 'hosts': len(rows), 'digests': dict((d, h) for d, h in by_digest.items()),
            'without_digest': without, 'same': len(by_digest) == 1 and not without, 'lock_digest': lock_digest,
            'as_locked': bool(lock_digest) and set(by_digest) == {lock_digest} and not without,
            'unlocked': unlocked, 'summary': line + '.'}


def fleet_trees(hostvars, all_hosts, tree_var):
    """{rows, versions}: every host's installed tree (digest, lock, what was found and done)
    and, per package version, whether every host runs the same tree, the one the lock
    describes. Hosts without the variable (unreachable), removing the server, or with npx
    (nothing installed) have no row."""
    rows = []
    for host in all_hosts:
        item = (hostvars.get(host) or {}).get(tree_var)
        if item and item.get('present') and item.get('method') != 'npx':
            rows.append(_tree_row(host, item))
    groups = {}
    for row in rows:
        groups.setdefault((row['package'], row['version']), []).append(row)
    return {'rows': rows, 'versions': [_verdict(package, version, group) for (package, version), group in sorted(groups.items())]}


def audit_trees(report, results):
    """The audit report of audit_report with the installed trees added: ``trees`` (one row per
    tree of each host's mcp_host_info ``trees``) and findings ``tree_drift`` (a tree that is not
    the tree its digest record describes), ``unlocked_tree`` (installed without a lock) and
    ``tree_mismatch`` (hosts on the same version of a package run different trees).

    results: the audit's items, each with ``host`` and ``trees``."""
    trees, findings = [], []
    for result in results or []:
        for path, tree in sorted((result.get('trees') or {}).items()):
            facts = tree.get('facts') or {}
            row = {'host': result['host'], 'path': path, 'package': facts.get('package', ''), 'version': facts.get('version', ''),
                   'digest': tree.get('digest', ''), 'state': tree.get('state', ''), 'locked': bool(facts.get('locked'))}
            trees.append(row)
            finding = {'host': row['host'], 'user': '', 'client': '', 'server': ('%s %s' % (row['package'], row['version'])).strip(),
                       'path': path}
            if row['state'] == 'drifted':
                findings.append(dict(finding, kind='tree_drift', detail='the tree differs from the digest recorded when it was'
                                     ' installed: ' + describe_changes(tree['changes'])))
            if facts and not row['locked']:
                findings.append(dict(finding, kind='unlocked_tree', detail='installed without a lock: its dependencies were'
                                     ' resolved on the day it was installed, and npm checked no integrity the team reviewed'))
    groups = {}
    for row in trees:
        if row['package'] and row['digest']:
            groups.setdefault((row['package'], row['version']), {}).setdefault(row['digest'], []).append(row)
    for (package, version), by_digest in sorted(groups.items()):
        if len(by_digest) < 2:
            continue
        for digest, rows in by_digest.items():
            others = ['%s on %s' % (other, ', '.join(row['host'] for row in found)) for other, found in sorted(by_digest.items()) if other != digest]
            for row in rows:
                findings.append({'host': row['host'], 'user': '', 'client': '', 'server': '%s %s' % (package, version), 'path': row['path'],
                                 'kind': 'tree_mismatch', 'detail': 'this host runs tree %s; other hosts run %s' % (digest, '; '.join(others))})
    counts = dict(report['summary']['findings_by_kind'])
    for kind in TREE_FINDING_KINDS:
        counts[kind] = counts.get(kind, 0) + sum(1 for finding in findings if finding['kind'] == kind)
    summary = dict(report['summary'], findings_by_kind=counts, trees=len(trees))
    return dict(report, summary=summary, trees=trees, findings=list(report['findings']) + findings)


class FilterModule:
    def filters(self):
        return {
            'npm_failure': npm_failure,
            'fleet_trees': fleet_trees,
            'audit_trees': audit_trees,
        }
