# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Sentry layer over the generic rollout core: the server's arguments, and the token
check against Sentry's /api/0/ (which tokens to ask about, and how to judge the answers)."""

from __future__ import annotations

import json
import re

from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.mcpfleet.mcp.plugins.plugin_utils._secrets import check_status, each_secret

_SENTRY_OPTIONS = ('host', 'insecure_http', 'organization_slug', 'project_slug', 'skills', 'token_check_url')


def sentry_users(users, defaults, extra_args=()):
    """The users with the Sentry options (each user's own, else defaults') turned into the
    server's arguments (args) and the URL their token is checked at (check_url), ready for the
    stdio_server role's plan. host and insecure_http (a boolean) are kept for its checks."""
    out = []
    for user in users:
        options = dict((key, defaults.get(key) if user.get(key) is None else user[key]) for key in _SENTRY_OPTIONS)
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
        args.extend(list(extra_args) + list(user.get('extra_args') or []))
        base = options['token_check_url'] or ('%s://%s' % ('http' if insecure else 'https', host))
        resolved = dict((key, value) for key, value in user.items() if key not in _SENTRY_OPTIONS + ('extra_args',))
        resolved.update(host=host, insecure_http=insecure, args=args, check_url=base.rstrip('/') + '/api/0/')
        out.append(resolved)
    return out


_SCHEME = re.compile(r'^[a-zA-Z][a-zA-Z0-9+.-]*://')
_SENTRY_IO = re.compile(r'^(.*\.)?sentry\.io(:[0-9]+)?$')


def sentry_user_problems(users):
    """What is wrong with each user's Sentry host (users as sentry_users returns them): one
    message per user whose host is not a bare host name with an optional port, or who asks for
    plain HTTP to sentry.io. Checked in one pass, not one task per user."""
    problems = []
    for user in users:
        host = user['host'] or ''
        if _SCHEME.match(host) or '/' in host:
            problems.append('User %s: the Sentry host is a bare host name with an optional port, not %s' % (user['name'], json.dumps(host)))
        elif user['insecure_http'] and _SENTRY_IO.match(host):
            problems.append('User %s: insecure_http is for self-hosted Sentry only, not %s' % (user['name'], host))
    return problems


def sentry_token_checks(secrets_by_host, pattern, enabled=True):
    """The distinct (token, check URL) pairs of a batch's users (host -> the host's
    stdio_server_secrets) that look like Sentry tokens: each is asked about once, however many
    users and hosts share it. SECRETS: no_log only."""
    checks = []
    if not enabled:
        return checks
    for _host, entry in each_secret(secrets_by_host):
        check = {'token': entry['secret'], 'url': entry['check_url']}
        if re.match(pattern, entry['secret']) and check not in checks:
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


def sentry_token_status(secrets_by_host, checks, answers, settings):
    """host -> user -> {ok, detail} for every present user of a batch (host -> the host's
    stdio_server_secrets). Details name users, sources and URLs, never a token.

    checks and answers: sentry_token_checks' list and the sentry_token_check lookup's answers to it;
    settings: pattern, check (bool) and required_scopes. A missing token is judged with the
    core's reason (the entry's problem)."""
    def judge(entry):
        if not re.match(settings['pattern'], entry['secret']):
            return False, 'the token does not look like a Sentry User Auth Token (sentry_mcp_token_pattern)'
        if not settings['check']:
            return True, 'not checked'
        answer = answers[checks.index({'token': entry['secret'], 'url': entry['check_url']})]
        return _judge(answer, entry['check_url'], settings['required_scopes'])
    return check_status(secrets_by_host, judge)


class FilterModule:
    def filters(self):
        return {
            'sentry_users': sentry_users,
            'sentry_user_problems': sentry_user_problems,
            'sentry_token_checks': sentry_token_checks,
            'sentry_token_status': sentry_token_status,
        }
