"""OpenAPI descriptions of what drf-spectacular cannot see by itself."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = "config.api_access.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": (
                "The session token that django-allauth's headless API in app mode returns "
                "on login (POST /_allauth/app/v1/auth/login)."
            ),
        }
