"""Plumbing shared by every endpoint under /api/: strict query parameters, pagination, service errors."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.api_permissions import ReadOrEditRegion
from accounts.http import AuthenticatedAPIRequest
from villages.scope import scope_filter


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("该记录已被其他人修改。")
    default_code = "stale_version"


@contextmanager
def service_errors() -> Iterator[None]:
    """Answer a service's refusal as the API's: stale version → 409, rule broken → 400 keyed by field.

    PermissionDenied needs nothing here: DRF already answers it 403 with its message.
    """
    try:
        yield
    except DjangoValidationError as e:
        if getattr(e, "code", None) == "stale_version":  # households.services.StaleVersion
            raise Conflict(e.messages[0]) from None
        raise exceptions.ValidationError(serializers.as_serializer_error(e)) from None


class ScopedRelatedField(serializers.SlugRelatedField):
    """A related object picked by `slug_field`, visible only when it lies in the caller's region.

    Every related field a caller can write is one of these two: another region's
    object then answers exactly like one that does not exist.
    """

    def __init__(self, *, scope_path: str, **kwargs):
        self.scope_path = scope_path
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        assert queryset is not None  # a writable related field always has its queryset
        request = self.context.get("request")
        if request is None:  # schema generation
            return queryset.none()
        return scope_filter(queryset, request.user, self.scope_path)


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related object picked by its primary key, visible only when it lies in the caller's region."""

    def __init__(self, *, scope_path: str, **kwargs):
        self.scope_path = scope_path
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        assert queryset is not None  # a writable related field always has its queryset
        request = self.context.get("request")
        if request is None:  # schema generation
            return queryset.none()
        return scope_filter(queryset, request.user, self.scope_path)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the primary key as the last key, so pages never overlap or skip a row."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        return [*ordering, "pk"] if ordering else ordering


def _filterset_params(filterset_class) -> set[str]:
    names = set()
    for name, f in filterset_class.base_filters.items():
        # Not `f.field`: building it on a class-level filter would cache a form field without the request.
        suffixes = getattr(f.extra.get("widget") or f.field_class.widget, "suffixes", None)
        names |= {f"{name}_{s}" if s else name for s in suffixes} if suffixes else {name}
    return names


class StrictQueryParamsMixin(APIView):
    """Unknown query parameters answer 400 naming them, instead of being silently ignored.

    Known: the view's filterset, its ordering parameter, the paginator's, `format`,
    and `extra_query_params` for a view reading parameters itself.
    """

    extra_query_params: tuple[str, ...] = ()

    def allowed_query_params(self) -> set[str]:
        allowed: set[str | None] = {api_settings.URL_FORMAT_OVERRIDE, *self.extra_query_params}
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            allowed |= {paginator.page_query_param, getattr(paginator, "page_size_query_param", None)}
        for backend in getattr(self, "filter_backends", ()):
            if issubclass(backend, OrderingFilter):
                allowed.add(backend.ordering_param)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            allowed |= _filterset_params(filterset_class)
        return {name for name in allowed if name is not None}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.allowed_query_params())
        if unknown:
            raise exceptions.ValidationError(
                {"unknown_params": [_("未知的查询参数：%(names)s。") % {"names": "、".join(unknown)}]}
            )


class RegionAPIMixin(StrictQueryParamsMixin, GenericAPIView[Any]):
    """The defaults of a region-scoped endpoint: who may call, filters, strict parameters, pages."""

    request: AuthenticatedAPIRequest  # ReadOrEditRegion lets no anonymous caller this far

    permission_classes = [ReadOrEditRegion]
    filter_backends = [DjangoFilterBackend]
    pagination_class = Pagination
