from rest_framework.routers import SimpleRouter

from . import api

app_name = "funds_api"

router = SimpleRouter()
router.register("sources", api.FundSourceViewSet, basename="source")
router.register("projects", api.ProjectViewSet, basename="project")
router.register("allocations", api.AllocationViewSet, basename="allocation")
router.register("disbursements", api.DisbursementViewSet, basename="disbursement")
router.register("measures", api.MeasureViewSet, basename="measure")
router.register("loans", api.LoanViewSet, basename="loan")
router.register("mutual-aid-funds", api.MutualAidFundViewSet, basename="mutual-aid-fund")
urlpatterns = router.urls
