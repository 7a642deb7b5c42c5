#!/usr/bin/env bash
# make install-check: the collection installed and used as a new user does, from its tarball.
# A venv with ansible-core alone, the collections the README's requirements.yml names and
# nothing else (galaxy.yml declares no dependency), then on a Debian host reached over SSH:
#   1. a rollout with tokens from an Ansible Vault file: ansible-core and the tarball only;
#   2. the audit, likewise;
#   3. the README's steps for HashiCorp Vault tokens (community.hashi_vault without Galaxy, hvac)
#      and a rollout with sentry_mcp_token_source=hashi_vault, logged in with VAULT_TOKEN, then
#      again with the login in sentry_mcp_hashi_vault.token.
# The other tiers run from .venv, whose `ansible` package carries every community collection
# and would hide a missing one. No token may appear in any output of the run.
#   tests/install/run.sh build/mcpfleet-mcp-<version>.tar.gz
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
tarball=$(realpath "$1")
started=$SECONDS
# One pin per fact: the toolchain's ansible-core, and the `ansible` release whose bundled
# community.hashi_vault the README installs when Galaxy cannot be reached.
core=$(sed -n 's/^ansible-core==//p' tests/requirements-dev.txt)
ansible_release=$(sed -n 's/^ansible==//p' tests/requirements-dev.txt)
work=$root/build/install-check
venv=$work/venv
label=mcpfleet.install-check
network=mcpfleet-install
host=mcpfleet-install-host
doubles=mcpfleet-install-doubles

tier=install-check
source tests/setup/run-lib.sh
trap cleanup EXIT
cleanup

# A user's shell: none of make's Ansible settings, no .venv on PATH.
while read -r name; do unset "$name"; done < <(env | sed -n 's/^\(ANSIBLE_[A-Z_]*\)=.*/\1/p')
unset PYTHONPATH VIRTUAL_ENV VAULT_TOKEN VAULT_ADDR
PATH=$(tr ':' '\n' <<<"$PATH" | grep -vxF "$root/.venv/bin" | paste -sd:)
rm -rf "$work"
mkdir -p "$work/logs" "$work/ssh" "$work/doubles" "$work/vendor"
export PATH="$venv/bin:$PATH" ANSIBLE_HOME=$work/ansible-home ANSIBLE_COLLECTIONS_PATH=$work/collections
export ANSIBLE_NOCOLOR=1
cd "$work"   # no ansible.cfg here: Ansible's defaults, as for a new user

run() {  # log name, command...: the command's output goes to logs/<name>.log; its tail on failure
  local log=$work/logs/$1.log
  shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "failed: $* (log: $log)"
  fi
}

say "venv with ansible-core==$core alone"
run venv "$(bash "$root/tests/setup/find-python.sh")" -m venv "$venv"
run venv-pip pip install "ansible-core==$core"
py=$venv/bin/python

say "install $(basename "$tarball") with a requirements.yml, as the README says"
cat >requirements.yml <<EOF
collections:
  - name: $tarball
    type: file
EOF
run galaxy-install ansible-galaxy collection install -r requirements.yml
visible() {  # the collections Ansible sees, as "namespace.name" lines
  ansible-galaxy collection list --format json 2>/dev/null \
    | "$py" -c 'import json, sys; print("\n".join(sorted(set(c for p in json.load(sys.stdin).values() for c in p))))'
}
[ "$(visible)" = "mcpfleet.mcp" ] || die "expected mcpfleet.mcp alone, Ansible sees: $(visible | paste -sd' ')"

say "start a Debian 12 host (SSH, deploy with sudo) and the Sentry API and Vault doubles"
declare -A ansible_vault_tokens hashi_vault_tokens
for user in alice bob; do
  ansible_vault_tokens[$user]=sntryu_$(token)
  hashi_vault_tokens[$user]=sntryu_$(token)
done
vault_login=hvs.$(token)
sentry_knows "$work/doubles/sentry.json" "${ansible_vault_tokens[alice]}" "${ansible_vault_tokens[bob]}"
"$py" - "$work/doubles/vault.json" "$vault_login" "${hashi_vault_tokens[alice]}" "${hashi_vault_tokens[bob]}" <<'EOF'
import json, sys
path, login, alice, bob = sys.argv[1:]
secrets = {'sentry-mcp/alice': {'versions': [{'data': {'token': alice}}]},
           'sentry-mcp/bob': {'versions': [{'data': {'token': bob}}]}}
