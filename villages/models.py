from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    PREFECTURE = "prefecture", _("州")
    COUNTY = "county", _("县市")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村")


# Length of the code prefix shared by everything under a division of each level.
# 623000 (prefecture) -> "6230"; 623021 (county) -> "623021"; 623021100 -> itself.
PREFIX_LENGTH: dict[str, int] = {
    Level.PROVINCE: 2,
    Level.PREFECTURE: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}


def code_range(field: str, prefix: str) -> Q:
    """`field` (a division code) starts with the digits `prefix`, as a range: an index reads only those rows.

    Codes are digit strings, so every collation orders them alike; PostgreSQL uses a btree for LIKE 'p%' only
    under the C collation, and a range under any (and Citus prunes a county's shard from it).
    """
    if not prefix:
        return Q()
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


CHILD_LEVEL: dict[str, str] = {
    Level.PROVINCE: Level.PREFECTURE,
    Level.PREFECTURE: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.VILLAGE,
}


class Division(models.Model):
    """One node of the administrative tree, keyed by its official code (统计用区划代码).

    The code is a path: everything under a division shares its `prefix`, so
    "all households under X" is one indexed `LIKE 'prefix%'` query.
    """

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Poor-village listing (贫困村) and its exit (出列); villages only.
    is_poor_village = models.BooleanField(_("贫困村"), default=False)
    poor_listed_year = models.PositiveSmallIntegerField(_("列入贫困村年度"), null=True, blank=True)
    poor_exit_year = models.PositiveSmallIntegerField(_("出列年度"), null=True, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(self.level)

    def contains(self, code: str) -> bool:
        """True when the division with `code` is this one or lies under it."""
        return code.startswith(self.prefix)


# The twelve items of the poor-village checklist 六有六通, in the seed's order.
VILLAGE_ITEMS = [
    ("has_industry", _("有特色富民产业")),
    ("has_cooperative", _("有专业合作组织")),
    ("has_mutual_fund", _("有互助资金协会")),
    ("has_clinic", _("有标准化卫生室")),
    ("has_culture_center", _("有综合性文化服务中心")),
    ("has_new_look", _("有新村新貌")),
    ("road", _("通沥青(水泥)路")),
    ("water", _("通安全饮水")),
    ("power", _("通动力电")),
    ("broadcast", _("通广播电视")),
    ("broadband", _("通宽带网络")),
    ("logistics", _("通现代物流")),
]


class VillageYear(models.Model):
    """A village's facts for one year: rural population and the 六有六通 checklist."""

    village = models.ForeignKey(Division, verbose_name=_("村"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("年度"))
    rural_population = models.PositiveIntegerField(_("农业户籍人口"), null=True, blank=True)
    has_industry = models.BooleanField(_("有特色富民产业"), default=False)
    has_cooperative = models.BooleanField(_("有专业合作组织"), default=False)
    has_mutual_fund = models.BooleanField(_("有互助资金协会"), default=False)
    has_clinic = models.BooleanField(_("有标准化卫生室"), default=False)
    has_culture_center = models.BooleanField(_("有综合性文化服务中心"), default=False)
    has_new_look = models.BooleanField(_("有新村新貌"), default=False)
    road = models.BooleanField(_("通沥青(水泥)路"), default=False)
    water = models.BooleanField(_("通安全饮水"), default=False)
    power = models.BooleanField(_("通动力电"), default=False)
    broadcast = models.BooleanField(_("通广播电视"), default=False)
    broadband = models.BooleanField(_("通宽带网络"), default=False)
    logistics = models.BooleanField(_("通现代物流"), default=False)

    class Meta:
        verbose_name = _("村年度情况")
        verbose_name_plural = _("村年度情况")
        ordering = ["village_id", "year"]
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="village_year_unique")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}"
