"""API-wide behaviour: the errors of every endpoint of /api/v1/ are JSON with Chinese messages
(povertymgmt.api_errors); a body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused with this 413."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"
