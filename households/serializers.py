from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator

from gannan.api import ScopedPrimaryKeyField
from villages.models import Division, Level
from villages.scope import scope_filter

from .models import Household, HouseholdYear, Member, StatusChange, mask_id
from .services import HOUSEHOLD_FIELDS, MEMBER_FIELDS, SPAN_FIELDS, YEAR_FIELDS


class MemberSerializer(serializers.ModelSerializer):
    """A member as read. The ID number is masked unless the context says `full_ids`."""

    class Meta:
        model = Member
        fields = ["id", "household", *MEMBER_FIELDS, *SPAN_FIELDS]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("full_ids"):
            data["id_number"] = mask_id(instance.id_number)
        return data


class HouseholdSerializer(serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    members = MemberSerializer(many=True, read_only=True)
    status_then = serializers.CharField(read_only=True, default=None, help_text=_("以 ?year=Y 列出时：该年末的状态"))
    people_then = serializers.IntegerField(
        read_only=True, default=None, help_text=_("以 ?year=Y 列出时：该年末在户的人口")
    )

    class Meta:
        model = Household
        fields = [
            "id",
            *HOUSEHOLD_FIELDS,
            "village_name",
            "head_name",
            "member_count",
            "status",
            "version",
            "created_at",
            "updated_at",
            "members",
            "status_then",
            "people_then",
        ]
        read_only_fields = fields


class MemberWriteSerializer(serializers.ModelSerializer):
    """A member as written. `id` names an existing member to keep.

    A member who leaves gets `left_on` and `leave_reason` and stays; one left out is
    deleted as an entry mistake, which needs the household's `correction`.
    """

    id = serializers.IntegerField(required=False, help_text=_("已有成员的编号；新成员不填"))
    # Checked and normalised by the service (full-width digits, lowercase x), so wider than 18 here.
    id_number = serializers.CharField(max_length=32)

    class Meta:
        model = Member
        fields = ["id", *MEMBER_FIELDS, *SPAN_FIELDS]
        extra_kwargs = {"sex": {"required": False}, "birth_date": {"required": False}, "joined_on": {"required": False}}


class HouseholdWriteSerializer(serializers.ModelSerializer):
    village = ScopedPrimaryKeyField(
        queryset=Division.objects.filter(level=Level.VILLAGE).select_related("parent"),
        scope_path="code",
        help_text=_("所在村的12位区划代码"),
        error_messages={"does_not_exist": _("没有区划代码为 {pk_value} 的村。")},
    )
    members = MemberWriteSerializer(many=True, help_text=_("全体家庭成员；修改时不填表示成员不变"))
    identified_on = serializers.DateField(
        required=False, write_only=True, help_text=_("申请日期（新识别程序启动日期），默认今天")
    )
    version = serializers.IntegerField(required=False, help_text=_("修改时必填：读取时的版本号"))
    correction = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        write_only=True,
        help_text=_("更正原因：删除录入错误的成员时必填（成员离开请填离开日期和原因）"),
    )

    class Meta:
        model = Household
        fields = [*HOUSEHOLD_FIELDS, "members", "identified_on", "version", "correction"]
        # A new household's number may be left empty: the service gives it the village's next one.
        extra_kwargs = {
            "code": {
                "required": False,
                "allow_blank": True,
                "help_text": _(
                    "村的 12 位区划代码加 4 位顺序号，如 6230211002010001；留空则按本村下一个顺序号自动编号。"
                ),
            }
        }

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["members"].required = False
            fields["version"].required = True
            del fields["identified_on"]
        return fields

    def validate(self, attrs):
        # Required on PATCH too: a change without the version it was read at could overwrite someone else's.
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": [_("请提供读取时的版本号（version）。")]})
        return attrs


class ScopedHouseholdField(serializers.PrimaryKeyRelatedField):
    """A household of the caller's region; any other answers as if it did not exist."""

    default_error_messages = {"does_not_exist": _("贫困户 {pk_value} 不存在或不在您的管辖范围内。")}

    def get_queryset(self):
        return scope_filter(Household.objects.select_related("village"), self.context["request"].user, "village_id")


class HouseholdYearSerializer(serializers.ModelSerializer):
    household = ScopedHouseholdField(queryset=Household.objects.all())
    household_code = serializers.CharField(source="household.code", read_only=True)

    class Meta:
        model = HouseholdYear
        fields = ["id", "household", "household_code", "year", *YEAR_FIELDS, "version"]
        read_only_fields = ["version"]
        validators = [
            UniqueTogetherValidator(
                queryset=HouseholdYear.objects.all(),
                fields=["household", "year"],
                message=_("该户该年度的记录已经录入，请修改原记录。"),
            )
        ]


class HouseholdYearUpdateSerializer(HouseholdYearSerializer):
    """A change of a record read at `version`: refused (409) when someone else saved it since."""

    household = ScopedHouseholdField(read_only=True)
    version = serializers.IntegerField(help_text=_("读取时的版本号"))

    class Meta(HouseholdYearSerializer.Meta):
        read_only_fields = ["year"]
        validators: list = []

    def validate(self, attrs):
        # Required on PATCH too, as for households.
        if "version" not in attrs:
            raise serializers.ValidationError({"version": [_("请提供读取时的版本号（version）。")]})
        return attrs


class StatusChangeSerializer(serializers.ModelSerializer):
    household = ScopedHouseholdField(queryset=Household.objects.all())
    household_code = serializers.CharField(source="household.code", read_only=True)
    by: serializers.StringRelatedField[Any] = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "household",
            "household_code",
            "status",
            "date",
            "reason",
            "previous_status",
            "ended_on",
            "sequence",
            "by",
            "created_at",
        ]
        read_only_fields = ["previous_status", "ended_on", "sequence", "created_at"]
