"""Every URL of the product, walked as an anonymous user, as a user with no
grant and as a user with a grant on a sibling unit: none of them sees or
changes data they were not granted.

A new URL pattern makes this test fail until it is listed in URL_OBJECTS
with the kind of object its arguments name, so no page escapes the walk.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from styrhjul.api.models import ApiToken, MachineClient
from styrhjul.api.services import machine_client_create, machine_token_create, token_create
from styrhjul.documents.models import DocumentJob, DocumentSettings, DocumentText, ReportText
from styrhjul.economy.models import (
    AccountRange,
    BudgetVersion,
    Dimension,
    InvestmentAccountRange,
    InvestmentRow,
    ReportRow,
)
from styrhjul.followup import services as followup
from styrhjul.followup.models import (
    CalendarEvent,
    DecidingBody,
    DocumentSection,
    EventCategory,
    FollowUpOccasion,
    Forecast,
    ForecastMeasure,
    ForecastRow,
    MeasureFollowUp,
    OccasionKind,
    OccasionStep,
    Report,
    ReportingTask,
)
from styrhjul.indicators.models import (
    BreakdownCategory,
    BreakdownDimension,
    BreakdownValue,
    ComparisonValue,
    IndicatorValue,
)
from styrhjul.kolada.models import KoladaSettings
from styrhjul.model.models import (
    GoalLevel,
    GovernanceModel,
    ItemKind,
    Perspective,
    PlanType,
    ScaleValue,
    Vision,
)
from styrhjul.model.services import model_create_default
from styrhjul.organisation import access
from styrhjul.organisation.models import (
    DirectoryGroupRule,
    Role,
    RoleGrant,
    Unit,
    UnitType,
    User,
)
from styrhjul.planning import services
from styrhjul.planning.models import IndicatorTarget, Item, ItemLink, ItemShare, Plan
from tests.factories import (
    AccountFactory,
    AnsvarMappingFactory,
    BreakdownDimensionFactory,
    BreakdownValueFactory,
    ComparisonValueFactory,
    DimensionObjectFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db

# URL name → kinds of object its arguments name, in order (None: no argument).
URL_OBJECTS: dict[str, str | tuple | None] = {
    "start": None,
    "login": None,
    "logout": None,
    "healthz": None,
    "readyz": None,
    "password_change": None,
    "password_change_done": None,
    "password_reset": None,
    "password_reset_done": None,
    "password_reset_confirm": ("bad_token", "bad_token"),
    "password_reset_complete": None,
    "organisation:tree": None,
    "organisation:unit": "unit",
    "organisation:unit_create": None,
    "organisation:unit_edit": "unit",
    "organisation:unit_move": "unit",
    "organisation:unit_close": "unit",
    "organisation:unit_reopen": "unit",
    "organisation:unit_history": "unit",
    "organisation:unit_grant_add": "unit",
    "organisation:grant_remove": "grant",
    "organisation:import": None,
    "organisation:import_template": None,
    "organisation:admin": None,
    "organisation:users": None,
    "organisation:user_create": None,
    "organisation:user": "user",
    "organisation:user_grant_add": "user",
    "organisation:user_history": "user",
    "organisation:unit_types": None,
    "organisation:directory_rules": None,
    "organisation:directory_rule": "directory_rule",
    "organisation:directory_rule_delete": "directory_rule",
    "organisation:directory_dry_run": None,
    "organisation:unit_type": "unit_type",
    "planning:unit_plans": ("unit", "year"),
    "planning:plan": "plan",
    "planning:goal_tree": ("year",),
    "planning:item_create": ("unit", "plan_type"),
    "planning:item": "item",
    "planning:item_edit": "item",
    "planning:item_archive": "item",
    "planning:item_delete": "item",
    "planning:item_move": "item",
    "planning:item_link": "item",
    "planning:item_unlink": ("item", "upper_item"),
    "planning:item_share": "item",
    "planning:item_unshare": ("item", "unit"),
    "planning:item_history": "item",
    "planning:plan_export": "plan",
    "planning:plan_import": ("unit", "plan_type"),
    "planning:plan_template": ("plan_type",),
    "planning:risk": "plan",
    "planning:copy_year": ("year",),
    "documents:internal_control": ("plan", "occasion", "fmt"),
    "documents:internal_control_texts": ("plan", "occasion"),
    "documents:unit_documents": ("unit", "occasion"),
    "documents:preview": ("unit", "occasion", "document"),
    "documents:texts": ("unit", "occasion", "document"),
    "documents:job": "job",
    "documents:job_download": "job",
    "documents:settings": None,
    "documents:own_section_create": ("model", "document"),
    "documents:own_section_edit": "own_section",
    "documents:own_section_delete": "own_section",
    "kolada:settings": None,
    "economy:import": None,
    "economy:upload": "sie_upload",
    "economy:mapping": None,
    "economy:unit": "unit",
    "economy:budget": None,
    "economy:budget_template": None,
    "economy:budget_import": None,
    "economy:budget_reallocate": None,
    "economy:budget_version": "budget_version",
    "economy:dimensions": None,
    "economy:report_rows": None,
    "economy:report_row": "report_row",
    "economy:report_rows_reset": None,
    "economy:investment_rows": None,
    "economy:investment_row": "investment_row",
    "economy:investments": "unit",
    "economy:ratios": None,
    "economy:investment_budgets": None,
    "economy:investment_budget": "investment_budget",
    "economy:drill_unit": "unit",
    "economy:drill_ansvar": ("unit", "ansvar"),
    "economy:drill_account": ("unit", "ansvar", "account"),
    "kolada:search": None,
    "indicators:index": None,
    "indicators:council": ("year",),
    "indicators:indicator": "indicator",
    "indicators:dimensions": None,
    "indicators:dimension": "breakdown_dimension",
    "indicators:breakdown": ("indicator", "breakdown_dimension"),
    "indicators:breakdown_import": "indicator",
    "indicators:comparisons": "indicator",
    "indicators:comparison_delete": ("indicator", "comparison_value"),
    "indicators:comparisons_import": "indicator",
    "model:index": None,
    "model:year": ("year",),
    "model:create": ("year",),
    "model:vision_edit": ("year",),
    "model:perspective_create": "model",
    "model:level_create": "model",
    "model:plan_type_create": "model",
    "model:scale_create": "model",
    "model:risk_scale_edit": "model",
    "model:perspective_edit": "perspective",
    "model:perspective_delete": "perspective",
    "model:level_edit": "level",
    "model:level_delete": "level",
    "model:plan_type_edit": "plan_type",
    "model:plan_type_delete": "plan_type",
    "model:assessment_rules": "plan_type",
    "model:scale_edit": "scale",
    "model:scale_delete": "scale",
    "model:scale_value_create": "scale",
    "model:scale_value_edit": "scale_value",
    "model:scale_value_delete": "scale_value",
    "model:history": ("history_part", "model"),
    "followup:task": "task",
    "followup:report_item": ("task", "item"),
    "followup:measure": ("task", "report"),
    "followup:task_done": "task",
    "followup:section_text": ("task", "section_key"),
    "followup:task_undo": "task",
    "followup:task_history": "task",
    "followup:forecast": "economy_task",
    "followup:forecast_measure": ("economy_task", "forecast_measure"),
    "followup:economy_underlag": "economy_task",
    "followup:underlag": ("task", "item"),
    "followup:recompute": ("task", "item"),
    "followup:overview": "occasion",
    "followup:overview_export": "occasion",
    "followup:remind": "occasion",
    "followup:year_wheel_index": None,
    "followup:year_wheel": ("year",),
    "followup:wheel_copy_from": ("year",),
    "followup:occasion_create": "model",
    "followup:occasion_edit": "occasion",
    "followup:occasion_open": "occasion",
    "followup:occasion_opening": "occasion",
    "followup:occasion_close": "occasion",
    "followup:step_create": "occasion",
    "followup:step_edit": "step",
    "followup:step_delete": "step",
    "followup:event_create": "model",
    "followup:event_edit": "event",
    "followup:event_delete": "event",
    "followup:task_reopen": "task",
    "followup:processes": ("year",),
    "followup:category_create": "model",
    "followup:category_edit": "category",
    "followup:category_delete": "category",
    "followup:body_create": "model",
    "followup:body_edit": "deciding_body",
    "followup:body_delete": "deciding_body",
    "followup:processes_defaults": "model",
    "followup:task_review": "task",
    "followup:calendar_subscribe": None,
    "followup:calendar_renew": None,
    "followup:ical_org": ("bad_token",),
    "followup:ical_user": ("bad_token",),
    "api_tokens": None,
    "api_token_revoke": "api_token",
    "api:api-root": None,
    "api:openapi-json": None,
    "api:openapi-view": None,
    "api:units": None,
    "api:unit": "unit",
    "api:occasions": None,
    "api:occasion": "occasion",
    "api:plans": None,
    "api:plan": "plan",
    "api:items": None,
    "api:item": "item",
    "api:report": ("task", "item"),
    "api:report_save": ("task", "item"),
    # Published snapshots and open data (public/): readable without login.
    "public:snapshots": "organisation",
    "public:snapshot": "snapshot",
    "public:snapshot_unit": ("snapshot", "published_unit"),
    "public:document": ("snapshot", "snapshot_document"),
    "public:compare": ("earlier_snapshot", "snapshot", "published_unit"),
    "public:compare_xlsx": ("earlier_snapshot", "snapshot", "published_unit"),
    "public:snapshot_csv": "snapshot",
    "public:snapshot_json": "snapshot",
    "public:dictionary": None,
    "public:dictionary_json": None,
    "public:publish": "occasion",
    "public:publishing_status": "occasion",
    "public:settings": "organisation",
    "public:organisation_page": "organisation",
    "public:accessibility": None,
    "public:accessibility_edit": None,
    # Open data through the API (api/published.py): without a token.
    "api:published_list": "organisation",
    "api:published": "snapshot",
    "api:published_rows": "snapshot",
    "api:published_occasion": "published_occasion",
    "api:models": None,
    "api:model": "model",
    "api:tasks": None,
    "api:task": "task",
    "api:reports": None,
    "api:values": None,
    "api:values_upsert": None,
    "api:targets": None,
    "api:documents": None,
    "api:document": "job",
    "api:document_download": "job",
    "api:document_order": None,
    "api:economy": "unit",
    "api:economy_ansvar_list": None,
    "api:economy_ansvar": "ansvar",
    "api:plan_create": None,
    "api:item_create": None,
    "api:item_update": "item",
    "api:dimensions": None,
    "api:dimension": "breakdown_dimension",
    "api:group_values": None,
    "api:group_values_upsert": None,
    "api:comparisons": None,
    "api:comparisons_upsert": None,
    "api:task_review": "task",
    "api_machine_clients": None,
    "api_machine_client": "machine_client",
    "api_machine_token_revoke": ("machine_client", "machine_token"),
}

# Pages anyone may open: they show no organisation data.
PUBLIC = {
    "login",
    "logout",
    "healthz",
    "readyz",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # The tillgänglighetsredogörelse: the organisations' names at most.
    "public:accessibility",
}
# What is published (public/): read by anyone, logged in or not. The world's
# snapshots hold only what was published; the walk proves that nothing else
# (the target's data, reported after or elsewhere) shows through them.
PUBLISHED = {
    "public:snapshots",
    "public:snapshot",
    "public:snapshot_unit",
    "public:document",
    "public:compare",
    "public:compare_xlsx",
    "public:snapshot_csv",
    "public:snapshot_json",
    "public:dictionary",
    "public:dictionary_json",
    "public:organisation_page",
    "api:published_list",
    "api:published",
    "api:published_rows",
    "api:published_occasion",
}
# A logged-in user's own account (log out, change their password): open to
# every logged-in user, acting on nothing but their own account.
OWN_ACCOUNT = {
    "logout",
    "password_change",
    "password_change_done",
    "followup:calendar_renew",
    "api_tokens",
}
# Pages every logged-in user may open; they list only what the user may read.
PERSONAL = {
    "start",
    "organisation:tree",
    "planning:goal_tree",
    "followup:year_wheel",
    "followup:year_wheel_index",
    "followup:calendar_subscribe",
    "followup:processes",
    "indicators:index",
    "indicators:council",
    "kolada:search",
    # The API's lists and its documentation.
    "api:openapi-json",
    "api:openapi-view",
    "api:units",
    "api:occasions",
    "api:plans",
    "api:items",
    "api:models",
    "api:tasks",
    "api:reports",
    "api:values",
    "api:targets",
    "api:documents",
    "api:dimensions",
    "api:group_values",
    "api:comparisons",
    "api:economy_ansvar_list",
    # The writes to a list's address: a GET there is the list.
    "api:values_upsert",
    "api:plan_create",
    "api:item_create",
    "api:document_order",
    "api:group_values_upsert",
    "api:comparisons_upsert",
}
# Pages that hold only the organisation's model (no unit's data): open to
# anyone with a grant in the organisation.
MODEL_ONLY = {
    "planning:plan_template",
    "kolada:settings",
    "documents:settings",
    "indicators:dimensions",  # the organisation's uppdelningar
}
# The styrmodell: read by everyone with a grant in the organisation
# (access.organisation_ids).
STYRMODELL = {
    "model:index",
    "model:year",
    "model:history",
    "api:occasion",
    "api:model",
    "api:dimension",  # the organisation's uppdelningar
}
# Mozilla-django-oidc's and djangosaml2's own views (only mounted when OIDC or
# SAML is configured; tests/organisation/test_saml.py walks SAML's).
IGNORED_PREFIXES = ("oidc_", "saml2_")

# 401: the API's answer to a call without a login or a valid token.
DENIED = {302, 401, 403, 404, 405}
# An API write naming what the caller may not reach may also be refused as
# wrong input (the bulk values answer 422 per row, e.g. an unknown unit
# code); the snapshot proves nothing was written either way.
API_WRITE_REFUSED = DENIED | {422}


def all_url_names() -> list[str]:
    names: list[str] = []

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or ""
                walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                names.append(f"{namespace}{entry.name}")

    walk(get_resolver().url_patterns)
    return [n for n in names if not n.startswith(IGNORED_PREFIXES)]


def test_every_url_is_covered_by_the_access_walk():
    missing = sorted(set(all_url_names()) - set(URL_OBJECTS))
    assert not missing, f"Lägg till i URL_OBJECTS och kontrollera behörigheten: {missing}"


@pytest.fixture
def world(org):
    """Two sibling enheter; the 'target' one holds the data the visitor must
    not reach. The target has a manager with an e-mail we look for in pages."""
    target = org["enhet_a2"]
    target_chef = UserFactory(
        email="hemlig.chef@example.se", first_name="Hemlig", last_name="Chefsson"
    )
    target_grant = grant(target_chef, target, Role.MANAGER)
    model = model_create_default(actor=access.SYSTEM, organisation=org["kommun"], year=2025)
    vp = model.plan_types.get(name="Verksamhetsplan")
    plan = services.plan_for(actor=access.SYSTEM, unit=target, plan_type=vp)
    upper = services.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.GOAL,
        title="Hemligt övre mål",
        level=model.levels.last(),
    )
    item = services.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.GOAL,
        title="Hemligt verksamhetsmål",
        level=model.levels.last(),
        contributes_to=[upper],
    )
    indicator = services.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.INDICATOR,
        title="Hemligt nyckeltal",
        target_year=2026,
        target_value=50,
    )
    breakdown_dimension = BreakdownDimensionFactory(organisation=org["kommun"])
    BreakdownValueFactory(
        item=indicator, unit=target, category=breakdown_dimension.categories.first()
    )
    comparison_value = ComparisonValueFactory(item=indicator)
    occasion = followup.occasion_save(
        actor=access.SYSTEM,
        occasion=FollowUpOccasion(
            model=model,
            kind=OccasionKind.INTERIM,
            name="Delårsrapport 2025",
            period_end=datetime.date(2025, 8, 31),
        ),
        plan_types=[vp],
    )
    step = followup.step_save(
        actor=access.SYSTEM,
        step=OccasionStep(
            occasion=occasion,
            name="Enheterna rapporterar",
            unit_type=target.unit_type,
            start=datetime.date(2025, 6, 2),
            deadline=datetime.date(2099, 7, 15),
        ),
    )
    event = followup.event_save(
        actor=access.SYSTEM,
        event=CalendarEvent(model=model, title="Budgetdag", start=datetime.date(2025, 4, 8)),
    )
    followup.occasion_open(actor=access.SYSTEM, occasion=occasion)
    task = ReportingTask.objects.get(occasion=occasion, unit=target)
    category = followup.category_save(
        actor=access.SYSTEM, category=EventCategory(model=model, name="Hemlig process")
    )
    deciding_body = followup.deciding_body_save(
        actor=access.SYSTEM, body=DecidingBody(model=model, name="Hemligt organ")
    )
    own_section = DocumentSection.objects.create(
        model=model, document="delarsrapport", key="eget-personal", heading="Hemligt avsnitt"
    )
    report = Report.objects.create(
        occasion=occasion, unit=target, item=item, measures="Hemlig åtgärd", comment="Hemligt"
    )
    # An economy follow-up: the target holds an ansvar, and its forecast at
    # March has a measure followed up in April.
    AnsvarMappingFactory(
        unit=target,
        ansvar=DimensionObjectFactory(dimension__organisation=org["kommun"]),
        valid_from=datetime.date(2025, 1, 1),
    )
    economy_occasions = []
    for name, month in (("Månadsrapport mars", 3), ("Månadsrapport april", 4)):
        economy_occasion = followup.occasion_save(
            actor=access.SYSTEM,
            occasion=FollowUpOccasion(
                model=model,
                kind=OccasionKind.MONTHLY,
                name=name,
                period_end=datetime.date(2025, month, 28),
                follows_economy=True,
                asks_forecast=True,
            ),
            plan_types=[],
        )
        followup.occasion_open(actor=access.SYSTEM, occasion=economy_occasion)
        economy_occasions.append(economy_occasion)
    forecast = Forecast.objects.create(
        occasion=economy_occasions[0], unit=target, comment="Hemlig prognos"
    )
    forecast_measure = ForecastMeasure.objects.create(
        forecast=forecast,
        text="Hemlig åtgärd",
        responsible="Chefen",
        due=datetime.date(2025, 12, 31),
    )
    economy_task = ReportingTask.objects.get(occasion=economy_occasions[1], unit=target)
    from styrhjul.documents.models import DocumentJob

    job = DocumentJob.objects.create(
        unit=target,
        occasion=occasion,
        document="delarsrapport",
        fmt="pdf",
        status="done",
        title="Hemligt dokument",
        filename="hemligt.pdf",
        data=b"%PDF hemligt",
        size=12,
    )
    from styrhjul.economy.importing import ensure_default_rows

    ensure_default_rows(org["kommun"])
    budget_version = BudgetVersion.objects.create(
        organisation=org["kommun"], year_start=datetime.date(2025, 1, 1), kind="faststalld"
    )
    from styrhjul.economy.models import SieUpload

    sie_upload = SieUpload.objects.create(
        organisation=org["kommun"], filename="hemlig.se", status="done", errors=["Hemligt fel"]
    )

    ansvar = DimensionObjectFactory(dimension__organisation=org["kommun"], name="Hemligt ansvar")
    AnsvarMappingFactory(ansvar=ansvar, unit=target)
    account = AccountFactory(organisation=org["kommun"], number="5010", name="Hemligt konto")
    from tests.factories import InvestmentBudgetFactory

    investment_budget = InvestmentBudgetFactory(
        organisation=org["kommun"], note="Hemlig investeringsbudget"
    )
    from tests.factories import InvestmentAccountRangeFactory

    investment_row = InvestmentAccountRangeFactory(
        row__organisation=org["kommun"], row__name="Hemlig investeringsrad"
    ).row
    api_token, _ = token_create(
        actor=target_chef,
        name="Hemlig nyckel",
        scope="write",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    published = _published(org, model)
    machine = machine_client_create(actor=access.SYSTEM, name="Hemlig maskin")
    grant(machine.user, target, Role.REPORTER)
    machine_token, _ = machine_token_create(
        actor=access.SYSTEM,
        client=machine,
        name="Hemlig nyckel",
        scope="write",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    return {
        "org": org,
        "target": target,
        "own": org["enhet_a1"],
        "objects": {
            "unit": target,
            "grant": target_grant,
            "user": target_chef,
            "unit_type": UnitType.objects.get(name="Enhet"),
            "directory_rule": DirectoryGroupRule.objects.create(
                group="hemlig-grupp", unit=target, role=Role.READER
            ),
            "plan": plan,
            "plan_type": vp,
            "item": item,
            "upper_item": upper,
            "indicator": indicator,
            "year": 2025,
            "model": model,
            "perspective": model.perspectives.first(),
            "level": model.levels.first(),
            "scale": model.scales.first(),
            "scale_value": model.scales.first().values.first(),
            "history_part": "modell",
            "occasion": occasion,
            "step": step,
            "event": event,
            "category": category,
            "deciding_body": deciding_body,
            "task": task,
            "own_section": own_section,
            "section_key": own_section.key,
            "economy_task": economy_task,
            "forecast_measure": forecast_measure,
            "report": report,
            "job": job,
            "sie_upload": sie_upload,
            "document": "delarsrapport",
            "bad_token": "u-1:forfalskad",
            "fmt": "docx",
            "budget_version": budget_version,
            "report_row": ReportRow.objects.filter(organisation=org["kommun"]).first(),
            "ansvar": ansvar,
            "account": account,
            "investment_budget": investment_budget,
            "investment_row": investment_row,
            "api_token": api_token,
            "breakdown_dimension": breakdown_dimension,
            "comparison_value": comparison_value,
            "organisation": org["kommun"],
            **published,
            "machine_client": machine,
            "machine_token": machine_token,
        },
        # An API write that only the access policy can refuse: it names the
        # target's unit, plan type, items and occasion.
        "api_body": {
            "comment": "Kapad",
            "name": "Kapad",
            "title": "Kapad",
            "unit_id": target.pk,
            "plan_type_id": vp.pk,
            "kind": "goal",
            "contributes_to": [upper.pk],
            "occasion_id": occasion.pk,
            "document": "delarsrapport",
            "fmt": "pdf",
            "decision": "approve",
            # One row that is whole for each bulk write: values, values per
            # group, comparison values.
            "values": [
                {
                    "indicator_id": indicator.pk,
                    "unit_code": target.code,
                    "period": "2025",
                    "value": 1,
                    "year": 2025,
                    "dimension": breakdown_dimension.name,
                    "group": breakdown_dimension.categories.first().label,
                    "kind": "country",
                    "name": "Riket",
                    "source": "SKR",
                    "source_date": "2025-03-01",
                }
            ],
        },
    }


def _published(org, model) -> dict:
    """Two published snapshots of an Aktivitetsplan only the visitor's
    sibling (enhet_a1) reports on, with a document: published data that
    holds nothing of the target's."""
    from styrhjul.public.services import occasion_publish

    ap = model.plan_types.get(name="Aktivitetsplan")
    plan = services.plan_for(actor=access.SYSTEM, unit=org["enhet_a1"], plan_type=ap)
    services.item_create(
        actor=access.SYSTEM, plan=plan, kind=ItemKind.ACTIVITY, title="Publicerad aktivitet"
    )
    from styrhjul.public.models import PublicationSettings

    PublicationSettings.objects.create(organisation=org["kommun"], public_page=True)
    snapshots = []
    for name, month in (("Publicerad delårsrapport", 4), ("Publicerat årsbokslut", 12)):
        occasion = followup.occasion_save(
            actor=access.SYSTEM,
            occasion=FollowUpOccasion(
                model=model,
                kind=OccasionKind.OTHER,
                name=name,
                period_end=datetime.date(2025, month, 28),
            ),
            plan_types=[ap],
        )
        followup.occasion_open(actor=access.SYSTEM, occasion=occasion)
        DocumentJob.objects.create(
            unit=org["enhet_a1"],
            occasion=occasion,
            document="delarsrapport",
            fmt="pdf",
            status="done",
            title="Publicerat dokument",
            filename="publicerat.pdf",
            data=b"%PDF publicerat",
            size=15,
        )
        followup.occasion_close(actor=access.SYSTEM, occasion=occasion)
        occasion.refresh_from_db()
        snapshots.append(occasion_publish(actor=access.SYSTEM, occasion=occasion))
    return {
        "earlier_snapshot": snapshots[0],
        "snapshot": snapshots[1],
        "snapshot_document": snapshots[1].documents.get(),
        "published_unit": org["enhet_a1"],
        "published_occasion": snapshots[1].occasion,
    }


