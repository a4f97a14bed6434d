"""Admin pages of the division tree: read-only, so that no write bypasses villages/services.py.

The tree is loaded from the official file (`divisions_load`); villages and their
yearly facts come through the village import, the pages and the API, which audit them.
"""

from django.contrib import admin

from gannan.admin import ReadOnlyAdmin

from .models import Division, VillageYear


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent", "is_poor_village", "poor_listed_year", "poor_exit_year"]
    list_filter = ["level", "is_poor_village", "poor_exit_year"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(VillageYear)
class VillageYearAdmin(ReadOnlyAdmin):
    list_display = ["village", "year", "rural_population"]
    list_filter = ["year"]
    search_fields = ["village__code", "village__name"]
    list_select_related = ["village"]
    autocomplete_fields = ["village"]
