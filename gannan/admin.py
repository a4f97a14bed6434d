"""What the apps' admin pages share: the read-only page of a model written only through its services."""

from django.contrib import admin


class ReadOnly:
    """No add, change or delete here: the model is written through its services, which audit every write."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
