from django.urls import path

from awards.api import views

urlpatterns = [
    path("action-lines/", views.ActionLineList.as_view(), name="action-line-list"),
    path("editions/", views.EditionList.as_view(), name="edition-list"),
    path("editions/<int:year>/", views.EditionDetail.as_view(), name="edition-detail"),
    path("editions/<int:year>/categories/", views.CategoryList.as_view(), name="category-list"),
    path(
        "editions/<int:year>/statistics/",
        views.EditionStatistics.as_view(),
        name="edition-statistics",
    ),
]
