"""Fleet benchmark: converge time of the shipped rollout on 1, 4 and 8 container hosts.

For each size and install method, a fresh fleet (demo/fleet.yml on a generated inventory that
shares demo/inventory's group_vars: two users per host, two clients each, Node.js copied from
the controller) gets
  first run   ansible-playbook mcpfleet.mcp.rollout on new hosts, every cache cold: the hosts'
              npm caches (new containers) and, for `controller`, the controller's npm cache
              and package cache
  rerun       the same command again (nothing to change; the probes still run)
  ping        `ansible -m ping` of the same hosts, before the first run and between the runs:
              the floor of what any run over these connections costs
Methods: `registry` (npm install on each host from the registry) and `controller` (the tree
built once on the controller, copied to each host). Ratios are against the registry first run
at the same size and to the ping of the same fleet, both measured in the same run; the
marginal cost per host is the slope between consecutive sizes. Writes bench/results/fleet.md.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "demo"))

import _report  # noqa: E402
import demo  # noqa: E402

FLEET = "mcpfleet-fleetbench"
WORK = os.path.join(ROOT, "build", "bench", "fleet")
# demo/fleet.yml's settings for this fleet: its own names, port and output next to the demo's.
FLEET_VARS = {"demo_fleet": FLEET, "demo_sentry_port": 18502, "demo_root": ROOT, "demo_output": os.path.join(WORK, "out")}
METHODS = {"registry": "registry (npm on each host)", "controller": "controller (built once, copied)"}


def inventory(size):
    """An inventory of `size` hosts (Debian 12 and 13 in turn) with the demo's group_vars."""
    path = os.path.join(WORK, "inventory-%d" % size)
    os.makedirs(path, exist_ok=True)
    link = os.path.join(path, "group_vars")
    if not os.path.islink(link):
        os.symlink(os.path.join(demo.INVENTORY, "group_vars"), link)
    with open(os.path.join(path, "hosts.yml"), "w", encoding="utf-8") as handle:
        handle.write("sentry_mcp:\n  hosts:\n")
        for index in range(1, size + 1):
            handle.write("    %s-%d:\n      demo_image: mcpfleet/debian:%d\n" % (FLEET, index, 12 + (index + 1) % 2))
    return path


def checked(run, what):
    if run.returncode:
        sys.stderr.write(run.output[-4000:])
        raise SystemExit("%s failed (exit %d)" % (what, run.returncode))
    return run


