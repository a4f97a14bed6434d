"""The catalogue of 疑点 rules (逻辑校验): each one query over the register returning who breaks it.

A rule's query returns household rows or member rows (its `subject`); the
engine (services.py) turns every rule into the same three columns and asks
the database for all of them in one UNION, so a run is a handful of scans of
the register, never a Python loop over households. Codes are stable: they are
stored with each 疑点, named in the API, and listed on the catalogue page.

Ages, schooling and the yearly record are read at the end of the register's
latest year (the reference year, `Context`): the year under review, the one a
county is about to close.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Replace, Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from funds.selectors import cause_measure_gap_filter
from households.models import (
    EXITED_STATUSES,
    POOR_STATUSES,
    Attribute,
    Cause,
    Education,
    Health,
    Household,
    HouseholdYear,
    HousingGrade,
    Labour,
    Member,
    PovertyLine,
    Relation,
    Sex,
    Status,
    StatusChange,
    StudentStatus,
)

from .models import Severity

# Households no longer on the register: their data are no one's worklist.
OFF_REGISTER = (Status.REMOVED, Status.DISSOLVED)
ODD_DIGITS = ["1", "3", "5", "7", "9"]
EVEN_DIGITS = ["0", "2", "4", "6", "8"]
ABLE = (Labour.SKILLED, Labour.ORDINARY)
DANGEROUS = (HousingGrade.C, HousingGrade.D)
# Migrant work of this many months or more (one member) brings some wage income.
MIGRANT_MONTHS_WITH_WAGES = 3
# A household still poor with an income above this many poverty lines was probably wrongly identified.
IMPLAUSIBLE_LINES = 3


@dataclass(frozen=True)
class Context:
    """What every rule of one run reads alike: the reference year and its last day, the poverty lines."""

    year: int

    @cached_property
    def lines(self) -> dict[int, Decimal]:
        return dict(PovertyLine.objects.values_list("year", "amount"))

    def line_of(self, year_field: str) -> Case:
        """The poverty line of the year in `year_field`, as a CASE over the few lines: a lookup per row
        (a subquery) cost PostgreSQL seconds over 400,000 yearly records."""
        whens = [When(**{year_field: year}, then=Value(amount)) for year, amount in self.lines.items()]
        return Case(*whens, default=Value(None), output_field=DecimalField(max_digits=8, decimal_places=2))

    @property
    def day(self) -> date:
        return date(self.year, 12, 31)

    def turned(self, age: int) -> date:
        """Born on or before this date: `age` or older at the end of the year; after it: younger."""
        return date(self.year - age, 12, 31)


def context() -> Context:
    """The reference year: the latest year with a yearly record (this year on an empty register)."""
    latest = HouseholdYear.objects.order_by("-year").values_list("year", flat=True).first()
    return Context(year=latest or timezone.localdate().year)


@dataclass(frozen=True)
class Rule:
    code: str
    group: Promise
    severity: str
    subject: str  # "household" or "member": what the query returns
    fix: str  # the form that fixes it: "household", "year" (the reference year's record), "status", "measure"
    message: Promise
    why: Promise
    query: Callable[[Context], QuerySet]

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)


# --- the rows rules start from ----------------------------------------------------------------


def _households() -> QuerySet[Household]:
    return Household.objects.exclude(status__in=OFF_REGISTER)


def _present_members() -> QuerySet[Member]:
    """The members every member rule checks: those of households on the register.

    One place on purpose: once members carry their span (joined_on/left_on),
    only those present are checked, and this is the line that says so.
    """
    return Member.objects.exclude(household__status__in=OFF_REGISTER).filter(left_on__isnull=True)


def _members_of_household(**conditions) -> QuerySet[Member]:
    """A household's present members meeting `conditions`, for Exists() in a household rule."""
    return _present_members().filter(household=OuterRef("pk"), **conditions)


def _able_working_age(ctx: Context) -> Q:
    return Q(labour__in=ABLE, birth_date__lte=ctx.turned(16), birth_date__gt=ctx.turned(60))


def _record(ctx: Context, **conditions) -> QuerySet[HouseholdYear]:
    """The household's record of the reference year, for Exists() in a household rule."""
    return HouseholdYear.objects.filter(household=OuterRef("pk"), year=ctx.year, **conditions)


