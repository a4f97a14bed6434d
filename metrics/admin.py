from django.contrib import admin

from .models import ExitTarget


@admin.register(ExitTarget)
class ExitTargetAdmin(admin.ModelAdmin[ExitTarget]):
    list_display = ["division", "year", "target_population"]
    list_filter = ["year", "division__level"]
    list_editable = ["target_population"]
    search_fields = ["division__code", "division__name"]
    raw_id_fields = ["division"]
