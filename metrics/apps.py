from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(*, using: str = "default", verbosity: int = 1, **kwargs: Any) -> None:
    """After every `migrate`: the database cache's table (settings.CACHES), so no deployment runs without it."""
    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))


class MetricsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "metrics"
    verbose_name = _("统计指标")

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="metrics.create_cache_table")
