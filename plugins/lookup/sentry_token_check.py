# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ask Sentry's GET /api/0/ about every token check at once, from the controller, in threads:
no module process per check. The answers carry no token."""

from __future__ import annotations

DOCUMENTATION = r"""
name: sentry_token_check
version_added: 1.1.0
short_description: Ask Sentry's API about many tokens at once, on the controller
description:
  - Sends C(GET) with the token as a bearer C(Authorization) header to the URL of every check, all
    at the same time (up to 16 at once), from the controller process itself, so no module runs.
  - Returns one answer per check, in the order of the checks, for
    P(mcpfleet.mcp.sentry_token_status#filter) to judge.
  - An answer never holds the token, nor does an error or a warning. Use the lookup in a task
    with C(no_log=true) all the same, since its terms are tokens.
author:
  - mcpfleet maintainers (@mcpfleet)
options:
  _terms:
    description:
      - The checks, as P(mcpfleet.mcp.sentry_token_checks#filter) returns them, each a dict with
        C(url) and C(token).
    type: list
    elements: dict
    required: true
  timeout:
    description: Seconds to wait for each answer.
    type: float
    default: 15
  validate_certs:
    description: Whether to verify the server's TLS certificate.
    type: bool
    default: true
  ca_path:
    description: A PEM file of CA certificates to trust. Empty for the system's ones.
    type: str
    default: ''
notes:
  - Proxies (C(https_proxy), C(no_proxy)) and TLS are handled as by M(ansible.builtin.uri).
  - Runs in check mode too, since it only reads.
"""

EXAMPLES = r"""
- name: Ask Sentry about each distinct token
  ansible.builtin.set_fact:
    answers: "{{ query('mcpfleet.mcp.sentry_token_check', checks, timeout=10, validate_certs=true) }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description: One answer per check, in the order of the checks.
  type: list
  elements: dict
  contains:
    url:
      description: The URL asked.
      type: str
    status:
      description: The HTTP status, C(-1) when no answer came (connection refused, timeout, TLS error).
      type: int
    msg:
      description: What went wrong when there was no HTTP answer, else C(OK) or the HTTP reason.
      type: str
    json:
      description:
        - Of an HTTP 200 answer, C(auth) (C(scopes) of the token, or null) and C(user) (C(email)),
          else null.
      type: dict
"""

import json
from concurrent.futures import ThreadPoolExecutor

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.module_utils.six.moves.urllib.error import HTTPError
from ansible.module_utils.urls import Request, make_context
from ansible.plugins.lookup import LookupBase

MAX_WORKERS = 16
HIDDEN = '********'


def _hide(text, token):
    text = to_text(text, errors='surrogate_or_replace')
    return text.replace(token, HIDDEN) if token else text


def _summary(body):
    """What the judging reads of /api/0/'s body: auth.scopes and user.email."""
    if not isinstance(body, dict):
        return None
    auth = body.get('auth')
    user = body.get('user')
    return {
        'auth': {'scopes': [to_text(s) for s in (auth.get('scopes') or [])]} if isinstance(auth, dict) else None,
        'user': {'email': to_text(user.get('email') or '')} if isinstance(user, dict) else None,
    }


def ask(url, token, timeout=15, context=None):
    """One GET of url with token; an answer dict without the token, never an exception.

    context: the TLS context of every check of a run (made once: loading the CA store costs more
    than the request)."""
    answer = {'url': url, 'status': -1, 'msg': '', 'json': None}
    try:
        response = Request(context=context).open(
            'GET', url, headers={'Authorization': 'Bearer ' + token, 'Accept': 'application/json'},
            timeout=timeout, follow_redirects='safe', http_agent='mcpfleet.mcp.sentry_token_check')
        with response:
            answer['status'] = response.getcode()
            answer['msg'] = 'OK'
            body = response.read()
        if answer['status'] == 200:
            try:
                answer['json'] = _summary(json.loads(to_text(body, errors='surrogate_or_replace')))
            except ValueError:
                answer['msg'] = 'the answer is not JSON'
    except HTTPError as e:
        answer['status'] = e.code
        answer['msg'] = _hide('HTTP Error %s: %s' % (e.code, e.reason), token)
        try:
            e.close()
        except Exception:  # pylint: disable=broad-except
            pass
        return answer
    except Exception as e:  # pylint: disable=broad-except
        # Connection refused, timeout, TLS, proxy: the reason, never the request's headers.
        answer['msg'] = _hide('Request failed: %s' % to_native(e), token)
        return answer
    return answer


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        timeout = self.get_option('timeout')
        validate_certs = self.get_option('validate_certs')
        ca_path = self.get_option('ca_path') or None
        checks = []
        for term in terms:
            # query('...', checks) may give the list itself as the one term.
            checks.extend(term if isinstance(term, list) else [term])
        for index, check in enumerate(checks):
            if not isinstance(check, dict) or not check.get('url') or not check.get('token'):
                raise AnsibleLookupError('check %d needs a url and a token' % index)
        if not checks:
            return []
        context = make_context(cafile=ca_path, validate_certs=validate_certs)
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(checks))) as pool:
            futures = [pool.submit(ask, to_text(check['url']), to_text(check['token']), timeout, context)
                       for check in checks]
            return [future.result() for future in futures]
