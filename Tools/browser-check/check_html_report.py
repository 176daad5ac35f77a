#!/usr/bin/env python3
"""Opens a LedgerSync HTML report in Chromium (Selenium, headless) and checks what a reader would see.

Usage: check_html_report.py REPORT.html SCREENSHOT_PREFIX [--min-charts N]

At 1440 px wide (a laptop) and at 390 px (a phone):
1. No console error; the report's sections (summary, exceptions, statements, checks), tables with rows, and inline
   SVG charts whose lines have points, each chart with axis labels (dates and amounts with the unit).
2. The page is no wider than the window: no horizontal scroll; at 1440 px not even a table scrolls inside its box
   (on a phone a wide table may).
3. Every CJK name (部门, 母錢包) is drawn by a font that has its glyphs.
4. The whole page rendered to PREFIX-1440.png / PREFIX-390.png is not blank, and the chart line colour (#1f6feb) is
   on it: the charts were drawn, not just present in the markup.
Exit 0 when every check holds, 1 otherwise, with one line per failed check.
"""
import argparse
import pathlib
import sys

import browser

CHART_RGB = (0x1F, 0x6F, 0xEB)

DOM_FACTS = """
const charts = [...document.querySelectorAll('svg.chart')];
return {
  sections: [...document.querySelectorAll('section[id]')].map(s => s.id),
  tables: document.querySelectorAll('table').length,
  rows: document.querySelectorAll('tr').length,
  charts: charts.length,
  drawn: charts.filter(c => [...c.querySelectorAll('polyline')]
      .some(l => l.getAttribute('points').trim().split(/\\s+/).length >= 2)).length,
  labelled: charts.filter(c => c.querySelectorAll('text').length >= 3).length,
  scripts: document.scripts.length,
  external: [...document.querySelectorAll('[src],[href]')].map(e => e.getAttribute('src') || e.getAttribute('href'))
      .filter(u => /^(https?:)?\\/\\//.test(u)),
};
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("html")
    parser.add_argument("prefix")
    parser.add_argument("--min-charts", type=int, default=1)
    options = parser.parse_args()
    url = pathlib.Path(options.html).resolve().as_uri()
    failures = []
    driver = browser.start(1440, 900)
    try:
        for width, height in ((1440, 900), (390, 844)):
            browser.resize(driver, width, height)
            driver.get(url)
            where = f"at {width} px"
            for message in browser.console_errors(driver):
                failures.append(f"{where}: console error: {message}")
            facts = driver.execute_script(DOM_FACTS)
            for section in ("summary", "exceptions", "statements", "checks"):
                if section not in facts["sections"]:
                    failures.append(f"the page has no '{section}' section")
            if facts["tables"] < 4 or facts["rows"] < 8:
                failures.append(f"expected at least 4 tables and 8 rows, found {facts['tables']} and {facts['rows']}")
            if facts["drawn"] < options.min_charts:
                failures.append(f"expected at least {options.min_charts} charts with a line, found {facts['drawn']}")
            if facts["labelled"] < facts["charts"]:
                failures.append(f"{facts['charts'] - facts['labelled']} charts have no axis labels")
            if facts["scripts"] or facts["external"]:
                failures.append(f"not self-contained: {facts['scripts']} scripts, external {facts['external'][:3]}")
            overflow = browser.horizontal_overflow(driver)
            if overflow > 0:
                failures.append(f"{where}: the page is {overflow} px wider than the window (horizontal scroll)")
            # On a laptop nothing scrolls sideways, not even a table inside its box; on a phone a wide table may.
            boxes = browser.scrolling_boxes(driver) if width >= 1024 else []
            if boxes:
                failures.append(f"{where}: {len(boxes)} boxes scroll sideways: {boxes[:3]}")
            checked, missing = browser.cjk_font_failures(driver)
            failures.extend(f"{where}: missing CJK glyphs: {line}" for line in missing)
            overlaps = browser.overlapping_chart_labels(driver)
            failures.extend(f"{where}: chart labels overlap: {pair}" for pair in overlaps[:5])
            png = f"{options.prefix}-{width}.png"
            image = browser.full_screenshot(driver, png)
            ink, chart = browser.dark_pixels(image), browser.colour_pixels(image, CHART_RGB)
            if ink < image.width * image.height // 200:
                failures.append(f"{where}: the rendered page is nearly blank ({ink} dark pixels)")
            if chart < 40 * options.min_charts:
                failures.append(f"{where}: the chart lines are not visible ({chart} pixels in the chart colour)")
            print(f"{options.html} {where}: {len(facts['sections'])} sections, {facts['tables']} tables, "
                  f"{facts['rows']} rows, {facts['charts']} charts; {checked} elements with CJK text; "
                  f"{png} {image.width}x{image.height}, {chart} chart-colour pixels, overflow {overflow} px")
    finally:
        driver.quit()
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