with open(path, 'w') as handle:
    json.dump({'tokens': {login: {'name': 'operator', 'allow': ['secret/data/sentry-mcp/*']}},
               'mounts': {'secret': secrets}}, handle)
EOF
chmod 0644 "$work"/doubles/*.json
docker network create --label "$label" "$network" >/dev/null
docker run -d --name "$doubles" --label "$label" --network "$network" --init \
  -v "$root/tests/doubles:/doubles:ro" -v "$work/doubles:/state:ro" \
  -p 127.0.0.1::8000 -p 127.0.0.1::8200 mcpfleet/debian:13 \
  sh -c 'python3 /doubles/vault_kv2.py --listen 0.0.0.0:8200 --secrets /state/vault.json &
         exec python3 /doubles/sentry_api.py --listen 0.0.0.0:8000 --tokens /state/sentry.json' >/dev/null
docker run -d --name "$host" --hostname "$host" --label "$label" --network "$network" mcpfleet/debian-ssh:12 >/dev/null
sentry_port=$(docker port "$doubles" 8000/tcp | head -1) && sentry_port=${sentry_port##*:}
vault_port=$(docker port "$doubles" 8200/tcp | head -1) && vault_port=${vault_port##*:}
address=$(docker inspect -f "{{ (index .NetworkSettings.Networks \"$network\").IPAddress }}" "$host")

ssh-keygen -q -t ed25519 -N '' -C mcpfleet-install-check -f "$work/ssh/id_ed25519"
# The host key: ssh checks it, as on a real fleet.
echo "$address $(ssh_enrol "$host" "$work/ssh/id_ed25519.pub")" >"$work/ssh/known_hosts"
for user in alice bob; do docker exec "$host" useradd --create-home --shell /bin/bash "$user"; done
ssh_ok() {
  ssh -q -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$work/ssh/known_hosts" \
    -i "$work/ssh/id_ed25519" "deploy@$address" true 2>/dev/null
}
for _ in $(seq 30); do ssh_ok && break; sleep 1; done
ssh_ok || die "sshd on $host does not let deploy in with the run's key"
for url in "http://127.0.0.1:$sentry_port/api/0/" "http://127.0.0.1:$vault_port/v1/sys/health"; do
  "$py" - "$url" <<'EOF' || die "no answer from the double at $url"
import sys, time, urllib.request
for _ in range(30):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=2)
        sys.exit(0)
    except OSError:
        time.sleep(1)
sys.exit(1)
EOF
done

node=$(readlink -f "$(bash "$root/tests/setup/node-fixture.sh")")
node_version=$(basename "$node" | sed -n 's/^node-v\([0-9.]*\)-linux-.*/\1/p')
cp -r "$root/tests/install/inventory" inventory
cat >inventory/hosts.yml <<EOF
sentry_mcp:
  hosts:
    $host:
      ansible_host: $address
  vars:
    install_check_dir: $work
    install_check_sentry_port: $sentry_port
    install_check_node_version: "$node_version"
    install_check_node_tarball: $(dirname "$node")/v$node_version/$(basename "$node").tar.gz
EOF
"$py" -c 'import secrets; print(secrets.token_hex(16))' >vault-password.txt
printf 'sentry_mcp_tokens:\n  alice: %s\n  bob: %s\n' "${ansible_vault_tokens[alice]}" "${ansible_vault_tokens[bob]}" \
  >inventory/group_vars/sentry_mcp/vault.yml
run vault-encrypt ansible-vault encrypt --vault-password-file vault-password.txt inventory/group_vars/sentry_mcp/vault.yml

on_host() {  # user, token: the token is in a file of the user's home on the host
  docker exec -i "$host" grep -rqF -f - "/home/$1" <<<"$2"
}
rollout() {  # log name, more ansible-playbook options...
  local log=$1
  shift
  run "$log" ansible-playbook -i inventory --vault-password-file vault-password.txt -vvv --diff "$@" mcpfleet.mcp.rollout
}