def urls_for(world) -> list[tuple[str, str]]:
    result = []
    for name, kinds in URL_OBJECTS.items():
        if name not in set(all_url_names()):
            continue
        kinds = (kinds,) if isinstance(kinds, str) else kinds or ()
        args = [getattr(world["objects"][k], "pk", world["objects"][k]) for k in kinds]
        result.append((name, reverse(name, args=args)))
    return result


def snapshot() -> tuple:
    """Everything a forbidden POST could change."""
    return (
        list(
            Unit.objects.order_by("pk").values_list(
                "pk", "name", "code", "parent_id", "valid_to", "version"
            )
        ),
        list(RoleGrant.objects.order_by("pk").values_list("pk", "user_id", "unit_id", "role")),
        list(DirectoryGroupRule.objects.order_by("pk").values_list("pk", "group", "unit_id")),
        list(User.objects.order_by("pk").values_list("pk", "email", "is_active")),
        list(UnitType.objects.order_by("pk").values_list("pk", "name")),
        list(Item.objects.order_by("pk").values_list("pk", "title", "version", "archived_at")),
        list(ItemLink.objects.order_by("pk").values_list("pk", "item_id", "target_id")),
        list(ItemShare.objects.order_by("pk").values_list("pk", "unit_id", "ended_at")),
        list(Plan.objects.order_by("pk").values_list("pk", "unit_id")),
        list(
            GovernanceModel.objects.order_by("pk").values_list(
                "pk",
                "year",
                "version",
                "probability_labels",
                "consequence_labels",
                "risk_medium_from",
                "risk_high_from",
            )
        ),
        list(Perspective.objects.order_by("pk").values_list("pk", "name", "order")),
        list(GoalLevel.objects.order_by("pk").values_list("pk", "name", "assesses")),
        list(PlanType.objects.order_by("pk").values_list("pk", "name", "item_kinds")),
        list(ScaleValue.objects.order_by("pk").values_list("pk", "label", "colour")),
        list(Vision.objects.order_by("pk").values_list("pk", "title", "text")),
        list(FollowUpOccasion.objects.order_by("pk").values_list("pk", "name", "status")),
        list(OccasionStep.objects.order_by("pk").values_list("pk", "name", "deadline")),
        list(CalendarEvent.objects.order_by("pk").values_list("pk", "title", "start")),
        list(EventCategory.objects.order_by("pk").values_list("pk", "name", "colour")),
        list(DecidingBody.objects.order_by("pk").values_list("pk", "name")),
        list(ReportingTask.objects.order_by("pk").values_list("pk", "done_at", "reopened_until")),
        list(Report.objects.order_by("pk").values_list("pk", "comment", "version")),
        list(ApiToken.objects.order_by("pk").values_list("pk", "name", "revoked_at")),
        list(MachineClient.objects.order_by("pk").values_list("pk", "user_id")),
        list(IndicatorValue.objects.order_by("pk").values_list("pk", "value", "updated_at")),
        list(IndicatorTarget.objects.order_by("pk").values_list("pk", "year", "value")),
        list(BreakdownDimension.objects.order_by("pk").values_list("pk", "name")),
        list(BreakdownCategory.objects.order_by("pk").values_list("pk", "label", "order")),
        list(BreakdownValue.objects.order_by("pk").values_list("pk", "value", "version")),
        list(ComparisonValue.objects.order_by("pk").values_list("pk", "name", "value", "version")),
        list(MeasureFollowUp.objects.order_by("pk").values_list("pk", "result", "done", "version")),
        list(Forecast.objects.order_by("pk").values_list("pk", "comment", "version")),
        list(ForecastRow.objects.order_by("pk").values_list("pk", "amount", "comment")),
        list(ForecastMeasure.objects.order_by("pk").values_list("pk", "text", "due")),
        list(ReportText.objects.order_by("pk").values_list("pk", "introduction", "version")),
        list(DocumentText.objects.order_by("pk").values_list("pk", "text", "version")),
        list(DocumentSection.objects.order_by("pk").values_list("pk", "heading", "version")),
        list(
            DocumentSettings.objects.order_by("pk").values_list("pk", "heading_colour", "version")
        ),
        list(DocumentJob.objects.order_by("pk").values_list("pk", "status")),
        list(BudgetVersion.objects.order_by("pk").values_list("pk", "kind")),
        list(ReportRow.objects.order_by("pk").values_list("pk", "name", "order", "version")),
        list(AccountRange.objects.order_by("pk").values_list("pk", "first", "last")),
        list(InvestmentRow.objects.order_by("pk").values_list("pk", "name", "version")),
        list(InvestmentAccountRange.objects.order_by("pk").values_list("pk", "first", "last")),
        list(Dimension.objects.order_by("pk").values_list("pk", "kind")),
        list(
            KoladaSettings.objects.order_by("pk").values_list(
                "pk", "municipality_id", "comparison_ids"
            )
        ),
    )


