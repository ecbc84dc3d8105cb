"""Screenshot a stance HTML page in headless Chromium, optionally after a click.

    python docs/screenshot.py PAGE.html[#anchor] OUT.png [--click CSS_SELECTOR] [--height 1000]

Uses the same Debian chromium + chromedriver as the browser tests (`make browser`).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page")
    parser.add_argument("out", type=Path)
    parser.add_argument("--click", help="CSS selector of an element to click first")
    parser.add_argument("--height", type=int, default=1000)
    opts = parser.parse_args()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size=1400,{opts.height}"):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        path, _, anchor = opts.page.partition("#")
        driver.get(Path(path).resolve().as_uri() + (f"#{anchor}" if anchor else ""))
        if opts.click:
            driver.find_element("css selector", opts.click).click()
        opts.out.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(opts.out))
    finally:
        driver.quit()
    print(f"wrote {opts.out}")


if __name__ == "__main__":
    main()
