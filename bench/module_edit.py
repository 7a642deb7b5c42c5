"""mcp_server against the common `slurp | from_json | combine | to_nice_json | copy` recipe.

Both approaches run as playbooks on the same hosts in the same run:
  time      wall time of one play over all hosts (first run: the entry is missing; rerun: it
            is there), median of --repeat runs, and per host (wall time / hosts)
  effects   what each does to a hand-edited file: a commented VS Code mcp.json (JSONC), and a
            strict JSON file indented with 4 spaces and keys in the user's order
  1 MB      a strict JSON config of about 1 MB on one host, first run and rerun

Hosts are local connections (--hosts N, each with its own directory) or Docker containers from
the local mcpfleet/debian:12 image (--containers N, connection community.docker.docker).
Writes bench/results/module_edit.md.
"""

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
COLLECTIONS = os.path.join(ROOT, "build", "pytest-collections")
sys.path.insert(0, HERE)
sys.path.insert(0, COLLECTIONS)

import _report  # noqa: E402

COMMAND = "/opt/sentry-mcp/bin/sentry-mcp-stdio"
ENTRY = {"type": "stdio", "command": COMMAND, "args": ["--host=sentry.example.com"], "envFile": "${userHome}/.config/sentry-mcp/env"}
CONTAINER_IMAGE = "mcpfleet/debian:12"

COMMENTED = """{
\t// alice's servers, edited by hand
\t"servers": {
\t\t"github": {
\t\t\t"type": "http",
\t\t\t"url": "https://api.githubcopilot.com/mcp/", // remote, OAuth
\t\t},
\t},
\t/* prompted once by VS Code */
\t"inputs": [],
}
"""

STRICT = """{
    "servers": {
        "github": {"type": "http", "url": "https://api.githubcopilot.com/mcp/"},
        "git": {"type": "stdio", "command": "uvx", "args": ["mcp-server-git"]}
    },
    "inputs": [{"type": "promptString", "id": "gh", "password": true}]
}
"""

PLAYS = {
    "mcp_server": """
- hosts: all
  gather_facts: false
  tasks:
    - mcpfleet.mcp.mcp_server:
        client: vscode
        path: "{{ bench_dir }}/mcp.json"
        name: sentry
        command: %(command)s
        args: ["--host=sentry.example.com"]
        env_file: "${userHome}/.config/sentry-mcp/env"
""",
    "slurp/combine/copy": """
- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.slurp:
        src: "{{ bench_dir }}/mcp.json"
      register: current
    - ansible.builtin.copy:
        content: "{{ current.content | b64decode | from_json | combine(update, recursive=true) | to_nice_json }}"
        dest: "{{ bench_dir }}/mcp.json"
        mode: "0600"
      vars:
        update: {servers: {sentry: %(entry)s}}
""",
}


def big_config(size):
    """A strict JSON mcp.json of about ``size`` bytes: many servers, as a generated fleet file might hold."""
    servers = {}
    index = 0
    while len(json.dumps({"servers": servers}, indent=2)) < size:
        servers["server-%05d" % index] = {"type": "stdio", "command": "/opt/tools/bin/tool-%d" % index,
                                          "args": ["--port", str(9000 + index % 1000), "--verbose"],
                                          "env": {"TOOL_HOME": "/srv/tools/%d" % index}}
        index += 1
    return json.dumps({"servers": servers, "inputs": []}, indent=2) + "\n"


class Fleet:
    """The hosts of one run: an inventory, and a way to put and read each host's file."""

    def __init__(self, workdir, hosts, containers):
        self.workdir = workdir
        self.containers = []
        lines = ["[bench]"]
        if containers:
            for index in range(containers):
                name = "mcpfleet-bench-%d" % index
                subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
                subprocess.run(["docker", "run", "-d", "--name", name, "--network", "none", CONTAINER_IMAGE, "sleep", "infinity"],
                               check=True, capture_output=True)
                self.containers.append(name)
                lines.append("%s ansible_connection=community.docker.docker ansible_python_interpreter=/usr/bin/python3 "
                             "bench_dir=/root/bench" % name)
                subprocess.run(["docker", "exec", name, "mkdir", "-p", "/root/bench"], check=True)
            self.names = list(self.containers)
        else:
            self.names = ["host%d" % index for index in range(hosts)]
            for name in self.names:
                os.makedirs(os.path.join(workdir, name))
                lines.append("%s ansible_connection=local ansible_python_interpreter=%s bench_dir=%s"
                             % (name, shutil.which("python3") or sys.executable, os.path.join(workdir, name)))
        self.inventory = os.path.join(workdir, "inventory.ini")
        with open(self.inventory, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")

    def put(self, text, names=None):
        for name in names or self.names:
            if self.containers:
                subprocess.run(["docker", "exec", "-i", name, "sh", "-c", "cat > /root/bench/mcp.json"],
                               input=text.encode("utf-8"), check=True)
            else:
                with open(os.path.join(self.workdir, name, "mcp.json"), "w", encoding="utf-8") as handle:
                    handle.write(text)

    def read(self, name):
        if self.containers:
            return subprocess.run(["docker", "exec", name, "cat", "/root/bench/mcp.json"], check=True, capture_output=True).stdout.decode("utf-8")
        with open(os.path.join(self.workdir, name, "mcp.json"), encoding="utf-8") as handle:
            return handle.read()

    def close(self):
        for name in self.containers:
            subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)


