"""What every LedgerSync browser check needs: Debian's Chromium driven by Selenium, and the checks a reader's eye
makes on any page (no console error, no horizontal scroll, CJK text drawn with a font that has its glyphs, charts
drawn in their colour on the screenshot).

No network is used: Selenium is pointed at Debian's chromium and chromium-driver, never at a downloaded driver.
"""
import base64
import io
import re

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Han, kana and hangul: text in these scripts needs a font that covers CJK, or it draws as empty boxes.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def start(width, height):
    """A headless Chromium window of the given size whose console messages can be read."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                     "--disable-dev-shm-usage", f"--window-size={width},{height}", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    resize(driver, width, height)
    return driver


def resize(driver, width, height):
    """Sets the viewport (not the window) to exactly width x height CSS pixels, as a phone or laptop would have."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def console_errors(driver):
    """Console messages of level SEVERE since the last call (a failed resource, a script error, a CSP refusal)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def horizontal_overflow(driver):
    """How many CSS pixels the page is wider than its viewport (0: no horizontal scroll)."""
    return driver.execute_script(
        "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth")


def scrolling_boxes(driver):
    """Elements narrower than their content that scroll sideways (a wide table in its own box), as 'tag.class'."""
    return driver.execute_script(
        "return [...document.querySelectorAll('body *')].filter(e => e.scrollWidth > e.clientWidth + 1"
        " && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))"
        ".map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))")


def overlapping_chart_labels(driver):
    """Pairs of axis labels of one chart whose drawn boxes overlap (measured by the browser, as rendered), as text."""
    return driver.execute_script("""
        const found = [];
        for (const chart of document.querySelectorAll('svg.chart')) {
          const boxes = [...chart.querySelectorAll('text.axis-label')]
            .map(t => ({text: t.textContent, box: t.getBoundingClientRect()}))
            .filter(l => l.box.width > 0);
          for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i].box, b = boxes[j].box;
              if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
                found.push(boxes[i].text + ' / ' + boxes[j].text);
              }
            }
          }
        }
        return found;""")


def cjk_font_failures(driver, limit=40):
    """Text nodes with CJK characters whose glyphs no CJK-covering font drew.

    Chromium reports, per node, the platform fonts it actually used and how many glyphs each drew
    (`CSS.getPlatformFontsForNode`). Without a CJK font, Han characters fall to a font without them (or to boxes):
    every CJK character must be drawn by a font whose name says it covers CJK (Noto/Source Han ... CJK, WenQuanYi,
    Droid Sans Fallback, or the system CJK fonts of macOS and Windows).
    """
    driver.execute_cdp_cmd("DOM.enable", {})
    driver.execute_cdp_cmd("CSS.enable", {})
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    # (element id, its CJK text) for each element with a CJK text node as a direct child.
    elements = {}

    # Text that is never drawn: the page's and the charts' <title> (tooltips), scripts and styles.
    hidden = {"TITLE", "SCRIPT", "STYLE", "HEAD", "TEMPLATE", "NOSCRIPT"}

    def walk(node, parent):
        if node.get("nodeName", "").upper() in hidden:
            return
        if node.get("nodeType") == 3 and parent is not None and CJK.search(node.get("nodeValue", "")):
            elements.setdefault(parent, []).append(node["nodeValue"])
        for child in node.get("children", []) or []:
            walk(child, node["nodeId"])

    walk(root, None)
    covering = re.compile(r"CJK|Source Han|WenQuanYi|Droid Sans Fallback|PingFang|Hiragino|YaHei|JhengHei|"
                          r"Microsoft|SimSun|MingLiU|Heiti|Songti", re.IGNORECASE)
    failures = []
    for element, texts in list(elements.items())[:limit]:
        # The fonts Chromium used for the element's child text nodes, with the glyphs each drew.
        fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": element})["fonts"]
        cjk_chars = sum(len(CJK.findall(text)) for text in texts)
        drawn = sum(font["glyphCount"] for font in fonts if covering.search(font["familyName"]))
        if drawn < cjk_chars:
            used = ", ".join(f"{font['familyName']} ({font['glyphCount']})" for font in fonts) or "no font"
            failures.append(f"'{texts[0].strip()[:30]}': {cjk_chars} CJK characters, drawn by {used}")
    return len(elements), failures


def full_screenshot(driver, path):
    """A PNG of the whole page at the current viewport width, saved to path and returned as a Pillow image."""
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    data = base64.b64decode(shot["data"])
    with open(path, "wb") as file:
        file.write(data)
    return Image.open(io.BytesIO(data)).convert("RGB")


def colour_pixels(image, rgb, tolerance=40):
    """How many pixels of the image are within tolerance of the colour on each channel."""
    small = image if image.width * image.height <= 4_000_000 else image.resize((image.width // 2, image.height // 2))
    data = small.get_flattened_data() if hasattr(small, "get_flattened_data") else small.getdata()
    count = sum(1 for p in data if abs(p[0] - rgb[0]) <= tolerance and abs(p[1] - rgb[1]) <= tolerance
                and abs(p[2] - rgb[2]) <= tolerance)
    return count if small is image else count * 4


def dark_pixels(image):
    data = image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata()
    return sum(1 for p in data if sum(p) < 600)
