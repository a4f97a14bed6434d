"""Deliberate 疑点: a small, uneven share of the demo's households (about 3.5%) gets one defect each.

The rest of the demo is clean (the generator keeps causes, attributes, cadres and
schooling consistent), so the quality pages rank villages by these alone. The
planted defects are recorded in the demo's AuditEntry, which the tests compare with
what the rules find. Then the rules run once, as `manage.py check_quality`.
"""

from collections import defaultdict

from django.db.models import Exists, F, OuterRef

from gannan.lib.bulk import refresh_statistics
from households.models import Attribute, Health, Household, HouseholdYear, Member, Relation, StudentStatus
from quality.models import Issue, Run
from quality.rules import OFF_REGISTER, context
from quality.services import quality_run

from .context import DemoContext

SHARE = 0.035


def _members(**conditions):
    return Member.objects.filter(household=OuterRef("pk"), left_on__isnull=True, **conditions)  # present members


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("quality")
    households = list(Household.objects.exclude(status__in=OFF_REGISTER).order_by("pk").values_list("pk", "village_id"))
    villages = sorted({v for _pk, v in households})
    # Uneven: most villages have few defects, some many (a skewed weight per village, mean 1).
    weight = {v: rng.gammavariate(0.6, 1 / 0.6) for v in villages}
    chosen = [pk for pk, v in households if rng.random() < min(0.5, SHARE * weight[v])]
    kinds = defaultdict(list)
    for pk in chosen:
        kinds[rng.choice(["RG02", "GU03", "CA01", "ED01", "IN03", "AT03"])].append(pk)
    ref = context()
    year = ref.year
    school_age = {"birth_date__lte": ref.turned(6), "birth_date__gt": ref.turned(16)}
    on_register = Household.objects.filter(pk__in=chosen)
    targets = {
        "RG02": on_register.filter(pk__in=kinds["RG02"]),
        "GU03": on_register.filter(pk__in=kinds["GU03"]).filter(
            Exists(HouseholdYear.objects.filter(household=OuterRef("pk"), year=year, medical_secured=True))
        ),
        "CA01": on_register.filter(pk__in=kinds["CA01"]).exclude(
            Exists(_members(health__in=[Health.CHRONIC, Health.SERIOUS]))
        ),
        # Not a 因学 household: taking its students out of school would also break CA03.
        "ED01": on_register.filter(pk__in=kinds["ED01"])
        .exclude(main_cause=3)
        .filter(Exists(_members(**school_age)))
        .filter(Exists(HouseholdYear.objects.filter(household=OuterRef("pk"), year=year, education_secured=True))),
        "IN03": on_register.filter(pk__in=kinds["IN03"])
        .filter(Exists(_members(migrant_months__gte=3)))
        .filter(Exists(HouseholdYear.objects.filter(household=OuterRef("pk"), year=year, income_wages__gt=0))),
        "AT03": on_register.filter(pk__in=kinds["AT03"], attribute=Attribute.GENERAL),
    }
    planted = {rule: list(qs.order_by("pk").values_list("pk", flat=True)) for rule, qs in targets.items()}
    Household.objects.filter(pk__in=planted["RG02"]).update(cadre_name="", cadre_phone="")
    Member.objects.filter(household__in=planted["GU03"], relation=Relation.HEAD).update(medical_insurance=False)
    Household.objects.filter(pk__in=planted["CA01"]).update(main_cause=1)
    Member.objects.filter(household__in=planted["ED01"], **school_age).update(student_status=StudentStatus.DROPPED_OUT)
    HouseholdYear.objects.filter(household__in=planted["IN03"], year=year).update(
        income_production=F("income_production") + F("income_wages"), income_wages=0
    )
    Member.objects.filter(household__in=planted["AT03"], relation=Relation.HEAD).update(dibao=True)
    codes = dict(Household.objects.filter(pk__in=chosen).values_list("pk", "code"))
    refresh_statistics()  # the tables were just filled in bulk
    run = quality_run(trigger="demo")
    # Into the run's one audit entry (seed_demo writes it from ctx.counts).
    ctx.counts.update(
        quality_planted={rule: [codes[pk] for pk in pks] for rule, pks in planted.items()}, quality_issues=run.found
    )


def wipe(ctx: DemoContext) -> None:
    Issue.objects.all().delete()
    Run.objects.all().delete()
