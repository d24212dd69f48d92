"""Date and time formats per language (settings.FORMAT_MODULE_PATH), the medium formats of the
date policy (docs/conventions.md, "Dates and times"). Only what differs from Django's own
locale formats is set here; everything else (input formats, numbers) stays Django's."""
