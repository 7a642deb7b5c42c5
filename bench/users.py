"""Users-per-host benchmark: the shipped rollout on one host with 2, 50 and 200 developers.

For each size, a fresh one-host fleet (demo/fleet.yml on a generated inventory that shares
demo/inventory's group_vars; N accounts, two clients each, Node.js copied from the controller,
the demo's package cache) gets
  first run   ansible-playbook mcpfleet.mcp.rollout on the new host: every account's env file
              and entries written, every user's server started and probed (whoami included)
  rerun       the same command again (nothing to change; each launch that passed its probe in the
              first run is not started again)
  reprobe     a rerun with sentry_mcp_probe.reuse_max_age=0: every user's server started again
Each run is timed on the wall clock and given as a ratio to the 2-user figure of the same bench
run. Peak memory: on the host, the most anonymous memory (RSS) of the container's cgroup, sampled
on this machine every 0.1 s during the run; on the controller, the largest ru_maxrss of the
ansible-playbook process and its descendants (os.wait4). The tokens are generated for the bench
(the demo's Sentry API double knows them), never the vault's. Writes bench/results/users.md.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "demo"))

import _report  # noqa: E402
import demo  # noqa: E402

FLEET = "mcpfleet-usersbench"
HOST = FLEET + "-1"
WORK = os.path.join(ROOT, "build", "bench", "users")
FLEET_VARS = {"demo_fleet": FLEET, "demo_sentry_port": 18503, "demo_root": ROOT, "demo_output": os.path.join(WORK, "out")}
BASE_SIZE = 2
RERUN_RATIO_MAX = 3.0
FIRST_PER_USER_MAX = 0.5
PHASES = (("first", "first run"), ("rerun", "rerun"), ("reprobe", "rerun, every probe started"))
# The tasks whose share the table shows (profile_tasks' recap): the users' task on the host, and
# the controller's work on the users' data before it.
TASKS = (("users' task (mcp_user_config)", "Write (or remove) each user's env file"),
         ("planning on the controller", "Work out the users, clients and options of this run"))


def task_seconds(output, title):
    """Seconds of the task whose name starts with ``title`` in profile_tasks' recap, or None."""
    for line in reversed(output.splitlines()):
        if ": " + title in line and line.rstrip().endswith("s"):
            return float(line.rstrip()[:-1].rsplit(" ", 1)[-1])
    return None


def people(size):
    """The bench's developers: names, the tokens the double knows, and who each token is."""
    names = ["dev%03d" % index for index in range(size)]
    tokens = dict((name, "sntryu_" + hashlib.sha256(("bench-" + name).encode()).hexdigest()) for name in names)
    who = dict((name, {"id": str(1000 + index), "name": "Developer %d" % index, "email": "%s@example.test" % name, "username": name})
               for index, name in enumerate(names))
    return {"sentry_mcp_users": [{"name": name} for name in names], "sentry_mcp_tokens": tokens, "demo_people": who}


def inventory():
    """One host (Debian 13) with the demo's group_vars."""
    path = os.path.join(WORK, "inventory")
    os.makedirs(path, exist_ok=True)
    link = os.path.join(path, "group_vars")
    if not os.path.islink(link):
        os.symlink(os.path.join(demo.INVENTORY, "group_vars"), link)
    with open(os.path.join(path, "hosts.yml"), "w", encoding="utf-8") as handle:
        handle.write("sentry_mcp:\n  hosts:\n    %s:\n      demo_image: mcpfleet/debian:13\n" % HOST)
    return path


