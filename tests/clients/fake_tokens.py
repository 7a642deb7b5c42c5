# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tier's fake Sentry tokens: the module's entry gets TOKEN; servers the user or the client
itself adds get OTHER. Neither may ever show in a listing or in Ansible's output."""

TOKEN = "sntryu_" + "0" * 56 + "c1e7900d"
OTHER = "sntryu_" + "0" * 56 + "07e4900d"
# The Sentry API double's token map.
TOKENS = {
    TOKEN: {"user": {"id": "7", "name": "Module Entry", "email": "module@example.test"}, "scopes": ["org:read"]},
    OTHER: {"user": {"id": "8", "name": "Own Entry", "email": "own@example.test"}, "scopes": ["org:read"]},
}
# A token that may show: given on the command line of a server added by a client whose own
# `mcp add` cannot set env (Cline). The double does not know it.
PUBLIC_TOKEN = "sntryu_" + "0" * 56 + "9ub11c00"
