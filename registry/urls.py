from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("rekap/", views.recap, name="recap"),
]
