#!/usr/bin/env bash
# make ee-run: the rollout as AWX runs a job, in the execution environment image (make ee).
# The host's ansible-runner (.venvs/ansible-runner, the EE's version) starts each job with
# process isolation in Docker, from a private data directory laid out as AWX lays out a job's:
#   project/    the project: site.yml imports mcpfleet.mcp.rollout from the image's collection
#   inventory/  tests/ee/inventory + hosts.yml, the hosts' keys and the Ansible-Vault-encrypted tokens
#   env/        the credentials: ssh_key (the machine credential, loaded into ssh-agent in the
#               job) and passwords (the vault password, typed at "Vault password:")
# Two Debian hosts (12 and 13) reached over SSH as `deploy` with sudo, and the Sentry API
# double, on a Docker network of the run that the job container joins. A first job rolls out,
# a second one (a fresh directory, as AWX gives every job) must change nothing. Checked from
# the jobs' artifacts (tests/ee/check_job.py): status, the stats event, and no secret in any
# artifact or in the container's argv.
#   tests/ee/run.sh mcpfleet/ee:<version>
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
image=$1
work=$root/build/ee-run
label=mcpfleet.ee-run
network=mcpfleet-ee
doubles=mcpfleet-ee-doubles
declare -A host_images=([mcpfleet-ee-deb12]=mcpfleet/debian-ssh:12 [mcpfleet-ee-deb13]=mcpfleet/debian-ssh:13)
hosts=("${!host_images[@]}")
started=$SECONDS
tier=ee-run
source tests/setup/run-lib.sh
trap cleanup EXIT
cleanup

docker image inspect "$image" >/dev/null 2>&1 || die "no image $image (make ee)"
runner=$(bash tests/setup/tool-venv.sh ansible-runner)/bin/ansible-runner
py=$root/.venv/bin/python
node=$(readlink -f "$(bash tests/setup/node-fixture.sh)")
node_version=$(basename "$node" | sed -n 's/^node-v\([0-9.]*\)-linux-.*/\1/p')
rm -rf "$work"
mkdir -p "$work/ssh" "$work/doubles" "$work/logs" "$work/jobs" "$work/cache"

say "secrets of this run: the vault password, alice's and bob's tokens, an SSH key"
vault_password=$(token)
alice_token=sntryu_$(token)
bob_token=sntryu_$(token)
ssh-keygen -q -t ed25519 -N '' -C mcpfleet-ee-run -f "$work/ssh/id_ed25519"
# Each secret as it could leak: the tokens without their prefix, the key's base64 body lines.
{ echo "$vault_password"; echo "${alice_token#sntryu_}"; echo "${bob_token#sntryu_}"
  sed '1d;$d' "$work/ssh/id_ed25519"; } >"$work/secrets.txt"

sentry_knows "$work/doubles/sentry.json" "$alice_token" "$bob_token"

say "start ${hosts[*]} and the Sentry API double on the network $network"
docker network create --label "$label" "$network" >/dev/null
docker run -d --name "$doubles" --label "$label" --network "$network" --init \
  -v "$root/tests/doubles:/doubles:ro" -v "$work/doubles:/state:ro" mcpfleet/debian:13 \
  python3 /doubles/sentry_api.py --listen 0.0.0.0:8000 --tokens /state/sentry.json >/dev/null
for host in "${hosts[@]}"; do
  docker run -d --name "$host" --hostname "$host" --label "$label" --network "$network" "${host_images[$host]}" >/dev/null
done
for host in "${hosts[@]}"; do
  # The host key, under the name the job reaches the host by.
  echo "$host $(ssh_enrol "$host" "$work/ssh/id_ed25519.pub")" >>"$work/ssh/known_hosts"
  for user in alice bob; do docker exec "$host" useradd --create-home --shell /bin/bash "$user"; done
done
for host in "${hosts[@]}" "$doubles"; do
  port=22 && [ "$host" != "$doubles" ] || port=8000
  address=$(docker inspect -f "{{ (index .NetworkSettings.Networks \"$network\").IPAddress }}" "$host")
  for _ in $(seq 30); do (exec 3<>"/dev/tcp/$address/$port") 2>/dev/null && break; sleep 0.5; done
  (exec 3<>"/dev/tcp/$address/$port") 2>/dev/null || die "$host does not answer on port $port"
done

# What AWX keeps outside the job: the project and inventory sources, the encrypted vault.
cat >"$work/hosts.yml" <<EOF
sentry_mcp:
  hosts:
$(printf '    %s:\n' "${hosts[@]}")
  vars:
    ee_run_node_version: "$node_version"
EOF
printf 'sentry_mcp_tokens:\n  alice: %s\n  bob: %s\n' "$alice_token" "$bob_token" >"$work/vault.yml"
printf '%s\n' "$vault_password" >"$work/vault-password"
"$root/.venv/bin/ansible-vault" encrypt --vault-password-file "$work/vault-password" "$work/vault.yml" >/dev/null 2>&1
rm "$work/vault-password"

job() {  # ident, rerun|first: a job in a fresh private data directory, checked from its artifacts
  local ident=$1 kind=$2 pdd=$work/jobs/$1 seconds
  mkdir -p "$pdd/project" "$pdd/inventory" "$pdd/env"
  cp -r tests/ee/project/. "$pdd/project/"
  cp -r tests/ee/inventory/. "$pdd/inventory/"
  cp "$work/hosts.yml" "$work/ssh/known_hosts" "$pdd/inventory/"
  cp "$work/vault.yml" "$pdd/inventory/group_vars/sentry_mcp/vault.yml"
  # The credentials, where ansible-runner reads them: never in argv, the image or the environment.
  (umask 077
   cp "$work/ssh/id_ed25519" "$pdd/env/ssh_key"
   "$py" -c 'import json, sys; print(json.dumps({"^Vault password:\\s*?$": sys.stdin.read().strip()}))' \
     <<<"$vault_password" >"$pdd/env/passwords")
  argv=("$runner" run "$pdd" --ident "$ident" -p site.yml --cmdline=--ask-vault-pass
        --process-isolation --process-isolation-executable docker --container-image "$image"
        "--container-option=--network=$network"
        --container-volume-mount "$(dirname "$node")/v$node_version:/fixtures/node:ro"
        --container-volume-mount "$work/cache:/cache")
  printf '%s\n' "${argv[@]}" >"$work/logs/$ident.argv"
  grep -qF -f "$work/secrets.txt" "$work/logs/$ident.argv" && die "a secret is in ansible-runner's argv"
  seconds=$SECONDS
  if ! "${argv[@]}" >"$work/logs/$ident.log" 2>&1; then
    tail -n 40 "$work/logs/$ident.log" >&2
    die "job $ident failed (log: $work/logs/$ident.log)"
  fi
  say "job $ident: $((SECONDS - seconds)) s"
  "$py" tests/ee/check_job.py "$pdd" "$ident" "$kind" "$work/secrets.txt" "${hosts[@]}" \
    || die "job $ident: see above (log: $work/logs/$ident.log)"
  grep -qF -f "$work/secrets.txt" "$work/logs/$ident.log" && die "a secret is in the output of job $ident"
  return 0
}

say "job 1: mcpfleet.mcp.rollout with ansible-runner in $image"
job rollout first
for host in "${hosts[@]}"; do
  for user in alice bob; do
    token_var=${user}_token
    docker exec -i "$host" grep -rqF -f - "/home/$user" <<<"${!token_var}" \
      || die "$user's token is in none of $user's files on $host"
  done
done
say "job 2: the same rollout again, in a new job"
job rerun rerun
say "passed in $((SECONDS - started)) s"
