from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsSecretariat
from accounts.errors import EmailNotVerified
from awards.api.serializers import (
    ActionLineSerializer,
    CategorySerializer,
    CategoryStatisticsSerializer,
    CeremonySerializer,
    EditionDetailSerializer,
    EditionSerializer,
    FileUploadSerializer,
    ImagesUploadSerializer,
    MyProjectSerializer,
    MyProjectWriteSerializer,
    NomineeDetailSerializer,
    NomineeSerializer,
    ResultsSerializer,
)
from awards.files import DOCUMENT_UPLOAD, IMAGES_UPLOAD, LOGO_UPLOAD, FileRefused
from awards.filters import NomineeApiFilter
from awards.models import Category, Edition, Project
from awards.selectors import (
    action_line_list,
    category_get,
    category_list,
    ceremony_public,
    edition_get_or_404,
    edition_list,
    edition_project_statistics,
    nominee_get,
    nominee_list,
    nominees_in_voter_order,
    project_get_for_owner,
    project_list_for_owner,
    results_are_public,
    results_get,
)
from awards.services import (
    ProjectInvalid,
    ProjectNotEditable,
    ResultsNotPublished,
    SubmissionClosed,
    SubmissionInvalid,
    TooManyImages,
    WrongCategory,
    project_create,
    project_delete,
    project_document_set,
    project_image_remove,
    project_images_add,
    project_logo_set,
    project_submit,
    project_update,
)
from config.schema import refusals

YEAR = OpenApiParameter("year", int, OpenApiParameter.PATH, description=_("The edition's year."))


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
        return edition_get_or_404(year=self.kwargs["year"])


@extend_schema(parameters=[YEAR])
class CategoryList(generics.ListAPIView):
    """The prize categories of an edition, by number."""

    serializer_class = CategorySerializer

    def get_queryset(self):
        return category_list(edition=edition_get_or_404(year=self.kwargs["year"]))


@extend_schema(parameters=[YEAR], responses=CategoryStatisticsSerializer(many=True))
class EditionStatistics(APIView):
    """For the secretariat: the edition's projects counted by status, per category."""

    permission_classes = [IsSecretariat]

    def get(self, request, year: int):
        statistics = edition_project_statistics(edition=edition_get_or_404(year=year))
        return Response(CategoryStatisticsSerializer(statistics, many=True).data)


# --- The owner's projects ------------------------------------------------------------

PROJECT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("The project's id."))
# What every change of a draft can be refused for.
DRAFT_REFUSALS = (EmailNotVerified, SubmissionClosed, ProjectNotEditable)


def _category_or_refuse(edition: Edition, number: int) -> Category:
    category = category_get(edition=edition, number=number)
    if category is None:
        raise WrongCategory(
            gettext("This edition has no category %(number)s.") % {"number": number},
            field="category",
        )
    return category


def _split(validated: dict) -> tuple[dict, int | None, list[int] | None]:
    data = dict(validated)
    return data, data.pop("category", None), data.pop("sdgs", None)


class _OwnProject(APIView):
    permission_classes = [IsAuthenticated]

    def project(self) -> Project:
        edition = edition_get_or_404(year=self.kwargs["year"])
        project = project_get_for_owner(
            edition=edition, owner=self.request.user, pk=self.kwargs["pk"]
        )
        if project is None:
            raise Http404
        return project

    def answer(self, project: Project, status: int = 200) -> Response:
        fresh = project_get_for_owner(
            edition=project.edition, owner=self.request.user, pk=project.pk
        )
        return Response(MyProjectSerializer(fresh, context={"request": self.request}).data, status)

    def uploaded_file(self):
        """The upload sent as ``file``, checked for presence (the service checks it)."""
        incoming = FileUploadSerializer(data=self.request.data)
        incoming.is_valid(raise_exception=True)
        return incoming.validated_data["file"]


