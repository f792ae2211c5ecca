"""Import of the organisation tree from CSV and Excel: all or nothing."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from styrhjul.core.importing import ImportRejected
from styrhjul.organisation import access
from styrhjul.organisation.importer import (
    OrgRow,
    import_file,
    import_org,
    read_file,
    template_workbook,
)
from styrhjul.organisation.models import Role, RoleGrant, Unit, User
from tests.factories import UserFactory, grant

HEADER = "Kod;Namn;Typ;Överordnad kod;Giltig från;Giltig till;Chef e-post"

TEN_UNITS = [
    HEADER,
    # Children may come before their parents.
    "BUF;Barn- och utbildningsförvaltningen;Förvaltning;BUN;2025-01-01;;",
    "SJO;Sjöbo kommun;Kommun;;2025-01-01;;",
    "KS;Kommunstyrelsen;Kommunstyrelse;SJO;2025-01-01;;",
    "BUN;Barn- och utbildningsnämnden;Nämnd;SJO;2025-01-01;;",
    "SON;Socialnämnden;Nämnd;SJO;2025-01-01;;",
    "SOF;Socialförvaltningen;Förvaltning;SON;2025-01-01;;",
    "FSK;Förskola;Avdelning;BUF;2025-01-01;;",
    "GRS;Grundskola;Avdelning;BUF;2025-01-01;;",
    "ALD;Äldreomsorg;Avdelning;SOF;2025-01-01;;",
    "IFO-X;Individ- och familjeomsorg;Avdelning;SOF;2025-01-01;2026-12-31;",
]


def write_csv(tmp_path, lines, name="organisation.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(tmp_path, rows, name="organisation.xlsx", title="Organisation", before=()):
    workbook = openpyxl.Workbook()
    first = workbook.active
    for sheet_title, sheet_rows in before:  # sheets ahead of the data
        first.title = sheet_title
        for row in sheet_rows:
            first.append(row)
        first = workbook.create_sheet()
    first.title = title
    for row in rows:
        first.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def run_import(path, actor=access.SYSTEM, **kwargs):
    return import_file(actor=actor, data=path.read_bytes(), filename=path.name, **kwargs)


def rejected(path, actor=access.SYSTEM):
    with pytest.raises(ImportRejected) as info:
        run_import(path, actor)
    return info.value.errors


def counts():
    return Unit.objects.count(), User.objects.count(), RoleGrant.objects.count()


def admin_user(org):
    user = UserFactory()
    grant(user, org["kommun"], Role.ADMIN)
    return user


# --- Importing a new organisation -------------------------------------------------------


@pytest.mark.django_db
def test_a_csv_with_ten_units_builds_the_tree(tmp_path):
    result = run_import(write_csv(tmp_path, TEN_UNITS))

    assert result.summary() == "Importerade 10 enheter: 10 nya, 0 ändrade; 0 chefer."
    assert Unit.objects.count() == 10
    kommun = Unit.objects.get(code="SJO")
    assert kommun.parent is None and kommun.unit_type.name == "Kommun"
    forskola = Unit.objects.get(code="FSK")
    assert [u.code for u in Unit.objects.ancestors(forskola)] == ["SJO", "BUN", "BUF"]
    ifo = Unit.objects.get(code="IFO-X")
    assert ifo.valid_from == datetime.date(2025, 1, 1)
    assert ifo.valid_to == datetime.date(2026, 12, 31)
    history = kommun.history.get()
    assert history.history_change_reason == "Import"
    assert history.history_user is None  # the command line


@pytest.mark.django_db
def test_an_excel_workbook_imports_from_the_sheet_named_organisation(tmp_path):
    path = write_xlsx(
        tmp_path,
        [
            ["Namn", "KOD", "typ", "Överordnad kod", "Giltig från", "Giltig till"],
            ["Exempelnämnden", 1000, "Nämnd", None, datetime.date(2025, 1, 1), None],
            ["Exempelförvaltningen", 1100, "förvaltning", 1000, "2025-02-01", None],
            ["Stab", "1110", "Avdelning", "1100", datetime.datetime(2025, 3, 1), None],
        ],
        before=[("Läs mig", [["Det här bladet är en instruktion och läses inte."]])],
    )

    result = run_import(path)

    assert len(result.created) == 3
    stab = Unit.objects.get(code="1110")
    assert stab.parent.code == "1100" and stab.parent.parent.code == "1000"
    assert stab.valid_from == datetime.date(2025, 3, 1)
    assert Unit.objects.get(code="1100").unit_type.name == "Förvaltning"


@pytest.mark.django_db
def test_an_excel_workbook_without_an_organisation_sheet_is_read_from_its_first_sheet(tmp_path):
    path = write_xlsx(tmp_path, [["Kod", "Namn", "Typ"], ["N1", "Nämnden", "Nämnd"]], title="Blad1")
    assert run_import(path).created == ["N1"]


@pytest.mark.django_db
def test_a_windows_1252_csv_from_swedish_excel_keeps_its_a_ring_a_umlaut_and_o_umlaut(tmp_path):
    lines = [
        HEADER,
        "VO;Vård- och omsorgsförvaltningen;Förvaltning;;;;",
        "VO1;Äldreboendet Åkerbärsgården;Enhet;VO;;;",
        "VO2;Hemtjänst Östra Sjöbo;Enhet;VO;;;",
    ]
    path = write_csv(tmp_path, lines, encoding="cp1252")
    assert b"\xc5kerb\xe4rsg\xe5rden" in path.read_bytes()  # really Windows-1252

    run_import(path)

    assert Unit.objects.get(code="VO").name == "Vård- och omsorgsförvaltningen"
    assert Unit.objects.get(code="VO1").name == "Äldreboendet Åkerbärsgården"
    assert Unit.objects.get(code="VO2").name == "Hemtjänst Östra Sjöbo"


@pytest.mark.django_db
def test_a_utf8_csv_with_bom_and_commas_imports(tmp_path):
    lines = [
        "Kod,Namn,Typ,Överordnad kod,Chef e-post",
        'N1,"Nämnden för kultur, fritid och idrott",Nämnd,,',
    ]
    path = tmp_path / "org.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))

    run_import(path)

    assert Unit.objects.get(code="N1").name == "Nämnden för kultur, fritid och idrott"


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [";", ","])
def test_names_with_quotes_and_delimiters_survive_a_csv_written_by_a_program(tmp_path, delimiter):
    names = [
        'Nämnden för "Framtiden"',
        "Kultur; fritid, idrott",
        "  Mellanslag   i   namnet ",
        "Ålandsgatans förskola",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["Kod", "Namn", "Typ"])
    for number, name in enumerate(names):
        writer.writerow([f"N{number}", name, "Nämnd"])
    path = tmp_path / "org.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")

    run_import(path)

    assert [Unit.objects.get(code=f"N{n}").name for n in range(len(names))] == [
        'Nämnden för "Framtiden"',
        "Kultur; fritid, idrott",
        "Mellanslag i namnet",  # spaces are tidied
        "Ålandsgatans förskola",
    ]


@pytest.mark.django_db
def test_codes_from_excel_number_cells_lose_no_digits_and_gain_no_decimals(tmp_path):
    parsed = read_file(
        write_xlsx(tmp_path, [["Kod", "Namn", "Typ"], [4711.0, "Nämnden", "Nämnd"]]).read_bytes(),
        filename="org.xlsx",
    )
    assert parsed.rows == [
        OrgRow(row=2, code="4711", name="Nämnden", unit_type="Nämnd", sheet="Organisation")
    ]


# --- All or nothing ---------------------------------------------------------------------


@pytest.mark.django_db
def test_an_error_in_row_7_saves_nothing_and_names_row_7_and_the_column(tmp_path):
    lines = list(TEN_UNITS)
    lines[6] = "SOF;Socialförvaltningen;Förvaltnig;SON;2025-01-01;;ny.chef@example.se"
    before = counts()

    errors = rejected(write_csv(tmp_path, lines))

    assert counts() == before
    assert [(e.row, e.column) for e in errors] == [(7, "Typ")]
    assert str(errors[0]).startswith(
        "Rad 7, kolumn Typ: okänd enhetstyp ”Förvaltnig”. Giltiga typer: Kommun, "
    )
    assert "Menade du ”Förvaltning”?" in str(errors[0])


@pytest.mark.django_db
def test_an_error_in_a_workbook_names_the_sheet_row_and_column(tmp_path):
    path = write_xlsx(
        tmp_path,
        [
            ["Kod", "Namn", "Typ", "Giltig från"],
            ["N1", "Nämnden", "Nämnd", datetime.date(2025, 1, 1)],
            ["N2", "Nämnd två", "Nämnd", 45658],  # a date Excel shows as a number
        ],
    )
    errors = rejected(path)
    assert [str(e) for e in errors] == [
        "Blad Organisation, rad 3, kolumn Giltig från: ”45658” är inte ett giltigt datum. "
        "Skriv datum som ÅÅÅÅ-MM-DD, till exempel 2025-01-01."
    ]
    assert Unit.objects.filter(code="N1").count() == 0


@pytest.mark.django_db
def test_every_error_in_the_file_is_reported_at_once(tmp_path, org):
    lines = [
        HEADER,
        "N1;;Nämnd;;;;",  # 2: no name
        "N2;Nämnd två;Nämnd;FINNS-EJ;;;",  # 3: unknown parent
        "N1;Dubbletten;Nämnd;;;;",  # 4: the code again
        "N3;Nämnd tre;Nämnd;;2025-02-30;;",  # 5: no such day
        "N4;Nämnd fyra;Nämnd;;2025-06-01;2025-05-31;",  # 6: ends before it starts
        "N5;Nämnd fem;Nämnd;;;;chef(at)example.se",  # 7: not an address
        ";Utan kod;;;;;",  # 8: no code, no type
        "N6;Nämnd sex;Nämnd;;1 januari 2025;;",  # 9: not ISO
    ]
    before = counts()

    errors = rejected(write_csv(tmp_path, lines))

    assert counts() == before
    assert [(e.row, e.column) for e in errors] == [
        (2, "Namn"),
        (3, "Överordnad kod"),
        (4, "Kod"),
        (5, "Giltig från"),
        (6, "Giltig till"),
        (7, "Chef e-post"),
        (8, "Kod"),
        (8, "Typ"),
        (9, "Giltig från"),
    ]
    messages = [str(e) for e in errors]
    assert (
        "Rad 3, kolumn Överordnad kod: den överordnade koden ”FINNS-EJ” finns varken"
        in (messages[1])
    )
    assert messages[2] == "Rad 4, kolumn Kod: koden ”N1” finns redan på rad 2 i filen."
    assert "”2025-02-30” är inte ett giltigt datum. Skriv datum som ÅÅÅÅ-MM-DD" in messages[3]
    assert messages[4] == (
        "Rad 6, kolumn Giltig till: Giltig till (2025-05-31) är före Giltig från (2025-06-01)."
    )
    assert messages[5] == "Rad 7, kolumn Chef e-post: ”chef(at)example.se” är inte en giltig " + (
        "e-postadress."
    )


@pytest.mark.django_db
def test_missing_columns_are_named_in_one_message(tmp_path):
    errors = rejected(write_csv(tmp_path, ["Kod;Benämning;Överordnad kod", "N1;Nämnden;"]))
    assert len(errors) == 1
    assert errors[0].row == 1
    assert str(errors[0]).startswith("Rad 1: rubrikraden saknar kolumnerna Namn, Typ.")


@pytest.mark.django_db
def test_a_misspelt_optional_column_is_an_error_not_silently_ignored(tmp_path):
    errors = rejected(write_csv(tmp_path, ["Kod;Namn;Typ;Överordnad", "N1;Nämnden;Nämnd;K"]))
    assert [str(e) for e in errors] == [
        "Rad 1: okänd kolumn ”Överordnad”. Menade du ”Överordnad kod”?"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tom.csv", b"", "Filen är tom."),
        ("tom.csv", b"\r\n  \r\n", "Filen är tom."),
        ("bara-rubrik.csv", b"Kod;Namn;Typ\r\n", "Filen har en rubrikrad men inga"),
        ("organisation.pdf", b"%PDF-1.7", "Fel filtyp (.pdf). Välj en CSV-fil (.csv) eller"),
        ("organisation.xls", b"\xd0\xcf\x11\xe0rest", "Det gamla Excel-formatet .xls"),
        ("organisation.xlsx", b"Kod;Namn;Typ", "Filen är inte en giltig Excel-arbetsbok"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_clear_message(
    tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    errors = rejected(path)
    assert len(errors) == 1 and str(errors[0]).startswith(message)


@pytest.mark.django_db
def test_an_unquoted_delimiter_inside_a_cell_is_reported(tmp_path):
    lines = ["Kod;Namn;Typ;Chef e-post", "N1;Nämnden;Nämnd;a@example.se;b@example.se"]
    errors = rejected(write_csv(tmp_path, lines))
    assert errors[0].row == 2 and "citattecken" in errors[0].message


# --- Updating the organisation ------------------------------------------------------------


@pytest.mark.django_db
def test_a_row_with_an_existing_code_updates_that_unit(tmp_path, org):
    admin = admin_user(org)
    aldreomsorg = org["avd_a"]
    lines = [
        HEADER,
        "AO;Äldreomsorgen;Avdelning;IFO;2020-01-01;2027-12-31;",  # renamed, moved, closed
        "IFO;Individ och familj;Avdelning;SF;2020-01-01;;",  # as it is
        "ao3;Hemtjänst Söder;Enhet;ao;;;",  # a new unit; codes match in any case
    ]

    result = run_import(write_csv(tmp_path, lines), admin)

    assert result.summary() == ("Importerade 3 enheter: 1 ny, 1 ändrad, 1 oförändrad; 0 chefer.")
    aldreomsorg.refresh_from_db()
    assert aldreomsorg.name == "Äldreomsorgen"
    assert aldreomsorg.parent == org["avd_b"]
    assert aldreomsorg.valid_to == datetime.date(2027, 12, 31)
    assert aldreomsorg.version == 2
    assert aldreomsorg.code == "AO"
    assert Unit.objects.get(code="ao3").parent == aldreomsorg
    latest = aldreomsorg.history.first()
    assert latest.history_change_reason == "Import"
    assert latest.history_user == admin
    assert org["avd_b"].history.count() == 1  # unchanged: not saved again


@pytest.mark.django_db
def test_columns_left_out_of_the_file_leave_those_fields_alone(tmp_path, org):
    unit = org["enhet_a1"]
    Unit.objects.filter(pk=unit.pk).update(valid_to=datetime.date(2030, 1, 1))

    run_import(write_csv(tmp_path, ["Kod;Namn;Typ", "AO1;Solgården;Enhet"]))

    unit.refresh_from_db()
    assert unit.name == "Solgården"
    assert unit.parent == org["avd_a"]
    assert unit.valid_from == datetime.date(2020, 1, 1)
    assert unit.valid_to == datetime.date(2030, 1, 1)


@pytest.mark.django_db
def test_chef_e_post_gives_the_manager_role_and_creates_missing_users(tmp_path, org):
    anna = UserFactory(username="anna", email="Anna.Berg@example.se")
    admin = admin_user(org)
    lines = [
        HEADER,
        "AO;Äldreomsorg;Avdelning;SF;;;anna.berg@example.se",
        'SOL;Solrosens förskola;Enhet;SF;;;"nils.holm@example.se; anna.berg@example.se"',
    ]
    users_before = User.objects.count()

    result = run_import(write_csv(tmp_path, lines), admin)

    assert result.summary() == (
        "Importerade 2 enheter: 1 ny, 0 ändrade, 1 oförändrad; 3 chefer. 1 ny användare skapades."
    )
    assert User.objects.count() == users_before + 1
    nils = User.objects.get(email="nils.holm@example.se")
    assert nils.username == "nils.holm@example.se"
    assert not nils.has_usable_password()
    assert nils.history.get().history_user == admin
    solrosen = Unit.objects.get(code="SOL")
    assert set(
        RoleGrant.objects.filter(unit=solrosen, role=Role.MANAGER).values_list(
            "user__username", "includes_subtree"
        )
    ) == {("anna", True), ("nils.holm@example.se", True)}
    assert org["avd_a"].history.count() == 1  # a new Chef does not change the unit itself
    grant_ao = RoleGrant.objects.get(user=anna, unit=org["avd_a"])
    assert grant_ao.role == Role.MANAGER and grant_ao.includes_subtree
    assert grant_ao.history.get().history_change_reason == "Import"

    # Importing the same file again changes nothing.
    again = run_import(write_csv(tmp_path, lines), admin)
    assert again.summary() == "Importerade 2 enheter: 0 nya, 0 ändrade, 2 oförändrade; 0 chefer."


@pytest.mark.django_db
def test_a_unit_cannot_become_its_own_ancestor(tmp_path, org):
    lines = [
        HEADER,
        "K;Provköpings kommun;Kommun;AO1;;;",  # under its own grandchild's child
        "A;Avdelning A;Avdelning;B;;;",  # A under B under A, both new
        "B;Avdelning B;Avdelning;A;;;",
        "C;Avdelning C;Avdelning;c;;;",  # under itself
    ]
    before = counts()

    errors = rejected(write_csv(tmp_path, lines))

    assert counts() == before
    assert [(e.row, e.column) for e in errors] == [
        (2, "Överordnad kod"),
        (3, "Överordnad kod"),
        (4, "Överordnad kod"),
        (5, "Överordnad kod"),
    ]
    assert "K → AO1 → AO → SF → SN → K" in errors[0].message
    assert "A → B → A" in errors[1].message
    assert errors[3].message == "en enhet kan inte vara överordnad sig själv."


@pytest.mark.django_db
def test_a_dry_run_checks_the_file_and_saves_nothing(tmp_path):
    before = counts()
    result = run_import(write_csv(tmp_path, TEN_UNITS), dry_run=True)
    assert counts() == before
    assert result.summary().startswith("Filen är giltig. Importen skulle ge 10 enheter: 10 nya")
    assert result.summary().endswith("Inget har sparats.")


# --- Access ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_model_owner_changing_a_unit_outside_their_area_gets_a_row_error(tmp_path, org):
    owner = UserFactory()
    grant(owner, org["forv"], Role.MODEL_OWNER)
    lines = [
        HEADER,
        "AO4;Dagverksamhet;Enhet;AO;;;",  # inside their area: fine on its own
        "SN;Nämnden för socialt stöd;Nämnd;K;;;",  # the nämnd above them
    ]
    before = counts()

    errors = rejected(write_csv(tmp_path, lines), owner)

    assert counts() == before
    assert [str(e) for e in errors] == [
        "Rad 3: du har inte behörighet att ändra enheten med kod SN."
    ]


@pytest.mark.django_db
def test_a_model_owner_builds_new_units_within_their_area(tmp_path, org):
    owner = UserFactory()
    grant(owner, org["forv"], Role.MODEL_OWNER)
    manager = UserFactory(email="chef@example.se")
    lines = [
        HEADER,
        "HSL2;Sjuksköterskor natt;Enhet;HSL;;;",  # under a unit that is new too
        "HSL;Hälso- och sjukvård;Avdelning;SF;;;chef@example.se",
        "SF;Socialförvaltningen;Förvaltning;SN;2020-01-01;;",  # their own, unchanged
    ]

    result = run_import(write_csv(tmp_path, lines), owner)

    assert result.created == ["HSL2", "HSL"]
    assert Unit.objects.get(code="HSL2").parent.code == "HSL"
    assert RoleGrant.objects.filter(user=manager, unit__code="HSL", role=Role.MANAGER).exists()
    assert Unit.objects.get(code="HSL").history.get().history_user == owner


@pytest.mark.django_db
def test_a_model_owner_may_neither_create_top_level_units_nor_new_users(tmp_path, org):
    owner = UserFactory()
    grant(owner, org["forv"], Role.MODEL_OWNER)
    lines = [
        HEADER,
        "NY;Ny nämnd;Nämnd;;;;",
        "AO5;Ny enhet;Enhet;AO;;;okand.person@example.se",
    ]
    errors = rejected(write_csv(tmp_path, lines), owner)
    assert [(e.row, e.column) for e in errors] == [(2, "Överordnad kod"), (3, "Chef e-post")]
    assert "översta nivån" in errors[0].message
    assert "bara en systemadministratör kan skapa användare" in errors[1].message


def test_rows_can_be_imported_from_plain_dataclasses(db):
    rows = [
        OrgRow(row=2, code="X1", name="Nämnd X", unit_type="Nämnd", parent_code=""),
        OrgRow(row=3, code="X2", name="Förvaltning X", unit_type="Förvaltning", parent_code="X1"),
    ]
    result = import_org(actor=access.SYSTEM, rows=rows)
    assert result.created == ["X1", "X2"]


# --- The command ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_imports_and_prints_a_summary(tmp_path):
    out = io.StringIO()
    call_command("import_org", str(write_csv(tmp_path, TEN_UNITS)), stdout=out)
    assert "Importerade 10 enheter: 10 nya, 0 ändrade; 0 chefer." in out.getvalue()
    assert Unit.objects.count() == 10


@pytest.mark.django_db
def test_the_command_with_an_error_exits_non_zero_and_prints_the_row(tmp_path):
    lines = list(TEN_UNITS)
    lines[2] = "SJO;Sjöbo kommun;Kommune;;2025-01-01;;"
    err = io.StringIO()

    with pytest.raises(CommandError) as info:
        call_command(
            "import_org", str(write_csv(tmp_path, lines)), stderr=err, stdout=io.StringIO()
        )

    assert info.value.returncode == 1
    assert "Ingenting har sparats" in str(info.value)
    assert "Rad 3, kolumn Typ: okänd enhetstyp ”Kommune”" in err.getvalue()
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_the_command_dry_run_and_named_user(tmp_path, org):
    owner = UserFactory(username="modellagare", email="ml@example.se")
    grant(owner, org["forv"], Role.MODEL_OWNER)
    path = write_csv(tmp_path, [HEADER, "SN;Socialnämnden;Nämnd;;;;"])  # to the top: admin only

    with pytest.raises(CommandError):
        call_command("import_org", str(path), "--user", "ML@example.se", stderr=io.StringIO())
    out = io.StringIO()
    call_command("import_org", str(path), "--dry-run", stdout=out)
    assert "Inget har sparats." in out.getvalue()
    assert Unit.objects.get(code="SN").parent == org["kommun"]

    with pytest.raises(CommandError, match="ingen användare"):
        call_command("import_org", str(path), "--user", "nobody")
    with pytest.raises(CommandError, match="finns inte"):
        call_command("import_org", str(tmp_path / "saknas.csv"))


# --- The web pages ---------------------------------------------------------------------------


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.django_db
def test_an_admin_sees_the_upload_form_with_a_template_link(client, org):
    client.force_login(admin_user(org))
    response = client.get(reverse("organisation:import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_file">' in html
    assert 'accept=".csv,.xlsx"' in html
    assert 'enctype="multipart/form-data"' in html
    assert reverse("organisation:import_template") in html
    assert '<th scope="row">Överordnad kod</th>' in html


@pytest.mark.django_db
def test_an_admin_uploads_a_file_and_lands_on_the_tree(client, org, tmp_path):
    client.force_login(admin_user(org))
    content = ("\r\n".join([HEADER, "AO3;Hemtjänst Söder;Enhet;AO;;;"]) + "\r\n").encode()

    response = client.post(
        reverse("organisation:import"), {"file": upload("org.csv", content)}, follow=True
    )

    assert response.redirect_chain == [(reverse("organisation:tree"), 302)]
    assert "Importerade 1 enhet: 1 ny, 0 ändrade; 0 chefer." in response.content.decode()
    assert Unit.objects.get(code="AO3").parent == org["avd_a"]


@pytest.mark.django_db
def test_an_upload_with_errors_shows_them_all_in_a_table_and_saves_nothing(client, org):
    client.force_login(admin_user(org))
    content = "\r\n".join([HEADER, "AO3;Hemtjänst Söder;Enhet;AO;;;", "AO4;;Enhett;AO;;;"]).encode()
    before = counts()

    response = client.post(reverse("organisation:import"), {"file": upload("org.csv", content)})

    assert response.status_code == 200
    assert counts() == before
    html = response.content.decode()
    assert 'role="alert"' in html and "Filen innehåller 2 fel." in html
    assert '<th scope="col" class="num">Rad</th>' in html
    assert "<td>Namn</td>" in html and "<td>Typ</td>" in html
    assert "Okänd enhetstyp ”Enhett”" in html


@pytest.mark.django_db
def test_a_post_without_a_file_asks_for_one(client, org):
    client.force_login(admin_user(org))
    response = client.post(reverse("organisation:import"), {})
    assert response.status_code == 200
    assert "Välj en fil att importera." in response.content.decode()


@pytest.mark.django_db
def test_a_manager_without_organisation_rights_is_refused(client, org):
    chef = UserFactory()
    grant(chef, org["avd_a"], Role.MANAGER)
    client.force_login(chef)
    assert client.get(reverse("organisation:import")).status_code == 403
    assert client.get(reverse("organisation:import_template")).status_code == 403


@pytest.mark.django_db
def test_a_model_owner_uploading_outside_their_area_gets_row_errors(client, org):
    owner = UserFactory()
    grant(owner, org["forv"], Role.MODEL_OWNER)
    client.force_login(owner)
    content = "\r\n".join([HEADER, "K;Kommunen;Kommun;;;;"]).encode()

    response = client.post(reverse("organisation:import"), {"file": upload("org.csv", content)})

    assert response.status_code == 200
    assert "Du har inte behörighet att ändra enheten med kod K." in response.content.decode()
    assert Unit.objects.get(code="K").name == "Provköpings kommun"


@pytest.mark.django_db
def test_the_template_download_is_an_importable_workbook(client, org):
    client.force_login(admin_user(org))
    response = client.get(reverse("organisation:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook["Organisation"][1]] == [
        "Kod",
        "Namn",
        "Typ",
        "Överordnad kod",
        "Giltig från",
        "Giltig till",
        "Chef e-post",
    ]
    result = import_file(
        actor=access.SYSTEM, data=response.content, filename="mall.xlsx", dry_run=True
    )
    assert len(result.created) == 2


@pytest.mark.django_db
def test_the_template_is_readable_without_the_web(db):
    parsed = read_file(template_workbook(), filename="mall.xlsx")
    assert [r.row for r in parsed.rows] == [2, 3]
