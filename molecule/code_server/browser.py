# Copyright: mcpfleet.mcp contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start an MCP server in a code-server workbench as a user does, and read what it discovered.

    python browser.py --url http://127.0.0.1:18512/ --server sentry --artifacts DIR

Drives Debian's chromium (never a browser Playwright downloads) with every request except the
workbench's own sent to a closed proxy port: "MCP: List Servers" -> SERVER -> "Start Server",
then "Output: Show Output Channels..." -> "MCP: SERVER", until the channel says
"Discovered N tools". Prints {"tools": N, "output": "<the channel's text>"} and exits 0; on a
failure prints what it was doing and the channel's text to stderr and exits 1. Screenshots and
the channel's text go to DIR.
"""

import argparse
import json
import re
import sys
import time
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

DISCOVERED = re.compile(r"Discovered (\d+) tools?")
FAILED = re.compile(r"Connection state: Error.*")
QUICK_INPUT = ".quick-input-widget"
ROWS = QUICK_INPUT + " .monaco-list-row"


class StepFailed(Exception):
    """A step of the walk through the workbench did not reach its end."""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--artifacts", required=True, type=Path)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    # A busy 2-core host: the workbench alone takes 8-10 s, the server's first start a few more.
    parser.add_argument("--timeout", type=float, default=180, help="seconds for the whole walk")
    return parser.parse_args()


class Workbench:
    def __init__(self, page, artifacts, deadline):
        self.page = page
        self.artifacts = artifacts
        self.deadline = deadline
        self.shots = 0

    def remaining_ms(self, cap):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise StepFailed("the time for the whole walk ran out")
        return int(min(left, cap) * 1000)

    def screenshot(self, name):
        self.shots += 1
        path = self.artifacts / ("%02d-%s.png" % (self.shots, name))
        try:
            self.page.screenshot(path=str(path))
        except PlaywrightError as exc:  # a screenshot must never hide the real failure
            print("screenshot %s failed: %s" % (path, exc), file=sys.stderr)
        return path

    def load(self, url):
        self.page.goto(url, wait_until="domcontentloaded", timeout=self.remaining_ms(120))
        self.page.locator(".monaco-workbench .part.statusbar").wait_for(timeout=self.remaining_ms(120))
        # The workbench takes input only once its editor area is restored.
        self.page.locator(".monaco-workbench .part.editor").wait_for(timeout=self.remaining_ms(60))
        self.screenshot("workbench")

    def open_palette(self, text):
        """Open the command palette (or a quick pick by prefix) with TEXT typed into it."""
        box = self.page.locator(QUICK_INPUT + " .quick-input-box input")
        for attempt in range(5):
            self.page.keyboard.press("Escape")
            self.page.keyboard.press("F1")
            try:
                box.wait_for(state="visible", timeout=self.remaining_ms(10))
                break
            except PlaywrightError:
                if attempt == 4:
                    raise StepFailed("the command palette did not open (F1, 5 times)") from None
        box.fill(text)

    def pick(self, label, what, type_label=False):
        """Choose the row of the open quick pick whose label is LABEL; retries while it fills.

        TYPE_LABEL types LABEL into the pick first: a long list renders only the rows in view.
        """
        if type_label:
            box = self.page.locator(QUICK_INPUT + " .quick-input-box input")
            # The pick that follows a command opens with an empty input; typing earlier would
            # land in the command palette.
            try:
                box.wait_for(state="visible", timeout=self.remaining_ms(30))
                self.page.wait_for_function("el => el.value === ''", arg=box.element_handle(), timeout=self.remaining_ms(30))
            except PlaywrightError:
                raise StepFailed("%s: the quick pick did not open" % what) from None
            box.fill(label, timeout=self.remaining_ms(10))
        row = self.page.locator(ROWS).filter(
            has=self.page.locator(".label-name, .monaco-highlighted-label", has_text=re.compile("^" + re.escape(label) + "$"))
        )
        try:
            row.first.wait_for(state="visible", timeout=self.remaining_ms(45))
        except PlaywrightError:
            raise StepFailed("%s: no row %r in the quick pick; rows: %s" % (what, label, self.rows())) from None
        row.first.click()

    def rows(self):
        return [t.strip() for t in self.page.locator(ROWS).all_inner_texts()]

    def command(self, title):
        self.open_palette(">" + title)
        self.pick(title, "command %r" % title)

    def start_server(self, server):
        self.command("MCP: List Servers")
        self.pick(server, "MCP: List Servers", type_label=True)
        self.screenshot("server-actions")
        self.pick("Start Server", "the actions of %s" % server)

    def channel_text(self, server):
        """The text of the output channel "MCP: SERVER", read off the output view's editor."""
        # Starting a server reveals its channel a moment later, and that takes the focus, which
        # closes any quick pick open by then: let it happen, and try again if it still interferes.
        try:
            self.page.locator(".part.panel").wait_for(state="visible", timeout=self.remaining_ms(15))
        except PlaywrightError:
            pass
        for attempt in range(3):
            try:
                self.command("Output: Show Output Channels...")
                self.pick("MCP: " + server, "Output: Show Output Channels...", type_label=True)
                break
            except (StepFailed, PlaywrightError):
                if attempt == 2:
                    raise
                self.page.keyboard.press("Escape")
                time.sleep(2)
        lines = self.page.locator(".part.panel .monaco-editor .view-lines")
        lines.first.wait_for(state="visible", timeout=self.remaining_ms(30))
        return self.read(lines)

    def panel_text(self):
        """Whatever output the panel shows (the server's start reveals its channel), for a failure report."""
        lines = self.page.locator(".part.panel .monaco-editor .view-lines")
        try:
            return self.read(lines) if lines.count() else ""
        except PlaywrightError:
            return ""

    @staticmethod
    def read(lines):
        # Monaco renders spaces as U+00A0.
        return "\n".join(lines.first.inner_text().replace("\u00a0", " ").splitlines())

    def wait_for_tools(self, server):
        """Wait until the channel reports the discovered tools; the server may still be starting."""
        text = self.channel_text(server)
        lines = self.page.locator(".part.panel .monaco-editor .view-lines")
        while True:
            found = DISCOVERED.search(text)
            if found:
                return int(found.group(1)), text
            failed = FAILED.search(text)
            if failed:
                raise StepFailed("the server did not start: %s" % failed.group(0), text)
            if time.monotonic() > self.deadline:
                raise StepFailed("no 'Discovered N tools' in the output channel MCP: %s" % server, text)
            time.sleep(1)
            text = self.read(lines)


