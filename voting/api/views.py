from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import HasConfirmedEmail
from awards.api.views import YEAR
from awards.selectors import edition_get_or_404
from awards.services import WrongCategory
from config.network import request_network
from config.schema import refusals
from voting.api.serializers import BallotSerializer, VoteRequestSerializer, VoteSerializer
from voting.catalogue import voting_category
from voting.selectors import ballot_get
from voting.services import (
    NotANominee,
    Outcome,
    VoteInvalidated,
    VoterExcluded,
    VotingClosed,
    ballot_cast,
    ballot_withdraw,
)

CATEGORY = OpenApiParameter(
    "category", int, OpenApiParameter.PATH, description=_("The category's number.")
)


@extend_schema(parameters=[YEAR])
class BallotView(APIView):
    """My votes in an edition: the nominee voted for in each category (and whether the
    secretariat set it aside), whether the ballot is complete, and whether the account
    is excluded from voting."""

    permission_classes = [HasConfirmedEmail]
    serializer_class = BallotSerializer

    def get(self, request, year: int):
        edition = edition_get_or_404(year=year)
        return Response(BallotSerializer(ballot_get(edition=edition, voter=request.user)).data)


@extend_schema(parameters=[YEAR, CATEGORY])
class BallotCategoryView(APIView):
    """My vote in one category."""

    permission_classes = [HasConfirmedEmail]
    serializer_class = VoteSerializer

    @extend_schema(
        request=VoteRequestSerializer,
        responses={
            200: VoteSerializer,
            201: VoteSerializer,
            **refusals(NotANominee, WrongCategory, VotingClosed, VoterExcluded, VoteInvalidated),
        },
    )
    def put(self, request, year: int, category: int):
        """Cast or change my vote in this category: 201 when new, 200 when changed or
        the same. Repeating the request never makes a second vote. An account the
        secretariat excluded from voting in the edition is refused (403
        ``voter_excluded``), as is a change of a vote it invalidated (409
        ``vote_invalidated``)."""
        chosen = voting_category(year=year, number=category)
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

    @extend_schema(responses={204: None, **refusals(VotingClosed, VoterExcluded, VoteInvalidated)})
    def delete(self, request, year: int, category: int):
        """Withdraw my vote in this category. A vote the secretariat invalidated
        cannot be withdrawn (409 ``vote_invalidated``), and an excluded account
        withdraws nothing (403 ``voter_excluded``)."""
        chosen = voting_category(year=year, number=category)
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
