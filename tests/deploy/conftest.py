"""The deployment test's browser is the browser tests' own: Debian's Chromium through pytest-playwright.

Reusing their fixtures (not a second ``sync_playwright()``) keeps one Playwright per test session,
so the deployment test also runs after the browser tests in the same pytest run.
"""

from browser.conftest import browser_context_args, browser_type_launch_args, chromium  # noqa: F401
