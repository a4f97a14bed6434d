from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Standard(models.TextChoices):
    NATIONAL = "national", _("国家标准")
    PROVINCIAL = "provincial", _("省定标准")
    MUNICIPAL = "municipal", _("市定标准")


class Attribute(models.IntegerChoices):
    GENERAL = 1, _("一般贫困户")
    DIBAO = 2, _("低保贫困户")
    WUBAO = 3, _("五保贫困户")


class Cause(models.IntegerChoices):
    ILLNESS = 1, _("因病")
    DISABILITY = 2, _("因残")
    SCHOOLING = 3, _("因学")
    DISASTER = 4, _("因灾")
    LACK_LAND = 5, _("缺土地")
    LACK_WATER = 6, _("缺水")
    LACK_SKILLS = 7, _("缺技术")
    LACK_LABOUR = 8, _("缺劳力")
    LACK_CAPITAL = 9, _("缺资金")
    POOR_TRANSPORT = 10, _("交通条件落后")
    LACK_DRIVE = 11, _("自身发展动力不足")
    MARRIAGE = 12, _("因婚")
    FUNERAL = 13, _("因丧")
    OTHER = 99, _("其他")


class HousingGrade(models.TextChoices):
    A = "A", _("A级（安全）")
    B = "B", _("B级（基本安全）")
    C = "C", _("C级危房")
    D = "D", _("D级危房")


class Status(models.TextChoices):
    """A household's status on the register (the national system's colours)."""

    IDENTIFIED = "identified", _("未脱贫")
    EXITED_STABLE = "exited_stable", _("稳定脱贫")
    EXITED_CONSOLIDATING = "exited_consolidating", _("巩固提升")
    RETURNED = "returned", _("返贫")
    REMOVED = "removed", _("清退")
    DISSOLVED = "dissolved", _("自然减少")


POOR_STATUSES = (Status.IDENTIFIED, Status.RETURNED)
EXITED_STATUSES = (Status.EXITED_STABLE, Status.EXITED_CONSOLIDATING)
# A household in one of these has left the register; its members may be registered elsewhere.
CLOSED_STATUSES = (Status.REMOVED, Status.DISSOLVED)


