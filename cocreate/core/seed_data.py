"""The demo data of an app: `<app>/seed_data/demo.toml`, next to the `seed.py` that loads it.

The content (names, texts, slugs, who wrote what) lives in the file; `seed.py` keeps only how
it becomes rows, through the services real users go through. TOML because the standard library
reads it (tomllib, no dependency), it keeps comments and long or multi-line text readable, and
its types are explicit: a string stays a string (YAML reads the country code NO as false),
dates are dates. Numbers with a fraction are read as Decimal, so prices are exact.

A row's texts in another site language are in its own table named by the language code
(`[products.zh-hans]` after a product): `translated()` turns them into translation columns.
"""

import tomllib
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname


def demo_data(seed_file: str) -> dict:
    """The demo data of the app whose seed module is `seed_file` (pass `__file__`)."""
    path = Path(seed_file).with_name("seed_data") / "demo.toml"
    with path.open("rb") as file:
        return tomllib.load(file, parse_float=Decimal)


def translated(row: dict, *fields: str) -> dict:
    """The values of `fields` in every site language, as the model's translation columns
    (docs/i18n.md): `name` → `name_en`, and `name_zh_hans` from the row's `zh-hans` table."""
    values = {}
    for code, _name in settings.LANGUAGES:
        texts = row if code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE else row.get(code, {})
        for field in fields:
            if field in texts:
                values[build_localized_fieldname(field, code)] = texts[field]
    return values
