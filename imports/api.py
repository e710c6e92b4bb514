"""The household import through the REST API (§13): upload, status with errors, commit; scoped."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.masking import mask_id_number
from accounts.models import AuditAction
from accounts.services import audit_record

from . import selectors, services
from .forms import ImportUploadForm
from .models import ImportJob

ERRORS_IN_RESPONSE = 1000


class ImportJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    # The serializer's metaclass moves declared fields off the class, so this does not shadow the `errors`
    # property at run time; the stubs cannot know that.
    errors = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "state",
            "original_name",
            "progress",
            "rows_done",
            "rows_total",
            "households_total",
            "households_invalid",
            "members_total",
            "error_count",
            "valid_only",
            "as_identified",
            "message",
            "result",
            "errors",
            "created_at",
        ]

    def get_progress(self, job) -> int:
        return job.percent

    def get_errors(self, job) -> list[dict]:
        user = self.context["request"].user
        out = []
        unmasked = 0
        for issue in selectors.import_issues(job)[:ERRORS_IN_RESPONSE]:
            value = issue.value
            if issue.sensitive and value:
                if user.can_view_sensitive:
                    unmasked += 1
                else:
                    value = mask_id_number(value)
            out.append(
                {
                    "sheet": issue.sheet,
                    "row": issue.row,
                    "column": issue.column,
                    "header": issue.header,
                    "code": issue.code,
                    "message": issue.message,
                    "value": value,
                }
            )
        if unmasked:  # §9: the rejected rows' identifiers are sent unmasked
            audit_record(
                user=user,
                action=AuditAction.VIEW_SENSITIVE,
                object_type="import_job",
                object_id=job.pk,
                entry_region=job.scope_id,
                rows=len(out),
                unmasked=unmasked,
            )
        return out


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    as_identified = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "Province staff only: import the file's new households as already identified (poor), migrating an "
            "existing registry; otherwise they are applicants."
        ),
    )


class CommitSerializer(serializers.Serializer):
    valid_only = serializers.BooleanField(default=False)


class ImportJobCreate(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: ImportJobSerializer})
    def post(self, request):
        if not access.may_import_households(request.user):
            raise PermissionDenied(_("Your role cannot import households."))
        form = ImportUploadForm(request.data, files=request.FILES, user=request.user)
        if not form.is_valid():
            # The API's error shape (povertymgmt.api_errors), with the form's error codes listed too.
            raise serializers.ValidationError(
                {name: [e["message"] for e in errs] for name, errs in form.errors.get_json_data().items()}
                | {"codes": [e["code"] for errs in form.errors.get_json_data().values() for e in errs]}
            )
        job = services.import_job_create(
            user=request.user, upload=form.cleaned_data["file"], as_identified=form.cleaned_data["as_identified"]
        )
        job.refresh_from_db()
        return Response(ImportJobSerializer(job, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ImportJobDetail(APIView):
    @extend_schema(responses=ImportJobSerializer)
    def get(self, request, pk: int):
        job = selectors.import_job_get_for(request.user, pk)
        return Response(ImportJobSerializer(job, context={"request": request}).data)


class ImportJobCommit(APIView):
    @extend_schema(request=CommitSerializer, responses={202: ImportJobSerializer})
    def post(self, request, pk: int):
        job = selectors.import_job_get_for(request.user, pk)
        if job.created_by_id != request.user.pk:
            raise Http404
        data = CommitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            job = services.import_job_commit(user=request.user, job=job, valid_only=data.validated_data["valid_only"])
        except ValidationError as exc:
            raise serializers.ValidationError({"non_field_errors": exc.messages}) from None
        job.refresh_from_db()
        return Response(ImportJobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)
