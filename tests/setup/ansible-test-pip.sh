#!/usr/bin/env bash
# ansible-test bootstraps pip into each sanity-test venv with get-pip.py downloaded from
# ci-files.testing.ansible.com, which offline build machines cannot reach. It uses a cached
# copy when ~/.ansible/test/cache/get_pip_<version>.py exists: put a stand-in there that runs
# pip from the official pip wheel (from PyPI) to install the requested packages.
set -euo pipefail
# Usage: ansible-test-pip.sh [VENV] (default .venv; each ansible-core line wants its own pip).
cd "$(dirname "$0")/../.."
venv=${1:-.venv}
version=$("$venv/bin/python" -c 'from ansible_test._internal.python_requirements import get_venv_packages as g; print(g(type("P", (), {"version": "x"})())["pip"])')
cache=${HOME}/.ansible/test/cache
script=$cache/get_pip_${version//./_}.py
wheel=$cache/pip-$version-py3-none-any.whl
[ -f "$script" ] && [ -f "$wheel" ] && exit 0
mkdir -p "$cache"
"$venv/bin/python" -m pip download --quiet --no-deps --only-binary=:all: -d "$cache" "pip==$version"
cat > "$script" <<PY
# Offline stand-in for get-pip.py (written by mcpfleet tests/setup/ansible-test-pip.sh):
# run pip from its wheel to install the packages ansible-test asks for.
import sys
sys.path.insert(0, "$wheel")
from pip._internal.cli.main import main  # noqa: E402
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install"] + args))
PY
echo "ansible-test pip bootstrap: $script"
