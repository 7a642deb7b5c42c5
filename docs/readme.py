"""Regenerate the generated blocks of README.md: role variable tables and benchmark tables.

    python docs/readme.py          rewrite README.md where it is out of date
    python docs/readme.py --check  exit 1 when it is out of date
"""

import argparse
import os
import sys

import bench_tables
import role_variables

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")


def render(readme_text):
    return bench_tables.render(role_variables.render(readme_text))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when README.md is out of date")
    args = parser.parse_args()
    with open(README, encoding="utf-8") as f:
        current = f.read()
    wanted = render(current)
    if wanted == current:
        return 0
    if args.check:
        print("README.md differs from the argument specs or bench/results: run `make docs`", file=sys.stderr)
        return 1
    with open(README, "w", encoding="utf-8") as f:
        f.write(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