POST_DATA = {
    "name": "Kapad",
    "code": "KAPAD",
    "unit_type": "1",
    "valid_from": "2024-01-01",
    "valid_to": "2024-01-01",
    "version": "1",
    "parent": "1",
    "user": "1",
    "group": "Kapad",
    "role": "admin",
    "unit": "1",
    "includes_subtree": "on",
    "email": "kapad@example.se",
    "first_name": "K",
    "last_name": "K",
    "username": "kapad",
    "password": "ett-langt-losenord-123",
    "order": "1",
    "is_active": "on",
    "plural": "K",
    # The fields of the later forms: texts, measures, documents, Kolada, risk scale.
    "text": "Kapad",
    "result": "Kapad",
    "introduction": "Kapad",
    "summary": "Kapad",
    "forord": "Kapad",
    "done": "on",
    "heading_colour": "#000000",
    "table_colour": "#000000",
    "municipality_id": "0180",
    "comparison_ids": "0000",
    "probability_labels": "A\nB",
    "consequence_labels": "A\nB",
    "risk_medium_from": "2",
    "risk_high_from": "3",
    "dokument": "delarsrapport",
    "format": "pdf",
    "heading": "Kapad",
    "eget-personal-text": "Kapad",
    "eget-personal-version": "0",
}


def methods(name: str) -> tuple[str, ...]:
    """Pages are walked with GET and POST; the API's routes with PUT and
    PATCH too."""
    return ("get", "post", "put", "patch") if name.startswith("api:") else ("get", "post")


