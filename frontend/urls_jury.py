from django.urls import path

from frontend.views import jury

urlpatterns = [
    path("jury/champions/<int:pk>/", jury.champion, name="jury-champion"),
    path(
        "secretariat/editions/<int:year>/jury/",
        jury.decisions,
        name="jury-decisions",
    ),
    path(
        "secretariat/editions/<int:year>/jury/<int:number>/undo/",
        jury.winner_undo_confirm,
        name="jury-winner-undo",
    ),
    path("secretariat/editions/<int:year>/jury/progress/", jury.progress, name="jury-progress"),
    path(
        "secretariat/editions/<int:year>/jury/<str:table>.<str:kind>",
        jury.export,
        name="jury-export",
    ),
]
