from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "数据质量"

    def ready(self) -> None:
        from households.checks import IMPORT_CHECKS

        from . import hooks

        hooks.connect()
        IMPORT_CHECKS.append(hooks.import_check)
