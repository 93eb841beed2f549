from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from accounts.forms import PasswordResetForm
from accounts.services import invitation_hours

app_name = "accounts"

urlpatterns = [
    path("undangan/<uidb64>/<token>/", views.invitation_accept, name="invitation_accept"),
    # Django's password views as they are, with our templates, emails and URL names.
    path(
        "lupa-sandi/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            template_name="registration/password_reset_form.html",
            subject_template_name="emails/password-reset-subject.txt",
            email_template_name="emails/password-reset-body.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
            extra_email_context={"hours": invitation_hours()},
        ),
        name="password_reset",
    ),
    path(
        "lupa-sandi/terkirim/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html", extra_context={"hours": invitation_hours()}
        ),
        name="password_reset_done",
    ),
    path(
        "lupa-sandi/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "lupa-sandi/selesai/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path(
        "ganti-sandi/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/password_change_form.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "ganti-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
]
