"""One chromium for the browser tests of a module; a fresh context (own storage, own conversation) per test."""

import pytest
from playwright.sync_api import sync_playwright

from webchat_helpers import launch_chromium


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800})
    yield context
    context.close()
