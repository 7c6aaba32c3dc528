"""Write the two data files chapter 11 starts from, in notebooks/data/.

- ``sequences.csv``: 4,000 integer sequences of 3 to 10 values, each
  value one of 20 three-digit codes, one row per value (columns
  ``sequence`` and ``value``), the layout a table of events or
  measurements often has.
- ``words.txt``: the distinct lower-case words of 3 to 10 letters in the
  book's own prose (its pages and the chapters' text cells, code left
  out), one per line.

Run from the repository root: ``python scripts/make_chapter11_data.py``.
The files are committed; the chapter only reads them.
"""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "notebooks" / "data"


def write_sequences(path: Path, n: int = 4000, seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    codes = np.sort(rng.choice(np.arange(100, 1000), 20, replace=False))
    rows = []
    for i in range(n):
        for value in rng.choice(codes, int(rng.integers(3, 11))):
            rows.append((i + 1, int(value)))
    pd.DataFrame(rows, columns=["sequence", "value"]).to_csv(
        path, index=False
    )


def prose() -> str:
    parts = [p.read_text() for p in sorted((ROOT / "book").glob("*.md"))]
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        parts += [
            "".join(c["source"])
            for c in cells
            if c["cell_type"] == "markdown"
        ]
    text = re.sub(r"```.*?```", " ", "\n".join(parts), flags=re.S)
    text = re.sub(r"\{[a-z]+\}`[^`]*`|`[^`]*`|\$[^$]*\$", " ", text)
    return text


def write_words(path: Path) -> None:
    words = re.findall(r"(?<![\w'-])[a-z]+(?![\w'-])", prose())
    path.write_text(
        "\n".join(sorted({w for w in words if 3 <= len(w) <= 10})) + "\n"
    )


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    write_sequences(OUT / "sequences.csv")
    write_words(OUT / "words.txt")
