from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("用户与权限")


class LoginLockoutConfig(AxesAppConfig):  # type: ignore[misc]  # django-axes has no type hints
    """django-axes (failed logins and lockouts) under a Chinese name: it has no Chinese catalogue of its own."""

    verbose_name = _("登录失败与锁定")
    names = {
        "AccessAttempt": _("登录失败记录"),
        "AccessFailureLog": _("登录失败日志"),
        "AccessLog": _("登录日志"),
        "AccessAttemptExpiration": _("锁定到期时间"),
    }

    def ready(self) -> None:
        super().ready()
        for name, label in self.names.items():
            meta = self.get_model(name)._meta
            meta.verbose_name = meta.verbose_name_plural = label
