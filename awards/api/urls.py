from django.urls import path

from awards.api import views

urlpatterns = [
    path("action-lines/", views.ActionLineList.as_view(), name="action-line-list"),
    path("editions/", views.EditionList.as_view(), name="edition-list"),
    path("editions/<int:year>/", views.EditionDetail.as_view(), name="edition-detail"),
    path("editions/<int:year>/categories/", views.CategoryList.as_view(), name="category-list"),
    path("editions/<int:year>/nominees/", views.NomineeList.as_view(), name="nominee-list"),
    path(
        "editions/<int:year>/nominees/<int:pk>/",
        views.NomineeDetail.as_view(),
        name="nominee-detail",
    ),
    path(
        "editions/<int:year>/my-projects/",
        views.MyProjectList.as_view(),
        name="my-project-list",
    ),
    path(
        "editions/<int:year>/my-projects/<int:pk>/",
        views.MyProjectDetail.as_view(),
        name="my-project-detail",
    ),
    path(
        "editions/<int:year>/my-projects/<int:pk>/submit/",
        views.MyProjectSubmit.as_view(),
        name="my-project-submit",
    ),
    path(
        "editions/<int:year>/my-projects/<int:pk>/logo/",
        views.MyProjectLogo.as_view(),
        name="my-project-logo",
    ),
    path(
        "editions/<int:year>/my-projects/<int:pk>/document/",
        views.MyProjectDocument.as_view(),
        name="my-project-document",
    ),
    path(
        "editions/<int:year>/my-projects/<int:pk>/images/",
        views.MyProjectImages.as_view(),
        name="my-project-images",
    ),
    path(
        "editions/<int:year>/my-projects/<int:pk>/images/<int:image_id>/",
        views.MyProjectImage.as_view(),
        name="my-project-image",
    ),
    path("editions/<int:year>/results/", views.Results.as_view(), name="results"),
    path("editions/<int:year>/ceremony/", views.Ceremony.as_view(), name="ceremony"),
    path(
        "editions/<int:year>/statistics/",
        views.EditionStatistics.as_view(),
        name="edition-statistics",
    ),
]
