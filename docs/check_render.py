"""Check that the built documentation renders its math, offline, in a real browser.

Run after the build::

    python docs/check_render.py docs/_build/html

For each page checked (the user guide's derivations, an API page, the home page and
a gallery example) it asserts, on the page as Debian's headless Chromium leaves it
after running its scripts with no network (``--dump-dom``):

- every math element (``<span class="math">`` or ``<div class="math">``, which
  Sphinx fills with the TeX source) holds a typeset formula (``<mjx-container>``),
  and no formula failed to typeset (``<mjx-merror>``);
- no TeX source is left as visible text: no ``\\frac``, ``\\(`` or any other
  backslash command outside code, nor in MathJax's MathML copy of the formulas
  (where an undefined command such as ``\\fracc`` ends up, drawn in red);

and, on every page of the site, that no script or style sheet is loaded from
another host. The API page must also show its "Examples using this class"
mini-gallery. A screenshot of each checked page is written to ``--screenshots``
(default: ``<html>/../render-check``) for a person to look at.

Exit status 0 when every check passes, 1 when one fails, 2 when Chromium is
missing. Standard library only.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

PAGES = {
    "user_guide.html": "the derivations",
    "generated/sknn.MLPClassifierGD.html": "an API page",
    "index.html": "the home page",
    "auto_examples/plot_08_gradient_checking.html": "a gallery example",
}
# Headless Chromium with no network: without these flags it waits on refused
# connections (updates, sync, QUIC) and can hang.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    # Virtual time runs the page's timers at once: MathJax typesets in this budget.
    "--virtual-time-budget=20000",
]
# Where text is code, a backslash is expected.
NOT_VISIBLE = {"head", "script", "style", "pre", "code", "kbd", "samp", "textarea", "template"}
# MathJax's hidden MathML copy of each formula, for screen readers: its text is
# the formula's symbols, never TeX, unless a command was undefined.
MATHML_COPY = "mjx-assistive-mml"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
VOID |= {"source", "track", "wbr", "param"}
TEX = re.compile(r"\\(?:[A-Za-z]+|[()\[\]{}])")
REMOTE = re.compile(
    r"<(?:script|link)\b[^>]*\b(?:src|href)=[\"'](?:https?:)?//[^\"']*[\"']", re.IGNORECASE
)


class RenderedPage(HTMLParser):
    """What a rendered page shows: its math elements and its visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # open elements: (tag, is_math)
        self.math_elements = 0
        self.typeset_math_elements = 0
        self.errors = 0
        self.minigallery_thumbnails = 0
        self.visible_text = []
        self.mathml_text = []
        self._math_open = []  # for each open math element: has it a formula yet?

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "mjx-merror":
            self.errors += 1
        if tag == "mjx-container" and self._math_open:
            self._math_open[-1] = True
        if "sphx-glr-thumbcontainer" in classes:
            self.minigallery_thumbnails += 1
        if tag in VOID:
            return
        is_math = tag in ("span", "div") and "math" in classes
        if is_math:
            self.math_elements += 1
            self._math_open.append(False)
        self.stack.append((tag, is_math))

    def handle_endtag(self, tag):
        if tag not in (open_tag for open_tag, _ in self.stack):
            return  # a stray end tag: ignore it, as browsers do
        while self.stack:
            open_tag, is_math = self.stack.pop()
            if is_math:
                self.typeset_math_elements += self._math_open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        open_tags = {tag for tag, _ in self.stack}
        if MATHML_COPY in open_tags:
            self.mathml_text.append(data)
        elif not open_tags & NOT_VISIBLE:
            self.visible_text.append(data)


def find_chromium():
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def run_chromium(chromium, url, *args):
    with tempfile.TemporaryDirectory() as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, url]
        result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {result.returncode}:\n{result.stderr}")
    return result.stdout


def check_page(chromium, html_dir, page, screenshots):
    """Return the failures of one page, and print what it shows."""
    url = (html_dir / page).resolve().as_uri()
    dom = run_chromium(chromium, url, "--dump-dom")
    rendered = RenderedPage()
    rendered.feed(dom)
    rendered.close()
    shown_tex = sorted(set(TEX.findall(" ".join(rendered.visible_text + rendered.mathml_text))))
    failures = []
    if rendered.math_elements == 0:
        failures.append("no math element at all: is this the right page?")
    untypeset = rendered.math_elements - rendered.typeset_math_elements
    if untypeset:
        failures.append(f"{untypeset} of {rendered.math_elements} math elements not typeset")
    if rendered.errors:
        failures.append(f"{rendered.errors} formulas failed to typeset (<mjx-merror>)")
    if shown_tex:
        failures.append(f"TeX shown as text: {', '.join(shown_tex[:12])}")
    if page.startswith("generated/") and rendered.minigallery_thumbnails == 0:
        failures.append('no "Examples using this class" mini-gallery')
    screenshot = screenshots / (page.replace("/", "_").removesuffix(".html") + ".png")
    run_chromium(chromium, url, "--window-size=1280,2000", f"--screenshot={screenshot}")
    print(
        f"{page}: {rendered.typeset_math_elements} of {rendered.math_elements} math elements "
        f"typeset, {rendered.errors} errors, TeX shown as text: {shown_tex or 'none'}, "
        f"mini-gallery thumbnails: {rendered.minigallery_thumbnails}; screenshot {screenshot}"
    )
    return [f"{page} ({PAGES[page]}): {failure}" for failure in failures]


def remote_assets(html_dir):
    """Pages that load a script or a style sheet from another host."""
    found = []
    for page in sorted(html_dir.rglob("*.html")):
        for match in REMOTE.findall(page.read_text(encoding="utf-8")):
            found.append(f"{page.relative_to(html_dir)}: {match}")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", type=Path, help="the built site, e.g. docs/_build/html")
    parser.add_argument("--screenshots", type=Path, help="folder for the PNG screenshots")
    args = parser.parse_args(argv)
    screenshots = args.screenshots or args.html_dir.resolve().parent / "render-check"
    screenshots.mkdir(parents=True, exist_ok=True)
    chromium = find_chromium()
    if chromium is None:
        print("check_render: Chromium not found (apt-get install chromium, or set CHROMIUM)")
        return 2
    failures = [f"loaded from the network: {asset}" for asset in remote_assets(args.html_dir)]
    for page in PAGES:
        failures += check_page(chromium, args.html_dir, page, screenshots)
    for failure in failures:
        print(f"FAILED: {failure}")
    print("check_render: " + ("failed" if failures else "math rendered on every page checked"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
