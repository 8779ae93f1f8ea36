"""Re-encrypt every credential under the newest vault key (the first of VAULT_KEYS), so older keys can be removed."""

from django.core.management.base import BaseCommand, CommandError

from integrations import vault


class Command(BaseCommand):
    help = (
        "Re-encrypt every credential under the newest vault key. Put the new key first in VAULT_KEYS, keep the old "
        "ones after it, run this, then remove the old keys."
    )

    def handle(self, *args, **options):
        try:
            result = vault.rotate(actor="rotate_vault_keys")
        except vault.VaultError as exc:
            raise CommandError(str(exc)) from None
        plural = "" if result.rotated == 1 else "s"
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {result.rotated} credential{plural} under the newest of {result.keys} key"
                f"{'' if result.keys == 1 else 's'} ({result.older} had been under an older key)."
            )
        )
        if result.keys > 1:
            self.stdout.write("Every credential now opens with the first key alone; the others can be removed.")
