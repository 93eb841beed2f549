from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import LoginForm
from pskshub import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("akun/", include("accounts.urls")),
    path("relawan/", include("volunteer.urls")),
    path("forum/", include("forums.urls")),
    path("dasbor/", include("dashboards.urls")),
    path("tugas/", include("jobs.urls")),
    path("", include("registry.urls")),
]
