from rest_framework.routers import DefaultRouter

from procedures.api import CaseViewSet
from villages.api import DivisionViewSet, VillageYearViewSet

from .api import HouseholdViewSet, HouseholdYearViewSet, MemberViewSet, StatusChangeViewSet

app_name = "households_api"

router = DefaultRouter(use_regex_path=False)
router.include_format_suffixes = False
router.register("divisions", DivisionViewSet, basename="division")
router.register("village-years", VillageYearViewSet, basename="village-year")
router.register("households", HouseholdViewSet, basename="household")
router.register("members", MemberViewSet, basename="member")
router.register("household-years", HouseholdYearViewSet, basename="household-year")
router.register("status-changes", StatusChangeViewSet, basename="status-change")
router.register("cases", CaseViewSet, basename="case")

urlpatterns = router.urls
