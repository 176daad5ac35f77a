#!/usr/bin/env python3
"""Opens a LedgerSync HTML report in headless Chromium and checks what a reader would see.

Usage: check_html_report.py REPORT.html OUT.png [--min-charts N]

1. The DOM as Chromium parsed it has the report's sections (summary, exceptions, statements, checks), tables with
   rows, and inline SVG charts whose polylines have points.
2. The page rendered to PNG is not blank, and the chart's line colour (#1f6feb) is on the screen: the charts were
   drawn, not just present in the markup.
Exit 0 when every check holds, 1 otherwise, with one line per failed check.
"""
import argparse
import pathlib
import subprocess
import sys
from html.parser import HTMLParser

from PIL import Image

CHART_RGB = (0x1F, 0x6F, 0xEB)


def chromium(*args):
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


class ReportDOM(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections, self.tables, self.rows, self.charts, self.lines = set(), 0, 0, 0, []
        self.scripts, self.external = 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "id" in attrs:
            self.sections.add(attrs["id"])
        elif tag == "table":
            self.tables += 1
        elif tag == "tr":
            self.rows += 1
        elif tag == "svg" and "chart" in (attrs.get("class") or ""):
            self.charts += 1
        elif tag == "polyline":
            self.lines.append(attrs.get("points", ""))
        elif tag == "script":
            self.scripts += 1
        for name in ("src", "href"):
            if (attrs.get(name) or "").startswith(("http:", "https:", "//")):
                self.external.append(attrs[name])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("html")
    parser.add_argument("png")
    parser.add_argument("--min-charts", type=int, default=1)
    # The screenshot is the window: it must be tall enough to hold every chart that --min-charts counts.
    parser.add_argument("--height", type=int, default=2400)
    options = parser.parse_args()
    url = pathlib.Path(options.html).resolve().as_uri()
    failures = []

    dom = ReportDOM()
    dom.feed(chromium("--dump-dom", url).stdout)
    for section in ("summary", "exceptions", "statements", "checks"):
        if section not in dom.sections:
            failures.append(f"the page has no '{section}' section")
    if dom.tables < 4 or dom.rows < 8:
        failures.append(f"expected at least 4 tables and 8 rows, found {dom.tables} tables and {dom.rows} rows")
    drawn = [points for points in dom.lines if len(points.split()) >= 2]
    if dom.charts < options.min_charts or len(drawn) < options.min_charts:
        failures.append(f"expected at least {options.min_charts} charts with a line, found {dom.charts} charts, {len(drawn)} lines")
    if dom.scripts or dom.external:
        failures.append(f"the report is not self-contained: {dom.scripts} scripts, external {dom.external[:3]}")

    chromium(f"--window-size=1400,{options.height}", f"--screenshot={options.png}", url)
    image = Image.open(options.png).convert("RGB")
    pixels = list(image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata())
    ink = sum(1 for p in pixels if sum(p) < 600)
    chart = sum(1 for p in pixels if all(abs(a - b) <= 40 for a, b in zip(p, CHART_RGB)))
    if ink < len(pixels) // 200:
        failures.append(f"the rendered page is nearly blank ({ink} dark pixels of {len(pixels)})")
    if chart < 40 * options.min_charts:
        failures.append(f"the chart lines are not visible ({chart} pixels in the chart colour)")

    print(f"{options.html}: {len(dom.sections)} sections, {dom.tables} tables, {dom.rows} rows, {dom.charts} charts; "
          f"screenshot {image.width}x{image.height}, {ink} dark pixels, {chart} chart-colour pixels")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
