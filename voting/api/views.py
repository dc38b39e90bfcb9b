from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import HasConfirmedEmail
from awards.api.views import YEAR, get_edition_or_404
from voting.api.serializers import BallotSerializer
from voting.selectors import ballot_get


@extend_schema(parameters=[YEAR])
class BallotView(APIView):
    """My votes in an edition: the nominee voted for in each category, and whether the
    ballot is complete."""

    permission_classes = [HasConfirmedEmail]
    serializer_class = BallotSerializer

    def get(self, request, year: int):
        edition = get_edition_or_404(year)
        return Response(BallotSerializer(ballot_get(edition=edition, voter=request.user)).data)
