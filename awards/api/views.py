from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsSecretariat
from awards.api.serializers import (
    ActionLineSerializer,
    CategorySerializer,
    CategoryStatisticsSerializer,
    EditionDetailSerializer,
    EditionSerializer,
)
from awards.models import Edition
from awards.selectors import (
    action_line_list,
    category_list,
    edition_get,
    edition_list,
    edition_project_statistics,
)

YEAR = OpenApiParameter("year", int, OpenApiParameter.PATH, description="The edition's year.")


def get_edition_or_404(year: int) -> Edition:
    edition = edition_get(year=year)
    if edition is None:
        raise Http404
    return edition


class ActionLineList(generics.ListAPIView):
    """The WSIS Action Lines, the C7 sub-lines included (with C7 as their parent)."""

    serializer_class = ActionLineSerializer

    def get_queryset(self):
        return action_line_list()


class EditionList(generics.ListAPIView):
    """The editions of the WSIS Prizes, newest first."""

    serializer_class = EditionSerializer

    def get_queryset(self):
        return edition_list()


@extend_schema(parameters=[YEAR])
class EditionDetail(generics.RetrieveAPIView):
    """One edition: its phases with their opening and closing times, the current phase
    and its voting rules."""

    serializer_class = EditionDetailSerializer

    def get_object(self) -> Edition:
        return get_edition_or_404(self.kwargs["year"])


@extend_schema(parameters=[YEAR])
class CategoryList(generics.ListAPIView):
    """The prize categories of an edition, by number."""

    serializer_class = CategorySerializer

    def get_queryset(self):
        return category_list(edition=get_edition_or_404(self.kwargs["year"]))


@extend_schema(parameters=[YEAR], responses=CategoryStatisticsSerializer(many=True))
class EditionStatistics(APIView):
    """For the secretariat: the edition's projects counted by status, per category."""

    permission_classes = [IsSecretariat]

    def get(self, request, year: int):
        statistics = edition_project_statistics(edition=get_edition_or_404(year))
        return Response(CategoryStatisticsSerializer(statistics, many=True).data)
