"""A model owner creates, renames, moves and closes units; everyone browses
and searches the tree they may read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.organisation import access, services
from styrhjul.organisation.models import Role, Unit, UnitType
from tests.factories import UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(org, client):
    user = UserFactory(first_name="Maja", last_name="Modell")
    grant(user, org["forv"], Role.MODEL_OWNER)
    client.force_login(user)
    return user


def enhet_type():
    return UnitType.objects.get(name="Enhet")


def test_a_model_owner_creates_a_unit_under_a_department(client, org, owner):
    response = client.post(
        reverse("organisation:unit_create") + f"?overordnad={org['avd_a'].pk}",
        {
            "name": "Hemtjänst Söder",
            "code": "AO3",
            "unit_type": enhet_type().pk,
            "valid_from": "2025-01-01",
            "overordnad": org["avd_a"].pk,
        },
    )
    unit = Unit.objects.get(code="AO3")
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation:unit", args=[unit.pk])
    assert unit.parent == org["avd_a"]
    assert unit.name == "Hemtjänst Söder"
    assert unit.valid_from == datetime.date(2025, 1, 1)


def test_invalid_input_is_explained_in_swedish_at_the_field_and_kept(client, org, owner):
    response = client.post(
        reverse("organisation:unit_create") + f"?overordnad={org['avd_a'].pk}",
        {
            "name": "Nya enheten",
            "code": "AO1",
            "unit_type": enhet_type().pk,
            "valid_from": "2025-13-45",
            "overordnad": org["avd_a"].pk,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Koden AO1 används redan av Solgårdens äldreboende." in body
    assert "Fyll i ett giltigt datum." in body
    assert 'value="Nya enheten"' in body  # what the user typed is still there
    assert not Unit.objects.filter(name="Nya enheten").exists()


def test_renaming_is_recorded_in_the_history_with_before_and_after(client, org, owner):
    unit = org["enhet_a1"]
    client.post(
        reverse("organisation:unit_edit", args=[unit.pk]),
        {
            "name": "Solgården",
            "code": "AO1",
            "unit_type": enhet_type().pk,
            "valid_from": "2020-01-01",
            "version": unit.version,
        },
    )
    unit.refresh_from_db()
    assert unit.name == "Solgården"
    page = client.get(reverse("organisation:unit_history", args=[unit.pk])).content.decode()
    assert "Maja Modell" in page
    assert "Solgårdens äldreboende" in page and "Solgården" in page
    assert "Ändrad" in page


def test_a_concurrent_edit_is_refused_and_shows_what_the_other_saved(client, org, owner):
    unit = org["enhet_a1"]
    opened_version = unit.version
    services.unit_update(
        actor=access.SYSTEM,
        unit=Unit.objects.get(pk=unit.pk),
        version=opened_version,
        name="Annans namn",
        code="AO1",
        unit_type=enhet_type(),
        valid_from=unit.valid_from,
    )
    response = client.post(
        reverse("organisation:unit_edit", args=[unit.pk]),
        {
            "name": "Mitt namn",
            "code": "AO1",
            "unit_type": enhet_type().pk,
            "valid_from": "2020-01-01",
            "version": opened_version,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har ändrat" in body
    assert "Annans namn" in body
    assert 'value="Mitt namn"' in body
    assert Unit.objects.get(pk=unit.pk).name == "Annans namn"


def test_moving_a_unit_under_its_own_subunit_is_refused(org):
    with pytest.raises(Exception) as excinfo:
        services.unit_move(
            actor=access.SYSTEM,
            unit=org["avd_a"],
            version=org["avd_a"].version,
            new_parent=org["enhet_a1"],
        )
    assert "under sig själv" in str(excinfo.value)
    org["avd_a"].refresh_from_db()
    assert org["avd_a"].parent == org["forv"]


def test_a_model_owner_moves_a_unit_to_another_department(client, org, owner):
    unit = org["enhet_a2"]
    response = client.post(
        reverse("organisation:unit_move", args=[unit.pk]),
        {"parent": org["avd_b"].pk, "version": unit.version},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.parent == org["avd_b"]


def test_the_move_form_offers_only_units_the_owner_manages(client, org, owner):
    page = client.get(reverse("organisation:unit_move", args=[org["enhet_a2"].pk]))
    page = page.content.decode()
    assert "Individ och familj" in page
    assert "Socialnämnden" not in page  # above the owner's förvaltning
    response = client.post(
        reverse("organisation:unit_move", args=[org["enhet_a2"].pk]),
        {"parent": org["namnd"].pk, "version": org["enhet_a2"].version},
    )
    assert response.status_code == 200
    org["enhet_a2"].refresh_from_db()
    assert org["enhet_a2"].parent == org["avd_a"]


def test_closing_a_unit_keeps_it_for_past_years(client, org, owner):
    avd = org["avd_a"]
    response = client.post(
        reverse("organisation:unit_close", args=[avd.pk]),
        {"valid_to": "2024-12-31", "version": avd.version},
    )
    assert response.status_code == 302
    avd.refresh_from_db()
    assert avd.valid_to == datetime.date(2024, 12, 31)
    # Its open sub-units close with it.
    assert Unit.objects.get(pk=org["enhet_a1"].pk).valid_to == datetime.date(2024, 12, 31)
    tree_2024 = client.get(reverse("organisation:tree") + "?ar=2024").content.decode()
    tree_2025 = client.get(reverse("organisation:tree") + "?ar=2025").content.decode()
    assert "Äldreomsorg" in tree_2024 and "Solgårdens äldreboende" in tree_2024
    assert "Äldreomsorg" not in tree_2025 and "Solgårdens äldreboende" not in tree_2025
    assert "Individ och familj" in tree_2025


def test_a_closed_unit_can_be_reopened(client, org, owner):
    unit = org["enhet_b1"]
    services.unit_close(
        actor=access.SYSTEM, unit=unit, version=unit.version, valid_to=datetime.date(2024, 6, 30)
    )
    unit.refresh_from_db()
    client.post(reverse("organisation:unit_reopen", args=[unit.pk]), {"version": unit.version})
    unit.refresh_from_db()
    assert unit.valid_to is None


def test_a_unit_cannot_close_before_it_started(org):
    unit = org["enhet_b1"]
    with pytest.raises(Exception) as excinfo:
        services.unit_close(
            actor=access.SYSTEM, unit=unit, version=unit.version, valid_to=datetime.date(2019, 1, 1)
        )
    assert "före sitt startdatum" in str(excinfo.value)


def test_search_finds_units_by_name_and_code_within_what_the_user_may_read(client, org):
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    client.force_login(chef)
    body = client.get(reverse("organisation:tree") + "?q=hem").content.decode()
    assert "Hemtjänst Norr" in body
    body = client.get(reverse("organisation:tree") + "?q=IFO").content.decode()
    assert "Barn och unga" not in body  # a unit the chef may not read
    assert "0 träffar" in body


def test_search_answers_htmx_with_only_the_results(client, org, owner):
    response = client.get(
        reverse("organisation:tree") + "?q=Vuxen",
        headers={"HX-Request": "true", "HX-Target": "org-results"},
    )
    body = response.content.decode()
    assert "Vuxenenheten" in body
    assert "<html" not in body


def test_a_manager_sees_their_unit_on_the_start_page(client, org):
    chef = UserFactory(first_name="Sara")
    grant(chef, org["enhet_b2"], Role.MANAGER)
    client.force_login(chef)
    body = client.get(reverse("start")).content.decode()
    assert "Mina enheter" in body
    assert "Vuxenenheten" in body
    assert "Chef" in body
    assert "Barn och unga" not in body


def test_a_manager_sees_no_edit_buttons(client, org):
    chef = UserFactory()
    grant(chef, org["enhet_b2"], Role.MANAGER)
    client.force_login(chef)
    body = client.get(reverse("organisation:unit", args=[org["enhet_b2"].pk])).content.decode()
    assert "Vuxenenheten" in body
    assert reverse("organisation:unit_edit", args=[org["enhet_b2"].pk]) not in body
    assert (
        client.get(reverse("organisation:unit_edit", args=[org["enhet_b2"].pk])).status_code == 403
    )


def test_the_unit_page_lists_its_managers(client, org, owner):
    chef = UserFactory(first_name="Karin", last_name="Ek", email="karin.ek@example.se")
    grant(chef, org["avd_b"], Role.MANAGER)
    body = client.get(reverse("organisation:unit", args=[org["avd_b"].pk])).content.decode()
    assert "Karin Ek" in body and "karin.ek@example.se" in body


def test_a_model_owner_grants_and_revokes_a_role_and_the_history_shows_it(client, org, owner):
    person = UserFactory(first_name="Rolf", last_name="Rapport")
    unit = org["avd_b"]
    client.post(
        reverse("organisation:unit_grant_add", args=[unit.pk]),
        {"user": person.pk, "role": Role.REPORTER, "includes_subtree": ""},
    )
    assert access.can_write(person, unit)
    grant_obj = person.grants.get()
    assert grant_obj.includes_subtree is False
    client.post(reverse("organisation:grant_remove", args=[grant_obj.pk]))
    access.forget(person)
    assert not access.can_read(person, unit)
    history = client.get(reverse("organisation:unit_history", args=[unit.pk])).content.decode()
    assert "Rolf Rapport" in history
    assert "Rapportör" in history
    assert "Borttagen" in history


def test_a_model_owner_cannot_make_anyone_system_administrator(client, org, owner):
    person = UserFactory()
    response = client.post(
        reverse("organisation:unit_grant_add", args=[org["avd_b"].pk]),
        {"user": person.pk, "role": Role.ADMIN, "includes_subtree": "on"},
    )
    assert response.status_code == 403
    assert not person.grants.exists()


def tree_page_queries(client, extra: int) -> int:
    parent_pool = list(Unit.objects.all())
    for i in range(extra):
        UnitFactory(parent=parent_pool[i % len(parent_pool)])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("organisation:tree"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_tree_page_runs_the_same_number_of_queries_for_10_and_200_units(client, org, owner):
    small = tree_page_queries(client, 0)
    large = tree_page_queries(client, 200)
    assert small == large
    assert small <= 10


def test_the_unit_page_query_count_does_not_grow_with_subunits(client, org, owner):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("organisation:unit", args=[org["avd_a"].pk]))
        return len(ctx.captured_queries)

    small = count()
    for _ in range(30):
        child = UnitFactory(parent=org["avd_a"])
        grant(UserFactory(), child, Role.MANAGER)
        grant(UserFactory(), org["avd_a"], Role.READER)
    assert count() == small


def test_the_tree_nests_each_unit_under_its_parent_with_its_type_code_and_closing(
    client, org, owner
):
    closed = org["enhet_a2"]
    closed.valid_to = datetime.date(2025, 6, 30)
    closed.name = "Hemtjänst <Norr> & Co"
    closed.save()
    response = client.get(reverse("organisation:tree") + "?ar=2025")
    body = response.content.decode()
    tree = body[body.index('<ul class="tree">') :]
    forv, avd, first = (
        tree.index(f'<a href="{reverse("organisation:unit", args=[org[key].pk])}">')
        for key in ("forv", "avd_a", "enhet_a1")
    )
    assert forv < avd < first  # förvaltning, then its avdelning, then its enheter
    assert '<span class="unit-type">Förvaltning · SF</span>' in tree
    line = next(part for part in tree.split("<li>") if "Hemtjänst" in part)
    assert "Hemtjänst &lt;Norr&gt; &amp; Co</a>" in line
    assert '<span class="unit-type">Enhet · AO2</span>' in line
    assert '<span class="tag tag--closed">stängd 2025-06-30</span>' in line
    assert "stängd" not in next(part for part in tree.split("<li>") if "Vuxenenheten" in part)
    # The avdelning's enheter are in a list of their own inside its line.
    below = tree[avd:]
    assert below.index("<ul>") < below.index("Solgårdens äldreboende") < below.index("</ul>")
    assert below.index("Hemtjänst") < below.index("</ul>")


def test_the_tree_escapes_names_together_and_one_by_one_alike():
    from html import escape

    from styrhjul.organisation.templatetags.organisation import _escaped

    plain = ["Hemtjänst <Norr> & Co", "\"Citat\" och 'apostrof'", ""]
    assert _escaped(plain) == [escape(text) for text in plain]
    # A name holding the separator itself is escaped on its own.
    odd = ["A & B", "x\x00<y>", "z"]
    assert _escaped(odd) == [escape(text) for text in odd]