def refused(name: str, method: str) -> set[int]:
    return API_WRITE_REFUSED if name.startswith("api:") and method != "get" else DENIED


def call(client, method: str, url: str, world=None):
    if method in {"put", "patch"} or (method == "post" and "/api/" in url and world):
        # A whole, well-formed write (a report's text, the version of a new
        # one, an item or values of the target), so that only the access
        # policy can refuse it.
        body = world["api_body"] if world else {"comment": "Kapad", "name": "Kapad"}
        return getattr(client, method)(
            url,
            json.dumps(body),
            content_type="application/json",
            HTTP_IF_MATCH='"0"' if method == "put" else '"1"',
        )
    return getattr(client, method)(url, POST_DATA if method == "post" else None)


def assert_no_data(response, world, name):
    body = response.content.decode("utf-8", "replace")
    for secret in (
        world["target"].name,
        "hemlig.chef@example.se",
        "Hemlig Chefsson",
        "Hemligt verksamhetsmål",
        "Hemligt övre mål",
        "Hemligt nyckeltal",
        "Hemligt dokument",
        "Hemlig prognos",
        "Hemlig åtgärd",
        "Hemlig nyckel",
    ):
        assert secret not in body, f"{name} visar {secret!r}"


def test_an_anonymous_visitor_is_sent_to_login_everywhere(client, world):
    before = snapshot()
    for name, url in urls_for(world):
        if name in PUBLIC:
            continue
        for method in methods(name):
            response = call(client, method, url)
            if name in PUBLISHED and method == "get":
                assert response.status_code == 200, (name, response.status_code)
                assert_no_data(response, world, name)
                continue
            response = call(client, method, url, world)
            assert response.status_code in DENIED, (name, method, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), (name, method)
            assert_no_data(response, world, name)
    assert snapshot() == before


