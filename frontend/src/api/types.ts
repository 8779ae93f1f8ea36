// API shapes: aliases of the types generated from the OpenAPI schema (schema.d.ts), refined where the schema
// only says "an object" (node-type metadata, the graph document, trace frames).
import type { Edge, Node } from "@xyflow/react";
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Flow = Schemas["Flow"];
export type FlowListItem = Schemas["FlowList"];
export type FlowDocument = Schemas["FlowDocument"];
export type Problem = Schemas["Problem"];
export type Version = Schemas["Version"];
export type Conversation = Schemas["Conversation"];
export type Run = Schemas["Run"];
export type Step = Schemas["Step"];
export type ChatMessage = Schemas["ChatMessage"];
export type ChatInput = Schemas["Input"];
export type Reply = Schemas["Reply"];
export type PreviewReply = Schemas["PreviewReply"];
export type Credential = Schemas["Credential"];
export type InboxConversation = Schemas["InboxConversation"];
export type InboxDetail = Schemas["InboxDetail"];
/** An agents' team kept in admin: the handoff step's suggestions, the inbox's filter. */
export type Team = Schemas["Team"];
/** A catalog template for the `template` node: its parameter form (a JSON Schema) and the credential kind it needs. */
export type IntegrationTemplate = Schemas["IntegrationTemplate"];
export type ApiErrorBody = Schemas["Error"];

/** A JSON Schema as pydantic writes it, with the canvas's hints (x-widget, x-template, x-credential-kinds). */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  additionalProperties?: boolean | JsonSchema;
  "x-widget"?: string;
  "x-template"?: boolean;
  "x-credential-kinds"?: string[];
  [key: string]: unknown;
}

export interface OutputInfo {
  id: string;
  label: string;
}

/** How a type derives its handles from its config: one per item of a list (a question's choices), or a fixed set
 * (`outputs`, e.g. a calendar node's available/unavailable/error) while `when` holds. */
export type DynamicOutputs =
  | { when?: Record<string, unknown>; each: string; id: string; label: string; also?: OutputInfo[] }
  | { when?: Record<string, unknown>; outputs: OutputInfo[] };

export interface NodeTypeInfo {
  type: string;
  label: string;
  category: string;
  description: string;
  icon: string;
  version: number;
  accepts_input: boolean;
  outputs: OutputInfo[];
  dynamic_outputs: DynamicOutputs | null;
  config_schema: JsonSchema;
}

export type NodeConfig = Record<string, unknown>;

/** A node and an edge as the canvas holds them; `data` is the node's config, nothing else. */
export type FlowNode = Node<NodeConfig>;
export type FlowEdge = Edge;

export interface GraphNode {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: NodeConfig;
}

export interface GraphEdge {
  id: string;
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}

/** The stored graph: React Flow's shape, plus whatever else the document carries (settings, spec_version). */
export interface GraphDocument {
  nodes: GraphNode[];
  edges: GraphEdge[];
  [key: string]: unknown;
}

export type StepStatus = "idle" | "running" | "succeeded" | "failed";

export interface StepFrame {
  event: "step.started" | "step.finished";
  run_id: string;
  conversation_id: string;
  seq: number;
  node_id: string;
  node_type: string;
  status: string;
  at?: number | string;
  duration_ms?: number;
  input?: unknown;
  output?: unknown;
  error?: string | null;
  handle?: string | null;
}

export interface RunFrame {
  event: "run.finished";
  run_id: string;
  conversation_id: string;
  status: string;
  error?: string | null;
  duration_ms?: number;
  steps?: number;
}

/** A piece of a bot message's text as the running step writes it (the node streams its reply): `text` is what
 * came since the last piece of the same stream; `discarded` says the step failed and its text will not be sent. */
export interface DeltaFrame {
  event: "step.delta";
  run_id: string;
  conversation_id: string;
  seq: number;
  node_id: string;
  node_type: string;
  status?: string;
  stream_id: string;
  text: string;
  discarded?: boolean;
}

export type TraceFrame = StepFrame | RunFrame | DeltaFrame;
