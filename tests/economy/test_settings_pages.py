"""The economy's settings: what each ledger dimension is used as, and the
rows of the driftredovisning with their account ranges (no overlaps, no
ranges outside the chart, a reset to Kommun-Bas), audited like other
settings and concurrent edits never silently overwritten."""

from __future__ import annotations

import pytest
from django.urls import reverse

from styrhjul.economy import services
from styrhjul.economy.defaults import DEFAULT_ROWS
from styrhjul.economy.importing import ensure_default_rows
from styrhjul.economy.models import AccountRange, Dimension, DimensionKind, ReportRow
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from tests.factories import (
    AccountFactory,
    BudgetFactory,
    BudgetVersionFactory,
    DimensionFactory,
    UserFactory,
    grant,
)


@pytest.fixture
def owner(org):
    user = UserFactory(first_name="Maja", last_name="Modellägare")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


@pytest.fixture
def chart(org):
    ensure_default_rows(org["kommun"])
    for number in ("3110", "4610", "5010", "6010", "7910", "8410"):
        AccountFactory(organisation=org["kommun"], number=number)
    return {r.name: r for r in ReportRow.objects.filter(organisation=org["kommun"])}


def ranges(row: ReportRow) -> list[tuple[str, str]]:
    return list(AccountRange.objects.filter(row=row).values_list("first", "last"))


def test_the_owner_sets_what_a_dimension_is_used_as_and_it_is_historised(client, org, owner):
    ansvar = DimensionFactory(organisation=org["kommun"], number=1, kind=DimensionKind.ANSVAR)
    other = DimensionFactory(organisation=org["kommun"], number=6, name="Projekt", kind="other")
    client.force_login(owner)
    url = reverse("economy:dimensions")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"dimension": other.pk, f"d{other.pk}-kind": "projekt", f"d{other.pk}-version": 1}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.kind == DimensionKind.PROJEKT and other.version == 2
    assert Dimension.history.filter(id=other.pk).latest("history_date").history_user == owner
    # Two ansvar dimensions are refused at the field.
    response = client.post(
        url, {"dimension": other.pk, f"d{other.pk}-kind": "ansvar", f"d{other.pk}-version": 2}
    )
    assert "Dimension 1 Ansvar används redan som ansvar." in response.content.decode()
    other.refresh_from_db()
    assert other.kind == DimensionKind.PROJEKT
    # A form opened before someone else's change is not saved over theirs silently.
    response = client.post(
        url, {"dimension": ansvar.pk, f"d{ansvar.pk}-kind": "other", f"d{ansvar.pk}-version": 0}
    )
    assert "Någon annan har ändrat dimensionen" in response.content.decode()
    ansvar.refresh_from_db()
    assert ansvar.kind == DimensionKind.ANSVAR
    assert "Ändringar av dimensionerna" in client.get(url).content.decode()