@extend_schema(parameters=[YEAR])
class MyProjectList(generics.ListAPIView):
    """My projects in an edition, drafts included, each with its status and history."""

    permission_classes = [IsAuthenticated]
    serializer_class = MyProjectSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema only wants the model
            return Project.objects.none()
        edition = edition_get_or_404(year=self.kwargs["year"])
        return project_list_for_owner(edition=edition, owner=self.request.user)

    @extend_schema(
        request=MyProjectWriteSerializer,
        responses={
            201: MyProjectSerializer,
            **refusals(WrongCategory, ProjectInvalid, EmailNotVerified, SubmissionClosed),
        },
    )
    def post(self, request, year: int):
        """Start a draft in a category; it may be saved incomplete."""
        edition = edition_get_or_404(year=year)
        incoming = MyProjectWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data, number, sdgs = _split(incoming.validated_data)
        if number is None:
            raise WrongCategory(gettext("Choose the project's category."), field="category")
        project = project_create(
            edition=edition,
            category=_category_or_refuse(edition, number),
            by=request.user,
            data=data,
            sdgs=sdgs,
        )
        return _OwnProject(request=request, kwargs=self.kwargs).answer(project, 201)


@extend_schema(parameters=[YEAR, PROJECT_ID])
class MyProjectDetail(_OwnProject):
    serializer_class = MyProjectSerializer

    def get(self, request, year: int, pk: int):
        """One of my projects."""
        return self.answer(self.project())

    @extend_schema(
        request=MyProjectWriteSerializer,
        responses={
            200: MyProjectSerializer,
            **refusals(WrongCategory, ProjectInvalid, *DRAFT_REFUSALS),
        },
    )
    def patch(self, request, year: int, pk: int):
        """Change a draft: only the fields sent."""
        project = self.project()
        incoming = MyProjectWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data, number, sdgs = _split(incoming.validated_data)
        category = _category_or_refuse(project.edition, number) if number else None
        project_update(project=project, by=request.user, data=data, sdgs=sdgs, category=category)
        return self.answer(project)

    @extend_schema(responses={204: None, **refusals(*DRAFT_REFUSALS)})
    def delete(self, request, year: int, pk: int):
        """Throw away a draft."""
        project_delete(project=self.project(), by=request.user)
        return Response(status=204)


@extend_schema(parameters=[YEAR, PROJECT_ID])
class MyProjectSubmit(_OwnProject):
    serializer_class = MyProjectSerializer

    @extend_schema(
        request=None,
        responses={200: MyProjectSerializer, **refusals(SubmissionInvalid, *DRAFT_REFUSALS)},
    )
    def post(self, request, year: int, pk: int):
        """Submit a draft. Every rule it fails is reported at once, under ``errors`` by
        field, with the code ``submission_invalid``."""
        return self.answer(project_submit(project=self.project(), by=request.user))


@extend_schema(parameters=[YEAR, PROJECT_ID])
class MyProjectLogo(_OwnProject):
    parser_classes = [MultiPartParser]
    upload_limits = LOGO_UPLOAD
    serializer_class = MyProjectSerializer

    @extend_schema(
        request=FileUploadSerializer,
        responses={200: MyProjectSerializer, **refusals(FileRefused, *DRAFT_REFUSALS)},
    )
    def put(self, request, year: int, pk: int):
        """Set or replace the logo (JPEG, PNG or WebP, 5 MB at most), as ``file``."""
        project = self.project()
        project_logo_set(project=project, by=request.user, upload=self.uploaded_file())
        return self.answer(project)


