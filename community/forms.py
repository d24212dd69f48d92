from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cocreate.core.forms import PresentChoiceField
from cocreate.core.text import SingleLineField
from products.models import Part, Product
from products.templatetags.products_tags import money

from .models import Flag, Post
from .roadmap import NOT_SCHEDULED, ROADMAP_KINDS, ROADMAP_STATUSES
from .selectors import FEED_SORTS, RELEVANCE
from .services import BODY_MAX_LENGTH, COMMENT_MAX_LENGTH, MAX_QUANTITY, TITLE_MAX_LENGTH


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several image files in one input; each is checked and re-encoded by the service."""

    widget = MultipleImageInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp,image/gif")

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleImageField, self).clean(file, initial) for file in files]


# The largest id a BigAutoField holds: a larger "id" is no post's and no image's.
MAX_ID = 2**63 - 1


class IdListField(forms.Field):
    """Ids repeated under one name (a checkbox per item), each a positive whole number.

    Read by IntegerField, not str.isdigit(): "²" is a digit to isdigit() but int() refuses it.
    """

    widget = forms.MultipleHiddenInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value) -> list[int]:
        id_field = forms.IntegerField(min_value=1, max_value=MAX_ID)
        return [id_field.clean(item) for item in value or []]


def split_tags(text: str) -> list[str]:
    return [tag.strip() for tag in (text or "").replace(";", ",").split(",") if tag.strip()]


class PostForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=[(kind.value, kind.label) for kind in Post.MEMBER_KINDS],
        initial=Post.Kind.SUGGESTION,
    )
    title = SingleLineField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("One sentence that says it all. Similar posts appear as you type."),
    )
    body = forms.CharField(
        label=_("Details"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, _italic_, lists, `code`, [links](https://…). No HTML."),
    )
    tags = SingleLineField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Up to 5, separated by commas: battery, firmware, case-mod."),
    )
    images = MultipleImageField(
        label=_("Images"),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Detect from the text")), *settings.LANGUAGES],
        help_text=_("The language you write in: readers can filter the feed by it."),
    )
    # Editing: the checked "Remove" boxes of the post's current images.
    remove_image = IdListField(label=_("Images to remove"))

    @staticmethod
    def carried_title(query) -> str:
        """The title carried over in the query string (?title=, from a search that found
        nothing): one line, cut to the title's length. Plain text: the widget escapes it."""
        return " ".join(query.get("title", "").split())[:TITLE_MAX_LENGTH]

    def __init__(self, *args, similar_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["images"].help_text = _(
            "JPEG, PNG, WebP or GIF, %(size)s each at most; up to %(count)d per post. "
            "We re-encode them and drop their metadata."
        ) % {
            "size": filesizeformat(settings.COMMUNITY_IMAGE_MAX_BYTES),
            "count": settings.COMMUNITY_MAX_IMAGES_PER_POST,
        }
        if similar_url:
            # htmx: similar posts of this product appear under the title as it is typed.
            self.fields["title"].widget.attrs.update(
                {
                    "hx-get": similar_url,
                    "hx-trigger": "input changed delay:350ms",
                    "hx-target": "#similar-posts",
                    "hx-swap": "innerHTML",
                    "autocomplete": "off",
                }
            )

    def tag_names(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags", ""))


class SimilarPostsForm(forms.Form):
    """The htmx query of similar posts: the title being typed, and the post being edited."""

    title = forms.CharField(required=False, strip=False)
    exclude = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    def clean_title(self) -> str:
        # Only the start of a long title is compared: each word costs an index probe.
        return self.cleaned_data["title"][:TITLE_MAX_LENGTH]


class PartRowForm(forms.Form):
    part = forms.TypedChoiceField(label=_("Part"), coerce=int, required=False, empty_value=None)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, required=False, initial=1
    )

    def __init__(self, *args, part_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = part_choices
        self.fields["quantity"].widget.attrs.update({"inputmode": "numeric", "class": "qty"})


class BasePartFormSet(forms.BaseFormSet):
    """A modification's build: one row per part. Rows without a part are ignored."""

    def __init__(self, *args, product: Product, **kwargs):
        self.product = product
        self._choices = None
        super().__init__(*args, **kwargs)

    def part_choices(self):
        if self._choices is None:
            parts = list(Part.objects.only("id", "name", "sku", "price", "currency"))
            fits = set(self.product.compatible_parts.values_list("id", flat=True))

            def label(part):
                return f"{part.name} · {money(part.price, part.currency)}"

            self._choices = [
                ("", _("— choose a part —")),
                (
                    _("Fits this product"),
                    [(p.pk, label(p)) for p in parts if p.pk in fits],
                ),
                (
                    _("Other parts (not listed as compatible)"),
                    [(p.pk, label(p)) for p in parts if p.pk not in fits],
                ),
            ]
        return self._choices

    def get_form_kwargs(self, index):
        return {"part_choices": self.part_choices()}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            part_choices=self.part_choices(),
        )
        self.add_fields(form, None)
        return form

    def clean(self):
        if any(self.errors):
            return
        for form in self.forms:
            if form.cleaned_data.get("part") and not form.cleaned_data.get("quantity"):
                form.add_error("quantity", _("How many?"))

    def rows(self) -> list[tuple[Part, int]]:
        """(Part, quantity) pairs of the filled rows, read in one query."""
        filled = [
            (form.cleaned_data["part"], form.cleaned_data.get("quantity") or 1)
            for form in self.forms
            if form.cleaned_data.get("part")
        ]
        parts = Part.objects.in_bulk([part_id for part_id, _quantity in filled])
        missing = [part_id for part_id, _quantity in filled if part_id not in parts]
        if missing:
            raise ValidationError({"parts": [_("A chosen part no longer exists.")]})
        return [(parts[part_id], quantity) for part_id, quantity in filled]


PartFormSet = forms.formset_factory(
    PartRowForm, formset=BasePartFormSet, extra=4, max_num=30, absolute_max=30
)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown is welcome; HTML is not. Type @ and a name to mention someone."),
    )

    def __init__(self, *args, mention_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if mention_url:
            # static/js/mentions.js offers the people who may see the post as @ is typed.
            self.fields["body"].widget.attrs.update(mention_attributes(mention_url))


def mention_attributes(url: str) -> dict:
    """The attributes a textarea needs for the @ list (static/js/mentions.js), its words
    translated here."""
    return {
        "data-mention-url": url,
        "data-mention-label": _("People to mention"),
        "data-mention-hint": _("Keep typing a name: two letters at least."),
        "data-mention-empty": _("No one by that name can see this post."),
        "data-mention-found": _("{count} people to mention: use the arrow keys and Enter."),
    }


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Flag.Reason.choices)
    message = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=Flag._meta.get_field("message").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeForm(forms.Form):
    target = forms.IntegerField(
        label=_("Merge into post number"),
        min_value=1,
        help_text=_("The number at the end of the original post's address."),
    )
    message = forms.CharField(
        label=_("Public note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FeedFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("battery, “fan noise” …")}
        ),
    )
    kind = PresentChoiceField(
        label=_("Kind"), required=False, choices=Post.Kind.choices, empty_label=_("All kinds")
    )
    status = PresentChoiceField(
        label=_("Status"),
        required=False,
        choices=Post.Status.choices,
        empty_label=_("Any status"),
    )
    # The tag is chosen by clicking one, the sort with the tabs: both ride along hidden.
    tag = forms.SlugField(label=_("Tag"), required=False, max_length=40, widget=forms.HiddenInput)
    sort = forms.ChoiceField(label=_("Sort"), required=False, widget=forms.HiddenInput)
    language = PresentChoiceField(
        label=_("Language"),
        required=False,
        choices=settings.LANGUAGES,
        empty_label=_("Any language"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = [
            ("", _("Default")),
            (RELEVANCE, _("Relevance")),
            *((name, sort.label) for name, sort in FEED_SORTS.items()),
        ]

    def offer(self, facets) -> None:
        """Offer only the kinds, statuses and languages the feed's posts have
        (`selectors.PostFacets`)."""
        for name, counts in (
            ("kind", facets.kinds),
            ("status", facets.statuses),
            ("language", facets.languages),
        ):
            self.fields[name].offer(counts, chosen=self.data.get(name, ""))


class RoadmapFilterForm(forms.Form):
    """The roadmap's filters; `generations` (from `roadmap_generations`) are the choices of the
    generation an idea is planned for. The status is chosen with the tabs."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *((s.value, s.label) for s in ROADMAP_STATUSES)],
        widget=forms.HiddenInput,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *((k.value, k.label) for k in ROADMAP_KINDS)],
    )
    generation = forms.ChoiceField(label=_("Planned for"), required=False)

    def __init__(self, *args, generations, **kwargs):
        super().__init__(*args, **kwargs)
        by_line: dict[str, list] = {}
        for product in generations:
            by_line.setdefault(product.line.name, []).append((product.slug, product.name))
        options = list(by_line.values())[0] if len(by_line) == 1 else list(by_line.items())
        self.fields["generation"].choices = [
            ("", _("Every generation")),
            (NOT_SCHEDULED, _("Not scheduled yet")),
            *options,
        ]
