from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator

from gannan.api import ScopedPrimaryKeyField

from .models import VILLAGE_ITEMS, Division, Level, VillageYear


class DivisionSerializer(serializers.ModelSerializer[Division]):
    class Meta:
        model = Division
        fields = ["code", "name", "level", "parent", "is_poor_village", "poor_listed_year", "poor_exit_year"]


class VillageYearSerializer(serializers.ModelSerializer[VillageYear]):
    village = ScopedPrimaryKeyField(
        queryset=Division.objects.filter(level=Level.VILLAGE),
        scope_path="code",
        help_text=_("村的12位区划代码"),
        error_messages={"does_not_exist": _("没有区划代码为 {pk_value} 的村。")},
    )
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = VillageYear
        fields = [
            "id",
            "village",
            "village_name",
            "year",
            "rural_population",
            *[name for name, _label in VILLAGE_ITEMS],
        ]
        validators = [
            UniqueTogetherValidator(
                queryset=VillageYear.objects.all(),
                fields=["village", "year"],
                message=_("该村该年度的村情数据已经录入，请修改原记录。"),
            )
        ]


class VillageYearUpdateSerializer(VillageYearSerializer):
    """The same record, changed in place: its village and year stay."""

    village = ScopedPrimaryKeyField(read_only=True, scope_path="code")

    class Meta(VillageYearSerializer.Meta):
        read_only_fields = ["year"]
        validators: list[UniqueTogetherValidator] = []
