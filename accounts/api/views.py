from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions as roles
from accounts.api.serializers import MeSerializer


class Me(APIView):
    """The signed-in account: profile, whether its e-mail is confirmed, its roles."""

    permission_classes = [IsAuthenticated]
    serializer_class = MeSerializer

    def get(self, request):
        user = request.user
        user.email_verified = roles.has_confirmed_email(user)
        user.roles = sorted(
            name
            for name, member in (
                ("secretariat", roles.is_secretariat(user)),
                ("jury", roles.is_jury_member(user)),
            )
            if member
        )
        user.two_factor_authentication = roles.has_mfa(user)
        return Response(MeSerializer(user).data)
