from django.urls import path

from frontend.views import review

urlpatterns = [
    path(
        "secretariat/editions/<int:year>/standings/",
        review.standings,
        name="standings",
    ),
    path(
        "secretariat/editions/<int:year>/fraud/",
        review.fraud,
        name="fraud",
    ),
]
