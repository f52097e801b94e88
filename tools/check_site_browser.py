"""Open the site in a real browser, as a new user would, and keep screenshots.

Builds the site with ``astana-talks site``, opens ``index.html`` from disk (file://) in
headless Chromium, checks that the timeline and the participation matrix are there,
clicks round 21 in the timeline's table and checks its participants and agenda with
their quotes and its disputed dates; no page may fail to load a resource. Screenshots
of both pages go into ``--screenshots`` (default ./site-screenshots).

Selenium with Debian's chromium and chromium-driver (``.ci/run`` installs them): it
drives the browser the way a reader does (a click, not a URL typed in), queries the
rendered page rather than the HTML text, and reads the browser's console for failed
loads; ``chromium --headless --dump-dom`` could do none of the three. Selenium is told
where both programs are, so it never looks for or downloads a browser.

Exit status 0 when every check passes, 1 when one fails, 2 when the browser or its
driver is missing.

Example: python tools/check_site_browser.py --screenshots site-screenshots
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


def screenshot(driver: WebDriver, path: Path) -> None:
    """The whole page, not only the window: the window is made as tall as the page."""
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(1400, min(max(height, 1000), 12000))
    driver.save_screenshot(str(path))
    driver.set_window_size(1400, 1000)
    print(f"screenshot: {path}")


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)
    print(f"ok: {what}")


def no_failed_loads(driver: webdriver.Chrome, page: str) -> None:
    log: list[dict[str, str]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    errors = [e["message"] for e in log if e["level"] == "SEVERE"]
    check(errors == [], f"{page}: the browser reports no failed load or error {errors}")


def run(site: Path, shots: Path) -> None:
    driver = browser()
    try:
        driver.get((site / "index.html").resolve().as_uri())
        check("Astana talks" in driver.title, "index.html opens with its title")
        timeline = driver.find_element(By.ID, "timeline-chart")
        check(timeline.is_displayed(), "the timeline chart (inline SVG) is shown")
        check(timeline.size["width"] > 600, "the timeline is wide enough to read")
        check(
            len(timeline.find_elements(By.CSS_SELECTOR, "a")) >= 31,
            "every round and meeting of the timeline is a link",
        )
        matrix = driver.find_element(By.ID, "matrix")
        iraq = matrix.find_element(By.CSS_SELECTOR, "tr[data-actor='iraq']")
        cells = [td.text for td in iraq.find_elements(By.TAG_NAME, "td")]
        check(cells.index("O") == 12, "the matrix table shows Iraq first as observer in round 13")
        check(
            driver.find_element(By.ID, "matrix-chart").is_displayed(), "the matrix chart is shown"
        )
        no_failed_loads(driver, "index.html")
        screenshot(driver, shots / "index.png")

        link = driver.find_element(By.CSS_SELECTOR, "#timeline-table a[href='round-21.html']")
        driver.execute_script("arguments[0].scrollIntoView()", link)
        link.click()
        WebDriverWait(driver, 10).until(expected_conditions.url_contains("round-21.html"))
        check(
            driver.find_element(By.TAG_NAME, "h1").text.startswith("Round 21"),
            "a click opens round 21",
        )
        participants = driver.find_elements(By.CSS_SELECTOR, "#participants tbody tr")
        names = [row.find_element(By.TAG_NAME, "th").text for row in participants]
        check(
            {"Iraq", "Jordan", "Lebanon", "Türkiye"} <= set(names),
            f"round 21's participants: {names}",
        )
        quoted = driver.find_elements(By.CSS_SELECTOR, "#participants tbody tr q")
        check(len(quoted) >= len(participants), "each participant shows its quote")
        agenda = driver.find_elements(By.CSS_SELECTOR, "#agenda tbody tr")
        check(len(agenda) == 4, "round 21's agenda has its four items")
        check(
            all(row.find_elements(By.TAG_NAME, "q") for row in agenda),
            "each agenda item shows its quote",
        )
        dispute = driver.find_element(By.ID, "dispute-round-21-dates")
        check("2024-01-23/2024-01-24" in dispute.text, "the disputed dates show every claim")
        no_failed_loads(driver, "round-21.html")
        screenshot(driver, shots / "round-21.png")
    finally:
        driver.quit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--screenshots", type=Path, default=Path("site-screenshots"), help="where to save them"
    )
    options = parser.parse_args(argv)
    for program in (CHROMIUM, CHROMEDRIVER):
        if not program.is_file():
            print(
                f"error: {program} is missing: apt-get install chromium chromium-driver",
                file=sys.stderr,
            )
            return 2
    shots: Path = options.screenshots.resolve()
    shots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        site = Path(work) / "site"
        subprocess.run(
            [sys.executable, "-m", "astana_talks", "site", "--out", str(site)], check=True
        )
        try:
            run(site, shots)
        except (AssertionError, WebDriverException) as error:
            print(f"FAILED: {error}", file=sys.stderr)
            return 1
    print(f"screenshots in {shots}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
