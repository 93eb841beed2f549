from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.province, name="province"),
    path("kegiatan/<int:pk>/", views.province_event, name="province_event"),
    path("<slug:slug>/", views.regency, name="regency"),
    path("<slug:slug>/kegiatan/<int:pk>/", views.regency_event, name="regency_event"),
]
