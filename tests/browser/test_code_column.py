"""Code and its output fit the page's code column: no horizontal scrolling.

At a 1280 px wide window a chapter's code box shows 77 characters; ruff
formats the code at 76 (pyproject.toml). A box whose content is wider than
the box scrolls, and the reader loses the end of the line.
"""

from __future__ import annotations

import pytest

from site_helpers import toc_pages

# Every code block of a page (cell inputs, cell outputs, literal blocks),
# each with the lines that do not fit in it.
OVERFLOWING = """() => {
  const boxes = new Set(document.querySelectorAll(
    'div.cell_input pre, div.highlight pre, div.cell_output pre'));
  const found = [];
  for (const pre of boxes) {
    if (pre.scrollWidth <= pre.clientWidth) continue;
    const style = getComputedStyle(pre);
    const probe = document.createElement('span');
    probe.textContent = 'x'.repeat(100);
    pre.appendChild(probe);
    const charWidth = probe.getBoundingClientRect().width / 100;
    probe.remove();
    const inner = pre.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
    const fits = Math.floor(inner / charWidth);
    const kind = pre.closest('div.cell_output') ? 'output' : 'input';
    const lines = pre.textContent.split('\\n').filter(l => l.length > fits);
    found.push({kind, fits, width: pre.scrollWidth, box: pre.clientWidth,
                lines: lines.map(l => `${l.length} > ${fits}: ${l}`)});
  }
  return found;
}"""


@pytest.mark.parametrize("path", toc_pages())
def test_no_code_block_scrolls_sideways(page, site_url, path):
    page.goto(f"{site_url}/{path}", wait_until="networkidle")
    overflowing = page.evaluate(OVERFLOWING)
    report = "\n".join(
        f"{box['kind']} ({box['width']} px in a {box['box']} px box):\n    "
        + "\n    ".join(box["lines"] or ["(no single line too long)"])
        for box in overflowing
    )
    assert overflowing == [], f"{path}: code too wide\n{report}"