say "rollout, tokens from Ansible Vault (ansible-core and the tarball only)"
rollout rollout-ansible-vault
for user in alice bob; do
  on_host "$user" "${ansible_vault_tokens[$user]}" || die "$user's token from Ansible Vault is in none of $user's files"
done

say "audit (ansible-core and the tarball only)"
run audit ansible-playbook -i inventory --vault-password-file vault-password.txt -e "audit_report_dir=$work/audit" mcpfleet.mcp.audit
# alice's and bob's entries in code-server and Amazon Q.
"$py" - "$work/audit/audit.json" <<'EOF' || die "the audit did not find the 4 entries of the rollout (see $work/audit/audit.md)"
import json, sys
summary = json.load(open(sys.argv[1]))['summary']
sys.exit(not (summary['hosts'] == 1 and summary['hosts_not_audited'] == 0 and summary['servers'] == 4))
EOF

say "the README's steps for HashiCorp Vault without Galaxy: community.hashi_vault from the ansible $ansible_release package, hvac"
run pip-download pip download --no-deps --dest vendor "ansible==$ansible_release"
run unzip unzip -q "vendor/ansible-$ansible_release-py3-none-any.whl" 'ansible_collections/community/hashi_vault/*' -d vendor
cat >>requirements.yml <<EOF
  - name: ./vendor/ansible_collections/community/hashi_vault
    type: dir
EOF
run galaxy-install-hashi-vault ansible-galaxy collection install -r requirements.yml
run pip-requirements pip install -r "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/mcpfleet/mcp/requirements.txt"
[ "$(visible | paste -sd' ')" = "community.hashi_vault mcpfleet.mcp" ] || die "Ansible sees: $(visible | paste -sd' ')"

say "rollout, tokens from HashiCorp Vault (hvac, community.hashi_vault)"
# Sentry now knows only the tokens in Vault: the token check passes only if they were read there.
sentry_knows "$work/doubles/sentry.json" "${hashi_vault_tokens[alice]}" "${hashi_vault_tokens[bob]}"
VAULT_ADDR=http://127.0.0.1:$vault_port VAULT_TOKEN=$vault_login rollout rollout-hashi-vault -e sentry_mcp_token_source=hashi_vault
for user in alice bob; do
  on_host "$user" "${hashi_vault_tokens[$user]}" || die "$user's token from HashiCorp Vault is in none of $user's files"
  ! on_host "$user" "${ansible_vault_tokens[$user]}" || die "$user's old token is still in a file of $user's"
done

say "rollout, the Vault login given as sentry_mcp_hashi_vault.token (an encrypted vars file), at -vvv"
# No VAULT_TOKEN and no ~/.vault-token: the token check passes only if the login in the vars was used.
printf 'sentry_mcp_hashi_vault:\n  token: %s\n' "$vault_login" >hashi-vault-login.yml
run vault-encrypt-login ansible-vault encrypt --vault-password-file vault-password.txt hashi-vault-login.yml
[ ! -e "$HOME/.vault-token" ] || die "$HOME/.vault-token exists: the run could log in without the vars"
VAULT_ADDR=http://127.0.0.1:$vault_port rollout rollout-hashi-vault-login -e sentry_mcp_token_source=hashi_vault -e @hashi-vault-login.yml

# Every secret of the run, without its prefix, against every line the run printed.
printf '%s\n' "${ansible_vault_tokens[@]#sntryu_}" "${hashi_vault_tokens[@]#sntryu_}" "${vault_login#hvs.}" >secrets.txt
# The logs searched are the real runs: each has its recap, the last one read HashiCorp Vault.
for log in logs/rollout-ansible-vault.log logs/rollout-hashi-vault.log logs/rollout-hashi-vault-login.log; do
  grep -q '^PLAY RECAP' "$log" || die "$log has no recap"
done
for log in logs/rollout-hashi-vault.log logs/rollout-hashi-vault-login.log; do
  grep -q "TASK \[.*Read each user's secret\]" "$log" || die "$log: the rollout did not read HashiCorp Vault"
done
if grep -lF -f secrets.txt logs/*.log "$work/report"/* "$work/audit"/*; then
  die "a token is in the files listed above"
fi
logs=(logs/*.log)
say "no token in the output of ${#logs[@]} steps, the rollout report or the audit"
say "passed in $((SECONDS - started)) s"
