# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Sentry layer over the generic rollout core: the server's arguments, and the token
check against Sentry's /api/0/ (which tokens to ask about, and how to judge the answers)."""

from __future__ import annotations

import re

from ansible.module_utils.parsing.convert_bool import boolean

_SENTRY_OPTIONS = ('host', 'insecure_http', 'organization_slug', 'project_slug', 'skills', 'extra_args', 'token_check_url')


def sentry_plan(plan, extra_args=()):
    """The plan of rollout_plan with the Sentry options turned into the server's arguments
    (args) and the URL its token is checked at (check_url)."""
    out = []
    for item in plan:
        options = dict((key, item.get(key)) for key in _SENTRY_OPTIONS)
        host, insecure = options['host'], boolean(options['insecure_http'] or False, strict=False)
        args = ['--host=' + host]
        if insecure:
            args.append('--insecure-http')
        if options['organization_slug']:
            args.append('--organization-slug=' + options['organization_slug'])
        if options['project_slug']:
            args.append('--project-slug=' + options['project_slug'])
        if options['skills']:
            args.append('--skills=' + ','.join(options['skills']))
        args.extend(list(extra_args) + list(options['extra_args'] or []))
        base = options['token_check_url'] or ('%s://%s' % ('http' if insecure else 'https', host))
        resolved = dict((key, value) for key, value in item.items() if key not in _SENTRY_OPTIONS)
        resolved.update(host=host, insecure_http=insecure, args=args, check_url=base.rstrip('/') + '/api/0/')
        out.append(resolved)
    return out


# Where the role keeps each host's plan and tokens (rollout_plan, rollout_tokens).
PLAN_VAR = '__sentry_mcp_plan'
TOKENS_VAR = '__sentry_mcp_tokens'


def _present_users(hostvars, hosts):
    """(host, plan item, token) for every present user of these hosts."""
    for host in hosts:
        facts = hostvars.get(host) or {}
        tokens = facts.get(TOKENS_VAR) or {}
        for item in facts.get(PLAN_VAR) or []:
            if item['state'] == 'present':
                yield host, item, tokens.get(item['name'], {'token': '', 'error': ''})


def sentry_token_checks(hostvars, hosts, pattern, enabled=True):
    """The distinct (token, check URL) pairs of these hosts' users that look like Sentry tokens:
    each is asked about once, however many users and hosts share it. SECRETS: no_log only."""
    checks = []
    if not enabled:
        return checks
    for _host, item, token in _present_users(hostvars, hosts):
        check = {'token': token['token'], 'url': item['check_url']}
        if re.match(pattern, token['token']) and check not in checks:
            checks.append(check)
    return checks


def _judge(answer, url, required_scopes):
    status = answer.get('status', -1)
    if status not in (200, 401):
        return False, 'token check at %s failed: %s' % (url, answer.get('msg') or 'HTTP %s' % status)
    auth = (answer.get('json') or {}).get('auth') if status == 200 else None
    if not isinstance(auth, dict):
        return False, 'rejected by %s (unknown, expired or revoked token)' % url
    missing = [scope for scope in required_scopes if scope not in (auth.get('scopes') or [])]
    if missing:
        return False, 'lacks scopes %s (%s)' % (', '.join(missing), url)
    email = ((answer.get('json') or {}).get('user') or {}).get('email') or ''
    return True, 'valid' + (' for ' + email if email else '')


def sentry_token_status(hostvars, hosts, checks, answers, settings):
    """host -> user -> {ok, detail} for every present user of these hosts. Details name users,
    sources and URLs, never a token.

    checks and answers: sentry_token_checks' list and the results of the uri loop over it;
    settings: pattern, check (bool), required_scopes, and where tokens come from (source,
    missing: how to name a missing token's place, with {user})."""
    status = {}
    for host in hosts:
        status[host] = {}
    for host, item, token in _present_users(hostvars, hosts):
        if not token['token'] and token['error']:
            ok, detail = False, 'no token: HashiCorp Vault read failed: ' + token['error']
        elif not token['token']:
            ok, detail = False, 'no token for this user (%s)' % settings['missing'].replace('{user}', item['name'])
        elif not re.match(settings['pattern'], token['token']):
            ok, detail = False, 'the token does not look like a Sentry User Auth Token (sentry_mcp_token_pattern)'
        elif not settings['check']:
            ok, detail = True, 'not checked'
        else:
            answer = answers[checks.index({'token': token['token'], 'url': item['check_url']})]
            ok, detail = _judge(answer, item['check_url'], settings['required_scopes'])
        status[host][item['name']] = {'ok': ok, 'detail': detail}
    return status


class FilterModule:
    def filters(self):
        return {
            'sentry_plan': sentry_plan,
            'sentry_token_checks': sentry_token_checks,
            'sentry_token_status': sentry_token_status,
        }
