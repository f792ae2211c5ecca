"""`styrhjul prune-documents [--dry-run]`: remove generated document files
that the retention rule no longer keeps (documents/retention.py)."""

from django.core.management.base import BaseCommand

from styrhjul.documents import retention


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB".replace(".", ",")
    return f"{-(-n // 1000)} kB"


class Command(BaseCommand):
    help = (
        "Gallrar skapade dokument: behåller det senaste av varje dokument, format, enhet och "
        "uppföljning, allt nyare än STYRHJUL_DOCUMENT_KEEP_DAYS dagar, nedladdade och "
        "sparade (publicerade); tar bort resten. Med --dry-run räknas bara vad som skulle tas bort."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="ta inte bort något, skriv bara hur många dokument som skulle tas bort",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        result = retention.prune(dry_run=dry_run)
        if dry_run:
            text = (
                f"Skulle ta bort {result.documents} dokument ({_size(result.size)}). "
                "Inget togs bort (--dry-run)."
            )
        else:
            text = f"Tog bort {result.documents} dokument ({_size(result.size)})."
        if options["verbosity"]:
            self.stdout.write(text)
