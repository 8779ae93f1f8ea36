"""The builder API (editors): flows, validation, publishing, versions, preview, copies, files, node types,
conversations and runs."""

import json

from django.db.models import Max, Prefetch, Q
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from flows import actions, roles, timers
from flows.models import Conversation, Flow, Step
from nodes.registry import registry

from .chat import WAIT_PARAM, _await_reply, _wait_s
from .parsers import NUL_MESSAGE, JSONParser, NulRefused, has_nul
from .serializers import (
    ConversationSerializer,
    ErrorSerializer,
    FlowDocumentSerializer,
    FlowListSerializer,
    FlowSerializer,
    PreviewReplySerializer,
    ProblemSerializer,
    PublishSerializer,
    RunSerializer,
    ValidateSerializer,
    VersionDetailSerializer,
    VersionSerializer,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description='The revision the save starts from, as the ETag gave it ("7"); or the body\'s `revision`',
    pattern=r'^(\*|(W/)?"?[0-9]{1,9}"?)$',
)
CONFLICT = OpenApiResponse(ErrorSerializer, description="Saved elsewhere since that revision (code conflict)")


def if_match_revision(request) -> int | None:
    """The revision in an If-Match header ("7", W/"7" or 7), None without one; a malformed one is a 400."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    value = raw.removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit()):  # "²".isdigit(), but int("²") fails
        raise ValidationError({"If-Match": ['Expected the flow\'s revision, as its ETag gives it: "7".']})
    return int(value)


def with_etag(response: Response) -> Response:
    """The draft's revision as its ETag, for clients that send it back in If-Match."""
    if response.status_code == 200 and isinstance(response.data, dict) and "revision" in response.data:
        response["ETag"] = f'"{response.data["revision"]}"'
    return response


IMPORT_UPLOAD = inline_serializer("FlowImportUpload", {"file": serializers.FileField()})


