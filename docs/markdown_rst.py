"""The Markdown a benchmark writes (bench/_report.py) as reStructuredText, for the docs site.

That Markdown has four kinds of block, separated by blank lines: a `### title`, pipe tables,
bullet lists of one line per item, and paragraphs; inline, only `code`. Anything else is refused
rather than rendered wrong.
"""

import re

CODE = re.compile(r"`([^`]+)`")
# reStructuredText inline markup must follow and be followed by one of these (or a line's end).
BEFORE_MARKUP = set(" '\"([{<-/:")
AFTER_MARKUP = set(" -.,:;!?\\/'\")]}>")
# A line that reStructuredText would read as a list item or an enumeration.
LIST_START = re.compile(r"^([-+*]|\d+[.)]|#\.|[a-zA-Z][.)])(\s|$)")
TABLE_RULE = re.compile(r"^\|(\s*:?-+:?\s*\|)+$")
HEADING = re.compile(r"^### (.+)$")


def escape(text):
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([*`|])", r"\\\1", text)
    # `word_ ` is a reference in reStructuredText.
    return re.sub(r"(\w)_(?=\W|$)", r"\1\\_", text)


def inline(text):
    parts = CODE.split(text)  # text, code, text, ...
    out = ""
    for index, part in enumerate(parts):
        if index % 2:
            if out and out[-1] not in BEFORE_MARKUP:
                out += "\\ "
            out += "``%s``" % part
        else:
            part = escape(part)
            if index and part and part[0] not in AFTER_MARKUP:
                out += "\\ "
            out += part
    return out


def cell(text):
    text = inline(text.strip())
    return "\\" + text if LIST_START.match(text) else text


def table(lines):
    rows = [line.strip()[1:-1].split("|") for line in lines if not TABLE_RULE.match(line.strip())]
    out = [".. list-table::", "   :header-rows: 1", ""]
    for row in rows:
        for index, text in enumerate(row):
            out.append(("   * -" if index == 0 else "     -") + (" " + cell(text) if text.strip() else ""))
    return out


def block(lines):
    heading = HEADING.match(lines[0])
    if heading:
        if len(lines) > 1:
            raise ValueError("a heading is a block of its own: %s" % lines[0])
        title = inline(heading.group(1))
        return [title, "-" * len(title)]
    if all(line.startswith("|") for line in lines):
        return table(lines)
    if all(line.startswith("- ") for line in lines):
        return ["- " + inline(line[2:]) for line in lines]
    if any(line.startswith(("#", "|", "- ", "```")) for line in lines):
        raise ValueError("a block that mixes kinds, or of an unknown kind: %s" % lines[0])
    text = " ".join(line.strip() for line in lines)
    return ["\\" + inline(text) if LIST_START.match(text) else inline(text)]


def to_rst(markdown):
    blocks, current = [], []
    for line in markdown.splitlines():
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return "\n\n".join("\n".join(block(lines)) for lines in blocks) + "\n"
