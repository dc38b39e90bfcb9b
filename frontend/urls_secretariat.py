from django.urls import path

from frontend.views import nomination

urlpatterns = [
    path(
        "secretariat/editions/<int:year>/submissions/",
        nomination.submissions,
        name="submissions",
    ),
    path(
        "secretariat/editions/<int:year>/submissions/export.<str:kind>",
        nomination.submissions_export,
        name="submissions-export",
    ),
    path(
        "secretariat/editions/<int:year>/submissions/<int:pk>/",
        nomination.submission,
        name="submission",
    ),
]
