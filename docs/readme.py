"""Regenerate the generated blocks of the docs: the role variable tables of roles/*/README.md and
the benchmark tables the docs site's pages quote (docs/docsite/rst/benchmarks.rst holds them all).

    python docs/readme.py          rewrite the files where they are out of date
    python docs/readme.py --check  exit 1 when one is out of date
"""

import argparse
import os
import sys

import bench_tables
import role_variables


def targets():
    """(path, current text, wanted text) of every generated file."""
    for path in bench_tables.pages():
        with open(path, encoding="utf-8") as f:
            current = f.read()
        yield path, current, bench_tables.render(current)
    for role in role_variables.roles():
        path, text = role_variables.role_readme(role)
        current = text if os.path.exists(path) else None
        yield path, current, role_variables.render(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a generated file is out of date")
    args = parser.parse_args()
    stale = [(path, wanted) for path, current, wanted in targets() if wanted != current]
    if args.check:
        for path, _wanted in stale:
            print("%s differs from the argument specs or bench/results: run `make docs`" % os.path.relpath(path), file=sys.stderr)
        return 1 if stale else 0
    for path, wanted in stale:
        with open(path, "w", encoding="utf-8") as f:
            f.write(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
