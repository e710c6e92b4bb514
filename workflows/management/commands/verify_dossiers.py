"""Check that every sealed exit dossier still hashes to its seal (§6.1), and with --files that the
evidence files still match the SHA-256 recorded in the sealed content."""

import hashlib

from django.core.management.base import BaseCommand, CommandError

from workflows.dossier import dossier_verify
from workflows.models import Attachment, Dossier


def _file_ok(attachment: Attachment, expected: str) -> bool:
    digest = hashlib.sha256()
    try:
        with attachment.file.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == expected


class Command(BaseCommand):
    help = "Verify the SHA-256 of every sealed exit dossier; exits with an error when one was altered."

    def add_arguments(self, parser):
        parser.add_argument("--files", action="store_true", help="Also re-hash the evidence files.")

    def handle(self, *args, **options):
        bad, total = [], 0
        for dossier in Dossier.objects.order_by("id").iterator(chunk_size=500):
            total += 1
            if not dossier_verify(dossier):
                bad.append(f"case {dossier.case_id}: dossier content does not match its seal")
                continue
            if options["files"]:
                sealed = {a["id"]: a["sha256"] for a in dossier.content.get("attachments", [])}
                for attachment in Attachment.objects.filter(pk__in=sealed):
                    if not _file_ok(attachment, sealed[attachment.pk]):
                        bad.append(f"case {dossier.case_id}: evidence file {attachment.name} was altered or lost")
        for line in bad:
            self.stderr.write(line)
        if bad:
            raise CommandError(f"{len(bad)} problems in {total} dossiers")
        self.stdout.write(f"{total} dossiers verified")
