from django.contrib import admin

from .models import Division, VillageYear


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin[Division]):
    list_display = ["code", "name", "level", "parent", "is_poor_village", "poor_listed_year", "poor_exit_year"]
    list_filter = ["level", "is_poor_village", "poor_exit_year"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(VillageYear)
class VillageYearAdmin(admin.ModelAdmin[VillageYear]):
    list_display = ["village", "year", "rural_population"]
    list_filter = ["year"]
    search_fields = ["village__code", "village__name"]
    list_select_related = ["village"]
    autocomplete_fields = ["village"]
