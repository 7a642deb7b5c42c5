"""make demo: start the demo fleet, roll the Sentry MCP server out to it, print the fleet report.

    python demo/demo.py          start (or reuse) the fleet and roll out; a rerun must change nothing
    python demo/demo.py --clean  remove the fleet's containers, network and build/demo

Runs the shipped playbook `mcpfleet.mcp.rollout` from the collection installed in
build/collections (make collection), on the inventory demo/inventory, with the demo's
Ansible Vault (demo/vault-password.txt: a demo-only password). bench/fleet.py reuses the
functions below to start fleets of other sizes and to time the rollout.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
INVENTORY = os.path.join(HERE, "inventory")
VAULT_PASSWORD = os.path.join(HERE, "vault-password.txt")
FLEET_PLAYBOOK = os.path.join(HERE, "fleet.yml")
OUTPUT = os.path.join(ROOT, "build", "demo")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
RECAP_LINE = re.compile(r"^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$")


def ansible_env(color):
    """The environment the Makefile gives Ansible, for runs outside make too."""
    env = dict(os.environ)
    env.setdefault("ANSIBLE_COLLECTIONS_PATH", os.path.join(ROOT, "build", "collections"))
    env.setdefault("ANSIBLE_HOME", os.path.join(ROOT, "build", "ansible-home"))
    env.setdefault("ANSIBLE_LOCAL_TEMP", os.path.join(env["ANSIBLE_HOME"], "tmp"))
    env["PATH"] = os.path.join(ROOT, ".venv", "bin") + os.pathsep + env.get("PATH", "")
    if color:
        env["ANSIBLE_FORCE_COLOR"] = "1"
    return env


def parse_recap(text):
    """PLAY RECAP of an ansible-playbook log -> {host: {"ok": n, "changed": n, ...}}, summed over plays."""
    totals = {}
    in_recap = False
    for line in ANSI.sub("", text).splitlines():
        if line.startswith("PLAY RECAP"):
            in_recap = True
            continue
        match = RECAP_LINE.match(line.strip()) if in_recap else None
        if not match:
            in_recap = in_recap and bool(line.strip())
            continue
        counts = totals.setdefault(match.group(1), {})
        for pair in match.group(2).split():
            key, value = pair.split("=")
            counts[key] = counts.get(key, 0) + int(value)
    return totals


class PlaybookRun:
    """One ansible-playbook run: exit code, wall time in seconds, recap, output."""

    def __init__(self, argv, returncode, seconds, output):
        self.argv = argv
        self.returncode = returncode
        self.seconds = seconds
        self.output = output
        self.recap = parse_recap(output)

    def total(self, key):
        return sum(counts.get(key, 0) for counts in self.recap.values())


def playbook(playbook_name, inventory, extra_vars=None, options=(), echo=True, log=None, color=False, env=None):
    """Run ansible-playbook from the checkout, streaming its output when echo; never raises on failure."""
    argv = [os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), playbook_name, "-i", inventory,
            "--vault-password-file", VAULT_PASSWORD] + list(options)
    if extra_vars:
        argv += ["-e", json.dumps(extra_vars)]
    started = time.monotonic()
    with subprocess.Popen(argv, cwd=ROOT, env=dict(ansible_env(color), **(env or {})), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as proc:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if echo:
                sys.stdout.write(line)
                sys.stdout.flush()
    run = PlaybookRun(argv, proc.returncode, time.monotonic() - started, "".join(lines))
    if log:
        os.makedirs(os.path.dirname(log), exist_ok=True)
        with open(log, "w", encoding="utf-8") as handle:
            handle.write(ANSI.sub("", run.output))
    return run


def fleet(state, inventory=INVENTORY, extra_vars=None, **kwargs):
    """Start (state=present) or remove (absent) the containers of an inventory with demo/fleet.yml."""
    return playbook(FLEET_PLAYBOOK, inventory, dict(extra_vars or {}, demo_state=state), **kwargs)


def rollout(inventory=INVENTORY, extra_vars=None, **kwargs):
    """The collection's own rollout playbook, as a user runs it."""
    return playbook("mcpfleet.mcp.rollout", inventory, extra_vars, **kwargs)


def banner(text):
    print("\n\033[1m== %s\033[0m\n" % text if sys.stdout.isatty() else "\n== %s\n" % text, flush=True)


def fail(run, what):
    print("\n%s failed (exit %d): see the output above." % (what, run.returncode), file=sys.stderr)
    return 1


def demo():
    color = sys.stdout.isatty()
    marker = os.path.join(OUTPUT, "rolled-out")

    banner("Starting the demo fleet (demo/fleet.yml): 3 code-server hosts and a Sentry API double")
    up = fleet("present", log=os.path.join(OUTPUT, "fleet.log"), color=color)
    if up.returncode:
        return fail(up, "Starting the fleet")
    rerun = os.path.exists(marker)

    banner("Rolling out: ansible-playbook mcpfleet.mcp.rollout -i demo/inventory --vault-password-file demo/vault-password.txt")
    run = rollout(log=os.path.join(OUTPUT, "rollout.log"), color=color)
    if run.returncode:
        return fail(run, "The rollout")
    changed = {host: counts.get("changed", 0) for host, counts in run.recap.items()}
    if not changed:
        print("No PLAY RECAP in the rollout's output", file=sys.stderr)
        return 1
    if rerun and any(changed.values()):
        print("\nA rerun on the same fleet must change nothing, but it changed: %s" % ", ".join(
            "%s changed=%d" % item for item in sorted(changed.items()) if item[1]), file=sys.stderr)
        return 1
    with open(marker, "w", encoding="utf-8") as handle:
        handle.write("%s\n" % time.strftime("%Y-%m-%dT%H:%M:%S"))

    banner("Fleet report (build/demo/report/sentry-mcp-report.md)")
    with open(os.path.join(OUTPUT, "report", "sentry-mcp-report.md"), encoding="utf-8") as handle:
        print(handle.read())
    kind = "rerun on the same fleet: changed=0 on every host" if rerun else "first run: changed=%d" % run.total("changed")
    print("Fleet up in %.0f s; rollout in %.0f s (%s)." % (up.seconds, run.seconds, kind))
    print(CLOSING)
    return 0


CLOSING = """
Look around:   docker exec mcpfleet-demo-1 cat /home/alice/.local/share/code-server/User/mcp.json
Run it again:  make demo        (the rollout then changes nothing)
Remove it:     make demo-clean

Your own fleet: copy demo/inventory. List your hosts in hosts.yml, drop connection.yml (use SSH
and sudo), name the developers in group_vars/sentry_mcp/main.yml and remove the demo's Sentry
double settings (sentry_mcp_host, sentry_mcp_insecure_http, sentry_mcp_token_check_url). Put the
tokens in a vault of your own:
  ansible-vault create my-inventory/group_vars/sentry_mcp/vault.yml   # sentry_mcp_tokens: {alice: sntryu_...}
then roll out with the collection (ansible-galaxy collection install mcpfleet-mcp-*.tar.gz):
  ansible-playbook mcpfleet.mcp.rollout -i my-inventory --ask-vault-pass
"""


def clean():
    run = fleet("absent", color=sys.stdout.isatty())
    return fail(run, "Removing the fleet") if run.returncode else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="remove the fleet, its network and build/demo")
    args = parser.parse_args()
    return clean() if args.clean else demo()


if __name__ == "__main__":
    sys.exit(main())
