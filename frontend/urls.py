from django.urls import path

from frontend import views

app_name = "frontend"
urlpatterns = [
    path("", views.home, name="home"),
    path("editions/<int:year>/", views.edition_detail, name="edition"),
]
