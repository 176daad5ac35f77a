#!/usr/bin/env python3
"""Drives the dashboard of a live `ledgersync serve` in Chromium (Selenium) as a user would, and checks each
page against the ledger through the CLI.

Usage: check_dashboard.py --url URL --binary LEDGERSYNC --db LEDGER --out PREFIX
                          [--token-env NAME] [--period FROM TO] [--hostile TEXT]

- With --token-env, the first page is the sign-in: the token is typed once, and the session cookie carries on.
- Every page loads without a console error and without horizontal scroll at 1440 px; the overview also at 390 px.
- The overview lists what needs attention before the accounts (each conflicted account among it); search finds
  an account by key; ordering by balance orders it (within each unit); the next page shows other accounts.
- A hostile display name (--hostile) is shown as text: no element is made of it.
- Clicking an account opens its chart (drawn: chart pixels on the screenshot); hovering a point reads it out; the
  as-of control shows the figures `query balances --as-of` gives; a version's raw response opens.
- With --period, the reconciliation page's summary and control totals equal `export`'s report.json.
- CJK names are drawn by a font with their glyphs. Screenshots: PREFIX-overview-1440.png and -390.png,
  PREFIX-account-1440.png and -390.png (each account screenshot checked for chart pixels).
Exit 0 when every check holds, 1 otherwise, with one line per failed check.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
from decimal import Decimal

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import browser

CHART_RGB = (0x1F, 0x6F, 0xEB)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def cli(binary, *arguments):
    return subprocess.run([binary, *arguments], check=True, capture_output=True, text=True).stdout


def page_ok(driver, name):
    for message in browser.console_errors(driver):
        failures.append(f"{name}: console error: {message}")
    overflow = browser.horizontal_overflow(driver)
    check(overflow <= 0, f"{name}: {overflow} px of horizontal scroll")
    overlaps = browser.overlapping_chart_labels(driver)
    check(not overlaps, f"{name}: chart labels overlap: {overlaps[:3]}")


def replaced(old):
    """Whether `old` has left the document. Chromium reports a node of a page that has just been replaced either as
    stale or, while the new page loads, as "Node with given id does not belong to the document" (a CI run failed on
    the second): both mean the navigation happened."""

    def predicate(_driver):
        try:
            old.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise

    return predicate


def navigate(driver, element):
    """Clicks an element that loads another page, and waits until that page has replaced this one: a click returns
    before the navigation ends, and elements found meanwhile would belong to the old page."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 20).until(replaced(old))
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "table.accounts tr[data-account]")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--token-env")
    parser.add_argument("--period", nargs=2)
    parser.add_argument("--hostile")
    options = parser.parse_args()
    base = options.url.rstrip("/")
    driver = browser.start(1440, 900)
    try:
        # Sign-in: asked once; the cookie carries every later page.
        driver.get(base + "/")
        if options.token_env:
            check("/login" in driver.current_url, f"with a token, the first page is the sign-in ({driver.current_url})")
            driver.find_element(By.ID, "token").send_keys(os.environ[options.token_env])
            navigate(driver, driver.find_element(By.CSS_SELECTOR, "#login button"))
            check(driver.current_url.rstrip("/") == base, f"signing in returns to the overview ({driver.current_url})")
            cookies = driver.get_cookies()
            check(any(c["name"] == "ledgersync_session" and c.get("httpOnly") for c in cookies),
                  "the session cookie is HttpOnly")
            check(not any(os.environ[options.token_env] in c["value"] for c in cookies), "the token is not the cookie")
        page_ok(driver, "overview")
        sections = driver.execute_script("return [...document.querySelectorAll('main section[id]')].map(s => s.id)")
        check(sections.index("attention") < sections.index("accounts"),
              f"what needs attention comes before the accounts ({sections})")
        conflicted = {f"{c['source']}/{c['account']}" for c in json.loads(
            cli(options.binary, "query", "conflicts", "--db", options.db, "--format", "json", "--limit", "1000"))}
        attention = driver.execute_script(
            "return [...document.querySelectorAll('#attention li[data-kind=conflict] a')].map(a => a.textContent)")
        for account in conflicted:
            check(account in attention, f"the conflicted account {account} is not in 'needs attention' ({attention})")
        checked, missing = browser.cjk_font_failures(driver)
        failures.extend(f"overview: missing CJK glyphs: {line}" for line in missing)
        image = browser.full_screenshot(driver, f"{options.out}-overview-1440.png")
        check(browser.colour_pixels(image, CHART_RGB) > 50, "overview: no trend line drawn")
        browser.resize(driver, 390, 844)
        driver.refresh()
        page_ok(driver, "overview at 390 px")
        browser.full_screenshot(driver, f"{options.out}-overview-390.png")
        browser.resize(driver, 1440, 900)

        # Search by a key; order by balance; the next page.
        driver.get(base + "/")
        keys = [r.get_attribute("data-account") for r in rows(driver)]
        check(len(keys) >= 2, f"the overview lists accounts ({len(keys)})")
        wanted = keys[1].split("/", 1)[1]
        box = driver.find_element(By.ID, "q")
        box.clear()
        box.send_keys(wanted)
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "form[role=search] button"))
        found = [r.get_attribute("data-account") for r in rows(driver)]
        check(keys[1] in found and all(wanted.lower() in (r.text.lower()) for r in rows(driver)),
              f"searching {wanted!r} lists {found[:5]}")
        driver.get(base + "/")
        Select(driver.find_element(By.ID, "sort")).select_by_value("-balance")
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "form[role=search] button"))
        page_ok(driver, "overview ordered by balance")
        by_unit = {}
        for cell in driver.find_elements(By.CSS_SELECTOR, "table.accounts td.balance"):
            amount, _, unit = cell.text.partition(" ")
            if amount not in ("—", ""):
                by_unit.setdefault(unit, []).append(Decimal(amount))
        for unit, amounts in by_unit.items():
            check(amounts == sorted(amounts, reverse=True), f"highest balance first is not ordered in {unit}")
        next_links = driver.find_elements(By.CSS_SELECTOR, "nav.pager a[rel=next]")
        if next_links:
            first = rows(driver)[0].get_attribute("data-account")
            navigate(driver, next_links[0])
            page_ok(driver, "overview, page 2")
            check(rows(driver) and rows(driver)[0].get_attribute("data-account") != first, "page 2 shows other accounts")

        if options.hostile:
            driver.get(base + "/?" + urllib.parse.urlencode({"q": options.hostile[:12]}))
            page_ok(driver, "overview with a hostile name")
            names = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "table.accounts td.name")]
            check(options.hostile in names, f"the hostile name is shown as text ({names[:3]})")
            check(not driver.find_elements(By.CSS_SELECTOR, "table.accounts img"), "a name became an element")

        # An account: chart, hover read-out, as-of figures, raw response.
        driver.get(base + "/")
        link = driver.find_element(By.CSS_SELECTOR, "table.accounts tr[data-account] a")
        source, key = link.text.split("/", 1)
        navigate(driver, link)
        page_ok(driver, f"account {source}/{key}")
        lines = driver.find_elements(By.CSS_SELECTOR, "#chart .chart-wide svg.chart polyline")
        check(lines and len(lines[0].get_attribute("points").split()) >= 2, "clicking an account opens its chart")
        points = driver.find_elements(By.CSS_SELECTOR, "#chart .chart-wide circle[data-readout]")
        if check(points, "the chart has points to read"):
            ActionChains(driver).move_to_element(points[-1]).perform()
            readout = driver.find_element(By.ID, "readout").text
            check(readout == points[-1].get_attribute("data-readout"), f"hovering a point reads it out ({readout!r})")
        image = browser.full_screenshot(driver, f"{options.out}-account-1440.png")
        check(browser.colour_pixels(image, CHART_RGB) > 200, "the account's chart is not drawn")
        # On a phone: the narrow drawing of the chart, no horizontal scroll.
        browser.resize(driver, 390, 844)
        driver.refresh()
        page_ok(driver, f"account {source}/{key} at 390 px")
        image = browser.full_screenshot(driver, f"{options.out}-account-390.png")
        check(browser.colour_pixels(image, CHART_RGB) > 100, "the account's chart is not drawn at 390 px")
        browser.resize(driver, 1440, 900)
        driver.refresh()
        history = json.loads(cli(options.binary, "query", "history", "--db", options.db, "--source", source,
                                 "--account", key, "--format", "json"))
        for version in history[:2]:
            instant = version["valid_from"]
            field = driver.find_element(By.ID, "as_of")
            field.clear()
            field.send_keys(instant)
            Select(driver.find_element(By.ID, "axis")).select_by_value("valid")
            navigate(driver, driver.find_element(By.CSS_SELECTOR, "#as-of button"))
            page_ok(driver, f"account as of {instant}")
            expected = json.loads(cli(options.binary, "query", "balances", "--db", options.db, "--source", source,
                                      "--account", key, "--as-of", instant, "--format", "json"))[0]
            amount = expected["available_balance"]
            shown = driver.find_element(By.CSS_SELECTOR, "dd[data-field=available_balance]").text
            check(shown == f"{amount['amount']} {amount['unit']}",
                  f"as of {instant}: the page shows {shown}, query balances --as-of gives {amount}")
        raw = driver.find_elements(By.CSS_SELECTOR, "#versions a[href*='/account/raw']")
        if check(raw, "a version links its raw response"):
            navigate(driver, raw[0])
            page_ok(driver, "raw response")
            check(driver.find_element(By.ID, "raw-body").text.strip(), "the raw response is empty")

        if options.period:
            start, end = options.period
            driver.get(f"{base}/reconciliation?from={start}&to={end}")
            page_ok(driver, "reconciliation")
            with tempfile.TemporaryDirectory() as scratch:
                cli(options.binary, "export", "--db", options.db, "--from", start, "--to", end, "--out", scratch)
                report = json.load(open(os.path.join(scratch, "report.json")))
            cards = driver.execute_script(
                "return Object.fromEntries([...document.querySelectorAll('#summary .card')]"
                ".map(c => [c.childNodes[1].textContent, c.querySelector('b').textContent]))")
            check(cards.get("accounts") == str(report["summary"]["statements"]) and
                  cards.get("exceptions") == str(report["summary"]["exceptions"]),
                  f"reconciliation summary {cards} differs from report.json {report['summary']}")
            table = driver.execute_script(
                "return [...document.querySelectorAll('#control-totals tr')].slice(1)"
                ".map(r => [...r.cells].map(c => c.textContent))")
            expected = [[t["unit"], str(t["accounts"]), t["opening"]["amount"], t["movements"]["amount"],
                         t["closing"]["amount"]] for t in report["control_totals"]]
            check([row[:5] for row in table] == expected,
                  f"control totals on the page {table} differ from report.json {expected}")
            downloads = driver.find_elements(By.CSS_SELECTOR, "#downloads a")
            check(len(downloads) >= 6, f"the page offers the period's files ({len(downloads)})")

        driver.get(base + "/runs")
        page_ok(driver, "runs and errors")
        check(driver.find_elements(By.CSS_SELECTOR, "#runs tr[data-run]"), "the runs page lists runs")
    finally:
        driver.quit()
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    print(f"dashboard at {base}: {'ok' if not failures else str(len(failures)) + ' failures'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
