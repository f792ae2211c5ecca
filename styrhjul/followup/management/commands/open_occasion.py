"""`styrhjul open-occasion --occasion ID_ELLER_NAMN`: open an occasion, which
creates the reporting tasks (followup.services.occasion_open), as "Öppna" on
the year wheel."""

from styrhjul.followup import services
from styrhjul.followup.lookup import occasion_for
from styrhjul.organisation.commands import YearCommand


class Command(YearCommand):
    help = (
        "Öppnar ett uppföljningstillfälle: enheterna får sina uppgifter. Kan köras igen; "
        "bara det som saknas skapas."
    )
    takes_organisation = False

    def arguments(self, parser):
        parser.add_argument(
            "--occasion",
            required=True,
            metavar="ID_ELLER_NAMN",
            help="Uppföljningstillfällets id eller namn med år, t.ex. ”Delårsrapport 2026”.",
        )

    def run(self, **options):
        occasion = occasion_for(self.actor, options["occasion"])
        self.refused = f"öppna uppföljningstillfället {occasion.title}"
        tasks = services.occasion_open(actor=self.actor, occasion=occasion)
        self.done(
            f"Uppföljningstillfället ”{occasion.title}” är öppnat: {len(tasks)} nya uppgifter.",
            {"id": occasion.pk, "name": occasion.title, "tasks_created": len(tasks)},
        )
