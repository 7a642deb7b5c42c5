# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run inside a fresh network namespace, as root: bring up lo, serve the Sentry API double and
the model double on loopback, run one client command as the throwaway user, then record what the
doubles saw.

    python netns_inner.py SPEC_JSON_FILE

SPEC: {"user", "argv", "env", "cwd", "port" (the Sentry double's), "model_port", "tokens" (the
Sentry double's token map), "record" (file to write {"sentry": [...], "model": [...]}, the
doubles' request logs, to)}. The client's stdout and stderr are passed through; the exit status
is the client's.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "doubles"))

from _http_double import JsonSource, start_in_thread  # noqa: E402  pylint: disable=wrong-import-position
from openai_api import ModelHandler  # noqa: E402  pylint: disable=wrong-import-position
from sentry_api import SentryHandler, validate_tokens  # noqa: E402  pylint: disable=wrong-import-position


class Quiet:
    """A double's request log goes to the record file, not into the client's output."""

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


class QuietSentryHandler(Quiet, SentryHandler):
    pass


class QuietModelHandler(Quiet, ModelHandler):
    pass


def main(spec_path):
    with open(spec_path) as handle:
        spec = json.load(handle)
    # A new namespace has lo down and no other interface: only loopback will ever answer.
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    doubles = {
        "sentry": start_in_thread(QuietSentryHandler, JsonSource(text=json.dumps(spec["tokens"]), validate=validate_tokens),
                                  port=spec["port"]),
        "model": start_in_thread(QuietModelHandler, None, port=spec["model_port"]),
    }
    env = ["%s=%s" % item for item in sorted(spec["env"].items())]
    # runuser drops to the user's uid, gid and groups; env -i keeps root's environment out.
    argv = ["runuser", "-u", spec["user"], "--", "env", "-i"] + env + spec["argv"]
    try:
        status = subprocess.run(argv, cwd=spec["cwd"], stdin=subprocess.DEVNULL, check=False,
                                timeout=spec.get("timeout", 180)).returncode
    except subprocess.TimeoutExpired:
        sys.stderr.write("netns_inner: %s timed out\n" % spec["argv"][0])
        status = 124
    with open(spec["record"], "w") as handle:
        json.dump(dict((name, double.snapshot()) for name, double in doubles.items()), handle)
    for double in doubles.values():
        double.shutdown()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
