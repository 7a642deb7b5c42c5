# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A throwaway user, and client commands run as that user with loopback as the only network.

Each test gets a new user with a real login shell and its own home (some clients resolve the
user's shell environment), deleted afterwards with its home. Commands run inside `unshare
--net` (netns_inner.py), so nothing a client does can leave the machine.
"""

import json
import os
import pwd
import secrets
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# The Sentry API double listens here inside every namespace; entries point --host at it.
DOUBLE_PORT = 9000
# The model double (tests/doubles/openai_api.py) listens here: the judge sessions of Codex and
# Continue send their model call to it.
MODEL_PORT = 9100


class Result:
    def __init__(self, status, stdout, stderr, requests):
        self.status, self.stdout, self.stderr = status, stdout, stderr
        # {"sentry": [...], "model": [...]}: the doubles' request logs.
        self.requests = requests

    @property
    def output(self):
        return self.stdout + self.stderr


class User:
    def __init__(self, node_bin, tokens):
        self.name = "mcpc" + secrets.token_hex(4)
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", self.name], check=True)
        entry = pwd.getpwnam(self.name)
        self.uid, self.gid, self.home = entry.pw_uid, entry.pw_gid, entry.pw_dir
        self.node_bin = node_bin
        self.tokens = tokens

    def delete(self):
        # A client daemon left behind would keep userdel from removing the user: end the
        # processes of this throwaway uid (all started by this test), one pid at a time.
        for pid in os.listdir("/proc"):
            try:
                if pid.isdigit() and os.stat("/proc/" + pid).st_uid == self.uid:
                    os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        subprocess.run(["userdel", "--remove", self.name], check=False, capture_output=True)

    def path(self, relative):
        return os.path.join(self.home, relative)

    def write(self, relative, text, mode=0o600):
        """Create a file in the home as the user would (parents owned by the user)."""
        target = self.path(relative)
        parent = os.path.dirname(target)
        missing = []
        while not os.path.isdir(parent):
            missing.append(parent)
            parent = os.path.dirname(parent)
        for directory in reversed(missing):
            os.mkdir(directory, 0o700)
            os.chown(directory, self.uid, self.gid)
        with open(target, "w") as handle:
            handle.write(text)
        os.chown(target, self.uid, self.gid)
        os.chmod(target, mode)
        return target

    def read(self, relative):
        with open(self.path(relative)) as handle:
            return handle.read()

    def run(self, argv, env=None, cwd=None, timeout=180):
        """Run argv as the user in a new network namespace; return a Result."""
        base = {
            "HOME": self.home, "USER": self.name, "LOGNAME": self.name, "SHELL": "/bin/bash",
            "PATH": self.node_bin + ":/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "dumb",
            "NO_COLOR": "1", "FORCE_COLOR": "0", "CI": "1",
        }
        base.update(env or {})
        with tempfile.TemporaryDirectory(prefix="mcpc-") as work:
            spec = {"user": self.name, "argv": list(argv), "env": base, "cwd": cwd or self.home, "port": DOUBLE_PORT,
                    "model_port": MODEL_PORT, "tokens": self.tokens, "record": os.path.join(work, "requests.json"),
                    "timeout": timeout}
            spec_path = os.path.join(work, "spec.json")
            with open(spec_path, "w") as handle:
                json.dump(spec, handle)
            done = subprocess.run(["unshare", "--net", "--", sys.executable, os.path.join(HERE, "netns_inner.py"), spec_path],
                                  capture_output=True, text=True, timeout=timeout + 30, check=False)
            requests = {"sentry": [], "model": []}
            if os.path.exists(spec["record"]):
                with open(spec["record"]) as handle:
                    requests = json.load(handle)
        return Result(done.returncode, done.stdout, done.stderr, requests)