def _record_of_member_household(ctx: Context, **conditions) -> QuerySet[HouseholdYear]:
    return HouseholdYear.objects.filter(household=OuterRef("household_id"), year=ctx.year, **conditions)


def _current_exits() -> QuerySet[StatusChange]:
    """The exit (a change from poor to exited) of each household now exited: its last one, with its year.

    Read from the status history in one pass with an anti-join, not a
    subquery per household.
    """
    exits = StatusChange.objects.filter(status__in=EXITED_STATUSES, previous_status__in=POOR_STATUSES)
    later = exits.filter(household=OuterRef("household_id"), date__gt=OuterRef("date"))
    qs = exits.filter(household__status__in=EXITED_STATUSES).exclude(household__status__in=OFF_REGISTER)
    return qs.filter(~Exists(later)).annotate(exit_year=_year_of("date"))


def _exit_record() -> QuerySet[HouseholdYear]:
    return HouseholdYear.objects.filter(household=OuterRef("household_id"), year=OuterRef("exit_year"))


def _id_digit(position: int):
    return Substr("id_number", position, 1)


# --- identity ---------------------------------------------------------------------------------


def _id_sex(ctx: Context) -> QuerySet:
    qs = _present_members().annotate(d17=_id_digit(17))
    return qs.filter(Q(sex=Sex.MALE, d17__in=EVEN_DIGITS) | Q(sex=Sex.FEMALE, d17__in=ODD_DIGITS))


def _id_relation(ctx: Context) -> QuerySet:
    qs = _present_members().annotate(d17=_id_digit(17))
    return qs.filter(Q(relation=Relation.SON, d17__in=EVEN_DIGITS) | Q(relation=Relation.DAUGHTER, d17__in=ODD_DIGITS))


def _iso_text(field: str) -> Cast:
    """A date as its ISO text (YYYY-MM-DD) on both databases.

    String functions on it stay in SQL: SQLite's EXTRACT is a Python function
    called once per row, which made one rule over the members take seconds.
    """
    return Cast(field, CharField())


def _year_of(field: str) -> Cast:
    return Cast(Substr(_iso_text(field), 1, 4), IntegerField())


def _id_birth(ctx: Context) -> QuerySet:
    born = Replace(_iso_text("birth_date"), Value("-"), Value(""))
    return _present_members().annotate(id_born=Substr("id_number", 7, 8), born=born).exclude(id_born=F("born"))


def _person_key() -> Concat:
    """Name, birth date and sex: the same person registered again under another ID number.

    The same ID number cannot be present in two households (the database refuses it), so a
    duplicate that gets in is a person whose number was mistyped or replaced.
    """
    return Concat("name", Value("|"), Cast("birth_date", CharField()), Value("|"), "sex", output_field=CharField())


def _keyed() -> QuerySet[Any, Any]:  # annotated: `person`, `county`
    """Present members (left_on empty) with their person key and county."""
    qs = Member.objects.exclude(household__status__in=OFF_REGISTER).filter(left_on__isnull=True)
    return qs.annotate(person=_person_key(), county=Substr("household__village_id", 1, 6))


def _duplicate_in_county(ctx: Context) -> QuerySet:
    # One grouped scan finds the keys held by two households of one county; uncorrelated, so each DB runs it once.
    twice = _keyed().values("person", "county").annotate(n=Count("household_id", distinct=True)).filter(n__gt=1)
    keys = twice.annotate(both=Concat("person", Value("#"), "county", output_field=CharField())).values("both")
    return (
        _keyed().annotate(both=Concat("person", Value("#"), "county", output_field=CharField())).filter(both__in=keys)
    )


def _duplicate_in_prefecture(ctx: Context) -> QuerySet:
    spread = _keyed().values("person").annotate(n=Count("county", distinct=True)).filter(n__gt=1).values("person")
    return _keyed().filter(person__in=spread)


def _no_head(ctx: Context) -> QuerySet:
    return _households().filter(~Exists(_members_of_household(relation=Relation.HEAD)))


def _young_head(ctx: Context) -> QuerySet:
    return _present_members().filter(relation=Relation.HEAD, birth_date__gt=ctx.turned(16))


# --- age and school ---------------------------------------------------------------------------


