"""The administrator's pages for directory group rules: the rules and what
each gave, a new rule, removing one, and the dry run."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.organisation import services
from styrhjul.organisation.models import DirectoryGroupRule, Role, RoleGrant
from tests.factories import (
    DirectoryGroupRuleFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    kommun = OrganisationFactory(name="Sjöbacka kommun")
    return kommun, UnitFactory(name="Skolförvaltningen", parent=kommun)


@pytest.fixture
def admin(client):
    user = UserFactory(is_superuser=True)
    client.force_login(user)
    return user


def test_the_administration_page_leads_to_the_rules(client, admin):
    body = client.get(reverse("organisation:admin")).content.decode()
    assert reverse("organisation:directory_rules") in body


def test_an_administrator_adds_a_rule_and_sees_it_listed(client, admin, org):
    kommun, skola = org
    response = client.post(
        reverse("organisation:directory_rules"),
        {"group": "SG-Skola-Chefer", "unit": skola.pk, "role": Role.MANAGER},
        follow=True,
    )
    body = response.content.decode()
    assert "Regeln för gruppen SG-Skola-Chefer är sparad" in body
    assert "<code>SG-Skola-Chefer</code>" in body
    rule = DirectoryGroupRule.objects.get()
    assert (rule.unit, rule.role, rule.includes_subtree) == (skola, Role.MANAGER, False)
    assert rule.history.get().history_user == admin


def test_a_duplicate_or_an_empty_group_is_explained_and_nothing_saved(client, admin, org):
    kommun, skola = org
    DirectoryGroupRuleFactory(group="SG-Skola", unit=skola, role=Role.READER)
    data = {"group": "SG-Skola", "unit": skola.pk, "role": Role.READER}
    body = client.post(reverse("organisation:directory_rules"), data).content.decode()
    assert "Det finns redan en regel som ger gruppen den rollen på enheten." in body
    body = client.post(
        reverse("organisation:directory_rules"), {**data, "group": " "}
    ).content.decode()
    assert "Detta fält måste fyllas i." in body
    assert DirectoryGroupRule.objects.count() == 1


def test_the_rule_page_shows_what_the_rule_granted(client, admin, org):
    kommun, skola = org
    rule = DirectoryGroupRuleFactory(group="SG-Skola", unit=skola, role=Role.READER)
    karin = UserFactory(first_name="Karin", last_name="Ek", email="karin@sjobacka.se")
    services.apply_directory_groups(user=karin, groups=["sg-skola"])
    body = client.get(reverse("organisation:directory_rule", args=[rule.pk])).content.decode()
    assert "Karin Ek" in body and "karin@sjobacka.se" in body
    listing = client.get(reverse("organisation:directory_rules")).content.decode()
    assert "1 behörighet från SG-Skola" in listing
    person = client.get(reverse("organisation:user", args=[karin.pk])).content.decode()
    assert "Från gruppregeln" in person
    unit_page = client.get(reverse("organisation:unit", args=[skola.pk])).content.decode()
    assert "Från katalogen (gruppregel)" in unit_page


def test_removing_a_rule_removes_its_grants_but_not_hand_made_ones(client, admin, org):
    kommun, skola = org
    rule = DirectoryGroupRuleFactory(group="SG-Skola", unit=skola, role=Role.READER)
    karin = UserFactory()
    services.apply_directory_groups(user=karin, groups=["SG-Skola"])
    grant(karin, kommun, Role.READER)
    response = client.post(
        reverse("organisation:directory_rule_delete", args=[rule.pk]), follow=True
    )
    assert "med 1 behörigheter den gav" in response.content.decode()
    assert list(RoleGrant.objects.values_list("unit__name", flat=True)) == ["Sjöbacka kommun"]


def test_the_dry_run_shows_what_the_groups_would_give_and_saves_nothing(client, admin, org):
    kommun, skola = org
    DirectoryGroupRuleFactory(group="SG-Skola", unit=skola, role=Role.MANAGER)
    DirectoryGroupRuleFactory(group="SG-Alla", unit=kommun, role=Role.READER)
    url = reverse("organisation:directory_dry_run")
    body = client.get(url, {"groups": "sg-skola\n\nSG-Okänd\n"}).content.decode()
    assert "Skolförvaltningen" in body and "Chef" in body
    assert "Sjöbacka kommun <span" not in body
    body = client.get(url, {"groups": "SG-Okänd"}).content.decode()
    assert "Inga regler gäller för de grupperna" in body
    assert not RoleGrant.objects.exists()
    assert "Resultat" not in client.get(url).content.decode()


def test_a_model_owner_does_not_reach_the_rules(client, org):
    kommun, skola = org
    owner = UserFactory()
    grant(owner, kommun, Role.MODEL_OWNER)
    client.force_login(owner)
    rule = DirectoryGroupRuleFactory(unit=skola)
    assert (
        reverse("organisation:directory_rules")
        not in client.get(reverse("organisation:admin")).content.decode()
    )
    for url in (
        reverse("organisation:directory_rules"),
        reverse("organisation:directory_rule", args=[rule.pk]),
        reverse("organisation:directory_dry_run"),
    ):
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("organisation:directory_rule_delete", args=[rule.pk])).status_code
        == 403
    )
    assert DirectoryGroupRule.objects.exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_rule_pages_run_the_same_number_of_queries_for_few_and_many(client, admin, org):
    kommun, skola = org
    rule = DirectoryGroupRuleFactory(group="SG-0", unit=skola)
    services.apply_directory_groups(user=UserFactory(), groups=["SG-0"])
    list_url = reverse("organisation:directory_rules")
    rule_url = reverse("organisation:directory_rule", args=[rule.pk])
    dry_url = reverse("organisation:directory_dry_run") + "?groups=SG-0%0ASG-1"
    small = [_queries(client, u) for u in (list_url, rule_url, dry_url)]
    for n in range(1, 30):
        unit = UnitFactory(parent=kommun)
        DirectoryGroupRuleFactory(group=f"SG-{n % 3}", unit=unit)
        services.apply_directory_groups(user=UserFactory(), groups=["SG-0", "SG-1"])
    large = [_queries(client, u) for u in (list_url, rule_url, dry_url)]
    assert small == large


def test_the_dry_run_for_a_user_shows_what_the_next_login_would_change(client, admin, org):
    kommun, skola = org
    DirectoryGroupRuleFactory(group="SG-Skola", unit=skola, role=Role.MANAGER)
    DirectoryGroupRuleFactory(group="SG-Alla", unit=kommun, role=Role.READER)
    old = DirectoryGroupRuleFactory(group="SG-Gammal", unit=skola, role=Role.READER)
    karin = UserFactory(username="karin", email="karin.ek@sjobacka.se")
    services.apply_directory_groups(user=karin, groups=["SG-Gammal"])
    grant(karin, kommun, Role.READER)  # by hand
    url = reverse("organisation:directory_dry_run")
    before = list(RoleGrant.objects.order_by("pk").values_list("pk", "role", "rule"))
    body = client.get(
        url, {"groups": "SG-Skola\nSG-Alla", "person": "Karin.Ek@Sjobacka.se"}
    ).content.decode()
    assert "Vid nästa inloggning för" in body
    added = body.split("Läggs till")[1].split("</dt>")[1]
    assert "Chef på Skolförvaltningen" in added
    assert "Läsare på Skolförvaltningen (från gruppregeln <code>SG-Gammal</code>)" in body
    assert "Finns redan, given för hand (ändras inte)" in body
    assert list(RoleGrant.objects.order_by("pk").values_list("pk", "role", "rule")) == before
    assert old.grants.count() == 1
    body = client.get(url, {"groups": "SG-Skola", "person": "okänd"}).content.decode()
    assert "Det finns ingen användare med det användarnamnet eller den e-postadressen." in body
