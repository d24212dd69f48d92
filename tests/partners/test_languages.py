"""Partner profiles record their language; the directory finds Chinese words."""

import pytest
from django.urls import reverse

from partners import services
from partners.models import Partner
from tests.factories.accounts import UserFactory
from tests.factories.partners import PartnerFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200
    return [partner.name for partner in response.context["page"]]


@pytest.fixture
def directory():
    PartnerFactory(
        name="深圳华电科技", description="为消费电子产品生产锂电池和充电器。", language="zh-hans"
    )
    PartnerFactory(name="池州电子", description="生产线路板。", language="zh-hans")  # 池 … 电
    PartnerFactory(name="Acme Batteries", description="Cells and packs.")


def test_the_directory_finds_a_chinese_word_in_a_description(client, directory):
    assert names(client.get(reverse("partners:directory"), {"q": "电池"})) == ["深圳华电科技"]


def test_the_directory_finds_a_chinese_name(client, directory):
    assert names(client.get(reverse("partners:directory"), {"q": "深圳"})) == ["深圳华电科技"]


def test_english_prefixes_still_work_next_to_chinese(client, directory):
    assert names(client.get(reverse("partners:directory"), {"q": "batter"})) == ["Acme Batteries"]
    assert names(client.get(reverse("partners:directory"), {"q": "acme 电池"})) == []


def test_the_api_directory_searches_chinese(client, directory):
    response = client.get("/api/v1/partners/", {"q": "充电器"})

    assert [p["name"] for p in response.json()["results"]] == ["深圳华电科技"]
    assert response.json()["results"][0]["language"] == "zh-hans"


def test_a_profile_saved_without_a_language_gets_the_detected_one():
    partner = PartnerFactory()

    services.partner_update(
        partner=partner, description="我们是一家位于青岛的物流公司。", language=""
    )

    assert Partner.objects.get(pk=partner.pk).language == "zh-hans"


def test_the_members_choice_of_language_is_kept(client):
    member = UserFactory()
    PartnerFactory(slug="ours", name="Mine", members=[member])
    client.force_login(member)

    response = client.patch(
        "/api/v1/partners/ours/",
        {"description": "Bilingual: 我们做物流", "language": "en"},
        content_type="application/json",
    )
    bad = client.patch(
        "/api/v1/partners/ours/", {"language": "xx"}, content_type="application/json"
    )

    assert response.status_code == 200 and response.json()["language"] == "en"
    assert bad.status_code == 400 and "language" in bad.json()["errors"]


def test_the_profile_form_offers_detection(client):
    member = UserFactory()
    partner = PartnerFactory(slug="ours", name="Mine", owners=[member])
    client.force_login(member)
    page = client.get(reverse("partners:profile", args=["ours"]))
    form = page.context["form"]
    data = {
        "kind": partner.kind,
        "country": partner.country.code,
        "regions_served": partner.regions_served,
        "capabilities": partner.capabilities,
        "certifications": partner.certifications,
        "description": "专业生产光学镜头。",
        "website": partner.website,
        "language": "",
    }
    assert "language" in form.fields

    response = client.post(reverse("partners:profile", args=["ours"]), data)

    assert response.status_code == 302
    assert Partner.objects.get(pk=partner.pk).language == "zh-hans"


def test_an_approved_application_gets_its_language_detected():
    applicant = UserFactory()
    staff = UserFactory(is_staff=True)
    application = services.application_submit(
        applicant=applicant,
        name="青岛物流",
        kind="logistics",
        country="CN",
        capabilities=[],
        description="跨境物流服务。",
    )

    partner = services.application_approve(application=application, decided_by=staff)

    assert partner.language == "zh-hans"