def test_a_row_is_added_renamed_and_reordered_with_its_ranges(client, org, owner, chart):
    client.force_login(owner)
    url = reverse("economy:report_rows")
    response = client.post(url, {"name": "Finansiella poster", "order": "65", "ranges": "84"})
    assert response.status_code == 302, response.content.decode()
    new = ReportRow.objects.get(name="Finansiella poster")
    assert ranges(new) == [("84", "84")] and new.order == 65
    other = chart["Övriga kostnader"]
    edit = reverse("economy:report_row", args=[other.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "name": "Övriga verksamhetskostnader",
            "order": "5",
            "ranges": "40–49, 63–69",
            "version": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()
    other.refresh_from_db()
    assert other.name == "Övriga verksamhetskostnader" and other.order == 5
    assert sorted(ranges(other)) == [("40", "49"), ("63", "69")]
    assert list(ReportRow.objects.filter(organisation=org["kommun"]))[0] == other
    page = client.get(url).content.decode()
    assert "Övriga verksamhetskostnader" in page and "40–49, 63–69" in page
    assert "Ändringar av kontointervallen" in page
    history = AccountRange.history.filter(row_id=other.pk, history_type="-")
    assert {(h.first, h.last) for h in history} == {("70", "78")}


@pytest.mark.parametrize(
    "text, message",
    [
        ("55-57", "Intervallet 55–57 överlappar 50–59 i raden Personalkostnader."),
        ("5010", "Intervallet 5010–5010 överlappar 50–59 i raden Personalkostnader."),
        ("90-95", "Intervallet 90–95 innehåller inget konto i kontoplanen."),
        ("84, 8400-8499", "Intervallen 84–84 och 8400–8499 överlappar varandra."),
        ("5-59", "I 5-59 har kontona olika många siffror."),
        ("89-80", "I 89-80 är det första kontot större än det sista."),
        ("8x", "”8x” är inget kontointervall."),
        ("", "Ange minst ett kontointervall."),
    ],
)
def test_bad_ranges_are_refused_at_the_field_and_nothing_is_saved(
    client, org, owner, chart, text, message
):
    client.force_login(owner)
    before = list(AccountRange.objects.order_by("pk").values_list("row_id", "first", "last"))
    response = client.post(
        reverse("economy:report_rows"), {"name": "Ny rad", "order": "70", "ranges": text}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'id="id_ranges_error"' in page
    assert not ReportRow.objects.filter(name="Ny rad").exists()
    assert list(AccountRange.objects.order_by("pk").values_list("row_id", "first", "last")) == (
        before
    )


def test_a_row_keeps_a_range_without_accounts_it_already_had(client, org, owner, chart):
    """Kapitalkostnader 79 is Kommun-Bas's even when the chart has no 79
    account yet: renaming the row does not trip over it."""

    from styrhjul.economy.models import Account

    Account.objects.filter(number="7910").delete()
    row = chart["Kapitalkostnader"]
    services.report_row_save(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        row=row,
        version=row.version,
        name="Avskrivningar",
        order=row.order,
        ranges=[("79", "79")],
    )
    row.refresh_from_db()
    assert row.name == "Avskrivningar"


def test_the_reset_brings_back_kommun_bas_and_refuses_to_remove_a_row_with_budget(
    client, org, owner, chart
):
    kommun = org["kommun"]
    personal = chart["Personalkostnader"]
    services.report_row_save(
        actor=access.SYSTEM,
        organisation=kommun,
        row=personal,
        version=personal.version,
        name="Löner",
        order=1,
        ranges=[("50", "55")],
    )
    extra = services.report_row_save(
        actor=access.SYSTEM,
        organisation=kommun,
        row=None,
        version=0,
        name="Finansiella poster",
        order=65,
        ranges=[("84", "84")],
    )
    version = BudgetVersionFactory(organisation=kommun)
    BudgetFactory(version=version, account=None, row=extra)
    client.force_login(owner)
    url = reverse("economy:report_rows_reset")
    response = client.post(url, follow=True)
    assert "Raden Finansiella poster har budget och kan inte tas bort." in (
        response.content.decode()
    )
    personal.refresh_from_db()
    assert personal.name == "Löner"  # nothing was reset
    version.delete()
    response = client.post(url, follow=True)
    assert "Raderna är återställda till Kommun-Bas standard." in response.content.decode()
    rows = list(ReportRow.objects.filter(organisation=kommun).prefetch_related("ranges"))
    assert [(r.name, sorted((x.first, x.last) for x in r.ranges.all())) for r in rows] == [
        (name, sorted(rs)) for name, rs in DEFAULT_ROWS
    ]
    # The rows that were there keep their identity (and so their budget).
    assert ReportRow.objects.get(name="Övriga kostnader").pk == chart["Övriga kostnader"].pk
    assert ReportRow.history.filter(history_user=owner).exists()


def test_a_stale_row_form_is_not_saved_over_someone_elses_change(client, org, owner, chart):
    row = chart["Lokalkostnader"]
    services.report_row_save(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        row=row,
        version=1,
        name="Lokaler",
        order=row.order,
        ranges=[("60", "62")],
    )
    client.force_login(owner)
    response = client.post(
        reverse("economy:report_row", args=[row.pk]),
        {"name": "Lokalkostnader och energi", "order": "30", "ranges": "60-62", "version": 1},
    )
    assert "Någon annan har ändrat raden" in response.content.decode()
    row.refresh_from_db()
    assert row.name == "Lokaler"