@extend_schema(parameters=[YEAR, PROJECT_ID])
class MyProjectDocument(_OwnProject):
    parser_classes = [MultiPartParser]
    upload_limits = DOCUMENT_UPLOAD
    serializer_class = MyProjectSerializer

    @extend_schema(
        request=FileUploadSerializer,
        responses={200: MyProjectSerializer, **refusals(FileRefused, *DRAFT_REFUSALS)},
    )
    def put(self, request, year: int, pk: int):
        """Attach or replace the optional PDF (10 MB at most), as ``file``."""
        project = self.project()
        project_document_set(project=project, by=request.user, upload=self.uploaded_file())
        return self.answer(project)

    @extend_schema(responses={200: MyProjectSerializer, **refusals(*DRAFT_REFUSALS)})
    def delete(self, request, year: int, pk: int):
        """Remove the PDF."""
        project = self.project()
        project_document_set(project=project, by=request.user, upload=None)
        return self.answer(project)


@extend_schema(parameters=[YEAR, PROJECT_ID])
class MyProjectImages(_OwnProject):
    parser_classes = [MultiPartParser]
    upload_limits = IMAGES_UPLOAD
    serializer_class = MyProjectSerializer

    @extend_schema(
        request=ImagesUploadSerializer,
        responses={
            201: MyProjectSerializer,
            **refusals(TooManyImages, FileRefused, *DRAFT_REFUSALS),
        },
    )
    def post(self, request, year: int, pk: int):
        """Add images (JPEG, PNG or WebP, 5 MB each, 5 in all), as ``images``. If one is
        refused, none is kept."""
        project = self.project()
        incoming = ImagesUploadSerializer(data={"images": request.FILES.getlist("images")})
        incoming.is_valid(raise_exception=True)
        project_images_add(
            project=project, by=request.user, uploads=incoming.validated_data["images"]
        )
        return self.answer(project, 201)


@extend_schema(
    parameters=[YEAR, PROJECT_ID, OpenApiParameter("image_id", int, OpenApiParameter.PATH)]
)
class MyProjectImage(_OwnProject):
    serializer_class = MyProjectSerializer

    @extend_schema(responses={204: None, **refusals(*DRAFT_REFUSALS)})
    def delete(self, request, year: int, pk: int, image_id: int):
        """Remove one image."""
        project_image_remove(project=self.project(), by=request.user, image_id=image_id)
        return Response(status=204)


# --- Nominees ------------------------------------------------------------------------


@extend_schema(parameters=[YEAR])
class NomineeList(generics.ListAPIView):
    """The nominees of an edition (accepted projects only, public fields only). During
    voting each signed-in voter gets them in an order of their own, stable across visits."""

    serializer_class = NomineeSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = NomineeApiFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema only wants the model
            return Project.objects.none()
        edition = edition_get_or_404(year=self.kwargs["year"])
        voter = self.request.user if self.request.user.is_authenticated else None
        return nominees_in_voter_order(nominee_list(edition=edition), edition=edition, voter=voter)


@extend_schema(parameters=[YEAR, PROJECT_ID])
class NomineeDetail(generics.RetrieveAPIView):
    """One nominee: its public fields."""

    serializer_class = NomineeDetailSerializer

    def get_object(self) -> Project:
        nominee = nominee_get(
            edition=edition_get_or_404(year=self.kwargs["year"]), pk=self.kwargs["pk"]
        )
        if nominee is None:
            raise Http404
        return nominee


# --- Results and the ceremony --------------------------------------------------------


@extend_schema(
    parameters=[YEAR], responses={200: ResultsSerializer, **refusals(ResultsNotPublished)}
)
class Results(APIView):
    """The published results: per category, in category order, the Winner and the
    Champions with their valid votes and rank, and the totals. 404
    ``results_not_published`` until the secretariat publishes them."""

    def get(self, request, year: int):
        edition = edition_get_or_404(year=year)
        if not results_are_public(edition=edition):
            raise ResultsNotPublished()
        return Response(ResultsSerializer(results_get(edition=edition)).data)


@extend_schema(parameters=[YEAR], responses=CeremonySerializer)
class Ceremony(APIView):
    """The live reveal: the categories revealed so far and their Winners; nothing of a
    category not revealed yet."""

    def get(self, request, year: int):
        edition = edition_get_or_404(year=year)
        return Response(CeremonySerializer(ceremony_public(edition=edition)).data)
