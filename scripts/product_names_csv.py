"""Microsoft's "Product names and service plan identifiers for licensing" CSV, read as the
derive scripts need it (scripts/derive-names.py, scripts/derive-list-prices.py).

The CSV is UTF-8 with a BOM, CRLF line ends and some non-breaking spaces; older copies
are cp1252. Every header and field comes back without the BOM and NBSPs, and trimmed.
"""

import csv
import io
import pathlib


def clean(value: str) -> str:
    return value.replace("\ufeff", "").replace("\u00a0", " ").strip()


def read_rows(path: pathlib.Path):
    """Each row of the CSV at `path` as a dict of cleaned header -> cleaned field."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    reader.fieldnames = [clean(name) for name in reader.fieldnames]
    for row in reader:
        yield {key: clean(value or "") for key, value in row.items() if key}
