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
