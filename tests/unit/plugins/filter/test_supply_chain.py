# -*- coding: utf-8 -*-
# Copyright (c) mcpfleet contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report's package trees (every host on a version runs one tree, the lock's) and the
audit's findings about installed trees."""

from ansible_collections.mcpfleet.mcp.plugins.filter.audit import audit_report
from ansible_collections.mcpfleet.mcp.plugins.filter.supply_chain import audit_trees, fleet_trees

A = "a" * 64
B = "b" * 64
L = "1" * 64  # the digest the lock describes
DRIFT = {"counts": {"changed": 1, "added": 0, "removed": 0, "owner": 0}, "changed": ["node_modules/zod/index.js"],
         "added": [], "removed": [], "owner": []}


def host(found=None, recorded=None, locked=True, lock="lock-sha", lock_digest=L, failure="", method="registry", present=True, version="1.0.0"):
    return {"__tree": {"package": "srv", "version": version, "method": method, "present": present, "found": found or {"state": "missing"},
                       "recorded": recorded or {}, "locked": locked, "lock": lock, "lock_digest": lock_digest, "failure": failure}}


def intact(digest, lock="lock-sha"):
    return {"state": "intact", "digest": digest, "facts": {"lock": lock}}


def test_every_host_on_the_lock_tree_says_so():
    drifted = dict(intact(A), state="drifted", changes=DRIFT)
    hostvars = {"h1": host(found=intact(L)), "h2": host(recorded={"digest": L}), "h3": host(found=drifted, recorded={"digest": L})}
    trees = fleet_trees(hostvars, ["h1", "h2", "h3"], "__tree")
    assert [(row["host"], row["digest"], row["found"], row["action"], row["as_locked"]) for row in trees["rows"]] == [
        ("h1", L, "intact", "kept", True), ("h2", L, "not installed", "installed", True),
        ("h3", L, "drifted: 1 changed (node_modules/zod/index.js)", "repaired", True)]
    version = trees["versions"][0]
    assert version["same"] and version["as_locked"] and version["digests"] == {L: ["h1", "h2", "h3"]}
    assert version["summary"] == "All 3 hosts on srv 1.0.0 run the same tree, digest %s, the one the lock describes." % L


def test_hosts_that_differ_are_named_with_their_trees():
    hostvars = {"h1": host(found=intact(A)), "h2": host(found=intact(A)), "h3": host(found=intact(B)),
                "h4": host(found={"state": "unrecorded"}, failure="npm refused to install: zod")}
    version = fleet_trees(hostvars, ["h1", "h2", "h3", "h4"], "__tree")["versions"][0]
    assert not version["same"] and not version["as_locked"]
    assert version["summary"] == ("Hosts on srv 1.0.0 run 2 different trees: %s on h1, h2; %s on h3; no verified tree on h4." % (A, B))


def test_the_same_tree_that_is_not_the_locks_is_called_out():
    version = fleet_trees({"h1": host(found=intact(A))}, ["h1"], "__tree")["versions"][0]
    assert version["same"] and not version["as_locked"]
    assert version["summary"].endswith(", NOT the one the lock describes (%s)." % L)


def test_unlocked_hosts_are_marked():
    unlocked = dict(locked=False, lock="", lock_digest="")
    hostvars = {"h1": host(recorded={"digest": A}, **unlocked), "h2": host(found=intact(A, lock=""), **unlocked)}
    trees = fleet_trees(hostvars, ["h1", "h2"], "__tree")
    assert [row["locked"] for row in trees["rows"]] == [False, False]
    assert trees["versions"][0]["summary"] == ("All 2 hosts on srv 1.0.0 run the same tree, digest %s; unlocked (each resolved its own"
                                               " dependencies) on h1, h2." % A)


def test_a_failed_install_keeps_the_old_tree_in_the_report():
    row = fleet_trees({"h1": host(found=intact(A, lock="old-lock"), failure="npm refused")}, ["h1"], "__tree")["rows"][0]
    assert (row["digest"], row["found"], row["action"]) == (A, "intact, from another lock", "failed")


def test_hosts_without_a_tree_of_their_own_have_no_row():
    hostvars = {"npx": host(method="npx"), "gone": host(present=False), "other": {}}
    assert fleet_trees(hostvars, ["npx", "gone", "other", "unreachable"], "__tree") == {"rows": [], "versions": []}


def test_versions_are_judged_apart():
    hostvars = {"h1": host(found=intact(A)), "h2": host(found=intact(B), version="2.0.0")}
    assert [version["same"] for version in fleet_trees(hostvars, ["h1", "h2"], "__tree")["versions"]] == [True, True]


def tree(digest, state="intact", locked=True, version="1.0.0", changes=None):
    found = {"state": state, "digest": digest, "facts": {"package": "srv", "version": version, "locked": locked}}
    if changes:
        found["changes"] = changes
    return found


def test_the_audit_finds_drift_unlocked_trees_and_hosts_that_differ():
    items = [{"host": "h1", "users": [], "trees": {"/opt/m/srv/1.0.0": tree(A)}},
             {"host": "h2", "users": [], "trees": {"/opt/m/srv/1.0.0": tree(B, state="drifted", changes=DRIFT)}},
             {"host": "h3", "users": [], "trees": {"/opt/m/srv/2.0.0": tree(A, locked=False, version="2.0.0"),
                                                   "/opt/m/old": {"state": "unrecorded", "digest": B}}}]
    report = audit_trees(audit_report(items, ["h1", "h2", "h3"]), items)
    kinds = sorted((finding["host"], finding["kind"]) for finding in report["findings"])
    assert kinds == [("h1", "tree_mismatch"), ("h2", "tree_drift"), ("h2", "tree_mismatch"), ("h3", "unlocked_tree")]
    drift = next(finding for finding in report["findings"] if finding["kind"] == "tree_drift")
    assert drift["detail"].endswith("installed: 1 changed (node_modules/zod/index.js)") and drift["server"] == "srv 1.0.0"
    assert report["summary"]["findings_by_kind"]["tree_mismatch"] == 2 and report["summary"]["trees"] == 4
    assert [row["state"] for row in report["trees"]] == ["intact", "drifted", "unrecorded", "intact"]


def test_an_audit_of_sound_trees_has_no_tree_finding_but_counts_the_kinds():
    items = [{"host": "h1", "users": [], "trees": {"/opt/m/srv/1.0.0": tree(A)}}, {"host": "h2", "users": [], "trees": {}}]
    report = audit_trees(audit_report(items, ["h1", "h2"]), items)
    assert report["findings"] == [] and report["summary"]["findings_by_kind"]["tree_drift"] == 0