def cgroup_stat():
    """The memory.stat of the host's container on this machine (cgroup v1 or v2), or None."""
    container = subprocess.run(["docker", "inspect", "-f", "{{.Id}}", HOST], stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
    for path in ("/sys/fs/cgroup/memory/docker/%s/memory.stat" % container,
                 "/sys/fs/cgroup/system.slice/docker-%s.scope/memory.stat" % container):
        if os.path.exists(path):
            return path
    return None


class HostMemory:
    """Samples the container's anonymous memory (v1 total_rss, v2 anon) in a thread; .peak in bytes."""

    def __init__(self, path):
        self.path = path
        self.peak = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _read(self):
        with open(self.path, encoding="ascii") as handle:
            fields = dict(line.split() for line in handle if line.strip())
        return int(fields.get("total_rss", fields.get("anon", 0)))

    def _sample(self):
        while not self._stop.is_set():
            value = self._read()
            self.peak = value if self.peak is None else max(self.peak, value)
            self._stop.wait(0.1)

    def __enter__(self):
        if self.path:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self.path:
            self._thread.join()


def rollout(hosts, extra, log):
    """ansible-playbook mcpfleet.mcp.rollout: (PlaybookRun, controller peak RSS in bytes)."""
    argv = [os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "mcpfleet.mcp.rollout", "-i", hosts,
            "--vault-password-file", demo.VAULT_PASSWORD, "-e", json.dumps(extra)]
    os.makedirs(os.path.dirname(log), exist_ok=True)
    started = time.monotonic()
    with open(log, "w+", encoding="utf-8") as output:
        # profile_tasks: each log ends with the slowest tasks, to see where the time per user goes.
        env = dict(demo.ansible_env(False), ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", PROFILE_TASKS_TASK_OUTPUT_LIMIT="all")
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        # wait4: the largest RSS of the playbook and of every descendant it reaped.
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        run = demo.PlaybookRun(argv, proc.returncode, seconds, output.read())
    if run.returncode:
        sys.stderr.write(run.output[-4000:])
        raise SystemExit("%s failed (exit %d), log %s" % (os.path.basename(log), run.returncode, log))
    return run, usage.ru_maxrss * 1024


def measure(size):
    """One fresh host with ``size`` users: {phase: (seconds, host peak, controller peak, changed)}."""
    hosts = inventory()
    extra = dict(FLEET_VARS, **people(size))
    demo.fleet("absent", hosts, FLEET_VARS, echo=False)
    fleet = demo.fleet("present", hosts, extra, echo=False)
    if fleet.returncode:
        sys.stderr.write(fleet.output[-4000:])
        raise SystemExit("starting the host with %d users failed" % size)
    stat = cgroup_stat()
    sample = {}
    for phase, _what in PHASES:
        phase_extra = dict(extra, sentry_mcp_probe={"reuse_max_age": 0}) if phase == "reprobe" else extra
        with HostMemory(stat) as memory:
            run, controller = rollout(hosts, phase_extra, os.path.join(WORK, "logs", "%d-%s.log" % (size, phase)))
        sample[phase] = (run.seconds, memory.peak, controller, run.total("changed"),
                         [task_seconds(run.output, title) for _label, title in TASKS])
        print("  %3d users, %-8s %6.1f s, host peak %s, controller peak %s, changed=%d"
              % (size, phase, run.seconds, mib(memory.peak), mib(controller), run.total("changed")), file=sys.stderr, flush=True)
    return sample


def mib(value):
    return "-" if value is None else "%.0f MiB" % (value / 1048576.0)


def rows(sizes, results):
    out = []
    for phase, what in PHASES:
        base = results[BASE_SIZE][phase][0] if BASE_SIZE in results else None
        cells = ["%.1f s (%s)" % (results[size][phase][0], _report.ratio(results[size][phase][0], base)) for size in sizes]
        slope = (results[sizes[-1]][phase][0] - results[sizes[0]][phase][0]) / (sizes[-1] - sizes[0])
        out.append([what] + cells + ["%.2f" % slope])
        for position, (label, _title) in enumerate(TASKS):
            seconds = [results[size][phase][4][position] for size in sizes]
            out.append([what + ": " + label] + ["-" if value is None else "%.1f s" % value for value in seconds] + [
                "-" if None in seconds else "%.2f" % ((seconds[-1] - seconds[0]) / (sizes[-1] - sizes[0]))])
        out.append([what + ": host peak RSS"] + [mib(results[size][phase][1]) for size in sizes] + [
            "%.2f MiB" % ((results[sizes[-1]][phase][1] - results[sizes[0]][phase][1]) / (sizes[-1] - sizes[0]) / 1048576.0)
            if results[sizes[-1]][phase][1] is not None else "-"])
        out.append([what + ": controller peak RSS"] + [mib(results[size][phase][2]) for size in sizes] + [
            "%.2f MiB" % ((results[sizes[-1]][phase][2] - results[sizes[0]][phase][2]) / (sizes[-1] - sizes[0]) / 1048576.0)])
    return out


def verdicts(sizes, results):
    lines = []
    top = sizes[-1]
    if BASE_SIZE in results and top != BASE_SIZE:
        ratio = results[top]["rerun"][0] / results[BASE_SIZE]["rerun"][0]
        lines.append("target: a rerun with %d users takes at most %.0fx the %d-user rerun: %.2fx, %s"
                     % (top, RERUN_RATIO_MAX, BASE_SIZE, ratio, "met" if ratio <= RERUN_RATIO_MAX else "missed"))
        cost = (results[top]["first"][0] - results[BASE_SIZE]["first"][0]) / (top - BASE_SIZE)
        lines.append("target: a first run costs at most %.1f s per extra user: %.2f s (%d->%d users), %s"
                     % (FIRST_PER_USER_MAX, cost, BASE_SIZE, top, "met" if cost <= FIRST_PER_USER_MAX else "missed"))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2,50,200", help="users on the host, comma-separated (default 2,50,200; 2 is the base)")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if len(sizes) < 2:
        parser.error("--sizes: at least two sizes")
    os.makedirs(WORK, exist_ok=True)
    results = {}
    try:
        for size in sizes:
            results[size] = measure(size)
    finally:
        demo.fleet("absent", inventory(), FLEET_VARS, echo=False)
    changed = sum(results[size][phase][3] for size in sizes for phase in ("rerun", "reprobe"))
    header = ["run"] + ["%d users" % size for size in sizes] + ["per extra user (s or MiB)"]
    notes = [
        "wall time of `ansible-playbook mcpfleet.mcp.rollout` (start-up included), one fresh host per size; in brackets"
        " the ratio to the %d-user figure of the same bench run" % BASE_SIZE,
        "the host: one container (Debian 13, community.docker.docker connection, pipelining), N accounts x 2 clients"
        " (code_server, amazonq; a user's two clients share one launch), install method `controller` with the demo's"
        " package cache on the controller, probes with whoami against the Sentry API double; stdio_server_probe.concurrency"
        " left at its default (worked out on the host: %d CPUs here)" % (os.cpu_count() or 0),
        "host peak RSS: the container's anonymous memory (cgroup memory.stat), sampled every 0.1 s; controller peak RSS:"
        " the largest resident set of ansible-playbook or one of its processes (ru_maxrss through wait4)",
        "last column: (largest size - smallest) / (difference in users)",
    ]
    notes.extend(verdicts(sizes, results))
    notes.append("changed tasks in all reruns together: %d (must be 0)" % changed)
    notes.append("1-minute load average at the end: %.1f (%d cores)" % (os.getloadavg()[0], os.cpu_count() or 0))
    _report.publish("users", "Users per host: rollout converge time and peak memory", _report.table(header, rows(sizes, results)), notes)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
