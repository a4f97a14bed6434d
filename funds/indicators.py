"""The funds figures for the indicator registry, as plain rows (funds does not import metrics).

Each row is (key, label, unit, definition, kind, selector): `selector` is the
function of funds.selectors whose result holds `key` (called with region=, year=).
metrics can register them with `Indicator(key, label, unit, definition, kind, source="funds")`.
"""

from django.utils.translation import gettext_lazy as _

YUAN, PERCENT, HOUSEHOLDS, PEOPLE, VILLAGES = _("元"), _("%"), _("户"), _("人"), _("个")

INDICATORS = [
    (
        "special_disbursed",
        _("专项扶贫资金拨付"),
        YUAN,
        _("中央、省、州、县财政专项扶贫资金拨付到本地区各村（含到户）的金额"),
        "flow",
        "to_household_share",
    ),
    (
        "special_to_households",
        _("专项扶贫资金到户"),
        YUAN,
        _("其中直接拨付到贫困户的金额"),
        "flow",
        "to_household_share",
    ),
    (
        "to_household_share",
        _("到户资金占比"),
        PERCENT,
        _("到户金额 ÷ 专项扶贫资金拨付 × 100，保留两位小数；目标 70% 以上"),
        "flow",
        "to_household_share",
    ),
    (
        "exited_households",
        _("当年脱贫户数"),
        HOUSEHOLDS,
        _("当年由未脱贫或返贫变更为已脱贫的户数"),
        "flow",
        "household_support",
    ),
    (
        "exited_household_support",
        _("脱贫户累计到户资金"),
        YUAN,
        _("当年脱贫户截至年末累计收到的到户资金"),
        "flow",
        "household_support",
    ),
    (
        "support_per_exited_household",
        _("脱贫户户均到户资金"),
        YUAN,
        _("脱贫户累计到户资金 ÷ 当年脱贫户数；目标 2 万元以上"),
        "flow",
        "household_support",
    ),
    (
        "exited_households_below_support_line",
        _("到户资金不足 2 万元的脱贫户"),
        HOUSEHOLDS,
        _("当年脱贫户中累计到户资金少于 2 万元的户数"),
        "flow",
        "household_support",
    ),
    (
        "loan_eligible_households",
        _("有劳动能力的贫困户"),
        HOUSEHOLDS,
        _("年末未脱贫或返贫、且有 18-65 岁有劳动能力（技能、普通、弱劳动力）成员的户数"),
        "stock",
        "loan_coverage",
    ),
    (
        "loan_households",
        _("获得专项贷款的贫困户"),
        HOUSEHOLDS,
        _("其中年末前已获得精准扶贫专项贷款的户数"),
        "stock",
        "loan_coverage",
    ),
    (
        "loan_coverage",
        _("应贷尽贷覆盖率"),
        PERCENT,
        _("获得专项贷款的贫困户 ÷ 有劳动能力的贫困户 × 100"),
        "stock",
        "loan_coverage",
    ),
    ("loans_lent", _("专项贷款累计发放"), YUAN, _("年末前发放的精准扶贫专项贷款金额"), "stock", "loan_coverage"),
    ("loans_outstanding", _("专项贷款余额"), YUAN, _("其中状态为正常或逾期的贷款金额"), "stock", "loan_coverage"),
    ("loans_overdue", _("逾期贷款"), YUAN, _("其中状态为逾期的贷款金额"), "stock", "loan_coverage"),
    ("loans_overdue_rate", _("贷款逾期率"), PERCENT, _("逾期贷款 ÷ 专项贷款余额 × 100"), "stock", "loan_coverage"),
    ("villages", _("行政村"), VILLAGES, _("本地区的村数"), "stock", "mutual_aid"),
    (
        "mutual_aid_villages",
        _("有互助资金协会的村"),
        VILLAGES,
        _("年末前成立互助资金协会的村数"),
        "stock",
        "mutual_aid",
    ),
    (
        "mutual_aid_coverage",
        _("互助资金协会覆盖率"),
        PERCENT,
        _("有互助资金协会的村 ÷ 行政村 × 100"),
        "stock",
        "mutual_aid",
    ),
    ("mutual_aid_capital", _("互助资金规模"), YUAN, _("年末前注入互助资金协会的本金"), "stock", "mutual_aid"),
    ("mutual_aid_member_households", _("入社农牧户"), HOUSEHOLDS, _("年末前入社的户数"), "stock", "mutual_aid"),
    ("mutual_aid_lent", _("互助资金累计借款"), YUAN, _("年末前发放的借款"), "stock", "mutual_aid"),
    ("mutual_aid_outstanding", _("互助资金借款余额"), YUAN, _("累计借款减去年末前的还款"), "stock", "mutual_aid"),
    ("mutual_aid_overdue", _("互助资金逾期余额"), YUAN, _("年末前已到期借款的未还金额"), "stock", "mutual_aid"),
    (
        "cause_measure_gap_households",
        _("致贫原因未对应帮扶措施的贫困户"),
        HOUSEHOLDS,
        _(
            "年末未脱贫或返贫、主要致贫原因没有对应类别帮扶措施的户数（因病→医疗保障，因学→发展教育，因残→残疾人两项补贴，缺劳力→低保兜底，缺资金/缺土地→产业扶持，"
            "缺技术/自身发展动力不足→培训输转，缺水/交通条件落后/因灾→易地搬迁）"
        ),
        "stock",
        "cause_measure_gaps",
    ),
    (
        "cause_measure_gaps_by_cause",
        _("按主要致贫原因分的未对应户数"),
        HOUSEHOLDS,
        _("上项按主要致贫原因代码分组"),
        "split",
        "cause_measure_gaps",
    ),
    (
        "funds_disbursed",
        _("当年拨付资金"),
        YUAN,
        _("当年拨付到本地区各村（含到户）的全部资金"),
        "flow",
        "cost_per_exited_person",
    ),
    ("exited_population", _("当年脱贫人口"), PEOPLE, _("当年脱贫户的人口"), "flow", "cost_per_exited_person"),
    (
        "cost_per_exited_person",
        _("脱贫人均投入"),
        YUAN,
        _("当年拨付资金 ÷ 当年脱贫人口"),
        "flow",
        "cost_per_exited_person",
    ),
]
