"""App configuration for governance."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "tiaki.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from tiaki.governance import crypto

        # Tests swap keys with override_settings; the cached keyring must follow.
        setting_changed.connect(crypto.reset_keyring_on_change)

        from tiaki.governance import retention

        # Records under a retention policy are encrypted with their period's key (crypto-shredding).
        retention.install_key_chooser()

        from tiaki.governance import rules  # noqa: F401 - registers policy rules
