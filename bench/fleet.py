"""Fleet benchmark: converge time of the shipped rollout by fleet size, today's collection against a baseline.

For each size (default 3, 10 and 30 container hosts) and variant, a fresh fleet (demo/fleet.yml on a generated inventory that shares
demo/inventory's group_vars: two users per host, two clients each, Node.js copied from the
controller) gets
  first run   ansible-playbook mcpfleet.mcp.rollout on new hosts, every cache cold: the hosts'
              npm caches (new containers), the controller's npm cache and package cache
  rerun       the same command again (nothing to change; every entry is read again, and each
              launch that passed its probe in the first run is not started again)
  reprobe     current only: a rerun with sentry_mcp_probe.reuse_max_age=0, every server started
  ping        `ansible -m ping` of the same hosts, before the first run and between the runs:
              the floor of what any run over these connections costs
Variants:
  baseline    the collection as built from --baseline REF (default ecc77f9, the main before
              the current rollout work), installed under build/bench/commits/
  current     the collection of this checkout (make collection: build/collections), or with
              --current-ref REF the collection of that commit, built as the baseline is
  mitogen     current, run with mitogen's strategy (mitogen_linear), mitogen installed for the
              bench only under build/bench/mitogen/ (never a dependency of the collection)
baseline and mitogen run at the --compare-sizes only (default the demo fleet's 3 hosts); the
other sizes run current alone. "s per extra host" is the slope between consecutive sizes of the
same bench run. Every run uses forks = hosts (up to 30) and the controller settings the README
recommends (pipelining; here the docker connection, so no SSH multiplexing is involved), which
the bench checks in the inventory before it starts.
Only the collection under test differs: the inventory, its vars and demo/fleet.yml are this
checkout's. The order of the variants alternates between runs so that drift on a shared
machine hits them alike. Writes bench/results/fleet.md.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "demo"))

import _report  # noqa: E402
import demo  # noqa: E402

FLEET = "mcpfleet-fleetbench"
WORK = os.path.join(ROOT, "build", "bench", "fleet")
BIN = os.path.join(ROOT, ".venv", "bin")
# demo/fleet.yml's settings for this fleet: its own names, port and output next to the demo's.
FLEET_VARS = {"demo_fleet": FLEET, "demo_sentry_port": 18502, "demo_root": ROOT, "demo_output": os.path.join(WORK, "out")}
VARIANTS = ("baseline", "current", "mitogen")
MITOGEN = "0.3.54"
# The sizes the targets speak of: the demo fleet has 3 hosts.
DEMO_SIZE = 3
SIZES = (DEMO_SIZE, 10, 30)
RERUN_PER_PING_MAX = 8.0
FIRST_SPEEDUP_MIN = 1.5
# A rerun's cost per extra host on this 2-core machine, every host a container on it.
RERUN_PER_HOST_MAX = 0.5
# forks = hosts, up to this many: one worker per host is what a user of a fleet this size sets.
MAX_FORKS = 30
# What the README recommends for the controller, checked on the bench's inventory: pipelining,
# and the connection the demo uses (docker exec: no SSH, so no ControlPersist to check).
CONTROLLER_SETTINGS = {"ansible_pipelining": True, "ansible_connection": "community.docker.docker"}


class Failed(Exception):
    """A step of one fleet failed: fatal for baseline and current, reported for mitogen."""


class Variant:
    """How one variant runs the rollout: its label, environment and inventory host vars."""

    def __init__(self, name, label, env=None, host_vars="", commit=None):
        self.name = name
        self.label = label
        self.commit = commit
        self.env = env or {}
        self.host_vars = host_vars
        self.every_probe = every_probe_vars(self.env["ANSIBLE_COLLECTIONS_PATH"])
        self.grouped_install = grouped_install(self.env["ANSIBLE_COLLECTIONS_PATH"])


def sh(argv, what, **kwargs):
    run = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False, **kwargs)
    if run.returncode:
        sys.stderr.write(run.stdout[-4000:])
        raise SystemExit("%s failed (exit %d)" % (what, run.returncode))
    return run.stdout


def sentry_spec(collections):
    """The text of the sentry_mcp role's argument spec in the collection installed in `collections`."""
    spec = os.path.join(collections, "ansible_collections", "mcpfleet", "mcp", "roles", "sentry_mcp", "meta", "argument_specs.yml")
    with open(spec, encoding="utf-8") as handle:
        return handle.read()


