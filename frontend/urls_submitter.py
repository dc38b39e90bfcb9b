"""The submitter's pages (my projects) and the public nominee pages."""

from django.urls import path

from frontend.views import nominees, search, submitter

MY_PROJECT = "editions/<int:year>/my-projects/<int:pk>/"

urlpatterns = [
    path("editions/<int:year>/my-projects/", submitter.my_projects, name="my-projects"),
    path(MY_PROJECT, submitter.my_project, name="my-project"),
    path(f"{MY_PROJECT}logo/", submitter.my_project_logo, name="my-project-logo"),
    path(f"{MY_PROJECT}images/", submitter.my_project_images, name="my-project-images"),
    path(
        f"{MY_PROJECT}images/<int:image_id>/remove/",
        submitter.my_project_image_remove,
        name="my-project-image-remove",
    ),
    path(f"{MY_PROJECT}document/", submitter.my_project_document, name="my-project-document"),
    path(
        f"{MY_PROJECT}document/remove/",
        submitter.my_project_document_remove,
        name="my-project-document-remove",
    ),
    path(f"{MY_PROJECT}delete/", submitter.my_project_delete, name="my-project-delete"),
    path("editions/<int:year>/categories/<int:number>/", nominees.category, name="category"),
    path("editions/<int:year>/nominees/<int:pk>/", nominees.nominee, name="nominee"),
    path("editions/<int:year>/search/", search.search, name="search"),
]
