from django.urls import path

from frontend.views import audit, fraud, review

urlpatterns = [
    path(
        "secretariat/editions/<int:year>/standings/",
        review.standings,
        name="standings",
    ),
    path(
        "secretariat/editions/<int:year>/fraud/",
        fraud.fraud,
        name="fraud",
    ),
    path(
        "secretariat/editions/<int:year>/audit/",
        audit.audit,
        name="audit",
    ),
    path("secretariat/audit/", audit.audit, name="audit-all"),
    path("secretariat/audit/export/<str:kind>/", audit.audit_export, name="audit-export"),
]
