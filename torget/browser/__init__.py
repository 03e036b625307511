"""Browser tests: real headless Chromium against a live Torget, with axe-core audits."""