def _out_of_school(ctx: Context) -> QuerySet:
    qs = _present_members().filter(birth_date__lte=ctx.turned(6), birth_date__gt=ctx.turned(16))
    qs = qs.exclude(student_status=StudentStatus.IN_SCHOOL)
    return qs.filter(Exists(_record_of_member_household(ctx, education_secured=True)))


def _old_student(ctx: Context) -> QuerySet:
    return _present_members().filter(student_status=StudentStatus.IN_SCHOOL, birth_date__lte=ctx.turned(26))


def _infant_student(ctx: Context) -> QuerySet:
    return _present_members().filter(student_status=StudentStatus.IN_SCHOOL, birth_date__gt=ctx.turned(3))


def _illiterate_student(ctx: Context) -> QuerySet:
    return _present_members().filter(student_status=StudentStatus.IN_SCHOOL, education=Education.ILLITERATE)


def _preschool_too_old(ctx: Context) -> QuerySet:
    return _present_members().filter(education=Education.PRESCHOOL, birth_date__lte=ctx.turned(7))


# --- cause and attribute ----------------------------------------------------------------------


def _illness_without_ill(ctx: Context) -> QuerySet:
    ill = _members_of_household(health__in=[Health.CHRONIC, Health.SERIOUS])
    return _households().filter(main_cause=Cause.ILLNESS).filter(~Exists(ill))


def _disability_without_disabled(ctx: Context) -> QuerySet:
    return (
        _households().filter(main_cause=Cause.DISABILITY).filter(~Exists(_members_of_household(health=Health.DISABLED)))
    )


def _schooling_without_student(ctx: Context) -> QuerySet:
    students = _members_of_household(student_status=StudentStatus.IN_SCHOOL)
    return _households().filter(main_cause=Cause.SCHOOLING).filter(~Exists(students))


def _labour_shortage_with_labour(ctx: Context) -> QuerySet:
    able = _present_members().filter(_able_working_age(ctx), household=OuterRef("pk"))
    count = Subquery(able.values("household").annotate(n=Count("pk")).values("n"), output_field=IntegerField())
    return _households().filter(main_cause=Cause.LACK_LABOUR).annotate(able=count).filter(able__gte=2)


def _wubao_with_labour(ctx: Context) -> QuerySet:
    able = _present_members().filter(_able_working_age(ctx), household=OuterRef("pk"))
    return _households().filter(attribute=Attribute.WUBAO).filter(Exists(able))


def _dibao_without_recipient(ctx: Context) -> QuerySet:
    return _households().filter(attribute=Attribute.DIBAO).filter(~Exists(_members_of_household(dibao=True)))


def _general_with_recipient(ctx: Context) -> QuerySet:
    return _households().filter(attribute=Attribute.GENERAL).filter(Exists(_members_of_household(dibao=True)))


# --- income -----------------------------------------------------------------------------------


def _parts_not_adding_up(ctx: Context) -> QuerySet:
    records = (
        _record(ctx)
        .annotate(parts=F("income_wages") + F("income_production") + F("income_property") + F("income_transfer"))
        .annotate(gap=F("parts") - F("income_per_capita"))
    )
    records = records.filter(parts__gt=0).filter(Q(gap__gt=1) | Q(gap__lt=-1))
    return _households().filter(Exists(records))


def _exited_below_line(ctx: Context) -> QuerySet:
    below = _exit_record().annotate(line=ctx.line_of("year")).filter(income_per_capita__lte=F("line"))
    return _households().filter(pk__in=_current_exits().filter(Exists(below)).values("household_id"))


def _migrant_without_wages(ctx: Context) -> QuerySet:
    migrants = _members_of_household(migrant_months__gte=MIGRANT_MONTHS_WITH_WAGES)
    return _households().filter(Exists(migrants)).filter(Exists(_record(ctx, income_wages=0)))


def _poor_far_above_line(ctx: Context) -> QuerySet:
    line = ctx.lines.get(ctx.year)
    if line is None:
        return _households().none()
    records = _record(ctx, income_per_capita__gt=line * IMPLAUSIBLE_LINES)
    return _households().filter(status__in=POOR_STATUSES).filter(Exists(records))


