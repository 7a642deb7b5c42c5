"""Shared by the benchmarks: medians, ratios against a baseline measured in the same run, and
one Markdown table printed and written to bench/results/<name>.md."""

import datetime
import os
import platform
import statistics

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def median(samples):
    return statistics.median(samples) if samples else None


def fmt_ms(value):
    return "-" if value is None else ("%.0f" % value if value >= 100 else "%.1f" % value)


def ratio(value, baseline):
    if value is None or not baseline:
        return "-"
    return "%.2fx" % (value / baseline)


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(str(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def publish(name, title, body, notes=()):
    """Print the result and write it to bench/results/<name>.md."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = "### %s\n\n%s\n\n" % (title, body)
    text += "".join("- %s\n" % n for n in notes)
    text += "- measured %s on %s, %d cores\n" % (stamp, platform.node() or "this machine", os.cpu_count() or 0)
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, name + ".md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text)