class Household(models.Model):
    """A registered poor household (建档立卡户): one file and one card."""

    code = models.CharField(_("户编号"), max_length=32, unique=True)
    village = models.ForeignKey(
        "villages.Division",
        verbose_name=_("所在村"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": "village"},
    )
    standard = models.CharField(_("识别标准"), max_length=16, choices=Standard.choices, default=Standard.NATIONAL)
    attribute = models.PositiveSmallIntegerField(_("贫困户属性"), choices=Attribute.choices, default=Attribute.GENERAL)
    main_cause = models.PositiveSmallIntegerField(_("主要致贫原因"), choices=Cause.choices)
    secondary_causes = models.JSONField(_("其他致贫原因"), default=list, blank=True)
    identified_year = models.PositiveSmallIntegerField(_("识别年度"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    housing_grade = models.CharField(
        _("住房安全等级"), max_length=1, choices=HousingGrade.choices, default=HousingGrade.B
    )
    safe_water = models.BooleanField(_("饮水安全"), default=True)
    cadre_name = models.CharField(_("帮扶责任人"), max_length=32, blank=True)
    cadre_unit = models.CharField(_("帮扶单位"), max_length=64, blank=True)
    cadre_phone = models.CharField(_("帮扶责任人电话"), max_length=20, blank=True)
    # Kept by the services from the members and the status history, so that
    # metrics can group and sum without joining members or scanning history.
    head_name = models.CharField(_("户主"), max_length=32, blank=True)
    member_count = models.PositiveSmallIntegerField(_("家庭人口"), default=0)
    status = models.CharField(_("当前状态"), max_length=24, choices=Status.choices, blank=True)
    # Optimistic locking: a save carries the version it was read at.
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("贫困户")
        verbose_name_plural = _("贫困户")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.head_name}"

    @property
    def is_dangerous_house(self) -> bool:
        return self.housing_grade in (HousingGrade.C, HousingGrade.D)


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("子")
    DAUGHTER = "daughter", pgettext_lazy("relation to household head", "女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Ethnicity(models.TextChoices):
    TIBETAN = "tibetan", _("藏族")
    HAN = "han", _("汉族")
    HUI = "hui", _("回族")
    TU = "tu", _("土族")
    DONGXIANG = "dongxiang", _("东乡族")
    OTHER = "other", _("其他民族")


class Education(models.TextChoices):
    PRESCHOOL = "preschool", _("学龄前儿童")
    ILLITERATE = "illiterate", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    COLLEGE = "college", _("大专及以上")


class StudentStatus(models.TextChoices):
    IN_SCHOOL = "in_school", _("在校生")
    DROPPED_OUT = "dropped_out", _("辍学")
    NOT_SCHOOL_AGE = "not_school_age", _("非在校生")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("长期慢性病")
    SERIOUS = "serious", _("患有大病")
    DISABLED = "disabled", _("残疾")


class Labour(models.TextChoices):
    SKILLED = "skilled", _("技能劳动力")
    ORDINARY = "ordinary", _("普通劳动力")
    WEAK = "weak", _("弱劳动力或半劳动力")
    UNABLE = "unable", _("丧失劳动力")
    NONE = "none", _("无劳动力")


LABOUR_CAPABLE = (Labour.SKILLED, Labour.ORDINARY, Labour.WEAK)


class JoinReason(models.TextChoices):
    """Why a member joined after the household was identified (blank: in the household when identified)."""

    REGISTERED = "", _("建档时在户")
    BIRTH = "birth", _("出生")
    MARRIAGE_IN = "marriage_in", _("婚入")
    MOVED_IN = "moved_in", _("迁入")
    SPLIT = "split", _("分户")
    MERGE = "merge", _("合户")
    OTHER = "other", _("其他")


class LeaveReason(models.TextChoices):
    DEATH = "death", _("死亡")
    MARRIAGE_OUT = "marriage_out", _("婚出")
    MOVED_OUT = "moved_out", _("迁出")
    SPLIT = "split", _("分户")
    MERGE = "merge", _("合户")
    OTHER = "other", _("其他")


class Member(models.Model):
    """A member of a household (家庭成员); exactly one is the head."""

    household = models.ForeignKey(Household, verbose_name=_("贫困户"), on_delete=models.CASCADE, related_name="members")
    # The household's village, copied as on status changes (kept by every writer and by a move): the county a
    # distributed register would shard this row by (docs/SCALING.md); read by the household, so not indexed.
    village = models.ForeignKey(
        "villages.Division", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    name = models.CharField(_("姓名"), max_length=32)
    id_number = models.CharField(_("证件号码"), max_length=18, db_index=True)
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=16, choices=Ethnicity.choices, default=Ethnicity.TIBETAN)
    education = models.CharField(_("文化程度"), max_length=16, choices=Education.choices, blank=True)
    student_status = models.CharField(
        _("在校生状况"), max_length=16, choices=StudentStatus.choices, default=StudentStatus.NOT_SCHOOL_AGE
    )
    health = models.CharField(_("健康状况"), max_length=16, choices=Health.choices, default=Health.HEALTHY)
    labour = models.CharField(_("劳动技能"), max_length=16, choices=Labour.choices, default=Labour.ORDINARY)
    migrant_months = models.PositiveSmallIntegerField(_("务工时间（月）"), default=0)
    medical_insurance = models.BooleanField(_("参加新农合/大病保险"), default=True)
    pension = models.BooleanField(_("参加养老保险"), default=False)
    dibao = models.BooleanField(_("享受低保"), default=False)
    # The member's span on the register (register.md): present at the end of Y when
    # joined_on <= 31 Dec Y and (left_on is null or left_on > 31 Dec Y).
    joined_on = models.DateField(_("加入日期"))
    join_reason = models.CharField(_("加入原因"), max_length=16, choices=JoinReason.choices, blank=True)
    left_on = models.DateField(_("离开日期"), null=True, blank=True)
    leave_reason = models.CharField(_("离开原因"), max_length=16, choices=LeaveReason.choices, blank=True)
    span_note = models.CharField(_("变动说明"), max_length=200, blank=True)
    # Kept by the services: the household has left the register (清退 or 自然减少), so
    # this person may be registered in another household (one person, one household).
    household_closed = models.BooleanField(_("所在户已退出"), default=False)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(relation="head", left_on__isnull=True),
                name="one_head_per_household",
            ),
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(left_on__isnull=True, household_closed=False),
                name="one_household_per_person",
            ),
        ]
        indexes = [models.Index(fields=["household", "joined_on", "left_on"], name="member_span")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)