def _support_without_transfers(ctx: Context) -> QuerySet:
    qs = _households().filter(attribute__in=[Attribute.DIBAO, Attribute.WUBAO])
    return qs.filter(Exists(_record(ctx, income_transfer=0)))


# --- guarantees -------------------------------------------------------------------------------


def _exited_in_dangerous_house(ctx: Context) -> QuerySet:
    return _households().filter(status__in=EXITED_STATUSES, housing_grade__in=DANGEROUS)


def _exited_unsafe_water(ctx: Context) -> QuerySet:
    return _households().filter(status__in=EXITED_STATUSES, safe_water=False)


def _medical_with_uninsured(ctx: Context) -> QuerySet:
    qs = _households().filter(Exists(_record(ctx, medical_secured=True)))
    return qs.filter(Exists(_members_of_household(medical_insurance=False)))


def _housing_secured_dangerous(ctx: Context) -> QuerySet:
    return _households().filter(housing_grade__in=DANGEROUS).filter(Exists(_record(ctx, housing_secured=True)))


def _exited_failing_guarantee(ctx: Context) -> QuerySet:
    failing = (
        Q(enough_food=False)
        | Q(enough_clothing=False)
        | Q(education_secured=False)
        | Q(medical_secured=False)
        | Q(housing_secured=False)
    )
    return _households().filter(status__in=EXITED_STATUSES).filter(Exists(_record(ctx).filter(failing)))


# --- register ---------------------------------------------------------------------------------


def _exited_without_record(ctx: Context) -> QuerySet:
    return _households().filter(pk__in=_current_exits().filter(~Exists(_exit_record())).values("household_id"))


def _no_cadre(ctx: Context) -> QuerySet:
    return _households().filter(cadre_name="")


def _cadre_key():
    # A cadre is a name and a phone: two cadres may share a name.
    return Concat("cadre_name", Value("|"), "cadre_phone")


def _cadre_overloaded(ctx: Context) -> QuerySet:
    limit = settings.QUALITY_CADRE_MAX_HOUSEHOLDS
    loads = _households().exclude(cadre_name="").annotate(key=_cadre_key()).values("key")
    heavy = loads.annotate(n=Count("pk")).filter(n__gt=limit).values("key")
    return _households().exclude(cadre_name="").annotate(key=_cadre_key()).filter(key__in=heavy)


def _measures_miss_cause(ctx: Context) -> QuerySet:
    return _households().filter(status__in=POOR_STATUSES).filter(cause_measure_gap_filter(ctx.year))


E, W = Severity.ERROR, Severity.WARNING
IDENTITY, SCHOOL, CAUSE, INCOME, GUARANTEE, REGISTER = (
    _("身份信息"),
    _("年龄与在校"),
    _("致贫原因与贫困户属性"),
    _("收入"),
    _("两不愁三保障"),
    _("帮扶与登记"),
)

