"""Render every stored Markdown text again with today's rules and save the HTML that changed.

HTML is rendered once, on write (cocreate.core.markup). When the rules change (say, images
from other sites became links), rows written before keep the old HTML until this runs. Every
model field `<name>_html` that is not editable and has a sibling `<name>` is rendered from it;
running it twice changes nothing the second time.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from cocreate.core.markup import render_markdown

BATCH = 1000


def rendered_fields():
    """(model, source field, HTML field) for every stored rendering of user Markdown."""
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        for field in model._meta.concrete_fields:
            source = field.name.removesuffix("_html")
            if (
                isinstance(field, models.TextField)
                and field.name.endswith("_html")
                and not field.editable
                and source in names
            ):
                yield model, source, field.name


def rerender(model, source: str, target: str) -> int:
    """Re-render one model's field in batches, each its own transaction; returns rows changed."""
    changed = 0
    rows = model._default_manager.order_by("pk").values_list("pk", source, target)
    batch = []
    for pk, text, html in rows.iterator(chunk_size=BATCH):
        fresh = render_markdown(text)
        if fresh != html:
            batch.append(model(pk=pk, **{target: fresh}))
        if len(batch) == BATCH:
            changed += _save(model, target, batch)
            batch = []
    return changed + _save(model, target, batch)


def _save(model, target: str, batch: list) -> int:
    with transaction.atomic():
        model._default_manager.bulk_update(batch, [target])
    return len(batch)


class Command(BaseCommand):
    help = "Render stored Markdown again with the current rules; save the HTML that changed."

    def handle(self, *args, **options):
        for model, source, target in rendered_fields():
            changed = rerender(model, source, target)
            self.stdout.write(f"{model._meta.label}.{target}: {changed} changed")
