"""Make `ansible_collections.mcpfleet.mcp` importable for the unit and functional tests.

The collection is exposed through a symlink under build/ so that no directory above the
checkout has to be named `ansible_collections` (tools that install collections there would
overwrite the working tree).
"""

import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
COLLECTIONS = os.path.join(ROOT, "build", "pytest-collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "mcpfleet", "mcp")

if not os.path.islink(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    os.symlink(ROOT, LINK)
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)

# Property tests are a gate of `make test`: the same examples on every run (a failure can be
# reproduced, a pass is not luck), no example database left in the tree, and no time limit per
# example (the machine is shared; timing belongs in the benches).
from hypothesis import settings  # noqa: E402  pylint: disable=wrong-import-position
from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402  pylint: disable=wrong-import-position

set_hypothesis_home_dir(os.path.join(ROOT, "build", "hypothesis"))
settings.register_profile("mcpfleet", derandomize=True, database=None, deadline=None)
settings.load_profile("mcpfleet")
