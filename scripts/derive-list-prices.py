#!/usr/bin/env python3
"""Derive License Desk's default list prices (core/data/list-prices.csv).

Microsoft publishes no machine-readable price list. The prices come from a Markdown table
of products and their monthly list prices (USD per user, annual commitment), one column
before a price change and one from it:

    | SKU | before July 2026 | from July 2026 |
    |---|---|---|
    | Microsoft 365 Business Basic | 6.00 | 7.00 |
    | Microsoft 365 Copilot | 30.00 | — |

A "—" means no new price was announced: the earlier one stays. Products are named as
admins know them; Microsoft's "Product names and service plan identifiers for licensing"
CSV turns each name into its SKUs (skuId and skuPartNumber). A product sold under several
SKU ids (Business Basic, F1) gets the price on each of them.

The output is a small CSV with its source and date in `#` lines at the top, one row per
SKU and price, and the date from which each price applies (empty: any earlier date). The
app reads it as the default price book; every tenant can replace any price. The build
never reads the inputs: the generated file is committed.

Usage:
    python3 scripts/derive-list-prices.py PRICES.md PRODUCT-NAMES.csv \
        --change-date 2026-07-01 --as-of 2026-12-04 \
        --source "reseller-reported Microsoft list prices, 2026"
"""

import argparse
import datetime
import pathlib
import re

from product_names_csv import clean, read_rows

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "core" / "data" / "list-prices.csv"

# Names in the price table that Microsoft's CSV spells differently.
ALIASES = {
    "Microsoft 365 Copilot": "Microsoft Copilot for Microsoft 365",
}

PRICE = re.compile(r"^\d+(\.\d{1,2})?$")
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NO_CHANGE = {"—", "-", "–", ""}


def price_table(markdown: str) -> list[tuple[str, str, str]]:
    """Rows of the first table whose header starts with `| SKU |`: (product, before, from)."""
    rows = []
    in_table = False
    for line in markdown.splitlines():
        cells = [clean(cell) for cell in line.strip().strip("|").split("|")]
        if not line.strip().startswith("|"):
            if in_table:
                break
            continue
        if not in_table:
            in_table = cells[0] == "SKU"
            continue
        if set(cells[0]) <= {"-", ":"}:
            continue
        if len(cells) != 3:
            raise SystemExit(f"expected 3 columns: {line!r}")
        rows.append((cells[0], cells[1], cells[2]))
    if not rows:
        raise SystemExit("no `| SKU | … |` table found")
    return rows


def skus_by_product(path: pathlib.Path) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for row in read_rows(path):
        name = row["Product_Display_Name"].casefold()
        guid = row["GUID"].lower()
        if GUID.match(guid):
            found.setdefault(name, set()).add((guid, row["String_Id"]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prices", type=pathlib.Path, help="Markdown file with the `| SKU | … |` table")
    parser.add_argument("products", type=pathlib.Path, help="Microsoft's product names CSV")
    parser.add_argument("--change-date", required=True, help="YYYY-MM-DD the second price column applies from")
    parser.add_argument("--as-of", required=True, help="YYYY-MM-DD the prices were known on")
    parser.add_argument("--source", required=True, help="where the prices come from, in words")
    parser.add_argument("--currency", default="USD")
    args = parser.parse_args()
    for date in (args.change_date, args.as_of):
        datetime.date.fromisoformat(date)

    catalogue = skus_by_product(args.products)
    out_rows = []
    for product, before, after in price_table(args.prices.read_text(encoding="utf-8")):
        skus = catalogue.get(ALIASES.get(product, product).casefold())
        if not skus:
            raise SystemExit(f"{product!r} is not in the product names CSV")
        if "," in product:
            raise SystemExit(f"{product!r} contains a comma")
        prices = [("", before)]
        if after not in NO_CHANGE:
            prices.append((args.change_date, after))
        for effective_from, price in prices:
            if not PRICE.match(price):
                raise SystemExit(f"{product!r}: {price!r} is not a price")
            for guid, part in sorted(skus):
                out_rows.append((guid, part, product, args.currency, f"{float(price):.2f}", effective_from))

    lines = [
        "# Default list prices for License Desk's reclaim savings: per user per month, annual commitment.",
        f"# Source: {args.source}. Microsoft publishes no machine-readable price list.",
        f"# As of: {args.as_of}. Prices with an effective_from date apply from that date; an empty one applies before it.",
        "# Monthly-term subscriptions cost about 20% more. A tenant's own prices replace these in the app.",
        "# Generated by scripts/derive-list-prices.py; do not edit by hand.",
        "sku_id,sku_part_number,product,currency,monthly_price,effective_from",
    ]
    lines += [",".join(row) for row in out_rows]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(out_rows)} prices for {len({r[0] for r in out_rows})} SKUs -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
