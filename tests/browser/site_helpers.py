"""Paths and page list shared by the browser tests."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
# Flags for a sandboxed, offline machine: no background traffic to Google services.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def toc_pages() -> list[str]:
    """Every page of the book, in reading order, as site-relative .html paths."""
    toc = (ROOT / "_toc.yml").read_text()
    root = re.search(r"^root: (\S+)", toc, re.M).group(1)
    return [f"{p}.html" for p in [root, *re.findall(r"file: (\S+)", toc)]]