def ping(hosts, forks):
    """Seconds of `ansible -m ping` of every host of the inventory (failing hosts fail the bench)."""
    argv = [os.path.join(ROOT, ".venv", "bin", "ansible"), "all", "-i", hosts, "-m", "ansible.builtin.ping", "--forks", str(forks)]
    started = time.monotonic()
    run = subprocess.run(argv, cwd=ROOT, env=demo.ansible_env(False), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    seconds = time.monotonic() - started
    if run.returncode:
        sys.stderr.write(run.stdout[-4000:])
        raise SystemExit("ansible -m ping failed (exit %d)" % run.returncode)
    return seconds


def measure(size, method):
    """One fresh fleet: (first run s, rerun s, changed in the rerun, [ping s])."""
    hosts = inventory(size)
    checked(demo.fleet("absent", hosts, FLEET_VARS, echo=False), "removing the fleet")
    checked(demo.fleet("present", hosts, FLEET_VARS, echo=False), "starting %d hosts" % size)
    caches = tempfile.mkdtemp(prefix="controller-", dir=WORK)
    try:
        extra = dict(FLEET_VARS, sentry_mcp_install_method=method,
                     sentry_mcp_controller_cache_dir=os.path.join(caches, "packages"))
        options = ["--forks", str(max(5, size))]
        # profile_tasks: each log ends with the slowest tasks, to see where the time goes.
        env = {"npm_config_cache": os.path.join(caches, "npm"), "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks"}
        log = os.path.join(WORK, "logs", "%s-%d-%%s.log" % (method, size))
        pings = [ping(hosts, max(5, size))]
        first = checked(demo.rollout(hosts, extra, options=options, echo=False, env=env, log=log % "first"), "first run")
        pings.append(ping(hosts, max(5, size)))
        rerun = checked(demo.rollout(hosts, extra, options=options, echo=False, env=env, log=log % "rerun"), "rerun")
    finally:
        shutil.rmtree(caches, ignore_errors=True)
    return first.seconds, rerun.seconds, rerun.total("changed"), pings


def cell(samples, baseline):
    value = _report.median(samples)
    return "%.1f s (%s)" % (value, _report.ratio(value, _report.median(baseline)))


def slopes(sizes, samples):
    """Seconds per extra host between consecutive sizes."""
    parts = []
    for low, high in zip(sizes, sizes[1:]):
        cost = (_report.median(samples[high]) - _report.median(samples[low])) / (high - low)
        parts.append("%.1f (%d→%d)" % (cost, low, high))
    return ", ".join(parts) or "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4,8", help="host counts, comma-separated (default 1,4,8)")
    parser.add_argument("--runs", type=int, default=3, help="fresh fleets per size and method (median; default 3)")
    parser.add_argument("--methods", default="registry,controller", help="install methods to compare")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    methods = args.methods.split(",")
    if "registry" not in methods or not set(methods) <= set(METHODS):
        parser.error("--methods: registry (the baseline) and optionally controller")

    os.makedirs(WORK, exist_ok=True)
    times = {(method, phase): {size: [] for size in sizes} for method in methods for phase in ("first", "rerun")}
    pings = {size: [] for size in sizes}
    rerun_changes = 0
    # The machine may be shared: the 1-minute load average after each fleet says how much.
    loads = []
    try:
        for run in range(args.runs):
            for size in sizes:
                # Alternate the order so that drift on a shared machine hits both methods alike.
                for method in methods if run % 2 == 0 else methods[::-1]:
                    first, rerun, changed, fleet_pings = measure(size, method)
                    rerun_changes += changed
                    pings[size].extend(fleet_pings)
                    loads.append(os.getloadavg()[0])
                    times[method, "first"][size].append(first)
                    times[method, "rerun"][size].append(rerun)
                    print("  run %d, %d hosts, %-10s first %6.1f s, rerun %6.1f s (changed=%d)"
                          % (run + 1, size, method, first, rerun, changed), file=sys.stderr, flush=True)
    finally:
        demo.fleet("absent", inventory(sizes[-1]), FLEET_VARS, echo=False)

    baseline = times["registry", "first"]
    rows = []
    for phase in ("first", "rerun"):
        for method in methods:
            samples = times[method, phase]
            rows.append([METHODS[method], "first run" if phase == "first" else "rerun"]
                        + [cell(samples[size], baseline[size]) for size in sizes] + [slopes(sizes, samples)])
    rows.append(["-", "`ansible -m ping`"] + ["%.1f s" % _report.median(pings[size]) for size in sizes] + [slopes(sizes, pings)])
    for phase in ("first", "rerun"):
        rows.append(["registry", "%s / ping" % ("first run" if phase == "first" else "rerun")]
                    + ["%.1f x" % (_report.median(times["registry", phase][size]) / _report.median(pings[size])) for size in sizes] + ["-"])
    header = ["install method", "run"] + ["%d host%s" % (size, "" if size == 1 else "s") for size in sizes] + ["s per extra host"]
    notes = [
        "wall time of `ansible-playbook mcpfleet.mcp.rollout` (start-up included), %s per cell;"
        " in brackets: ratio to the registry first run at the same size, measured in the same run"
        % ("median of %d fresh fleets" % args.runs if args.runs > 1 else "one fresh fleet"),
        "each host: a container (Debian 12 and 13 in turn, community.docker.docker connection), 2 users x 2 clients,"
        " Node.js copied from the controller, token check, 4 probes with whoami against the Sentry API double;"
        " forks = max(5, hosts)",
        "first run: new containers and cold npm caches (hosts, and the controller's for `controller`)",
        "changed tasks in all reruns together: %d (must be 0)" % rerun_changes,
        "1-minute load average after each fleet: median %.1f, max %.1f (%d cores)" % (
            _report.median(loads) or 0.0, max(loads), os.cpu_count() or 0),
    ]
    _report.publish("fleet", "Fleet: rollout converge time by fleet size and install method", _report.table(header, rows), notes)
    return 1 if rerun_changes else 0


if __name__ == "__main__":
    sys.exit(main())
