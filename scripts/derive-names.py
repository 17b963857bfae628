#!/usr/bin/env python3
"""Derive License Desk's compact SKU / service-plan name table from Microsoft's CSV.

Microsoft publishes "Product names and service plan identifiers for licensing" as a CSV
with one row per (SKU, service plan) pair. License Desk needs only:

  * SKU GUID -> product display name            (core/data/names.json)
  * service-plan GUID -> friendly plan name     (core/data/names.json)
  * the real service plans of the SKUs the demo tenant owns (sim/src/seed_catalog.rs)

core/data/names.json is a file the site serves: the workspace fetches it after sign-in
(see core/src/licensing/names.rs). It records the CSV's date (`asOf`) and keeps GUIDs as
32 lower-case hex digits without hyphens, the compact form; one entry per line, sorted by
GUID, so that a refresh shows as a readable diff.

The CSV is UTF-8 with a BOM, CRLF line ends and some non-breaking spaces; older copies
are cp1252. This script strips the BOM and NBSPs and trims every field. The generated
files are committed; the build never reads the CSV.

Usage:
    python3 scripts/derive-names.py PATH/TO/product-names.csv --as-of 2025-12-30
"""

import argparse
import collections
import csv
import io
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAMES_OUT = ROOT / "core" / "data" / "names.json"
# Where Microsoft publishes the CSV (the page links the download).
SOURCE = "https://learn.microsoft.com/entra/identity/users/licensing-service-plan-reference"
SEED_OUT = ROOT / "sim" / "src" / "seed_catalog.rs"

# SKUs the demo tenant owns (String_Id as in the CSV).
SEED_SKUS = [
    "ENTERPRISEPACK",
    "ENTERPRISEPREMIUM",
    "EMS",
    "AAD_PREMIUM_P2",
    "POWER_BI_PRO",
    "EXCHANGESTANDARD",
    "FLOW_FREE",
    "PROJECTPREMIUM",
    "WINDOWS_STORE",
]

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def clean(value: str) -> str:
    return value.replace("\ufeff", "").replace("\u00a0", " ").strip()


def read_rows(path: pathlib.Path):
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    reader.fieldnames = [clean(name) for name in reader.fieldnames]
    for row in reader:
        yield {key: clean(value or "") for key, value in row.items() if key}


def rust_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def compact_guid(guid: str) -> str:
    return guid.replace("-", "").lower()


def names_json(as_of: str, skus: dict[str, str], plans: dict[str, str]) -> str:
    """The served table: the CSV's date, then SKU and plan names by compact GUID, sorted."""
    def by_guid(names: dict[str, str]) -> dict[str, str]:
        return {compact_guid(g): names[g] for g in sorted(names, key=compact_guid)}

    table = {
        "source": f"Microsoft, Product names and service plan identifiers for licensing (CSV), {SOURCE}",
        "asOf": as_of,
        "skus": by_guid(skus),
        "plans": by_guid(plans),
    }
    return json.dumps(table, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", type=pathlib.Path)
    parser.add_argument("--as-of", required=True, help="date of the CSV copy, YYYY-MM-DD")
    args = parser.parse_args()

    sku_names: dict[str, str] = {}
    sku_parts: dict[str, str] = {}
    plan_votes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    plan_first: dict[str, str] = {}
    plan_names: dict[str, str] = {}
    sku_plans: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    rows = 0
    for row in read_rows(args.csv):
        sku, plan = row["GUID"].lower(), row["Service_Plan_Id"].lower()
        if not (GUID.match(sku) and GUID.match(plan)):
            continue
        rows += 1
        sku_names.setdefault(sku, row["Product_Display_Name"])
        sku_parts.setdefault(sku, row["String_Id"])
        friendly = row["Service_Plans_Included_Friendly_Names"] or row["Service_Plan_Name"]
        plan_votes[plan][friendly] += 1
        plan_first.setdefault(plan, friendly)
        plan_names.setdefault(plan, row["Service_Plan_Name"])
        if (plan, row["Service_Plan_Name"]) not in sku_plans[sku]:
            sku_plans[sku].append((plan, row["Service_Plan_Name"]))

    def plan_friendly(plan: str) -> str:
        votes = plan_votes[plan]
        best = max(votes.values())
        # Most common spelling; ties go to the first one seen in the file.
        for name in [plan_first[plan], *votes]:
            if votes[name] == best:
                return name
        raise AssertionError

    NAMES_OUT.write_text(names_json(args.as_of, sku_names, {plan: plan_friendly(plan) for plan in plan_votes}), encoding="utf-8")

    by_part = {part: sku for sku, part in sku_parts.items()}
    seed = [
        "//! The real SKUs and service plans the demo tenant owns, from Microsoft's CSV.",
        "//!",
        "//! Generated by `scripts/derive-names.py`; do not edit by hand.",
        "",
        "/// A catalogue SKU: (skuId, skuPartNumber, [(servicePlanId, servicePlanName)]).",
        "pub type CatalogSku = (&'static str, &'static str, &'static [(&'static str, &'static str)]);",
        "",
        "pub static SEED_SKUS: &[CatalogSku] = &[",
    ]
    for part in SEED_SKUS:
        sku = by_part[part]
        seed.append(f"    ({rust_str(sku)}, {rust_str(part)}, &[")
        for plan, name in sku_plans[sku]:
            seed.append(f"        ({rust_str(plan)}, {rust_str(name)}),")
        seed.append("    ]),")
    seed += ["];", ""]
    SEED_OUT.write_text("\n".join(seed))
    print(f"{rows} rows -> {len(sku_names)} SKUs, {len(plan_votes)} service plans (as of {args.as_of})")
    print(f"wrote {NAMES_OUT.relative_to(ROOT)} and {SEED_OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