def every_probe_vars(collections):
    """The extra vars that make the collection installed in `collections` start every server on a
    rerun: sentry_mcp_probe_reuse_max_age until 1.1.0, the key reuse_max_age of sentry_mcp_probe since."""
    if "sentry_mcp_probe_reuse_max_age:" in sentry_spec(collections):
        return {"sentry_mcp_probe_reuse_max_age": 0}
    return {"sentry_mcp_probe": {"reuse_max_age": 0}}


def grouped_install(collections):
    """Whether the collection installed in `collections` takes the install settings as one group,
    sentry_mcp_install (since 1.1.0), or as sentry_mcp_install_method and its siblings."""
    return "sentry_mcp_install_method:" not in sentry_spec(collections)


def install_vars(grouped, method, cache_dir):
    """The extra vars that install the server with `method`, packed trees kept in `cache_dir`. The
    group replaces the demo inventory's whole sentry_mcp_install: its other keys go along."""
    if not grouped:
        return {"sentry_mcp_install_method": method, "sentry_mcp_controller_cache_dir": cache_dir}
    with open(os.path.join(ROOT, "demo", "inventory", "group_vars", "sentry_mcp", "main.yml"), encoding="utf-8") as handle:
        group = yaml.safe_load(handle)["sentry_mcp_install"]
    return {"sentry_mcp_install": dict(group, method=method, controller_cache_dir=cache_dir)}


def built_collections(ref):
    """Build and install the collection of commit `ref` the way the Makefile builds ours; the
    install is reused while it is of the same commit. Returns (collections path, short sha)."""
    sha = sh(["git", "rev-parse", "--verify", ref + "^{commit}"], "git rev-parse %s" % ref).strip()
    base = os.path.join(ROOT, "build", "bench", "commits", sha[:12])
    collections = os.path.join(base, "collections")
    marker = os.path.join(collections, ".installed")
    if not os.path.exists(marker):
        shutil.rmtree(base, ignore_errors=True)
        src = os.path.join(base, "src")
        os.makedirs(src)
        archive = subprocess.Popen(["git", "-C", ROOT, "archive", sha], stdout=subprocess.PIPE)
        sh(["tar", "-x", "-C", src], "unpacking %s" % ref, stdin=archive.stdout)
        archive.wait()
        galaxy = os.path.join(BIN, "ansible-galaxy")
        sh([galaxy, "collection", "build", "--force", "--output-path", base, src], "building the baseline collection")
        tarball = [name for name in os.listdir(base) if name.endswith(".tar.gz")][0]
        sh([galaxy, "collection", "install", "--force", "-p", collections, os.path.join(base, tarball)],
           "installing the baseline collection")
        open(marker, "w", encoding="utf-8").close()
    return collections, sha[:7]


def mitogen_env(version):
    """Mitogen installed with pip --target under build/bench (not into .venv: the collection
    and make test never see it), and the environment that turns its strategy on."""
    target = os.path.join(ROOT, "build", "bench", "mitogen", version)
    if not os.path.isdir(os.path.join(target, "ansible_mitogen")):
        sh([os.path.join(BIN, "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--target", target, "mitogen==%s" % version], "pip install mitogen==%s" % version)
    return {"ANSIBLE_STRATEGY_PLUGINS": os.path.join(target, "ansible_mitogen", "plugins", "strategy"),
            "ANSIBLE_STRATEGY": "mitogen_linear", "PYTHONPATH": target}


def core_version():
    return sh([os.path.join(BIN, "python"), "-c", "import ansible.release; print(ansible.release.__version__)"],
              "ansible-core version").strip()


def current_collections(ref):
    """(collections path, label) of the collection under test: built from commit `ref`, or a
    copy of build/collections (make collection) for this bench run, so that a `make collection`
    run beside the bench cannot swap the collection under test half-way through."""
    if ref:
        collections, sha = built_collections(ref)
        return collections, "current %s" % sha
    copy = os.path.join(WORK, "collections")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "build", "collections"), copy, symlinks=True)
    return copy, "current"


def variants(names, args):
    """The Variant objects asked for, building what they need."""
    chosen = []
    current, current_label = current_collections(args.current_ref)
    for name in names:
        if name == "baseline":
            collections, sha = built_collections(args.baseline)
            chosen.append(Variant(name, "baseline %s" % sha, {"ANSIBLE_COLLECTIONS_PATH": collections}, commit=sha))
        elif name == "current":
            chosen.append(Variant(name, current_label, {"ANSIBLE_COLLECTIONS_PATH": current}))
        else:
            # Mitogen swaps in its own transport only for connections it knows by their short
            # name: the FQCN community.docker.docker of the demo inventory would run unaccelerated.
            # A host var, not -e: extra vars would also send the delegate_to: localhost tasks to docker.
            chosen.append(Variant(name, "%s + mitogen %s" % (current_label, args.mitogen),
                                  dict(mitogen_env(args.mitogen), ANSIBLE_COLLECTIONS_PATH=current),
                                  "      ansible_connection: docker\n"))
    return chosen


