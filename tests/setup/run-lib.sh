# shellcheck shell=bash
# Sourced by the tiers that start their own containers and secrets (tests/ee/run.sh,
# tests/install/run.sh). Before sourcing, set: tier (the prefix of every message), label (of the
# run's containers and network) and network; py (a Python 3) before the first token or
# sentry_knows.

say() { echo "${tier:?}: $*"; }
die() { echo "${tier:?}: $*" >&2; exit 1; }

cleanup() {  # every container and the network of this run
  docker ps -aq --filter "label=${label:?}" | xargs -r docker rm -f >/dev/null
  docker network rm "${network:?}" >/dev/null 2>&1 || true
}

token() { "${py:?}" -c 'import secrets; print(secrets.token_hex(32))'; }

sentry_knows() {  # file token...: the Sentry API double's tokens file knows exactly these, as alice's then bob's
  "${py:?}" - "$@" <<'PY'
import json, os, sys
path, tokens = sys.argv[1], sys.argv[2:]
known = {}
for number, (user, token) in enumerate(zip(['alice', 'bob'], tokens)):
    known[token] = {'user': {'id': str(101 + number), 'name': user, 'email': user + '@example.test', 'username': user},
                    'scopes': ['org:read', 'project:read'],
                    'organizations': [{'id': '1', 'slug': 'example', 'name': 'Example Inc'}]}
with open(path + '.new', 'w') as handle:
    json.dump(known, handle)
os.chmod(path + '.new', 0o644)  # the double reads it as another user
os.replace(path + '.new', path)
PY
}

ssh_enrol() {  # host public-key-file: deploy logs in with the key; prints the host key the container generated
  docker exec -i "$1" sh -c 'cat > /home/deploy/.ssh/authorized_keys && chown deploy:deploy /home/deploy/.ssh/authorized_keys &&
    chmod 0600 /home/deploy/.ssh/authorized_keys' <"$2"
  docker exec "$1" sh -c 'for _ in $(seq 50); do [ -s /etc/ssh/ssh_host_ed25519_key.pub ] && break; sleep 0.1; done;
    cat /etc/ssh/ssh_host_ed25519_key.pub'
}
