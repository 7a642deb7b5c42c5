"""Quote the latest benchmark results in README.md.

Each benchmark writes its table to bench/results/<name>.md. README.md holds one block per
benchmark, filled with that file:

    <!-- bench: startup -->
    ...bench/results/startup.md...
    <!-- /bench: startup -->

docs/readme.py rewrites those blocks (`make docs`, and `make bench` after measuring); the unit
tests check them.
"""

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")
BLOCK = re.compile(r"(<!-- bench: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /bench: (?P=name) -->)", re.S)


def result(name):
    with open(os.path.join(RESULTS, name + ".md"), encoding="utf-8") as f:
        return f.read().rstrip("\n") + "\n"


def render(readme_text):
    return BLOCK.sub(lambda m: m.group(1) + result(m.group("name")) + m.group(4), readme_text)