def main():
    args = parse_args()
    args.artifacts.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + args.timeout
    text = ""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium,
            headless=True,
            # Only the workbench on loopback is reached directly; `<-loopback>` would break it.
            args=["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1;localhost"],
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(30000)
        bench = Workbench(page, args.artifacts, deadline)
        step = "load the workbench at %s" % args.url
        try:
            bench.load(args.url)
            step = "start %s from MCP: List Servers" % args.server
            bench.start_server(args.server)
            step = "read the output channel MCP: %s" % args.server
            tools, text = bench.wait_for_tools(args.server)
            bench.screenshot("output-channel")
        except (StepFailed, PlaywrightError) as exc:
            if isinstance(exc, StepFailed) and len(exc.args) > 1:
                text = exc.args[1]
            else:
                text = bench.panel_text()
            shot = bench.screenshot("failed")
            (args.artifacts / "output-channel.txt").write_text(text + "\n", encoding="utf-8")
            print("code-server walk failed at step %r: %s\nscreenshot: %s\noutput channel MCP: %s:\n%s"
                  % (step, exc.args[0] if exc.args else exc, shot, args.server, text or "(not read)"), file=sys.stderr)
            return 1
        finally:
            browser.close()
    (args.artifacts / "output-channel.txt").write_text(text + "\n", encoding="utf-8")
    print(json.dumps({"tools": tools, "output": text}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
