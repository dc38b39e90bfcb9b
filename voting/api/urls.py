from django.urls import path

from voting.api import views

urlpatterns = [
    path("editions/<int:year>/ballot/", views.BallotView.as_view(), name="ballot"),
    path(
        "editions/<int:year>/ballot/<int:category>/",
        views.BallotCategoryView.as_view(),
        name="ballot-category",
    ),
]
