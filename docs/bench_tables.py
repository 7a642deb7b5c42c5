"""Quote the latest benchmark results on the docs site's pages.

Each benchmark writes its table to bench/results/<name>.md. docs/docsite/rst/benchmarks.rst holds
one block per benchmark (and any other page may quote one too), filled with that file rendered
as reStructuredText (markdown_rst.py):

    .. bench: startup

    ...bench/results/startup.md...

    .. /bench: startup

docs/readme.py rewrites those blocks (`make docs`, and `make bench` after measuring); the unit
tests check them.
"""

import os
import re

import markdown_rst

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")
PAGES = os.path.join(ROOT, "docs", "docsite", "rst")
PAGE = os.path.join(PAGES, "benchmarks.rst")
BLOCK = re.compile(r"(\.\. bench: (?P<name>[\w-]+)\n)(?P<body>.*?)(\.\. /bench: (?P=name)\n)", re.S)


def pages():
    return sorted(os.path.join(PAGES, name) for name in os.listdir(PAGES) if name.endswith(".rst"))


def result(name):
    with open(os.path.join(RESULTS, name + ".md"), encoding="utf-8") as f:
        return markdown_rst.to_rst(f.read())


def render(page_text):
    return BLOCK.sub(lambda m: m.group(1) + "\n" + result(m.group("name")) + "\n" + m.group(4), page_text)
