"""Headless Chromium for tests that look at stance's HTML as a person would.

Debian's ``chromium`` and ``chromium-driver`` packages, driven by Selenium. ``make test``
installs them when absent (``make browser``); only a machine where they cannot be installed
skips these tests, with a message saying so and how to install them.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
MISSING = (
    None
    if CHROMIUM and DRIVER
    else "no headless browser: install Debian's chromium and chromium-driver "
    "(apt-get install chromium chromium-driver; `make test` does this when it can)"
)


def require_browser() -> None:
    if MISSING is not None:
        pytest.skip(MISSING)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module, with the console log captured."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver: Any, path: Path) -> list[dict[str, Any]]:
    """Load a file and return the console messages it produced while loading.

    Waits until the document shown is this file's and has finished loading: chromedriver
    can return from ``get`` while the previous file:// page is still the current document
    (seen once in CI, where a test then read the old page's rows). Opening the same file
    again is a new document too, so the old one must have gone.
    """
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")  # drop what earlier pages left
    uri = path.resolve().as_uri()
    old = driver.find_element("tag name", "html")
    driver.get(uri)
    WebDriverWait(driver, 30).until(lambda d: is_stale(old) and loaded(d, uri))
    return list(driver.get_log("browser"))


def loaded(driver: Any, uri: str) -> bool:
    """Is the current document the file ``uri`` (any #fragment), fully loaded?"""
    shown = str(driver.execute_script("return document.location.href")).split("#")[0]
    state = driver.execute_script("return document.readyState")
    return shown == uri and state == "complete"


def reload_page(driver: Any) -> None:
    """Reload the current page and wait until the new document has loaded."""
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element("tag name", "html")
    uri = str(driver.current_url).split("#")[0]
    driver.refresh()
    WebDriverWait(driver, 30).until(lambda d: is_stale(old) and loaded(d, uri))


def is_stale(element: Any) -> bool:
    from selenium.common.exceptions import StaleElementReferenceException

    try:
        _ = element.tag_name
    except StaleElementReferenceException:
        return True
    return False


def console_errors(entries: list[dict[str, Any]]) -> list[str]:
    return [e["message"] for e in entries if e.get("level") in ("SEVERE", "ERROR")]


def screenshot_is_not_blank(driver: Any, path: Path) -> None:
    """Save a PNG and check that it shows something: many colours, not one flat fill."""
    from PIL import Image

    png = driver.get_screenshot_as_png()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000) or []
    assert image.width >= 800 and image.height >= 600, image.size
    assert len(colours) > 50, f"screenshot {path} looks blank ({len(colours)} colours)"


_CHAR_RECT = """
const [id, offset] = arguments;
const box = document.getElementById(id);
const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
let at = 0, node;
while ((node = walker.nextNode())) {
  const length = node.textContent.length;
  if (offset < at + length) {
    const range = document.createRange();
    range.setStart(node, offset - at);
    range.setEnd(node, offset - at + 1);
    const rects = range.getClientRects();
    const r = rects[rects.length - 1];
    return [r.left, r.right, r.top, r.bottom, window.innerHeight];
  }
  at += length;
}
return null;
"""


def drag_select(driver: Any, element_id: str, start: int, end: int) -> None:
    """Select characters [start, end) of an element's text with the mouse, as a person does:
    press on the left edge of the first character, move, release on the right edge of the
    last. Script only measures where the characters are drawn; the selection is the mouse's."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    first = driver.execute_script(_CHAR_RECT, element_id, start)
    assert first is not None, f"offset {start} is not in #{element_id}"
    driver.execute_script("window.scrollBy(0, arguments[0])", first[2] - first[4] / 3)
    left, _, top, bottom, _ = driver.execute_script(_CHAR_RECT, element_id, start)
    _, right, top2, bottom2, _ = driver.execute_script(_CHAR_RECT, element_id, end - 1)
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(left) + 1, int((top + bottom) / 2))
    actions.pointer_action.pointer_down()
    actions.pointer_action.move_to_location(int(right) - 1, int((top2 + bottom2) / 2))
    actions.pointer_action.pointer_up()
    actions.perform()
