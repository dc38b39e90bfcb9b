import json

from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import HasConfirmedEmail
from awards.api.views import YEAR, get_edition_or_404
from awards.models import Category
from config.api_access import SessionTokenAuthentication
from config.errors import DomainError
from voting.api.serializers import BallotSerializer, VoteRequestSerializer, VoteSerializer
from voting.catalogue import voting_catalogue
from voting.network import request_network
from voting.selectors import ballot_get
from voting.services import Outcome, ballot_cast, ballot_withdraw

CATEGORY = OpenApiParameter(
    "category", int, OpenApiParameter.PATH, description="The category's number."
)


@extend_schema(parameters=[YEAR])
class BallotView(APIView):
    """My votes in an edition: the nominee voted for in each category, and whether the
    ballot is complete."""

    permission_classes = [HasConfirmedEmail]
    serializer_class = BallotSerializer

    def get(self, request, year: int):
        edition = get_edition_or_404(year)
        return Response(BallotSerializer(ballot_get(edition=edition, voter=request.user)).data)


@extend_schema(parameters=[YEAR, CATEGORY])
class BallotCategoryView(APIView):
    """My vote in one category."""

    permission_classes = [HasConfirmedEmail]
    serializer_class = VoteSerializer

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if request.method == "PUT":
            response = self._vote_quickly(request, **kwargs)
            if response is not None:
                return response
        return super().dispatch(request, *args, **kwargs)

    def _vote_quickly(self, request: HttpRequest, *, year: int, category: int):
        """The vote of the deadline rush, without DRF's request cycle: the same
        authentication and throttles, then the service (which refuses an unconfirmed
        address itself), for a JSON vote sent with a session token. It answers only a vote it
        has recorded; anything else (another way of signing in, a refusal, bad
        input) returns None, and DRF goes through the request again and answers it,
        so every refusal keeps one shape and one code. None of the refusals writes
        anything; a refused request counts twice against the client's rate."""
        meta = request.META
        if not meta.get("HTTP_X_SESSION_TOKEN") or not meta.get("CONTENT_TYPE", "").startswith(
            "application/json"
        ):
            return None
        accept = meta.get("HTTP_ACCEPT", "*/*")
        if "application/json" not in accept and "*/*" not in accept:
            return None
        try:
            signed_in = SessionTokenAuthentication().authenticate(request)
        except APIException:
            return None
        if signed_in is None:
            return None
        request.user = voter = signed_in[0]
        for throttle_class in self.throttle_classes:
            if not throttle_class().allow_request(request, self):
                return None
        try:
            nominee = json.loads(request.body).get("nominee")
        except (ValueError, AttributeError):
            return None
        if type(nominee) is not int or nominee < 1:
            return None
        chosen = self._category(year, category)
        if chosen is None:
            return None
        try:
            cast = ballot_cast(
                edition=chosen.edition,
                category=chosen,
                voter=voter,
                nominee_id=nominee,
                network=request_network(request),
                user_agent=meta.get("HTTP_USER_AGENT", ""),
            )
        except DomainError:
            return None
        return JsonResponse(
            {"category": category, "nominee": cast.nominee_id},
            status=201 if cast.outcome == Outcome.CREATED else 200,
            json_dumps_params={"separators": (",", ":")},
            headers={"Allow": ", ".join(self.allowed_methods), "Vary": "Accept"},
        )

    def _category(self, year: int, number: int) -> Category | None:
        catalogue = voting_catalogue(year=year)
        entry = catalogue.categories.get(number) if catalogue else None
        return entry.category if entry else None

    @extend_schema(
        request=VoteRequestSerializer, responses={200: VoteSerializer, 201: VoteSerializer}
    )
    def put(self, request, year: int, category: int):
        """Cast or change my vote in this category: 201 when new, 200 when changed or
        the same. Repeating the request never makes a second vote."""
        chosen = self._category(year, category)
        if chosen is None:
            raise Http404
        incoming = VoteRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        cast = ballot_cast(
            edition=chosen.edition,
            category=chosen,
            voter=request.user,
            nominee_id=incoming.validated_data["nominee"],
            network=request_network(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response(
            {"category": category, "nominee": cast.nominee_id},
            status=201 if cast.outcome == Outcome.CREATED else 200,
        )

    @extend_schema(responses={204: None})
    def delete(self, request, year: int, category: int):
        """Withdraw my vote in this category."""
        chosen = self._category(year, category)
        if chosen is None:
            raise Http404
        ballot_withdraw(
            edition=chosen.edition,
            category=chosen,
            voter=request.user,
            network=request_network(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response(status=204)