def play(fleet, approach, limit=None):
    """Run one approach's play; return (wall seconds, ok, first error line)."""
    path = os.path.join(fleet.workdir, "play.yml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(PLAYS[approach] % {"command": COMMAND, "entry": json.dumps(ENTRY)})
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_HOST_KEY_CHECKING="False",
               ANSIBLE_LOCAL_TEMP=os.path.join(fleet.workdir, "tmp"), ANSIBLE_FORKS=str(max(5, len(fleet.names))),
               ANSIBLE_NOCOLOR="1", ANSIBLE_STDOUT_CALLBACK="ansible.builtin.minimal")
    argv = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", fleet.inventory, path]
    if limit:
        argv += ["--limit", limit]
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    found = re.search(r'"msg": "((?:[^"\\]|\\.)*)"', done.stdout) if done.returncode else None
    error = found.group(1).replace("|", "/") if found else ("failed" if done.returncode else "")
    return elapsed, done.returncode == 0, error


def timed(fleet, approach, text, repeat, limit=None):
    """Medians (ms) of the first run (file without the entry) and of the rerun."""
    first, rerun = [], []
    for dummy in range(repeat):
        fleet.put(text, [limit] if limit else None)
        elapsed, ok, error = play(fleet, approach, limit)
        if not ok:
            raise SystemExit("%s failed on the first run: %s" % (approach, error))
        first.append(elapsed * 1000)
        elapsed, ok, error = play(fleet, approach, limit)
        rerun.append(elapsed * 1000)
        print("  %-18s first %.0f ms, rerun %.0f ms" % (approach, first[-1], rerun[-1]), file=sys.stderr)
    return _report.median(first), _report.median(rerun)


def changed_lines_outside_entry(original, result):
    """Lines that differ from the original once the new entry is taken out again (0: untouched)."""
    from ansible_collections.mcpfleet.mcp.plugins.module_utils._jsonc import Document  # pylint: disable=import-outside-toplevel
    document = Document(result, grammar="jsonc")
    document.delete(("servers", "sentry"))
    diff = difflib.unified_diff(original.splitlines(), document.text.splitlines(), lineterm="", n=0)
    return sum(1 for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---"))


def effects(fleet, approach, name, text, comments):
    """One row: what the approach does to the file ``text`` (holding ``comments``) on the first host."""
    host = fleet.names[0]
    fleet.put(text, [host])
    dummy, ok, error = play(fleet, approach, host)
    if not ok:
        # Keep the parser's own words (JSONDecodeError: "Expecting ... (char N)") when there are any.
        reason = re.search(r"Expecting [^(]*\(char \d+\)", error)
        return [name, approach, "task fails: %s" % (reason.group(0) if reason else error[:100]), "-", "-", "-"]
    result = fleet.read(host)
    kept = sum(1 for comment in comments if comment in result)
    outside = changed_lines_outside_entry(text, result)
    dummy, ok, dummy = play(fleet, approach, host)
    again = fleet.read(host)
    return [name, approach, "entry added", "%d of %d" % (kept, len(comments)) if comments else "(none)", outside,
            "no" if again == result else "yes"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--hosts", type=int, default=4, help="local-connection hosts (default 4)")
    parser.add_argument("--containers", type=int, default=0, help="use this many Docker containers instead")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--size", type=int, default=1024 * 1024, help="bytes of the large config")
    args = parser.parse_args()

    link = os.path.join(COLLECTIONS, "ansible_collections", "mcpfleet", "mcp")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)

    workdir = tempfile.mkdtemp(prefix="mcpfleet-bench-")
    fleet = Fleet(workdir, args.hosts, args.containers)
    try:
        count = len(fleet.names)
        print("timing on %d host(s)" % count, file=sys.stderr)
        times = dict((approach, timed(fleet, approach, STRICT, args.repeat)) for approach in PLAYS)
        large = big_config(args.size)
        print("timing a %d byte file on one host" % len(large), file=sys.stderr)
        big = dict((approach, timed(fleet, approach, large, args.repeat, fleet.names[0])) for approach in PLAYS)
        rows = []
        for label, index, source, hosts in (("first run", 0, times, count), ("rerun", 1, times, count),
                                            ("first run, %d KB file" % (len(large) // 1024), 0, big, 1),
                                            ("rerun, %d KB file" % (len(large) // 1024), 1, big, 1)):
            module, baseline = source["mcp_server"][index], source["slurp/combine/copy"][index]
            rows.append([label, hosts, _report.fmt_ms(module), _report.fmt_ms(module / hosts), _report.fmt_ms(baseline),
                         _report.fmt_ms(baseline / hosts), _report.ratio(module, baseline)])
        files = (("commented VS Code mcp.json", COMMENTED, ("// alice's servers", "// remote, OAuth", "/* prompted once")),
                 ("strict JSON, 4 spaces, user's key order", STRICT, ()))
        effect_rows = [effects(fleet, approach, name, text, comments) for name, text, comments in files for approach in PLAYS]
    finally:
        fleet.close()
        shutil.rmtree(workdir, ignore_errors=True)

    body = _report.table(["case", "hosts", "mcp_server ms", "per host", "slurp/combine/copy ms", "per host", "ratio"], rows)
    body += "\n\n" + _report.table(["file", "approach", "result", "comments kept", "lines changed outside the entry",
                                    "rerun changes the file"], effect_rows)
    _report.publish("module_edit", "mcp_server vs slurp | from_json | combine | to_nice_json | copy", body, notes=[
        "times are medians of %d runs of a whole play (ansible-playbook start included), %s" % (
            args.repeat, "%d Docker containers" % args.containers if args.containers else "%d local-connection hosts" % args.hosts),
        "ratio = mcp_server / slurp+copy, both measured in this run",
        "lines changed outside the entry: diff between the original file and the result with the new entry removed again",
    ])


if __name__ == "__main__":
    main()
