"""Django's model backend, reading the signed-in user with their region scope in one query: every page
and endpoint asks the scope (§1), so loading it apart cost each request a second query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ScopedModelBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("scope")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
