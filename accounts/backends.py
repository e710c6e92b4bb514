"""Django's model backend, reading the signed-in user with their region scope and the working year in one
query: every page and endpoint asks the scope (§1), and most pages the working year (issue 13), so
loading them apart cost each request one or two more queries."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from villages.working_year import remember_working_year, working_year_subquery


class ScopedModelBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("scope")
        user = users.annotate(working_year_read=working_year_subquery()).filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        remember_working_year(user.working_year_read)
        return user
