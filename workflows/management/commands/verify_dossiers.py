"""Check that every sealed exit dossier still hashes to its seal (§6.1)."""

from django.core.management.base import BaseCommand, CommandError

from workflows.dossier import dossier_verify
from workflows.models import Dossier


class Command(BaseCommand):
    help = "Verify the SHA-256 of every sealed exit dossier; exits with an error when one was altered."

    def handle(self, *args, **options):
        bad, total = [], 0
        for dossier in Dossier.objects.order_by("id").iterator(chunk_size=500):
            total += 1
            if not dossier_verify(dossier):
                bad.append(dossier.case_id)
        for case_id in bad:
            self.stderr.write(f"case {case_id}: dossier content does not match its seal")
        if bad:
            raise CommandError(f"{len(bad)} of {total} dossiers fail verification")
        self.stdout.write(f"{total} dossiers verified")
