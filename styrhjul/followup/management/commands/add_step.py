"""`styrhjul add-step --occasion ID_ELLER_NAMN --name RUBRIK [--level ENHETSTYP]
--start DATUM --deadline DATUM`: a step of an occasion, who reports when
(followup.services.step_save). Without --level, a milestone (nämnden
beslutar)."""

from styrhjul.core.commandline import date
from styrhjul.followup import services
from styrhjul.followup.lookup import occasion_for
from styrhjul.followup.models import OccasionStep
from styrhjul.model.commands import unit_type
from styrhjul.organisation.commands import YearCommand


class Command(YearCommand):
    help = (
        "Lägger till ett steg i ett uppföljningstillfälle: vilken nivå som rapporterar och "
        "när (startdatum och tidsfrist), eller en milstolpe utan nivå."
    )
    refused = "ändra årshjulet"
    takes_organisation = False
    argument_of = {
        "name": "--name",
        "unit_type": "--level",
        "start": "--start",
        "deadline": "--deadline",
    }

    def arguments(self, parser):
        parser.add_argument(
            "--occasion",
            required=True,
            metavar="ID_ELLER_NAMN",
            help="Uppföljningstillfällets id eller namn med år, t.ex. ”Delårsrapport 2026”.",
        )
        parser.add_argument(
            "--name", required=True, metavar="RUBRIK", help="T.ex. ”Enhetschefer rapporterar”."
        )
        parser.add_argument(
            "--level",
            metavar="ENHETSTYP",
            help="Enhetstypen som rapporterar, t.ex. Enhet. Utan: en milstolpe.",
        )
        parser.add_argument("--start", required=True, metavar="ÅÅÅÅ-MM-DD", help="Startdatum.")
        parser.add_argument("--deadline", required=True, metavar="ÅÅÅÅ-MM-DD", help="Tidsfrist.")

    def run(self, **options):
        occasion = occasion_for(self.actor, options["occasion"])
        self.refused = f"ändra uppföljningstillfället {occasion.title}"
        step = OccasionStep(
            occasion=occasion,
            name=options["name"],
            unit_type=unit_type(options["level"], "--level") if options.get("level") else None,
            start=date(options["start"], "--start"),
            deadline=date(options["deadline"], "--deadline"),
        )
        services.step_save(actor=self.actor, step=step)
        self.done(
            f"Steget ”{step.name}” är skapat i ”{occasion.title}” (id {step.pk}).",
            {
                "id": step.pk,
                "occasion": occasion.pk,
                "name": step.name,
                "level": step.unit_type.name if step.unit_type else None,
                "start": step.start,
                "deadline": step.deadline,
            },
        )