def present_on(day: date) -> models.Q:
    """Members present on `day` (register.md): joined on or before it and not yet left (left_on empty or later)."""
    return models.Q(joined_on__lte=day) & (models.Q(left_on__isnull=True) | models.Q(left_on__gt=day))


def mask_id(id_number: str) -> str:
    """First 6 and last 4 characters shown: 623021********1234."""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


class HouseholdYear(models.Model):
    """A household's income and 两不愁三保障 checks for one year."""

    household = models.ForeignKey(Household, verbose_name=_("贫困户"), on_delete=models.CASCADE, related_name="years")
    # The household's village, copied as on status changes (kept by every writer and by a move): the county a
    # distributed register would shard this row by (docs/SCALING.md); read by the household, so not indexed.
    village = models.ForeignKey(
        "villages.Division", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    # Not stored: set by selectors.household_file for the household page.
    poverty_line: Decimal | None
    above_line: bool
    # Per-capita net income, yuan per person per year, and its four parts.
    income_per_capita = models.DecimalField(_("人均纯收入（元）"), max_digits=10, decimal_places=2)
    income_wages = models.DecimalField(
        _("工资性收入（人均，元）"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    income_production = models.DecimalField(
        _("生产经营性收入（人均，元）"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    income_property = models.DecimalField(
        _("财产性收入（人均，元）"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    income_transfer = models.DecimalField(
        _("转移性收入（人均，元）"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    enough_food = models.BooleanField(_("不愁吃"), default=False)
    enough_clothing = models.BooleanField(_("不愁穿"), default=False)
    education_secured = models.BooleanField(_("义务教育有保障"), default=False)
    medical_secured = models.BooleanField(_("基本医疗有保障"), default=False)
    housing_secured = models.BooleanField(_("住房安全有保障"), default=False)
    # Bumped by every change: a change read at an older version is refused (services.household_year_save).
    # A database default too: the bulk writers (imports, demo) insert rows without naming it.
    version = models.PositiveIntegerField(_("版本"), default=1, db_default=1)

    class Meta:
        verbose_name = _("年度收入与两不愁三保障")
        verbose_name_plural = _("年度收入与两不愁三保障")
        ordering = ["household_id", "year"]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="household_year_unique")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


# The five checks of 两不愁三保障, in order, as (field, label).
GUARANTEE_CHECKS = [
    ("enough_food", _("不愁吃")),
    ("enough_clothing", _("不愁穿")),
    ("education_secured", _("义务教育有保障")),
    ("medical_secured", _("基本医疗有保障")),
    ("housing_secured", _("住房安全有保障")),
]


class StatusChange(models.Model):
    """One entry of a household's status history.

    The services keep the chain: `ended_on` is the date of the next change
    (null for the current one), `previous_status` the status before, and
    `sequence` the position (0 = first identification). A household's status
    at the end of year Y is the change with `date <= Y-12-31` and
    (`ended_on` null or `> Y-12-31`): one range filter, groupable in SQL.
    """

    household = models.ForeignKey(
        Household, verbose_name=_("贫困户"), on_delete=models.CASCADE, related_name="status_changes"
    )
    # The household's village, copied (kept by every writer and by a move), so a region's changes are a range
    # of this column's index without a join through the households (and the county's rows one shard's).
    village = models.ForeignKey(
        "villages.Division", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.CharField(_("状态"), max_length=24, choices=Status.choices)
    date = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    ended_on = models.DateField(_("截止日期"), null=True, blank=True)
    previous_status = models.CharField(_("原状态"), max_length=24, choices=Status.choices, blank=True)
    sequence = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["household_id", "date", "id"]
        indexes = [
            models.Index(fields=["date", "ended_on"], name="status_change_span"),
            models.Index(fields=["status", "date"], name="status_change_flow"),
            models.Index(fields=["village", "status", "date", "ended_on"], name="status_change_village"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.status} {self.date}"


class PovertyLine(models.Model):
    """The poverty line of a year, yuan per person per year (current prices)."""

    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    amount = models.DecimalField(_("贫困线（元/人·年）"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("贫困线")
        verbose_name_plural = _("贫困线")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"
