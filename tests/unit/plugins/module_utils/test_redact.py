# Copyright (c) mcpfleet maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Secrets never reach a result, either side of a diff, or a message."""

import json

from ansible_collections.mcpfleet.mcp.plugins.module_utils._redact import (
    CHANGED_MASK, MASK, collect, redact_entry, redact_file_texts, redact_text, redact_value)

OLD = "sntryu_" + "0" * 60 + "old0"
NEW = "sntryu_" + "0" * 60 + "new0"
OTHER = "ghp_" + "0" * 32 + "other"
KEYS = ("env", "headers")


def test_collect_from_entries_and_extra_values():
    entries = [{"env": {"A": OLD, "N": 1}}, None, "not an entry", {"headers": {"Authorization": "Bearer " + NEW}}]
    assert collect(entries, KEYS, extra=[OTHER, "", None]) == {OLD, "Bearer " + NEW, OTHER}


def test_redact_entry_masks_secret_maps_and_known_secrets_elsewhere():
    entry = {"command": "x", "args": ["--token=" + OLD], "env": {"A": OLD, "DEBUG": "1"}, "headers": {}}
    assert redact_entry(entry, KEYS, {OLD}) == {"command": "x", "args": ["--token=" + MASK], "env": {"A": MASK, "DEBUG": MASK}, "headers": {}}
    assert entry["env"]["A"] == OLD
    assert redact_entry(None, KEYS) is None


def test_redact_text_masks_raw_and_json_escaped_forms_but_not_short_values():
    quoted = 'tok"en\\' + "0" * 10
    text = "a %s b %s c 1 %s" % (OLD, json.dumps(quoted)[1:-1], "ü" * 8)
    assert redact_text(text, {OLD, quoted, "1", "ü" * 8}) == "a %s b %s c 1 %s" % (MASK, MASK, MASK)
    assert redact_text(None, {OLD}) is None


def test_redact_value_recurses_into_keys_and_lists():
    assert redact_value({OLD: [OLD, 3, {"k": "x" + OLD}]}, {OLD}) == {MASK: [MASK, 3, {"k": "x" + MASK}]}


BEFORE = """{
  // two servers
  "mcpServers": {
    "other": {"command": "o", "env": {"GH_TOKEN": "%s", "DEBUG": "1"}},
    "sentry": {
      "command": "s",
      "args": ["--token", "%s"],
      "env": {"SENTRY_ACCESS_TOKEN": "%s", "KEEP": "same-value-here"}
    }
  }
}
""" % (OTHER, OLD, OLD)


def test_diff_texts_mask_both_sides_and_mark_a_rotation():
    after = BEFORE.replace('"SENTRY_ACCESS_TOKEN": "%s"' % OLD, '"SENTRY_ACCESS_TOKEN": "%s"' % NEW)
    before_text, after_text = redact_file_texts(BEFORE, after, "jsonc", ("mcpServers",), KEYS, {NEW})
    for text in (before_text, after_text):
        assert OLD not in text and NEW not in text and OTHER not in text
        assert "// two servers" in text
        assert '"DEBUG": "%s"' % MASK in text
        assert '"KEEP": "%s"' % MASK in text
        assert '"--token", "%s"' % MASK in text  # the old token elsewhere in the file
    assert '"SENTRY_ACCESS_TOKEN": "%s"' % MASK in before_text
    assert '"SENTRY_ACCESS_TOKEN": "%s"' % CHANGED_MASK in after_text
    assert '"GH_TOKEN": "%s"' % MASK in after_text


def test_diff_texts_of_a_new_file_and_of_an_unparsable_one():
    after = '{"mcpServers": {"s": {"env": {"T": "%s"}}}}' % NEW
    assert redact_file_texts("", after, "json", ("mcpServers",), KEYS) == ("", '{"mcpServers": {"s": {"env": {"T": "%s"}}}}' % MASK)
    broken = '{"mcpServers": {"s": {"env": {"T": "%s"' % OLD
    assert redact_file_texts(broken, broken, "json", ("mcpServers",), KEYS, {OLD})[0] == broken.replace(OLD, MASK)
