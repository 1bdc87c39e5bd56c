"""Real-browser tests: JupyterLab and formgrader in headless Chromium.

A package, so that its conftest.py does not shadow tests/conftest.py (tests import from it).
"""
