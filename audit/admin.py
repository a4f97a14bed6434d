from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, object_type_label


class ObjectTypeFilter(admin.SimpleListFilter):
    """The object types present, by their Chinese names."""

    title = _("对象类型")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        types = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
        return sorted(((t, object_type_label(t)) for t in types), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by the services and never edited."""

    list_display = ["at", "user", "action", "object_type_shown", "object_id", "household_code", "summary"]
    list_filter = ["action", ObjectTypeFilter]
    search_fields = ["household_code", "region_code", "summary", "batch", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "at"

    @admin.display(description=_("对象类型"), ordering="object_type")
    def object_type_shown(self, entry: AuditEntry) -> str:
        return entry.object_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