def inventory(size, host_vars=""):
    """An inventory of `size` hosts (Debian 12 and 13 in turn) with the demo's group_vars and
    `host_vars`, YAML lines added to each host."""
    path = os.path.join(WORK, "inventory-%d%s" % (size, "-%08x" % zlib.crc32(host_vars.encode()) if host_vars else ""))
    os.makedirs(path, exist_ok=True)
    link = os.path.join(path, "group_vars")
    if not os.path.islink(link):
        os.symlink(os.path.join(demo.INVENTORY, "group_vars"), link)
    with open(os.path.join(path, "hosts.yml"), "w", encoding="utf-8") as handle:
        handle.write("sentry_mcp:\n  hosts:\n")
        for index in range(1, size + 1):
            handle.write("    %s-%d:\n      demo_image: mcpfleet/debian:%d\n%s" % (FLEET, index, 12 + (index + 1) % 2, host_vars))
    return path


def forks_for(size):
    return min(size, MAX_FORKS)


def controller_settings(hosts):
    """The connection settings of the inventory's first host, as Ansible resolves them; the bench
    stops when they are not the ones the README recommends."""
    argv = [os.path.join(BIN, "ansible-inventory"), "-i", hosts, "--host", "%s-1" % FLEET,
            "--vault-password-file", demo.VAULT_PASSWORD]
    found = json.loads(sh(argv, "ansible-inventory --host"))
    wrong = {key: found.get(key) for key, value in CONTROLLER_SETTINGS.items() if found.get(key) != value}
    if wrong:
        raise SystemExit("the bench inventory's controller settings are not the recommended ones: %s" % wrong)
    return found


def checked(run, what):
    if run.returncode:
        sys.stderr.write(run.output[-4000:])
        raise Failed("%s failed (exit %d)" % (what, run.returncode))
    return run