RULES: list[Rule] = [
    Rule(
        "ID01",
        IDENTITY,
        E,
        "member",
        "household",
        _("“性别”与“证件号码”第17位不符"),
        _("证件号码第17位单数为男、双数为女；两者不一致说明其中之一录错。"),
        _id_sex,
    ),
    Rule(
        "ID02",
        IDENTITY,
        E,
        "member",
        "household",
        _("“与户主关系”（子/女）与“证件号码”所示性别不符"),
        _("子为男、女为女；关系或证件号码录错会使人口结构统计失真。"),
        _id_relation,
    ),
    Rule(
        "ID03",
        IDENTITY,
        E,
        "member",
        "household",
        _("“出生日期”与“证件号码”第7–14位不符"),
        _("年龄由出生日期算出，决定在校、劳动力和贷款资格。"),
        _id_birth,
    ),
    Rule(
        "ID04",
        IDENTITY,
        E,
        "member",
        "household",
        _("同一人（“姓名”“出生日期”“性别”相同）以另一“证件号码”登记在本县另一贫困户中"),
        _("一人只能属于一户；同一证件号码的重复登记已由数据库拒绝，换号重复登记会重复计算贫困人口。"),
        _duplicate_in_county,
    ),
    Rule(
        "ID05",
        IDENTITY,
        E,
        "member",
        "household",
        _("同一人（“姓名”“出生日期”“性别”相同）以另一“证件号码”登记在州内其他县的贫困户中"),
        _("跨县重复登记只有在州一级才能发现，同样重复计算贫困人口。"),
        _duplicate_in_prefecture,
    ),
    Rule(
        "ID06",
        IDENTITY,
        E,
        "household",
        "household",
        _("没有“与户主关系”为户主的成员"),
        _("每户必须有且只有一位户主（两位户主已由数据库拒绝）；无户主的户无法打印明白卡。"),
        _no_head,
    ),
    Rule(
        "ID07",
        IDENTITY,
        W,
        "member",
        "household",
        _("户主按“出生日期”不满16周岁"),
        _("未成年人一般不能作为户主，多为户主与子女录反。"),
        _young_head,
    ),
    Rule(
        "ED01",
        SCHOOL,
        E,
        "member",
        "household",
        _("6–15周岁成员“在校生状况”不是在校生，而本户“义务教育有保障”为是"),
        _("义务教育有保障的含义就是本户没有6–15周岁失学辍学儿童。"),
        _out_of_school,
    ),
    Rule(
        "ED02",
        SCHOOL,
        W,
        "member",
        "household",
        _("“在校生状况”为在校生，但按“出生日期”已超过25周岁"),
        _("25周岁以上仍在校的极少，多为在校生状况未随年龄更新。"),
        _old_student,
    ),
    Rule(
        "ED03",
        SCHOOL,
        W,
        "member",
        "household",
        _("“在校生状况”为在校生，但按“出生日期”不满3周岁"),
        _("3周岁以下不可能在校，多为出生日期或在校生状况录错。"),
        _infant_student,
    ),
    Rule(
        "ED04",
        SCHOOL,
        W,
        "member",
        "household",
        _("“在校生状况”为在校生，但“文化程度”为文盲或半文盲"),
        _("在校生至少在读小学，文化程度应与所读学段一致。"),
        _illiterate_student,
    ),
    Rule(
        "ED05",
        SCHOOL,
        W,
        "member",
        "household",
        _("“文化程度”为学龄前儿童，但按“出生日期”已满7周岁"),
        _("满7周岁应已入学，文化程度未随年龄更新。"),
        _preschool_too_old,
    ),
    Rule(
        "CA01",
        CAUSE,
        E,
        "household",
        "household",
        _("“主要致贫原因”为因病，但没有成员“健康状况”为长期慢性病或患有大病"),
        _("致贫原因决定帮扶措施；因病户应有患病成员，否则原因或健康状况录错。"),
        _illness_without_ill,
    ),
    Rule(
        "CA02",
        CAUSE,
        E,
        "household",
        "household",
        _("“主要致贫原因”为因残，但没有成员“健康状况”为残疾"),
        _("因残户应有残疾成员，残疾人两项补贴按此发放。"),
        _disability_without_disabled,
    ),
    Rule(
        "CA03",
        CAUSE,
        E,
        "household",
        "household",
        _("“主要致贫原因”为因学，但没有成员“在校生状况”为在校生"),
        _("因学致贫指供养在校生负担重；没有在校生则原因需要重新核实。"),
        _schooling_without_student,
    ),
    Rule(
        "CA04",
        CAUSE,
        W,
        "household",
        "household",
        _("“主要致贫原因”为缺劳力，但有两位及以上16–59周岁“劳动技能”为技能或普通劳动力的成员"),
        _("有两个以上劳动力的户不缺劳力，应按其他原因帮扶。"),
        _labour_shortage_with_labour,
    ),
    Rule(
        "AT01",
        CAUSE,
        E,
        "household",
        "household",
        _("“贫困户属性”为五保贫困户，但有16–59周岁“劳动技能”为技能或普通劳动力的成员"),
        _("五保（特困供养）对象是无劳动能力、无生活来源、无赡养人的人。"),
        _wubao_with_labour,
    ),
    Rule(
        "AT02",
        CAUSE,
        E,
        "household",
        "household",
        _("“贫困户属性”为低保贫困户，但没有成员“享受低保”为是"),
        _("低保贫困户的属性来自其成员享受低保。"),
        _dibao_without_recipient,
    ),
    Rule(
        "AT03",
        CAUSE,
        W,
        "household",
        "household",
        _("“贫困户属性”为一般贫困户，但有成员“享受低保”为是"),
        _("有低保对象的户应为低保贫困户，兜底统计按属性计算。"),
        _general_with_recipient,
    ),
    Rule(
        "IN01",
        INCOME,
        E,
        "household",
        "year",
        _("本年度“工资性、生产经营性、财产性、转移性收入”之和与“人均纯收入”相差1元以上"),
        _("人均纯收入就是四项收入之和；对不上说明其中一项录错。"),
        _parts_not_adding_up,
    ),
    Rule(
        "IN02",
        INCOME,
        E,
        "household",
        "status",
        _("已脱贫，但脱贫年度“人均纯收入”未超过当年贫困线"),
        _("脱贫标准“一超过”：人均纯收入超过当年贫困线。"),
        _exited_below_line,
    ),
    Rule(
        "IN03",
        INCOME,
        W,
        "household",
        "year",
        _("有成员“务工时间”3个月以上，但本年度“工资性收入”为0"),
        _("外出务工就有工资性收入；收入漏报会使脱贫户看似未达标。"),
        _migrant_without_wages,
    ),
    Rule(
        "IN04",
        INCOME,
        W,
        "household",
        "year",
        _("未脱贫或返贫户本年度“人均纯收入”超过当年贫困线3倍"),
        _("收入远超贫困线仍为贫困户，可能识别不准或收入录错。"),
        _poor_far_above_line,
    ),
    Rule(
        "IN05",
        INCOME,
        W,
        "household",
        "year",
        _("低保或五保贫困户本年度“转移性收入”为0"),
        _("低保金、特困供养金都是转移性收入，为0多为漏报。"),
        _support_without_transfers,
    ),
    Rule(
        "GU01",
        GUARANTEE,
        E,
        "household",
        "household",
        _("已脱贫，但“住房安全等级”为C级或D级危房"),
        _("住房安全有保障是脱贫标准之一。"),
        _exited_in_dangerous_house,
    ),
    Rule(
        "GU02",
        GUARANTEE,
        E,
        "household",
        "household",
        _("已脱贫，但“饮水安全”为否"),
        _("甘肃省脱贫标准要求饮水安全。"),
        _exited_unsafe_water,
    ),
    Rule(
        "GU03",
        GUARANTEE,
        E,
        "household",
        "household",
        _("本年度“基本医疗有保障”为是，但有成员“参加新农合/大病保险”为否"),
        _("基本医疗有保障指每位成员都参加新农合和大病保险。"),
        _medical_with_uninsured,
    ),
    Rule(
        "GU04",
        GUARANTEE,
        E,
        "household",
        "household",
        _("本年度“住房安全有保障”为是，但“住房安全等级”为C级或D级危房"),
        _("C级、D级是危房，与住房安全有保障矛盾。"),
        _housing_secured_dangerous,
    ),
    Rule(
        "GU05",
        GUARANTEE,
        W,
        "household",
        "year",
        _("已脱贫，但本年度两不愁三保障有未达标项"),
        _("脱贫后仍须稳定达标，否则应核实是否返贫。"),
        _exited_failing_guarantee,
    ),
    Rule(
        "RG01",
        REGISTER,
        E,
        "household",
        "year",
        _("已脱贫，但没有脱贫年度的收入与两不愁三保障记录"),
        _("脱贫须有当年的收入和保障记录作为验收依据。"),
        _exited_without_record,
    ),
    Rule(
        "RG02",
        REGISTER,
        W,
        "household",
        "household",
        _("未填写“帮扶责任人”"),
        _("每户都应有结对帮扶责任人。"),
        _no_cadre,
    ),
    Rule(
        "RG03",
        REGISTER,
        W,
        "household",
        "household",
        _("“帮扶责任人”（按姓名和电话）结对的贫困户超过规定户数"),
        _("一名干部帮扶的户数有上限（默认5户），太多则帮扶难以落实。"),
        _cadre_overloaded,
    ),
    Rule(
        "RG04",
        REGISTER,
        W,
        "household",
        "measure",
        _("未脱贫户的帮扶措施没有对应“主要致贫原因”的类别"),
        _("措施要对症：如因病→医疗保障、因残→残疾人两项补贴、缺劳力→低保兜底、自身发展动力不足→培训输转。"),
        _measures_miss_cause,
    ),
]

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1}
