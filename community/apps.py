from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Communities")

    def ready(self):
        from cocreate.core.badges import register_status_badges
        from cocreate.core.menu import register_menu_entry

        from .models import Post, StatusChange
        from .permissions import can_moderate

        register_menu_entry(_("Community"), "community:index", position=20)
        register_menu_entry(_("Roadmap"), "community:roadmap", position=25)
        register_menu_entry(
            _("Moderation"),
            "community:moderation",
            position=30,
            visible=can_moderate,
            description=_("Flagged and hidden posts of every community."),
        )
        S, K = Post.Status, Post.Kind
        status_classes = {
            S.OPEN: "badge-muted",
            S.UNDER_REVIEW: "badge-info",
            S.PLANNED: "badge-accent",
            S.IN_PROGRESS: "badge-violet",
            S.ADOPTED: "badge-ok",
            S.DECLINED: "badge-danger",
            S.DUPLICATE: "badge-muted",
        }
        register_status_badges(Post, status_classes)
        register_status_badges(StatusChange, status_classes, field="new_status")
        register_status_badges(
            Post,
            {
                K.FEEDBACK: "badge-info",
                K.SUGGESTION: "",
                K.MODIFICATION: "badge-accent",
                K.QUESTION: "badge-violet",
                K.EVALUATION: "badge-ok",
            },
            field="kind",
        )
        # The catalog, a floor below, lists the ideas adopted into a product; partners, our
        # sibling, show their suppliers how builds use their parts. Both read them through the
        # catalog's contracts, which this app fills.
        from products.selectors import register_cocreated_ideas, register_part_demand

        from .selectors import adopted_ideas, popular_builds

        register_cocreated_ideas(adopted_ideas)
        from . import part_demand

        register_part_demand(
            popular_builds=popular_builds,
            counts=part_demand.counts,
            totals=part_demand.totals,
            series=part_demand.series,
        )
        # A generation's release credits the ideas it ships and tells their supporters.
        from products.services import register_release_hook

        from .releases import release_credit

        register_release_hook(release_credit)
        # `@username` in user Markdown links to the person's page here (cocreate/core/markup).
        from cocreate.core.markup import register_mention_links

        from .services import mention_links

        register_mention_links(mention_links)
        _register_notification_kinds(Post)
        # The words of the listed posts correct typos in searches (docs/search.md).
        from cocreate.core.vocabulary import register_vocabulary_source

        from .selectors import vocabulary_texts

        register_vocabulary_source(vocabulary_texts)
        _register_own_page_sections()
        # Vote boxes and follow buttons on pages signed-in readers share (core/pagecache.py).
        from . import reader_parts

        reader_parts.register()
        # A person's posts, comments and votes in their data export; follows erased with them.
        from cocreate.accounts.personal_data import register_personal_data

        from . import personal_data

        register_personal_data("community", export=personal_data.export, erase=personal_data.erase)


def _register_own_page_sections() -> None:
    """A person's posts and what they follow, on their own page (cocreate/accounts/own_page.py)."""
    from django.urls import reverse

    from cocreate.accounts.own_page import register_own_page_section

    from .selectors import own_follows, own_posts

    register_own_page_section(
        "posts",
        title=_("My posts"),
        read=own_posts,
        template="community/_own_posts.html",
        list_url=lambda user: reverse("community:profile", args=[user.username]),
        list_label=_("All my posts"),
        empty=_("Share feedback, suggest an idea or show your build to the product's community."),
        action_label=_("Post an idea"),
        action_url=lambda user: reverse("community:index"),
        position=30,
    )
    register_own_page_section(
        "follows",
        title=_("What I follow"),
        read=own_follows,
        template="community/_own_follows.html",
        list_url=lambda user: reverse("community:following"),
        list_label=_("All I follow"),
        empty=_("Follow a product's community or a post to hear of its news."),
        action_label=_("Browse the communities"),
        action_url=lambda user: reverse("community:index"),
        position=40,
    )


def _register_notification_kinds(Post) -> None:
    """The groups in which members choose how they hear of the communities' news (docs/
    notifications.md). Status changes are sent as `post.<status>` by the designers' workflow."""
    from cocreate.notifications.kinds import Delivery, register_kind_group

    register_kind_group(
        "community.my_posts",
        _("Comments on my posts"),
        description=_("Someone commented on a post you wrote, or a moderator merged it."),
        section=_("Community"),
        kinds=["post.comment", "post.merged"],
        default=Delivery.EMAIL,
        position=10,
    )
    register_kind_group(
        "community.mentions",
        _("Mentions"),
        description=_("Someone wrote @ and your username in a comment."),
        section=_("Community"),
        kinds=["community.mention"],
        default=Delivery.EMAIL,
        position=11,
    )
    register_kind_group(
        "community.official_answers",
        _("Official answers on posts I follow"),
        description=_(
            "The manufacturer's team answered on a post you follow. You follow the posts you "
            "write, vote for or comment on."
        ),
        section=_("Community"),
        kinds=["post.official_comment"],
        default=Delivery.EMAIL,
        position=12,
    )
    register_kind_group(
        "community.status_changes",
        _("Status changes of posts I follow or voted for"),
        description=_("A post you follow is under review, planned, in progress or declined."),
        section=_("Community"),
        kinds=[f"post.{status}" for status in Post.Status.values if status != "adopted"],
        default=Delivery.DAILY,
        position=13,
    )
    register_kind_group(
        "community.adopted",
        _("Adopted and shipped ideas"),
        description=_(
            "An idea you follow was adopted into a product, or a released generation shipped "
            "ideas you supported."
        ),
        section=_("Community"),
        kinds=["post.adopted", "product.shipped"],
        default=Delivery.EMAIL,
        position=14,
    )
    register_kind_group(
        "community.new_posts",
        _("New posts in communities I follow"),
        description=_("Someone posted in the community of a product you follow."),
        section=_("Community"),
        kinds=["community.new_post"],
        default=Delivery.DAILY,
        position=15,
    )