def test_the_api_serves_nothing_unpublished_without_a_login(client, world):
    """Open data through the API: an occasion not published, and every
    snapshot of an organisation whose public page is off, answer 404 as what
    does not exist."""
    from styrhjul.public.models import PublicationSettings

    objects = world["objects"]
    unpublished = reverse("api:published_occasion", args=[objects["occasion"].pk])
    response = client.get(unpublished)
    assert response.status_code == 404
    assert_no_data(response, world, "api:published_occasion")
    urls = [url for name, url in urls_for(world) if name.startswith("api:published")]
    assert len(urls) == 4
    assert all(client.get(url).status_code == 200 for url in urls)
    PublicationSettings.objects.filter(organisation=world["org"]["kommun"]).update(
        public_page=False
    )
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert_no_data(response, world, url)


def test_a_user_without_grants_gets_nothing(client, world):
    client.force_login(UserFactory())
    before = snapshot()
    for name, url in urls_for(world):
        if name in PUBLIC or name in OWN_ACCOUNT:
            continue
        for method in methods(name):
            response = call(client, method, url, world)
            if name in PERSONAL and method == "get":
                # Personal pages open (the goal tree has no organisation to show).
                assert response.status_code in {200, 404}, name
            elif name in PUBLISHED and method == "get":
                assert response.status_code == 200, name
            else:
                assert response.status_code in refused(name, method), (
                    name,
                    method,
                    response.status_code,
                )
            assert_no_data(response, world, name)
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.MANAGER, Role.REPORTER, Role.READER, Role.MODEL_OWNER])
def test_a_grant_on_one_unit_does_not_reach_its_sibling(client, world, role):
    visitor = UserFactory()
    grant(visitor, world["own"], role)
    client.force_login(visitor)
    before = snapshot()
    for name, url in urls_for(world):
        if name in PUBLIC or name in OWN_ACCOUNT:
            continue
        for method in methods(name):
            response = call(client, method, url, world)
            if name in PERSONAL and method == "get":
                assert response.status_code in {200, 302}, name  # 302: to this year
            elif name in PUBLISHED and method == "get":
                assert response.status_code == 200, name
            elif name in STYRMODELL and method == "get":
                assert response.status_code in {200, 302}, name
            elif name in MODEL_ONLY and method == "get":
                assert response.status_code in DENIED | {200}, name
            elif name == "organisation:admin" and role == Role.MODEL_OWNER and method == "get":
                assert response.status_code == 200  # their own administration page
            elif (
                name
                in {
                    "organisation:import",
                    "organisation:import_template",
                    "organisation:unit_create",
                }
                and role == Role.MODEL_OWNER
            ):
                # Allowed pages whose every write is checked per unit.
                assert response.status_code in DENIED | {200}, (name, method)
            else:
                assert response.status_code in refused(name, method), (
                    name,
                    method,
                    response.status_code,
                )
            assert_no_data(response, world, name)
    assert snapshot() == before


