from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User

admin.site.site_header = _("甘南州精准扶贫大数据平台 · 系统管理")
admin.site.site_title = _("系统管理")
admin.site.index_title = _("用户、区划、档案与审计")


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    """Admins set each user's role and division here; API tokens are under 认证令牌."""

    list_display = ["username", "last_name", "first_name", "role", "division", "is_active", "last_login"]
    list_filter = ["role", "is_active", "division__level"]
    search_fields = ["username", "first_name", "last_name", "division__name", "division__code"]
    list_select_related = ["division"]
    autocomplete_fields = ["division"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("角色与区划"), {"fields": ["role", "division"]}),
        (_("个人信息"), {"fields": ["last_name", "first_name", "email"]}),
        (_("状态"), {"fields": ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2", "role", "division"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
