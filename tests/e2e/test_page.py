"""The page at GET / in a real headless Chromium against a real gunicorn.

Skipped, with the reason, where Debian's chromium and chromium-driver (or selenium) are missing.
Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tools.gunicorn_process import free_port, spawn_gunicorn, stop_gunicorn, wait_until_ready

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("STANCE_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("STANCE_CHROMEDRIVER", "/usr/bin/chromedriver")
TOKEN = "e2e-token-0123456789abcdef"
MAX_BYTES = 20_000
BOOT_SECONDS = 90
WAIT_SECONDS = 30
ARTICLE = """Poland urges allies to let Kyiv strike deep inside Russia

WARSAW — Poland's foreign minister, Radosław Sikorski, said on Monday that Ukraine must be \
allowed to hit military targets inside Russia with the weapons its allies have sent. \
"Russia must not have a sanctuary from which to bomb Kharkiv," Sikorski told reporters.

German Chancellor Olaf Scholz said Germany would not send Taurus missiles and warned against \
any step that could draw NATO into the war. "We will not take part in an escalation," Scholz said.

The White House said its policy had not changed. 🇺🇦 Ukrainian officials welcomed the Polish \
remarks."""
HOSTILE = (
    "Poland urged allies to lift the limits on strikes inside Russia.\n"
    '<script>window.__pwned = "script"</script>\n'
    '<img src="x" onerror="window.__pwned = \'img\'">\n'
    "Germany's chancellor <b onmouseover=\"window.__pwned='b'\">Olaf Scholz</b> disagreed."
)


def _missing_browser() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).is_file() and os.access(path, os.X_OK)):
            return f"no {path} (apt-get install -y chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def server(model_artifact: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn (one worker) on a free loopback port, with an API token and a small body limit."""
    port = free_port()
    log = tmp_path_factory.mktemp("e2e") / "server.log"
    settings = {
        "STANCE_MODEL_PATH": str(model_artifact),
        "STANCE_API_TOKEN": TOKEN,
        "STANCE_MAX_BYTES": str(MAX_BYTES),
        "WORKERS": "1",
    }
    url = f"http://127.0.0.1:{port}"
    process = spawn_gunicorn(port, log, settings)
    try:
        wait_until_ready(process, port, log, workers=1, seconds=BOOT_SECONDS)
        yield url
    finally:
        stop_gunicorn(process)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    """Headless Chromium via Debian's chromedriver, with a fresh profile and no network extras."""
    reason = _missing_browser()
    if reason is not None:
        pytest.skip(f"no headless browser: {reason}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,900",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, condition, message: str):
    """Wait for `condition(driver)` to be truthy."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(condition, message)


def _open(driver, url: str) -> None:
    """Load the page fresh and wait until its script is ready."""
    from selenium.webdriver.common.by import By

    driver.get(f"{url}/")
    _wait(driver, lambda d: d.find_element(By.ID, "app").get_attribute("data-ready"), "no app.js")


def _analyse(driver, text: str, token: str | None = TOKEN, keyboard: bool = False) -> None:
    """Type the article (and token) and submit, then wait for a result or a message."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(By.ID, "article")
    box.clear()
    box.send_keys(text)
    if token is not None:
        field = driver.find_element(By.ID, "token")
        field.clear()
        field.send_keys(token)
    if keyboard:
        box.send_keys(Keys.CONTROL, Keys.ENTER)
    else:
        driver.find_element(By.ID, "analyse").click()
    _wait(
        driver,
        lambda d: (
            d.find_element(By.ID, "results").is_displayed()
            or d.find_element(By.ID, "message").is_displayed()
        ),
        "neither a result nor a message appeared",
    )


def _api(url: str, text: str) -> dict:
    """The API's answer for the same text."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = requests.post(f"{url}/predict", json={"text": text}, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _segments(driver, selector: str) -> list[dict]:
    """Offsets, actor, classes and text of the article view's marked segments."""
    return driver.execute_script(
        """return [...document.querySelectorAll(arguments[0])].map((n) => ({
            start: Number(n.dataset.start), end: Number(n.dataset.end),
            actor: n.dataset.actor === undefined ? -1 : Number(n.dataset.actor),
            classes: [...n.classList], text: n.textContent}));""",
        selector,
    )


