"""The demo data of an app: `<app>/seed_data/demo.toml`, next to the `seed.py` that loads it.

The content (names, texts, slugs, who wrote what) lives in the file; `seed.py` keeps only how
it becomes rows, through the services real users go through. TOML because the standard library
reads it (tomllib, no dependency), it keeps comments and long or multi-line text readable, and
its types are explicit: a string stays a string (YAML reads the country code NO as false),
dates are dates. Numbers with a fraction are read as Decimal, so prices are exact.
"""

import tomllib
from decimal import Decimal
from pathlib import Path


def demo_data(seed_file: str) -> dict:
    """The demo data of the app whose seed module is `seed_file` (pass `__file__`)."""
    path = Path(seed_file).with_name("seed_data") / "demo.toml"
    with path.open("rb") as file:
        return tomllib.load(file, parse_float=Decimal)
