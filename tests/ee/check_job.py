# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check one ansible-runner job of `make ee-run` from its private data directory, as AWX reads a job.

    python check_job.py PRIVATE_DATA_DIR IDENT first|rerun SECRETS_FILE HOST...

- artifacts/IDENT/status and rc: the job succeeded;
- the playbook_on_stats event of job_events/: every HOST ran, none failed or was unreachable;
  a first run changed something, a rerun changed nothing (changed=0 on every host);
- artifacts/IDENT/command, the container engine's argv, runs ansible-playbook --ask-vault-pass:
  the vault password is typed at the prompt, not given on a command line;
- no line of SECRETS_FILE (the vault password, the tokens, the SSH private key's body) is in any
  file of the job outside env/ (where ansible-runner reads the credentials, as AWX puts them).
Prints the recap; exits 1 with the reasons on failure.
"""

import json
import os
import sys


def stats_event(events_dir):
    for name in os.listdir(events_dir):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(events_dir, name), encoding="utf-8") as handle:
            event = json.load(handle)
        if event.get("event") == "playbook_on_stats":
            return event["event_data"]
    return None


def files_outside_env(private_data_dir):
    for top, dirs, files in os.walk(private_data_dir):
        if top == private_data_dir:
            dirs[:] = [d for d in dirs if d != "env"]
        for name in files:
            path = os.path.join(top, name)
            if os.path.isfile(path):  # not the FIFO the SSH key went through
                yield path


def check(private_data_dir, ident, kind, secrets, hosts):
    problems = []
    artifacts = os.path.join(private_data_dir, "artifacts", ident)

    def read(name):
        with open(os.path.join(artifacts, name), encoding="utf-8") as handle:
            return handle.read().strip()

    if read("status") != "successful" or read("rc") != "0":
        problems.append("the job ended %s with rc %s" % (read("status"), read("rc")))

    stats = stats_event(os.path.join(artifacts, "job_events"))
    if stats is None:
        return problems + ["no playbook_on_stats event in job_events/"]
    changed = {host: stats.get("changed", {}).get(host, 0) for host in hosts}
    missing = [host for host in hosts if host not in stats.get("ok", {})]
    if missing:
        problems.append("no task ran on %s" % ", ".join(missing))
    for key in ("failures", "dark"):
        if stats.get(key):
            problems.append("%s: %s" % (key, stats[key]))
    if kind == "first" and not any(changed.values()):
        problems.append("the first run changed nothing")
    if kind == "rerun" and any(changed.values()):
        problems.append("the rerun changed something: %s" % changed)
    print("%s: ok=%s changed=%s" % (kind, sum(stats.get("ok", {}).values()), changed))

    # The engine's argv ends with the job's shell line (ssh-agent, ssh-add, ansible-playbook).
    command = json.loads(read("command"))["command"]
    if not any("ansible-playbook --ask-vault-pass" in part for part in command):
        problems.append("the container's command does not ask for the vault password: %s" % command[-1])

    for path in files_outside_env(private_data_dir):
        with open(path, "rb") as handle:
            content = handle.read()
        leaked = [number for number, secret in enumerate(secrets, 1) if secret.encode() in content]
        if leaked:
            problems.append("secret(s) %s of the secrets file in %s" % (leaked, os.path.relpath(path, private_data_dir)))
    return problems


def main():
    private_data_dir, ident, kind, secrets_file = sys.argv[1:5]
    with open(secrets_file, encoding="utf-8") as handle:
        secrets = [line.strip() for line in handle if line.strip()]
    problems = check(private_data_dir, ident, kind, secrets, sys.argv[5:])
    for problem in problems:
        print("ee-run: %s: %s" % (ident, problem), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
