"""Start-up benchmark: spawn -> MCP initialize answer, launched as an IDE launches a server.

Cases (all measured in this run; ratios are against the bare `node dist/index.js` floor):
  npx, empty cache      the original recipe `npx -y @sentry/mcp-server@latest`, fresh npm cache
  npx, warm cache       the same with the cache of the previous runs
  npx, no registry      warm cache inside a network namespace with no interfaces (unshare -n)
  role launcher         /opt/sentry-mcp/bin/sentry-mcp-stdio as the sentry_mcp role installs it
  node dist/index.js    the pre-installed server started directly: the floor
  N at once             N role launchers started at the same moment, as N users' clients do on a
                        busy host (the slowest of them decides a client's start-up timeout, such
                        as Codex's startup_timeout_sec)

Needs root for `unshare -n`; the npx-without-registry case is skipped with a note otherwise.
"""

import argparse
import os
import shutil
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "build", "pytest-collections"))

import _report  # noqa: E402

FAKE_TOKEN = "sntryu_" + "0" * 56 + "benchmark"


def collection_import():
    link = os.path.join(ROOT, "build", "pytest-collections", "ansible_collections", "mcpfleet", "mcp")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)
    from ansible_collections.mcpfleet.mcp.plugins.module_utils import _mcp_stdio  # pylint: disable=import-outside-toplevel
    return _mcp_stdio


def ready_ms(mcp, argv, env, timeout):
    try:
        return float(mcp.probe(argv, env, timeout=timeout)["ready_ms"])
    except mcp.McpError as exc:
        print("  failed: %s" % exc, file=sys.stderr)
        return None


def measure(mcp, label, argv, env, runs, timeout, before_each=None):
    """Return (samples in ms of the runs that answered, number of runs)."""
    samples = []
    for i in range(runs):
        if before_each:
            before_each()
        value = ready_ms(mcp, argv, env, timeout)
        print("  %-22s run %d: %s ms" % (label, i + 1, _report.fmt_ms(value)), file=sys.stderr)
        if value is not None:
            samples.append(value)
    return samples, runs


def measure_at_once(mcp, count, argv, env, timeout):
    """Start ``count`` servers at the same moment: (their ready times in ms, count)."""
    samples = []
    threads = [threading.Thread(target=lambda: samples.append(ready_ms(mcp, argv, env, timeout))) for dummy in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answered = [value for value in samples if value is not None]
    print("  %d at once: slowest %s ms" % (count, _report.fmt_ms(max(answered) if answered else None)), file=sys.stderr)
    return answered, count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per fast case")
    parser.add_argument("--slow-runs", type=int, default=3, help="runs per npx case")
    parser.add_argument("--offline-runs", type=int, default=1, help="runs of npx without a registry (each takes minutes)")
    parser.add_argument("--timeout", type=float, default=240.0)
    parser.add_argument("--node-dir", default=os.path.join(ROOT, "build", "fixtures", "node", "current"))
    parser.add_argument("--server-prefix", required=True, help="prefix the pinned server is installed in (npm --prefix)")
    parser.add_argument("--launcher", required=True, help="the role's launcher, rendered for this machine")
    parser.add_argument("--at-once", default="4,16", help="comma-separated counts of launchers started at the same moment")
    args = parser.parse_args()

    mcp = collection_import()
    node = os.path.join(args.node_dir, "bin", "node")
    npx = os.path.join(args.node_dir, "bin", "npx")
    entry = os.path.join(args.server_prefix, "node_modules", "@sentry", "mcp-server", "dist", "index.js")
    home = tempfile.mkdtemp(prefix="mcpfleet-bench-home-")
    cache = os.path.join(home, ".npm")
    server_args = ["--host=127.0.0.1:9", "--insecure-http"]
    # What an IDE passes: a minimal environment, no login shell. The token goes in the env.
    env = {"HOME": home, "USER": "bench", "LANG": "C.UTF-8", "SENTRY_ACCESS_TOKEN": FAKE_TOKEN,
           "PATH": os.path.join(args.node_dir, "bin") + ":/usr/local/bin:/usr/bin:/bin",
           "npm_config_cache": cache, "npm_config_update_notifier": "false"}
    # The machine's CA and proxy settings, as an IDE session inherits them (npx needs them here).
    env.update((k, v) for k, v in os.environ.items() if k in ("NODE_EXTRA_CA_CERTS", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"))
    launcher_env = dict(env, SENTRY_MCP_ENV_FILE=os.path.join(home, "env"))
    with open(launcher_env["SENTRY_MCP_ENV_FILE"], "w", encoding="utf-8") as f:
        f.write("SENTRY_ACCESS_TOKEN=%s\n" % FAKE_TOKEN)
    os.chmod(launcher_env["SENTRY_MCP_ENV_FILE"], 0o600)
    npx_argv = [npx, "-y", "@sentry/mcp-server@latest"] + server_args

    results = {}
    results["node dist/index.js (floor)"] = measure(mcp, "floor", [node, entry] + server_args, env, args.runs, args.timeout)
    results["role launcher"] = measure(mcp, "launcher", [args.launcher] + server_args, launcher_env, args.runs, args.timeout)
    for count in (int(value) for value in args.at_once.split(",") if value):
        results["role launcher, %d at once" % count] = measure_at_once(mcp, count, [args.launcher] + server_args, launcher_env, args.timeout)
    results["npx @latest, empty cache"] = measure(
        mcp, "npx empty cache", npx_argv, env, args.slow_runs, args.timeout,
        before_each=lambda: shutil.rmtree(cache, ignore_errors=True))
    results["npx @latest, warm cache"] = measure(mcp, "npx warm cache", npx_argv, env, args.slow_runs, args.timeout)
    notes = ["median of %d runs (npx: %d; npx without registry: %d); fake token, no network needed by the server" % (
        args.runs, args.slow_runs, args.offline_runs)]
    if os.geteuid() == 0 and shutil.which("unshare"):
        results["npx @latest, warm cache, no registry"] = measure(
            mcp, "npx no registry", ["unshare", "--net", "--"] + npx_argv, env, args.offline_runs, args.timeout)
    else:
        notes.append("npx without a registry needs root for `unshare --net`: not measured")

    floor = _report.median(results["node dist/index.js (floor)"][0])
    rows = []
    for label, (samples, runs) in results.items():
        med = _report.median(samples)
        rows.append([label, _report.fmt_ms(med), _report.fmt_ms(min(samples)) if samples else "-",
                     _report.fmt_ms(max(samples)) if samples else "-", _report.ratio(med, floor),
                     "%d/%d" % (len(samples), runs)])
    body = _report.table(["launch", "median ms", "min ms", "max ms", "vs floor", "answered"], rows)
    notes.append("N at once: N launchers started together; max ms is what a client's start-up timeout must allow "
                 "(Codex's default startup_timeout_sec is 10 s; the codex profile writes 60)")
    launcher = _report.median(results["role launcher"][0])
    if launcher and floor:
        notes.append("role launcher overhead vs floor: %+.1f%% (target: within 10%%)" % ((launcher / floor - 1) * 100))
    _report.publish("startup", "Start-up: spawn to MCP initialize answer", body, notes)
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
