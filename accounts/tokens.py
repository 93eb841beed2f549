"""One-time links: invitations use their own salt, so a password-reset token is never an invitation token."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset tokens, salted apart.

    Single use: the token hashes the password (unusable until the invitation is accepted, then the
    chosen one) and the last login. Valid for PASSWORD_RESET_TIMEOUT (72 hours). A new invitation
    for the same person sets a fresh unusable password, which voids the earlier links.
    """

    key_salt = "pskshub.accounts.tokens.InvitationTokenGenerator"


invitation_token_generator = InvitationTokenGenerator()
