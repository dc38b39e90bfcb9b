from django.urls import path

from frontend.views import jury

urlpatterns = [
    path("jury/champions/<int:pk>/", jury.champion, name="jury-champion"),
    path(
        "secretariat/editions/<int:year>/jury/",
        jury.decisions,
        name="jury-decisions",
    ),
]
