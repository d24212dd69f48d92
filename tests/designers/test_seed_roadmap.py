"""The demo tells the co-creation loop: a roadmap of planned, in-progress and adopted ideas, and
Aurora 3 released with a changelog that credits its authors and co-authors."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cocreate.notifications.models import Notification
from community.models import Credit, Post, StatusChange

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_roadmap_and_a_released_generation_with_its_changelog(client):
    call_command("seed_demo", stdout=io.StringIO())

    roadmap = Post.objects.listed().filter(status__in=["planned", "in_progress", "adopted"])
    assert roadmap.filter(status="in_progress", adopted_in__slug="aurora-4").exists()
    assert roadmap.filter(status="planned", adopted_in__slug="beacon-be9000").exists()
    assert roadmap.filter(status="planned", adopted_in__isnull=True).exists()
    shipped = roadmap.filter(status="adopted", adopted_in__slug="aurora-3")
    assert shipped.count() == 5
    credits = set(Credit.objects.values_list("user__username", "role"))
    assert {("lukas.weber", "author"), ("priya.nair", "co_author"), ("alice", "co_author")} <= (
        credits
    )
    assert Notification.objects.filter(kind="product.shipped", recipient__username="alice").exists()

    changelog = client.get(reverse("products:changelog", args=["aurora-3"])).content.decode()
    assert changelog.count('class="card cocreated-idea"') == 5
    assert "Promise seven years of updates, in writing" in changelog
    assert client.get(reverse("community:roadmap")).status_code == 200

    counts = (
        Credit.objects.count(),
        StatusChange.objects.count(),
        Notification.objects.filter(kind="product.shipped").count(),
        Post.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        Credit.objects.count(),
        StatusChange.objects.count(),
        Notification.objects.filter(kind="product.shipped").count(),
        Post.objects.count(),
    ) == counts
