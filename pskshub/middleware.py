from __future__ import annotations

import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Indonesian unless the user chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and most office
    browsers here are set to English; the language is the user's choice, kept in a cookie.
    """

    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class IdleTimeoutMiddleware:
    """Sessions end after SESSION_COOKIE_AGE seconds without a request.

    The expiry slides with use, but the session is rewritten at most once a minute, not on
    every request as SESSION_SAVE_EVERY_REQUEST would do (a database write per page).
    """

    REFRESH_SECONDS = 60
    KEY = "_idle_refreshed_at"

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and getattr(request, "user", None) is not None:
            now = int(time.time())
            if request.user.is_authenticated and now - session.get(self.KEY, 0) >= self.REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: saved with a fresh expiry
        return response

    @classmethod
    def on_login(cls, sender, request, user, **kwargs) -> None:
        """A fresh login starts the idle clock (saved with the login itself, no extra write)."""
        if getattr(request, "session", None) is not None:
            request.session[cls.KEY] = int(time.time())