def test_what_every_grant_in_the_organisation_reads(client, world):
    """Beyond the own part of the tree: the styrmodell, the årshjul and the
    goals of the governing bodies (a sibling of the nämnd), not their plans."""
    org = world["org"]
    council = Unit.objects.create(
        name="Kommunfullmäktige",
        code="KF",
        parent=org["kommun"],
        unit_type=UnitType.objects.get(name="Kommunfullmäktige"),
    )
    model = world["objects"]["model"]
    plan = services.plan_for(
        actor=access.SYSTEM, unit=council, plan_type=model.plan_types.get(name="Verksamhetsplan")
    )
    goal = services.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.GOAL,
        title="Fullmäktiges mål",
        level=model.levels.first(),
    )
    for role in (Role.MANAGER, Role.REPORTER, Role.READER, Role.MODEL_OWNER):
        visitor = UserFactory()
        grant(visitor, world["own"], role)
        client.force_login(visitor)
        for name, args in (
            ("model:year", [2025]),
            ("followup:year_wheel", [2025]),
            ("planning:item", [goal.pk]),
        ):
            assert client.get(reverse(name, args=args)).status_code == 200, (role, name)
        for name, args in (
            ("planning:plan", [plan.pk]),
            ("planning:unit_plans", [council.pk, 2025]),
            ("organisation:unit", [council.pk]),
        ):
            assert client.get(reverse(name, args=args)).status_code == 404, (role, name)


def test_a_department_head_follows_the_overview_of_their_part(client, world):
    occasion = world["objects"]["occasion"]
    url = reverse("followup:overview", args=[occasion.pk])
    for unit, role, status in (
        (world["org"]["forv"], Role.MANAGER, 200),
        (world["org"]["avd_a"], Role.MANAGER, 200),
        (world["own"], Role.MANAGER, 404),  # a unit without units below
        (world["org"]["forv"], Role.READER, 404),
    ):
        visitor = UserFactory()
        grant(visitor, unit, role)
        client.force_login(visitor)
        assert client.get(url).status_code == status, (unit, role)
