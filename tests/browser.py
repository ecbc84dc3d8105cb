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
    """Load a file and return the console messages it produced while loading."""
    driver.get_log("browser")  # drop what earlier pages left
    driver.get(path.resolve().as_uri())
    return list(driver.get_log("browser"))


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