def ping(hosts, forks):
    """Seconds of `ansible -m ping` of every host of the inventory (a failing host fails the bench)."""
    argv = [os.path.join(BIN, "ansible"), "all", "-i", hosts, "-m", "ansible.builtin.ping", "--forks", str(forks),
            # group_vars hold the demo's vault: inventory loading needs its password even for a ping.
            "--vault-password-file", demo.VAULT_PASSWORD]
    started = time.monotonic()
    run = subprocess.run(argv, cwd=ROOT, env=demo.ansible_env(False), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    seconds = time.monotonic() - started
    if run.returncode:
        sys.stderr.write(run.stdout[-4000:])
        raise SystemExit("ansible -m ping failed (exit %d)" % run.returncode)
    return seconds


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Sample:
    """One fresh fleet: wall seconds and controller CPU seconds by phase, pings, changes in the reruns."""

    def __init__(self):
        self.seconds = {}
        self.cpu = {}
        self.pings = []
        self.changed = 0

    def timed(self, phase, what, run_playbook):
        """Run one rollout; its wall time and the controller CPU (ansible-playbook, its workers
        and their `docker exec` clients: every process of it is a waited-for child) by phase."""
        cpu = children_cpu()
        run = checked(run_playbook(), what)
        self.cpu[phase] = children_cpu() - cpu
        self.seconds[phase] = run.seconds
        if phase != "first":
            self.changed += run.total("changed")


def measure(size, variant, method):
    """One fresh fleet of `size` hosts: a Sample of its first run, rerun and (current) reprobe."""
    hosts = inventory(size, variant.host_vars)
    forks = forks_for(size)
    options = ["--forks", str(forks)]
    checked(demo.fleet("absent", hosts, FLEET_VARS, echo=False), "removing the fleet")
    checked(demo.fleet("present", hosts, FLEET_VARS, echo=False, options=options), "starting %d hosts" % size)
    caches = tempfile.mkdtemp(prefix="controller-", dir=WORK)
    sample = Sample()
    try:
        extra = dict(FLEET_VARS, **install_vars(variant.grouped_install, method, os.path.join(caches, "packages")))
        # profile_tasks: each log ends with every task's time, to see where the time goes.
        env = dict(variant.env, npm_config_cache=os.path.join(caches, "npm"), ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks",
                   PROFILE_TASKS_TASK_OUTPUT_LIMIT="all")
        log = os.path.join(WORK, "logs", "%s-%d-%%s.log" % (variant.name, size))

        def rollout(phase, extra_vars):
            return lambda: demo.rollout(hosts, extra_vars, options=options, echo=False, env=env, log=log % phase)

        sample.pings.append(ping(hosts, forks))
        sample.timed("first", "%s first run" % variant.name, rollout("first", extra))
        sample.pings.append(ping(hosts, forks))
        sample.timed("rerun", "%s rerun" % variant.name, rollout("rerun", extra))
        if variant.name == "current":
            sample.timed("reprobe", "current rerun with every probe", rollout("reprobe", dict(extra, **variant.every_probe)))
    finally:
        shutil.rmtree(caches, ignore_errors=True)
    return sample


def speedup(value, baseline):
    """'1.62x faster' (or slower) than the baseline's median; '-' without one."""
    if value is None or not baseline:
        return "-"
    return "%.2fx faster" % (baseline / value) if value <= baseline else "%.2fx slower" % (value / baseline)


def per_host(samples, low, high):
    """Seconds per extra host from `low` to `high` hosts (medians of the same bench run), or None."""
    if not samples.get(low) or not samples.get(high):
        return None
    return (_report.median(samples[high]) - _report.median(samples[low])) / (high - low)


def slopes(sizes, samples):
    """Seconds per extra host between consecutive measured sizes."""
    measured = [size for size in sizes if samples.get(size)]
    parts = ["%.2f (%d→%d)" % (per_host(samples, low, high), low, high) for low, high in zip(measured, measured[1:])]
    return ", ".join(parts) or "-"


def per_ping(samples, pings):
    value, floor = _report.median(samples), _report.median(pings)
    return "-" if value is None or not floor else "%.1f x" % (value / floor)


PHASES = (("first", "first run"), ("rerun", "rerun"), ("reprobe", "rerun, every probe started"))


class Results:
    """Every sample of one bench run, by (variant, phase) and size."""

    def __init__(self, names, sizes):
        self.sizes = sizes
        self.times = {(name, phase): {size: [] for size in sizes} for name in names for phase, _what in PHASES}
        self.cpu = {(name, phase): {size: [] for size in sizes} for name in names for phase, _what in PHASES}
        self.pings = {size: [] for size in sizes}
        self.rerun_changes = 0
        self.failures = []
        self.gave_up = set()
        # The machine may be shared: the 1-minute load average after each fleet says how much.
        self.loads = []

    def add(self, size, variant, sample):
        self.rerun_changes += sample.changed
        self.pings[size].extend(sample.pings)
        for phase, seconds in sample.seconds.items():
            self.times[variant.name, phase][size].append(seconds)
            self.cpu[variant.name, phase][size].append(sample.cpu[phase])

    def median(self, name, phase, size):
        return _report.median(self.times[name, phase][size]) if (name, phase) in self.times else None


def bench(chosen, sizes, compare_sizes, runs, method, publish):
    """Every fleet of the run; `publish(results)` after each, so that a long run that is stopped
    still leaves the sizes it measured in bench/results/fleet.md."""
    results = Results([variant.name for variant in chosen], sizes)
    try:
        # The compared sizes, then the largest: a run stopped early has the sizes that matter most.
        order = sorted(sizes, key=lambda size: (size not in compare_sizes, -size))
        for run in range(runs):
            for size in order:
                # Alternate the order so that drift on a shared machine hits every variant alike.
                for variant in chosen if run % 2 == 0 else chosen[::-1]:
                    if variant.name in results.gave_up or (variant.name != "current" and size not in compare_sizes):
                        continue
                    try:
                        sample = measure(size, variant, method)
                    except Failed as error:
                        if variant.name != "mitogen":
                            raise SystemExit(str(error)) from error
                        # Mitogen is an option we report on, not one the bench depends on.
                        # A failure repeats on every fleet: one is reported, the rest not tried.
                        results.failures.append("run %d, %d host(s): %s; not tried again" % (run + 1, size, error))
                        results.gave_up.add(variant.name)
                        print("  %s" % results.failures[-1], file=sys.stderr, flush=True)
                        continue
                    results.add(size, variant, sample)
                    results.loads.append(os.getloadavg()[0])
                    print("  run %d, %d hosts, %-8s first %6.1f s, rerun %6.1f s (changed=%d), load %.1f"
                          % (run + 1, size, variant.name, sample.seconds["first"], sample.seconds["rerun"], sample.changed,
                             results.loads[-1]), file=sys.stderr, flush=True)
                    publish(results)
    finally:
        # Removal goes by the fleet's label: any of its inventories removes every container.
        demo.fleet("absent", inventory(sizes[0]), FLEET_VARS, echo=False)
    return results


def rows(chosen, results):
    sizes = results.sizes
    out = []
    for phase, what in PHASES:
        for variant in chosen:
            samples = results.times[variant.name, phase]
            if not any(samples.values()) and variant.name not in results.gave_up:
                continue
            # current against the baseline; mitogen against current, the choice a user makes.
            against = {"current": "baseline", "mitogen": "current"}.get(variant.name)
            cells = []
            for size in sizes:
                value = results.median(variant.name, phase, size)
                reference = results.median(against, phase, size) if against else None
                if value is None:
                    cells.append("failed" if variant.name in results.gave_up else "not run")
                else:
                    cells.append("%.1f s" % value + (" (%s)" % speedup(value, reference) if reference else ""))
            out.append([variant.label, what] + cells + [slopes(sizes, samples)])
    out.append(["-", "`ansible -m ping`"] + ["%.1f s" % _report.median(results.pings[size]) if results.pings[size] else "not run" for size in sizes]
               + [slopes(sizes, results.pings)])
    for phase, what in PHASES[1:] + PHASES[:1]:
        for variant in chosen:
            if not any(results.times[variant.name, phase].values()):
                continue
            ratios = [per_ping(results.times[variant.name, phase][size], results.pings[size]) for size in sizes]
            out.append([variant.label, what + " / ping"] + ratios + ["-"])
    for phase, what in PHASES:
        samples = results.cpu["current", phase]
        if any(samples.values()):
            cells = ["%.1f s" % _report.median(samples[size]) if samples[size] else "not run" for size in sizes]
            out.append([chosen[[variant.name for variant in chosen].index("current")].label, "controller CPU, " + what]
                       + cells + [slopes(sizes, samples)])
    return out


def verdicts(results):
    """The targets: at the demo fleet's size, and per extra host from the smallest to the largest size."""
    lines = []
    if DEMO_SIZE in results.sizes:
        rerun, floor = results.median("current", "rerun", DEMO_SIZE), _report.median(results.pings[DEMO_SIZE])
        if rerun is not None and floor:
            lines.append("target: a rerun of the demo fleet (%d hosts) takes at most %.0f x a ping: %.1f x, %s"
                         % (DEMO_SIZE, RERUN_PER_PING_MAX, rerun / floor, "met" if rerun / floor <= RERUN_PER_PING_MAX else "NOT met"))
        first, base = results.median("current", "first", DEMO_SIZE), results.median("baseline", "first", DEMO_SIZE)
        if first and base:
            lines.append("target: a first run at least %.1fx faster than the baseline's (%d hosts): %.2fx, %s"
                         % (FIRST_SPEEDUP_MIN, DEMO_SIZE, base / first, "met" if base / first >= FIRST_SPEEDUP_MIN else "NOT met"))
    measured = [size for size in results.sizes if results.times["current", "rerun"][size]]
    if len(measured) > 1:
        low, high = measured[0], measured[-1]
        rerun = per_host(results.times["current", "rerun"], low, high)
        floor = per_host(results.pings, low, high)
        lines.append("target: a rerun costs at most %.1f s per extra host (%d→%d hosts): %.2f s, %s; of it, the ping floor %.2f s"
                     % (RERUN_PER_HOST_MAX, low, high, rerun, "met" if rerun <= RERUN_PER_HOST_MAX else "NOT met", floor))
        lines.append("reported: a first run costs %.2f s per extra host (%d→%d hosts), a rerun with every probe started %.2f s"
                     % (per_host(results.times["current", "first"], low, high), low, high,
                        per_host(results.times["current", "reprobe"], low, high)))
    return lines


def notes(chosen, results, args, settings):
    names = [variant.name for variant in chosen]
    compared = ", ".join(str(size) for size in args.compare_sizes if size in results.sizes)
    lines = [
        "wall time of `ansible-playbook mcpfleet.mcp.rollout` (start-up included), %s per cell;"
        " in brackets: speed-up of current against the baseline%s, in the same run at"
        " the same size, the variants measured alternately; `not run`: the variant runs at %s host(s) only"
        " (`--compare-sizes`), the other sizes measure current alone"
        % ("median of %d fresh fleets" % args.runs if args.runs > 1 else "one fresh fleet",
           ", and of mitogen against current" if "mitogen" in names else "", compared or "no size"),
        "s per extra host: the difference of the medians of two sizes of this bench run, divided by the difference"
        " in hosts",
        "each host: a container (Debian 12 and 13 in turn), 2 users x 2 clients, Node.js copied from the controller,"
        " install method `%s`, token check, probes with whoami against the Sentry API double (a user's two clients"
        " start the same launch: 2 per host; the baseline starts all 4); every host and the controller share this"
        " machine's cores; ansible-core %s" % (args.method, core_version()),
        "controller: forks = hosts (up to %d), connection `%s` with pipelining %s (what the README recommends; no SSH,"
        " so no ControlPersist), linear strategy, no fact gathering (the rollout sets gather_facts: false)"
        % (MAX_FORKS, settings["ansible_connection"], "on" if settings["ansible_pipelining"] else "off"),
        "controller CPU: user + system seconds of ansible-playbook, its workers and their `docker exec` clients"
        " (the hosts' own work runs in the containers and is not counted)",
        "rerun: nothing to change, every entry read again; current starts no server whose launch passed in the"
        " first run (probe reuse); `rerun, every probe started`: the same with -e '%s'"
        % json.dumps(chosen[names.index("current")].every_probe),
        "first run: new containers and cold npm caches (hosts and controller); ping: before each first run and"
        " between first run and rerun, on the same fleet",
    ]
    if "baseline" in names:
        lines.append("baseline: the collection of commit %s (`--baseline %s`), built and installed for the bench;"
                     " same inventory, vars and demo/fleet.yml" % (chosen[names.index("baseline")].commit, args.baseline))
    if "mitogen" in names:
        lines.append("mitogen: %s from PyPI, strategy mitogen_linear, on ansible-core %s, connection `docker` (mitogen's"
                     " own transport; it does not take over the FQCN community.docker.docker); installed for the bench only"
                     % (args.mitogen, core_version()))
        lines.extend("mitogen failed: %s" % failure for failure in results.failures)
    lines.extend(verdicts(results))
    lines.append("changed tasks in all reruns together: %d (must be 0)" % results.rerun_changes)
    if results.loads:
        lines.append("1-minute load average after each fleet: median %.1f, max %.1f (%d cores)"
                     % (_report.median(results.loads), max(results.loads), os.cpu_count() or 0))
    return lines


def sizes_option(text):
    return sorted(set(int(size) for size in text.split(",")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes_option, default=list(SIZES),
                        help="host counts, comma-separated (default %s; 3 is the demo fleet; `--sizes 3,10` is a quicker run)"
                        % ",".join(map(str, SIZES)))
    parser.add_argument("--compare-sizes", type=sizes_option, default=[DEMO_SIZE],
                        help="the sizes at which baseline and mitogen run too (default %d); the others run current only" % DEMO_SIZE)
    parser.add_argument("--runs", type=int, default=1, help="fresh fleets per size and variant (median; default 1)")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="of baseline,current,mitogen (default all three)")
    parser.add_argument("--current-ref", help="build current from this commit (e.g. HEAD) instead of taking build/collections")
    parser.add_argument("--baseline", default="ecc77f9", help="the commit whose collection is the baseline (default ecc77f9)")
    parser.add_argument("--mitogen", default=MITOGEN, help="mitogen version from PyPI (default %s)" % MITOGEN)
    parser.add_argument("--method", default="controller", choices=("controller", "registry"),
                        help="the method of sentry_mcp_install (default controller, as in the demo)")
    args = parser.parse_args()
    names = [name for name in VARIANTS if name in args.variants.split(",")]
    if "current" not in names or not set(args.variants.split(",")) <= set(VARIANTS):
        parser.error("--variants: current and optionally baseline, mitogen")

    os.makedirs(WORK, exist_ok=True)
    settings = controller_settings(inventory(args.sizes[0]))
    chosen = variants(names, args)
    header = ["collection", "run"] + ["%d host%s" % (size, "" if size == 1 else "s") for size in args.sizes] + ["s per extra host"]

    def publish(results):
        _report.publish("fleet", "Fleet: rollout converge time by fleet size, today's collection against the baseline",
                        _report.table(header, rows(chosen, results)), notes(chosen, results, args, settings))

    results = bench(chosen, args.sizes, args.compare_sizes, args.runs, args.method, publish)
    return 1 if results.rerun_changes else 0


if __name__ == "__main__":
    sys.exit(main())
