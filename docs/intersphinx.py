"""Write a Sphinx inventory of the docs.ansible.com labels the generated pages refer to.

    python docs/intersphinx.py OUT.inv

`make docs-site` builds offline: this stands in for the inventory intersphinx would download.
"""

import sys
import zlib

# label -> (page, title) on https://docs.ansible.com/projects/ansible/devel/
LABELS = {
    "action_plugins": ("plugins/action.html", "Action plugins"),
    "ansible_collections.ansible.builtin.uri_module": ("collections/ansible/builtin/uri_module.html", "ansible.builtin.uri module"),
    "ansible_configuration_settings": ("reference_appendices/config.html", "Ansible Configuration Settings"),
    "common_return_values": ("reference_appendices/common_return_values.html", "Return Values"),
}


def main(out):
    header = b"# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n"
    header += b"# The remainder of this file is compressed using zlib.\n"
    body = "".join("%s std:label -1 %s#$ %s\n" % (label, page, title) for label, (page, title) in sorted(LABELS.items()))
    with open(out, "wb") as f:
        f.write(header + zlib.compress(body.encode("utf-8")))


if __name__ == "__main__":
    main(sys.argv[1])