def _covered(segments: list[dict]) -> set[int]:
    """Every code-point offset the segments cover."""
    return {i for s in segments for i in range(s["start"], s["end"])}


def _rgb(css: str) -> tuple[float, ...]:
    """An opaque computed colour `rgb(r, g, b)` as 0–1 channels."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    assert len(numbers) == 3 or numbers[3] == 1, f"not opaque: {css}"
    return tuple(n / 255 for n in numbers[:3])


def _contrast(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two computed colours."""

    def luminance(css: str) -> float:
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(css)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _screenshot(driver, name: str, width: int) -> Path:
    """A full-height screenshot at `width` CSS pixels, saved under tests/artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(height + 140, 6000))
    driver.execute_script("window.scrollTo(0, 0)")
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path))
    return path


def test_page_shows_the_api_answer_highlighted_in_the_text(server: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _open(browser, server)
    headers = requests.get(f"{server}/", timeout=30).headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert browser.find_element(By.ID, "token-box").get_attribute("open") is not None

    _analyse(browser, ARTICLE, keyboard=True)
    assert not browser.find_element(By.ID, "message").is_displayed()
    text = browser.find_element(By.ID, "article").get_property("value")
    answer = _api(server, text)
    actors = answer["actors"]
    assert len(actors) >= 3 and {a["stance"] for a in actors} >= {"favor", "against"}

    # The article is shown whole, as text.
    shown = browser.execute_script("return document.getElementById('article-view').textContent")
    assert shown == text
    # Every mention, and nothing else, is highlighted in its actor's stance colour.
    marks = _segments(browser, "#article-view mark.mention")
    characters = list(text)  # offsets count code points, as the API's do
    for index, actor in enumerate(actors):
        own = [m for m in marks if m["actor"] == index]
        assert all(f"stance-{actor['stance']}" in m["classes"] for m in own)
        wanted = {i for s in actor["mentions"] for i in range(s["start"], s["end"])}
        assert _covered(own) == wanted, actor["actor"]
        for mention in actor["mentions"]:
            assert "".join(characters[mention["start"] : mention["end"]]) == mention["text"]
    assert len(marks) >= sum(len(a["mentions"]) for a in actors)

    # The side list: same actors, order, stances and confidences.
    rows = browser.execute_script(
        """return [...document.querySelectorAll('#actor-list > li')].map((li) => ({
            name: li.querySelector('.actor-name').textContent,
            stance: li.querySelector('.badge').textContent,
            meta: li.querySelector('.actor-meta').textContent}));"""
    )
    assert [(r["name"], r["stance"]) for r in rows] == [(a["actor"], a["stance"]) for a in actors]
    for row, actor in zip(rows, actors, strict=True):
        assert f"confidence {actor['confidence']:.2f}" in row["meta"]
    assert browser.find_element(By.ID, "model-version").text == answer["model"]["version"]

    # Keyboard: from the result heading, Tab reaches the article box (it scrolls), then the
    # actors in order; Enter shows the chosen actor's evidence.
    assert browser.switch_to.active_element.get_attribute("id") == "results-heading"
    chosen = next(i for i, a in enumerate(actors) if a["evidence"])
    buttons = browser.find_elements(By.CSS_SELECTOR, ".actor-button")
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") == "article-view"
    for _ in range(chosen + 1):
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element == buttons[chosen]
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert buttons[chosen].get_attribute("aria-pressed") == "true"
    evidence = _segments(browser, "#article-view .evidence")
    wanted = {i for e in actors[chosen]["evidence"] for i in range(e["start"], e["end"])}
    assert _covered(evidence) == wanted
    panel = browser.find_element(By.ID, f"evidence-{chosen}")
    assert panel.is_displayed()
    quotes = [q.text for q in panel.find_elements(By.CSS_SELECTOR, "q")]
    assert [re.sub(r"\s+", " ", q) for q in quotes] == [
        re.sub(r"\s+", " ", e["text"]).strip() for e in actors[chosen]["evidence"]
    ]
    # Hovering another actor previews its evidence instead; Escape clears the selection.
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert buttons[chosen].get_attribute("aria-pressed") == "false"
    assert _segments(browser, "#article-view .evidence") == []

    buttons[chosen].click()
    _check_contrast(browser)
    desktop = _screenshot(browser, "page-desktop.png", 1280)
    phone = _screenshot(browser, "page-phone.png", 390)
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, "the page scrolls sideways at phone width"
    assert desktop.stat().st_size > 10_000 and phone.stat().st_size > 10_000
    assert not _console_errors(browser)


def _check_contrast(driver) -> None:
    """Every kind of text on the page meets WCAG AA (4.5:1) against its own background."""
    pairs = driver.execute_script(
        """const out = [];
        const background = (node) => {
          for (let n = node; n; n = n.parentElement) {
            const c = getComputedStyle(n).backgroundColor;
            if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
          }
          return 'rgb(255, 255, 255)';
        };
        const selectors = ['body', 'h1', 'header.site p', 'label', '.hint', 'mark.mention',
          '.badge', 'button.primary', '#clear', '.actor-name', '.actor-meta', '.evidence',
          '.evidence-meta', '#summary', 'footer.site', 'footer a'];
        for (const selector of selectors) {
          for (const node of document.querySelectorAll(selector)) {
            out.push([selector, getComputedStyle(node).color, background(node)]);
          }
        }
        return out;"""
    )
    assert {selector for selector, _, _ in pairs} >= {"mark.mention", ".badge", ".evidence"}
    low = [
        (selector, fg, bg, round(_contrast(fg, bg), 2))
        for selector, fg, bg in pairs
        if _contrast(fg, bg) < 4.5
    ]
    assert not low, low


def _console_errors(driver) -> list[str]:
    """Severe browser console entries other than the test's own deliberate failures."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_markup_in_the_article_stays_text(server: str, browser) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, server)
    _analyse(browser, HOSTILE)
    assert browser.find_element(By.ID, "results").is_displayed()
    time.sleep(0.5)  # an onerror handler would fire asynchronously
    assert browser.execute_script("return window.__pwned === undefined")
    view = browser.find_element(By.ID, "article-view")
    assert view.find_elements(By.CSS_SELECTOR, "script, img, b") == []
    assert browser.execute_script("return arguments[0].textContent", view) == HOSTILE
    assert '<script>window.__pwned = "script"</script>' in view.text


