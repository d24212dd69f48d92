"""The search vocabulary: the words of the searchable texts, to correct typos (docs/search.md)."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models


class SearchWord(models.Model):
    """A word of the searchable texts (lower case, Latin script, 4 to 30 letters), how often it
    occurs, its English lexeme (what the search index holds for it) and its variants: the word
    and each spelling with one letter deleted ("battery" → "attery", …, "batery", …). A typed
    word shares a variant with every vocabulary word one edit away from it (the SymSpell idea),
    found through the GIN index. Rebuilt by cocreate.core.vocabulary.refresh_vocabulary."""

    # text, not varchar: the lookups compare them with text arrays, which an index then serves.
    word = models.TextField()
    lexeme = models.TextField()
    frequency = models.PositiveIntegerField()
    variants = ArrayField(models.TextField())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["word"], name="core_searchword_word")]
        indexes = [
            models.Index(fields=["lexeme"], name="core_searchword_lexeme"),
            # Only the refresh job writes: no pending list, which every lookup would scan.
            GinIndex(fields=["variants"], name="core_searchword_variants", fastupdate=False),
        ]

    def __str__(self):
        return self.word