class FlowViewSet(viewsets.ModelViewSet):
    """Flows: a draft graph that may have problems, stored as it is, with the problems found in it."""

    # An aggregate drops Meta.ordering (Django 3.1+), so the list order is stated here.
    queryset = (
        Flow.objects.select_related("owner")
        .annotate(latest_version=Max("versions__number", filter=Q(versions__is_preview=False)))
        .order_by("name", "pk")
    )
    lookup_value_regex = r"\d+"
    required_permissions = {
        "list": "flows.view_flow",
        "retrieve": "flows.view_flow",
        "versions": "flows.view_flow",
        "version": "flows.view_flow",
        "export": "flows.view_flow",
        "validate": "flows.view_flow",  # stores nothing
        "conversations": "flows.view_conversation",
        "create": "flows.add_flow",
        "duplicate": "flows.add_flow",
        "import_": "flows.add_flow",
        "update": "flows.change_flow",
        "partial_update": "flows.change_flow",
        "preview": "flows.preview_flow",
        "publish": "flows.publish_flow",
        "restore": "flows.publish_flow",
        "destroy": "flows.delete_flow",
    }

    def get_serializer_class(self):
        if self.action == "list":
            return FlowListSerializer
        if self.action == "validate":
            return ValidateSerializer
        return FlowSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("revision", None)  # a new flow starts at revision 1
        graph = data.pop("graph", {"nodes": [], "edges": []})
        flow = Flow(owner=self.request.user)
        actions.save_flow(flow, graph=graph, **data)
        serializer.instance = flow

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        revision = data.pop("revision", None)
        if revision is None:
            revision = if_match_revision(self.request)
        actions.save_flow(serializer.instance, graph=data.pop("graph", None), revision=revision, **data)

    @extend_schema(parameters=[IF_MATCH], responses={200: FlowSerializer, 409: CONFLICT})
    def update(self, request, *args, **kwargs):
        return with_etag(super().update(request, *args, **kwargs))

    @extend_schema(parameters=[IF_MATCH], responses={200: FlowSerializer, 409: CONFLICT})
    def partial_update(self, request, *args, **kwargs):
        return with_etag(super().partial_update(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return with_etag(super().retrieve(request, *args, **kwargs))

    @extend_schema(request=PublishSerializer, responses={201: VersionSerializer, 400: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Freeze the draft as the next version, with an optional note; refused (400, problems listed) while the
        draft has errors."""
        body = PublishSerializer(data=request.data)  # no body: no note; not an object: 400
        body.is_valid(raise_exception=True)
        version = actions.publish(self.get_object(), request.user, note=body.validated_data["note"])
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        versions = self.get_object().versions.filter(is_preview=False).select_related("published_by")
        return Response(VersionSerializer(versions, many=True).data)

    @extend_schema(responses=VersionDetailSerializer)
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>\d+)")
    def version(self, request, pk=None, number=None):
        version = get_object_or_404(self.get_object().versions.filter(is_preview=False), number=number)
        return Response(VersionDetailSerializer(version).data)

    @extend_schema(
        request=None,
        responses={200: FlowSerializer, 404: OpenApiResponse(ErrorSerializer, description="No such published version")},
    )
    @action(detail=True, methods=["post"], url_path=r"versions/(?P<number>\d+)/restore")
    def restore(self, request, pk=None, number=None):
        """Replace the draft by the graph of published version `number`; the versions stay as they are."""
        flow = self.get_object()
        version = get_object_or_404(flow.versions.filter(is_preview=False), number=number)
        actions.restore_version(flow, version)
        return Response(FlowSerializer(self.get_queryset().get(pk=flow.pk)).data)

    @extend_schema(
        request=None,
        parameters=[WAIT_PARAM],
        responses={
            201: PreviewReplySerializer,
            202: PreviewReplySerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="The draft has errors (code graph_has_problems, with the problems)"
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def preview(self, request, pk=None):
        """Start a test conversation on a snapshot of the current draft; chat on with the chat API and the token.

        The draft need not be published, and the preview does not publish it: its steps stream on the flow's
        trace socket like any other run's."""
        wait_s = _wait_s(request)
        conversation, token, run = actions.start_preview(self.get_object(), request.user)
        reply, code = _await_reply(run, wait_s)
        body = {"id": str(conversation.pk), "token": token, **reply}
        return Response(body, status=status.HTTP_201_CREATED if code == status.HTTP_200_OK else code)

    @extend_schema(request=None, responses={201: FlowSerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        """A new flow named "<name> (copy)" with the same draft (not its versions or conversations)."""
        copy = actions.duplicate_flow(self.get_object(), request.user)
        return Response(FlowSerializer(self.get_queryset().get(pk=copy.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={200: OpenApiResponse(FlowDocumentSerializer, description="Sent as the file <slug>.flow.json")}
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer])
    def export(self, request, pk=None):
        """The draft as a file to keep or import elsewhere (credentials referenced by id; no secrets)."""
        flow = self.get_object()
        response = Response(actions.export_document(flow))
        response["Content-Disposition"] = f'attachment; filename="{flow.slug}.flow.json"'
        return response

    @extend_schema(
        request={"application/json": FlowDocumentSerializer, "multipart/form-data": IMPORT_UPLOAD},
        responses={
            201: FlowSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Not a flow export (code invalid_import)"),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[JSONParser, MultiPartParser],
    )
    def import_(self, request):
        """A new flow from an exported file: the document as the JSON body, or uploaded as the form field `file`."""
        upload = request.FILES.get("file") if request.content_type.startswith("multipart/") else None
        try:
            document = json.loads(upload.read()) if upload is not None else request.data
        except NulRefused as exc:
            raise actions.ImportRefused(NUL_MESSAGE) from exc
        except (ParseError, ValueError) as exc:
            raise actions.ImportRefused("The file is not valid JSON.") from exc
        if has_nul(document):
            raise actions.ImportRefused(NUL_MESSAGE)
        flow = actions.import_flow(document, request.user)
        return Response(FlowSerializer(self.get_queryset().get(pk=flow.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: inline_serializer("Validation", {"problems": ProblemSerializer(many=True)})})
    @action(detail=False, methods=["post"])
    def validate(self, request):
        """Problems in a graph, without storing anything."""
        serializer = ValidateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        problems = actions.validate_graph(serializer.validated_data["graph"])
        return Response({"problems": [p.as_dict() for p in problems]})

    @extend_schema(responses=ConversationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def conversations(self, request, pk=None):
        flow = self.get_object()
        conversations = timers.with_pending(flow.conversations.select_related("version")).order_by("-created_at")[:200]
        page = self.paginate_queryset(conversations)  # None without a paginator: then the list itself
        return Response(ConversationSerializer(conversations if page is None else page, many=True).data)


class ConversationViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A conversation of any flow, and the runs (with their steps) of each turn."""

    queryset = timers.with_pending(Conversation.objects.select_related("version"))
    serializer_class = ConversationSerializer
    required_permissions = {
        "retrieve": "flows.view_conversation",
        "runs": "flows.view_run",
        "skip_wait": "flows.preview_flow",  # preview conversations only: the editor's test chat
    }

    @extend_schema(
        request=inline_serializer(
            "SkipWait", {"timer": serializers.IntegerField(required=False, help_text="Empty: the wait's wake-up.")}
        ),
        responses={
            200: ConversationSerializer,
            409: OpenApiResponse(ErrorSerializer, description="Not a preview, or nothing pending (nothing_to_skip)"),
        },
    )
    @action(detail=True, methods=["post"], url_path="skip-wait", url_name="skip-wait")
    def skip_wait(self, request, pk=None):
        """Preview only: fire the pending wait (or the timer given by id) now; the turn runs as when it is due."""
        conversation = self.get_object()
        raw = request.data.get("timer") if isinstance(request.data, dict) else None
        if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int)):
            raise actions.ActionError("timer must be the id of one of the conversation's pending timers.")
        timers.skip_wait(conversation, raw)
        return Response(ConversationSerializer(self.get_queryset().get(pk=conversation.pk)).data)

    @extend_schema(responses=RunSerializer(many=True))
    @action(detail=True, methods=["get"])
    def runs(self, request, pk=None):
        runs = (
            self.get_object()
            .runs.order_by("queued_at")
            .prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("seq")))
        )
        return Response(RunSerializer(runs, many=True).data)


MeSerializer = inline_serializer(
    "Me",
    {
        "username": serializers.CharField(),
        "name": serializers.CharField(),
        "roles": serializers.ListField(child=serializers.CharField(), help_text="Viewer, Editor, Publisher, Admin"),
        "is_superuser": serializers.BooleanField(),
        "permissions": serializers.ListField(
            child=serializers.CharField(), help_text="The builder's permissions the user holds, e.g. flows.publish_flow"
        ),
    },
)


class MeView(APIView):
    """Who is logged in, their roles, and which of the builder's permissions they hold (to show what they can do)."""

    permission_classes = [IsAuthenticated]  # any user, even one without a role: the builder then says so

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(roles.summary(request.user))


class NodeTypesView(APIView):
    """Every registered node type: label, category, description, config JSON Schema and output handles."""

    required_permissions = {"get": "flows.view_flow"}

    @extend_schema(
        responses=inline_serializer(
            "NodeType",
            {
                "type": serializers.CharField(),
                "label": serializers.CharField(),
                "category": serializers.CharField(),
                "description": serializers.CharField(),
                "icon": serializers.CharField(),
                "version": serializers.IntegerField(),
                "accepts_input": serializers.BooleanField(),
                "outputs": serializers.ListField(child=serializers.DictField()),
                "dynamic_outputs": serializers.DictField(allow_null=True),
                "config_schema": serializers.DictField(),
            },
            many=True,
        )
    )
    def get(self, request):
        return Response([node_type.describe() for node_type in registry()])