def test_messages_for_empty_input_missing_token_too_large_and_server_error(
    server: str, browser
) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, server)
    message = browser.find_element(By.ID, "message")
    box = browser.find_element(By.ID, "article")

    browser.find_element(By.ID, "analyse").click()
    assert message.is_displayed() and "empty" in message.text
    assert box.get_attribute("aria-invalid") == "true"
    assert browser.switch_to.active_element == box

    _analyse(browser, "Poland urged allies to lift the limits.", token="")
    assert "API token" in message.text and "Authorization" in message.text
    assert browser.find_element(By.ID, "token").get_attribute("aria-invalid") == "true"

    too_long = "Poland urged allies to lift the limits. " * (MAX_BYTES // 40 + 10)
    browser.execute_script(
        "const box = arguments[0]; box.value = arguments[1];box.dispatchEvent(new Event('input'));",
        box,
        too_long,
    )
    assert "over this server's limit" in browser.find_element(By.ID, "article-size").text
    browser.find_element(By.ID, "token").send_keys(TOKEN)
    browser.find_element(By.ID, "analyse").click()
    _wait(browser, lambda d: "too long" in message.text, "no message for a 413")
    assert "20.0 kB" in message.text

    # A real server cannot be made to fail on demand: answer the page's request with a 500.
    browser.execute_script(
        """window.fetch = async () => new Response(
            JSON.stringify({error: {code: 'internal_error', message: 'internal server error'}}),
            {status: 500,
             headers: {'Content-Type': 'application/json', 'X-Request-ID': 'req-42'}});"""
    )
    box.clear()
    box.send_keys("Poland urged allies to lift the limits.")
    browser.find_element(By.ID, "analyse").click()
    _wait(browser, lambda d: "HTTP 500" in message.text, "no message for a 500")
    assert "req-42" in message.text
    assert browser.find_element(By.ID, "analyse").is_enabled()


def test_page_assets_come_from_this_server_only(server: str) -> None:
    page = requests.get(f"{server}/", timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith(("/", "data:", "#")) for s in sources), sources
    for source in (s for s in sources if s.startswith("/static/")):
        asset = requests.get(f"{server}{source}", timeout=30)
        assert asset.status_code == 200, source
        assert "innerHTML" not in asset.text and "insertAdjacentHTML" not in asset.text
