"""The builder API (editors): flows, validation, publishing, versions, node types, conversations and runs."""

from django.db.models import Max, Prefetch, Q
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from flows import actions
from flows.models import Conversation, Flow, Step
from nodes.registry import registry

from .serializers import (
    ConversationSerializer,
    FlowListSerializer,
    FlowSerializer,
    ProblemSerializer,
    RunSerializer,
    ValidateSerializer,
    VersionDetailSerializer,
    VersionSerializer,
)


class FlowViewSet(viewsets.ModelViewSet):
    """Flows: a draft graph that may have problems, stored as it is, with the problems found in it."""

    # An aggregate drops Meta.ordering (Django 3.1+), so the list order is stated here.
    queryset = (
        Flow.objects.select_related("owner").annotate(latest_version=Max("versions__number", filter=Q(versions__is_preview=False))).order_by("name", "pk")
    )
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        if self.action == "list":
            return FlowListSerializer
        if self.action == "validate":
            return ValidateSerializer
        return FlowSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        graph = data.pop("graph", {"nodes": [], "edges": []})
        flow = Flow(owner=self.request.user)
        actions.save_flow(flow, graph=graph, **data)
        serializer.instance = flow

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        actions.save_flow(serializer.instance, graph=data.pop("graph", None), **data)

    @extend_schema(request=None, responses={201: VersionSerializer, 400: ProblemSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Freeze the draft as the next version; refused (400, problems listed) while the draft has errors."""
        version = actions.publish(self.get_object(), request.user)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        return Response(VersionSerializer(self.get_object().versions.filter(is_preview=False).select_related("published_by"), many=True).data)

    @extend_schema(responses=VersionDetailSerializer)
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>\d+)")
    def version(self, request, pk=None, number=None):
        version = get_object_or_404(self.get_object().versions.filter(is_preview=False), number=number)
        return Response(VersionDetailSerializer(version).data)

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
        conversations = flow.conversations.select_related("version").order_by("-created_at")[:200]
        page = self.paginate_queryset(conversations)  # None without a paginator: then the list itself
        return Response(ConversationSerializer(conversations if page is None else page, many=True).data)


class ConversationViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A conversation of any flow, and the runs (with their steps) of each turn."""

    queryset = Conversation.objects.select_related("version")
    serializer_class = ConversationSerializer

    @extend_schema(responses=RunSerializer(many=True))
    @action(detail=True, methods=["get"])
    def runs(self, request, pk=None):
        runs = (
            self.get_object()
            .runs.order_by("queued_at")
            .prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("seq")))
        )
        return Response(RunSerializer(runs, many=True).data)


class NodeTypesView(APIView):
    """Every registered node type: label, category, description, config JSON Schema and output handles."""

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
