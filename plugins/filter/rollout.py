# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The generic rollout core's data work: which users a run handles and with what, their
tokens, their accounts, and the rows of the fleet report. Role tasks pass data to these
filters; they hold no program of their own. No result holds a token except rollout_tokens'."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.dict_transformations import dict_merge

from ansible_collections.mcpfleet.mcp.plugins.module_utils._clients import ENTRY_LOCATION_OPTIONS, audited_clients
from ansible_collections.mcpfleet.mcp.plugins.module_utils._launch import SECRET_NAME, options
from ansible_collections.mcpfleet.mcp.plugins.plugin_utils._secrets import check_problems, check_status


def _given(mapping, key, default):
    """A user's option, or the role-wide default when the user did not set it (or set null)."""
    value = mapping.get(key)
    return default if value is None else value


def _unique(items):
    return list(dict.fromkeys(items))


def _names(value):
    """A list of names, or the comma-separated string a command line -e gives."""
    if isinstance(value, str):
        return [name for name in (part.strip() for part in value.split(',')) if name]
    return list(value or [])


def _plain(value):
    """value as plain dicts and lists. A mapping a template hands a filter is a lazy container,
    and copying one (dict_merge deep-copies) copies the play's variables with it: once per user,
    the plan of N users cost N times the size of N users' variables."""
    if isinstance(value, Mapping):
        return dict((key, _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def rollout_plan(users, defaults, only=None, state='present'):
    """One item per user this run handles on this host, every option resolved.

    defaults: clients, token_storage, env, client_options, and options: the server's own
    per-user options (name -> role-wide value) that a layer such as sentry_users turns into
    arguments. Holds no secret: own_token only says whether the user has a token of their own."""
    for key in ('clients', 'token_storage', 'env', 'client_options'):
        if key not in defaults:
            raise AnsibleFilterError('rollout_plan: defaults has no %r' % key)
    wanted = _names(only)
    client_options = _plain(defaults['client_options'])
    plan = []
    for user in users:
        if not isinstance(user, dict) or not user.get('name'):
            raise AnsibleFilterError('rollout_plan: every user needs a name, got %r' % (user,))
        if wanted and user['name'] not in wanted:
            continue
        user_state = 'absent' if state == 'absent' else _given(user, 'state', 'present')
        clients = list(_given(user, 'clients', defaults['clients']))
        if user_state != 'present':
            # Removal also cleans the default clients, where an earlier run may have written.
            clients = _unique(clients + list(defaults['clients']))
        item = {
            'name': user['name'],
            'state': user_state,
            'clients': clients,
            'token_storage': _given(user, 'token_storage', defaults['token_storage']),
            'env_names': list(dict(defaults['env'], **_given(user, 'env', {}))),
            'client_options': dict_merge(client_options, _plain(_given(user, 'client_options', {}))),
            'own_token': bool(str(_given(user, 'token', ''))),
        }
        for key, default in defaults.get('options', {}).items():
            item[key] = _given(user, key, default)
        plan.append(item)
    return plan


def moved_variable_problems(given, moved):
    """The variables of earlier releases that a run still sets (given: their names, as the
    varnames lookup finds them; moved: old name -> what took its place): one message naming
    each with its successor, or none."""
    names = sorted(set(given))
    if not names:
        return []
    return ['These variables are no longer read: ' + '; '.join('%s (now %s)' % (name, moved[name]) for name in names)]


def rollout_plan_problems(plan, env_allowlist):
    """What is wrong with each user's options in a plan (rollout_plan's items): environment
    variables outside the allow-list, or no client. One message per user, in one pass."""
    problems = []
    for user in plan:
        refused = [name for name in user['env_names'] if name not in env_allowlist]
        if refused:
            problems.append('User %s: environment variables must be in the allow-list (not allowed: %s)' % (user['name'], ', '.join(refused)))
        if not user['clients']:
            problems.append('User %s: at least one client' % user['name'])
    return problems


def _problem(found, missing, name):
    """Why a user has no secret ('' when the user has one); missing names where it was looked for."""
    if found['token']:
        return ''
    if found['error']:
        return 'no token: HashiCorp Vault read failed: ' + found['error']
    return 'no token for this user (%s)' % missing.replace('{user}', name)


def rollout_tokens(plan, users, source, var_tokens, vault_reads=None, vault_key='token', missing='', option_names=()):
    """The stdio_server_secrets fact: one entry per present user of a plan, with name, secret,
    problem (why there is none, '' when there is one) and the plan's options named in option_names (the
    layer's, such as a check URL). SECRETS: no_log tasks only.

    A user's own token wins; else source 'vars' reads var_tokens, and 'hashi_vault' the
    results of a vault_kv2_get loop (vault_reads: its registered results). missing names where a
    missing secret was looked for ({user} is the user's name)."""
    read = {}
    for result in vault_reads or []:
        name = result[result.get('ansible_loop_var', 'item')]
        secret = result.get('secret')
        if isinstance(secret, dict):
            read[name] = {'token': str(secret.get(vault_key, '')), 'error': ''}
        else:
            read[name] = {'token': '', 'error': str(result.get('msg') or 'no secret')}
    own = dict((user['name'], user.get('token')) for user in users)
    secrets = []
    for item in plan:
        if item['state'] != 'present':
            continue
        if item['own_token']:
            found = {'token': str(own[item['name']]), 'error': ''}
        elif source == 'vars':
            found = {'token': str((var_tokens or {}).get(item['name']) or ''), 'error': ''}
        else:
            found = read.get(item['name'], {'token': '', 'error': ''})
        found = dict(found, token=found['token'].strip())
        entry = dict((key, item[key]) for key in option_names)
        entry.update(name=item['name'], secret=found['token'], problem=_problem(found, missing, item['name']))
        secrets.append(entry)
    return secrets


def _server_env(item, settings, secrets):
    """The server's environment for one user: role-wide, the user's own, the CA bundle, the secret."""
    own = next((user.get('env') or {} for user in settings['users'] if user.get('name') == item['name']), {})
    env = dict(settings['env'] or {}, **own)
    if settings['ca_path']:
        env['NODE_EXTRA_CA_CERTS'] = settings['ca_path']
    if settings['secret_env']:
        env[settings['secret_env']] = secrets[item['name']]
    return env


def _entry(item, client, state, settings, home):
    """mcp_server's options for one user's entry in one client; no secret (rollout_user_config
    passes them beside the entries, where mcp_user_config masks them)."""
    options = (item.get('client_options') or {}).get(client) or {}
    entry = dict((key, options[key]) for key in ENTRY_LOCATION_OPTIONS if options.get(key) is not None)
    entry.update(client=client, name=settings['name'], state=state)
    if state != 'present':
        return entry
    entry.update(command=settings['launcher'], args=list(item.get('args') or []))
    if item['token_storage'] == 'inline':
        entry['mode'] = '0600'  # a file with a token in it is for its user's eyes only
    else:
        # The entry says only where the env file is, which is no secret.
        entry['env'] = {settings['env_file_variable']: home + '/' + settings['env_file']}
    if settings['supersedes']:
        entry['supersedes'] = settings['supersedes']
    return entry


def _clients_of(item):
    """(client, state of its entry, why it is managed) for a plan item's clients, then for the
    clients it dropped (rollout_clients), whose entries are removed."""
    managed = item.get('managed') or {}
    for client in item['clients']:
        yield client, item['state'], managed.get(client, '')
    for client in item.get('dropped') or []:
        yield client, 'absent', ''


def rollout_user_config(plan, accounts, secrets, settings):
    """mcp_user_config's users option for a plan: each user's env file and entries. SECRETS:
    no_log tasks only.

    secrets: rollout_tokens' entries (the stdio_server_secrets fact).
    settings: name, launcher, env_file (relative to the home), env_file_variable, secret_env,
    env (role-wide), users (the role's users, for their own env), ca_path ('' for none),
    supersedes, header (the env file's comment lines)."""
    secrets = dict((entry['name'], entry['secret']) for entry in secrets or [])
    users = []
    for item in plan:
        if item['name'] not in accounts:
            continue
        present = item['state'] == 'present'
        env = _server_env(item, settings, secrets) if present else {}
        if present and item['token_storage'] == 'env_file':
            env_file = {'path': settings['env_file'], 'state': 'present', 'env': env, 'header': settings['header']}
        else:
            env_file = {'path': settings['env_file'], 'state': 'absent'}
        home = accounts[item['name']]['home']
        user = {'user': item['name'], 'env_file': env_file,
                'entries': [_entry(item, client, state, settings, home) for client, state, _why in _clients_of(item)]}
        if present and item['token_storage'] == 'inline':
            user['env'] = env
        if present and settings['supersedes'] and settings['secret_env']:
            user['known_secrets'] = [env[settings['secret_env']]]
        users.append(user)
    return users


def secret_status(secrets_by_host):
    """host -> user -> {ok, detail} for every present user of a batch (host -> its
    stdio_server_secrets): whether the user has a secret. Details name users and sources, never a
    secret."""
    return check_status(secrets_by_host, lambda entry: (True, 'present'))


def token_problems(status):
    """'user: detail' -> [hosts] for every token judged not ok (host -> user -> {ok, detail})."""
    return check_problems(status)


def rollout_launches(users, launcher, args):
    """What the entries of the present users of stdio_server_users start, each distinct launch
    once: the launcher with the user's arguments (else the role-wide ``args``), as written into
    their entries. Every user of the host, not only this run's (only_users): the clients' policy
    (mcp_policy's launches) allows exactly these."""
    launches = []
    for user in users or []:
        if _given(user, 'state', 'present') != 'present':
            continue
        launch = {'command': launcher, 'args': list(_given(user, 'args', args))}
        if launch not in launches:
            launches.append(launch)
    return launches


def _policy_cell(result):
    """What a client's administrator policy does for the server after this run (one result of
    the role's mcp_policy loop; None: the role does not manage that client's policy)."""
    if result is None:
        return 'not managed'
    if result.get('failed'):
        return 'failed'
    if not (result.get('policy') or {}).get('exclusive'):
        return 'open (no allow-only mode)'
    return 'allowed'


def _column(column, probe, check, policy):
    """A report column (stdio_server_report_columns) for one row: the user's secret check, the
    client's policy (its _policy_cell), or the probe's tool call answer (its structuredContent)
    put into the column's format."""
    if column['from'] == 'secret_check':
        return check.get('detail', '')
    if column['from'] == 'policy':
        return policy
    answer = (probe.get('call_result') or {}).get('structuredContent')
    if not isinstance(answer, dict):
        return ''
    try:
        return column['format'].format_map(answer)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError):
        return ''  # the answer lacks a field the format names


def rollout_rows(plan, probes, secret_checks, failure, host, columns=(), policies=None):
    """This host's rows of the fleet report: one per user and client, and one per client whose
    entry is removed because the user's clients no longer list it. ``managed`` says why a
    present user's client is managed (rollout_clients).

    probes: the mcp_probe result's targets (each with user, client and its outcome);
    secret_checks: user -> {ok, detail}; failure: why the host's rollout stopped, if it did;
    columns: the report's columns beyond the core's (each: key, from and, from a call, format);
    policies: the results of the role's mcp_policy loop over the clients (item: the client);
    None when the loop did not run (a failure before it), which leaves the policy cells empty."""
    by_pair = dict(((probe['user'], probe['client']), probe) for probe in probes or [])
    by_client = None if policies is None else dict((result.get('item'), result) for result in policies)
    rows = []
    for item in plan or []:
        check = (secret_checks or {}).get(item['name'], {})
        for client, state, managed in _clients_of(item):
            probe = by_pair.get((item['name'], client), {})
            if probe and probe.get('failed'):
                status, reason = 'failed', probe.get('msg') or 'failed'
            elif failure and not probe:
                status, reason = 'failed', failure
            elif state == 'absent':
                status, reason = 'removed', '' if item['state'] == 'absent' else 'no longer in the user\'s clients'
            elif probe.get('reused'):
                status, reason = 'ok', 'unchanged since its probe at %s' % _utc(probe['probed_at'])
            elif probe:
                status, reason = 'ok', ''
            else:
                status, reason = 'configured', 'not probed'
            row = {
                'host': host,
                'user': item['name'],
                'client': client,
                'managed': managed,
                'state': state,
                'status': status,
                'server_version': (probe.get('server_info') or {}).get('version', ''),
                'tools': probe.get('tools') or [],
                'ready_ms': probe.get('ready_ms'),
                'reason': reason,
            }
            policy = '' if by_client is None else _policy_cell(by_client.get(client))
            for column in columns or []:
                row[column['key']] = _column(column, probe, check, policy) if state == 'present' else ''
            rows.append(row)
    return rows


def _utc(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def _shown(flags, name):
    if name not in flags:
        return 'not set'
    return 'set' if flags[name] is None else flags[name]


def _option_changes(had, managed_args):
    """'--host: sentry.old.example (now sentry.example.com)' for each server option that a hand-made
    entry set, and set differently from the managed one. Secret options are left out."""
    now = options(managed_args or [])
    changes = []
    for name in sorted(had):
        before, after = _shown(had, name), _shown(now, name)
        if before != after and not SECRET_NAME.search(name):
            changes.append('%s: %s (now %s)' % (name, before, after))
    return changes


def _exposures(exposures):
    """(what, action) for each way an adopted entry exposed a secret, without the secret."""
    found = []
    modes = set()
    for exposure in exposures:
        if exposure['kind'] == 'args':
            found.append('token was on the command line (visible to every user in ps)')
        modes.add(exposure.get('file_mode'))
    for mode in sorted(mode for mode in modes if mode):
        readable = int(mode, 8) & 0o044
        found.append('token was in a %s file%s' % (mode, '' if readable else ' in plain text'))
    known = [exposure['matches_known'] for exposure in exposures if 'matches_known' in exposure]
    if known and any(known):
        action = 'rotate: it is the token the vault holds for this user'
    elif known:
        action = 'revoke it: an old token, not the one the vault holds'
    else:
        action = 'revoke it'
    return [(what, action) for what in found]


def _record(records, user, client):
    """The record that ``client`` is managed for ``user`` because of an adoption (see rollout_clients)."""
    return '%s/%s.%s' % (records, user, client)


def rollout_records(plan, records):
    """The paths the host reading looks at for rollout_clients: the records directory, and the
    record of every user of the plan in every client the reading searches."""
    return [records] + [_record(records, item['name'], client) for item in plan or [] for client in audited_clients()]


def _found(audited, name, command):
    """user -> client -> kinds of the entries of the server the host reading found: ``ours`` (the
    entry ``name`` launching ``command``, which a run wrote) and ``hand_made`` (any other entry
    that a matcher selected)."""
    found = {}
    for user in audited or []:
        for item in user.get('files') or []:
            for server in item.get('servers') or []:
                if server['name'] == name and server.get('command') == command:
                    kind = 'ours'
                elif server.get('matched'):
                    kind = 'hand_made'
                else:
                    continue
                found.setdefault(user['user'], {}).setdefault(item['client'], set()).add(kind)
    return found


def rollout_clients(plan, host, name, command, records, adopt):
    """The plan with each user's clients decided from the host reading (an mcp_host_info result
    with ``match``, and ``files`` holding rollout_records' paths). Declared state wins:

    - a present user's client is managed when the user's ``clients`` list it (``declared``), or
      when it is not listed but holds a hand-made entry of the server that adoption replaces
      (``adopted``, only with ``adopt``), or when an earlier run adopted there (its record);
    - the entry a run wrote (``name`` launching ``command``) in any other client is removed:
      the client is ``dropped``;
    - an absent user's entries are removed from the listed clients and wherever the reading
      found one a run wrote.

    Each item gets ``managed`` (client -> why), ``dropped`` and ``records``: the records to write
    (clients adopted now) and to remove (clients listed now, so dropping them later removes
    the entry; every record of an absent user)."""
    found = _found(host.get('servers'), name, command)
    files = host.get('files') or {}
    decided = []
    for item in plan or []:
        user = item['name']
        here = found.get(user, {})
        listed = list(item['clients'])
        recorded = [client for client in audited_clients() if files.get(_record(records, user, client), {}).get('exists')]
        ours = sorted(client for client, kinds in here.items() if 'ours' in kinds and client not in listed)
        if item['state'] != 'present':
            decided.append(dict(item, clients=listed + ours, managed={}, dropped=[],
                                records={'write': [], 'remove': [_record(records, user, client) for client in recorded]}))
            continue
        hand_made = [client for client, kinds in here.items() if adopt and 'hand_made' in kinds]
        adopted = sorted(set(recorded + hand_made) - set(listed))
        managed = dict.fromkeys(listed, 'declared')
        managed.update(dict.fromkeys(adopted, 'adopted'))
        decided.append(dict(item, clients=listed + adopted, managed=managed,
                            dropped=[client for client in ours if client not in managed],
                            records={'write': [_record(records, user, client) for client in adopted if client not in recorded],
                                     'remove': [_record(records, user, client) for client in recorded if client in listed]}))
    return decided


def rollout_adoptions(users, plan, host):
    """{adopted, exposures}: a row per hand-made entry the managed one replaced (users: the
    mcp_user_config result's users), and a row per way each exposed a token. Rows hold names,
    options and kinds; never a secret."""
    args = dict((item['name'], item.get('args')) for item in plan or [])
    adopted, exposed = [], []
    for user in users or []:
        for result in user.get('entries') or []:
            for entry in result.get('superseded') or []:
                row = {'host': host, 'user': user['user'], 'client': result['client'], 'path': result.get('path', ''),
                       'entry': entry['name'], 'package': entry['package'] or '', 'version': entry['version'] or 'unpinned'}
                adopted.append(dict(row, changes=_option_changes(entry['options'], args.get(user['user']))))
                for what, action in _exposures(entry['exposures']):
                    exposed.append(dict(row, exposure=what, action=action))
    return {'adopted': adopted, 'exposures': exposed}


_BLANK_ROW = {'user': '', 'client': '', 'managed': '', 'state': '', 'server_version': '', 'tools': [], 'ready_ms': None}


def fleet_report(hostvars, all_hosts, play_hosts, rows_var, plan_var, adoptions_var=None, columns=()):
    """{summary: status -> count, rows, adopted, exposures} for every host of the play: its own
    rows (hostvars' rows_var), or one row saying why it has none (with every column of columns
    empty); and the hosts' adoptions (hostvars' adoptions_var, from rollout_adoptions)."""
    rows = []
    adoptions = {'adopted': [], 'exposures': []}
    for host in all_hosts:
        facts = hostvars.get(host) or {}
        for key, found in (facts.get(adoptions_var) or {}).items():
            adoptions[key].extend(found)
        own = facts.get(rows_var) or []
        if own:
            rows.extend(own)
            continue
        if host not in play_hosts:
            status, reason = 'unreachable', 'unreachable, or failed before the rollout started (see the play output)'
        elif plan_var not in facts:
            status, reason = 'pending', 'in a later batch (serial)'
        else:
            status, reason = 'no users', ''
        blank = dict(_BLANK_ROW, **dict.fromkeys((column['key'] for column in columns or []), ''))
        rows.append(dict(blank, host=host, status=status, reason=reason))
    summary = {}
    for row in rows:
        summary[row['status']] = summary.get(row['status'], 0) + 1
    return dict(adoptions, summary=summary, rows=rows)


class FilterModule:
    def filters(self):
        return {
            'rollout_plan': rollout_plan,
            'rollout_plan_problems': rollout_plan_problems,
            'moved_variable_problems': moved_variable_problems,
            'rollout_tokens': rollout_tokens,
            'rollout_adoptions': rollout_adoptions,
            'rollout_records': rollout_records,
            'rollout_clients': rollout_clients,
            'rollout_user_config': rollout_user_config,
            'secret_status': secret_status,
            'token_problems': token_problems,
            'rollout_rows': rollout_rows,
            'rollout_launches': rollout_launches,
            'fleet_report': fleet_report,
        }
