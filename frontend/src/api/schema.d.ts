// Generated from the OpenAPI schema by `npm run gen:api` (scripts/api-types.mjs); do not edit by hand.
// `npm run check:api` fails when this file and the schema disagree.

export interface paths {
    "/api/v1/channels/{channel_id}/twilio/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Verify the signature (403 and nothing stored when it fails), then store the text; its turn runs later. */
        post: operations["v1_channels_twilio"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/{flow_slug}/conversations/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Start a conversation with a published flow: its id, token, first bot messages and awaited input. */
        post: operations["v1_chat_conversations_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/{flow_slug}/widget/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description `/api/v1/chat/{slug}/widget/`: what a widget shows before the first message (published flows only). */
        get: operations["v1_chat_widget_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/{flow_slug}/widget/avatar/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description `/api/v1/chat/{slug}/widget/avatar/`: the avatar image (its URL carries its digest, so it is cached long). */
        get: operations["v1_chat_widget_avatar_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/conversations/{conversation_id}/messages/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The transcript: every message in order, and what the bot waits for now. */
        get: operations["v1_chat_conversations_messages_retrieve"];
        put?: never;
        /** @description Send the user's message; answers with the bot's replies to it (202 and a run id if the turn takes long). */
        post: operations["v1_chat_conversations_messages_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/conversations/{conversation_id}/runs/{run_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A turn's reply, for a client that got 202: waits like the POST did, then answers. */
        get: operations["v1_chat_conversations_runs_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A conversation of any flow, and the runs (with their steps) of each turn. */
        get: operations["v1_conversations_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations/{id}/runs/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A conversation of any flow, and the runs (with their steps) of each turn. */
        get: operations["v1_conversations_runs_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations/{id}/skip-wait/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Preview only: fire the pending wait (or the timer given by id) now; the turn runs as when it is due. */
        post: operations["v1_conversations_skip_wait_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The credentials a flow may use, by name and kind; settings and secrets stay in admin. */
        get: operations["v1_credentials_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/email-batches/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A bulk email batch (the email node's step output names its id). */
        get: operations["v1_email_batches_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Flows: a draft graph that may have problems, stored as it is, with the problems found in it. */
        get: operations["v1_flows_list"];
        put?: never;
        /** @description Flows: a draft graph that may have problems, stored as it is, with the problems found in it. */
        post: operations["v1_flows_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{flow_id}/appearance/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description `/api/v1/flows/{id}/appearance/`: the widget's look and allowed websites; no publishing needed. */
        get: operations["v1_flows_appearance_retrieve"];
        /** @description `/api/v1/flows/{id}/appearance/`: the widget's look and allowed websites; no publishing needed. */
        put: operations["v1_flows_appearance_update"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{flow_id}/appearance/avatar/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description `/api/v1/flows/{id}/appearance/avatar/`: upload the widget's avatar (a flow asset), or remove it. */
        post: operations["v1_flows_appearance_avatar_create"];
        /** @description `/api/v1/flows/{id}/appearance/avatar/`: upload the widget's avatar (a flow asset), or remove it. */
        delete: operations["v1_flows_appearance_avatar_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{flow_id}/channels/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A flow's SMS and WhatsApp numbers: texts to them reach the flow's published version. */
        get: operations["v1_flows_channels_list"];
        put?: never;
        /** @description A flow's SMS and WhatsApp numbers: texts to them reach the flow's published version. */
        post: operations["v1_flows_channels_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{flow_id}/channels/{channel_id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** @description A flow's SMS and WhatsApp numbers: texts to them reach the flow's published version. */
        delete: operations["v1_flows_channels_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{flow_id}/channels/{channel_id}/test/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Send a text from the channel's number now; Twilio's answer (or its error code) in words. */
        post: operations["v1_flows_channels_test_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{flow_id}/hooks/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A flow's incoming hooks: catch URLs, what each does, and which credential verifies it (never its secrets). */
        get: operations["v1_flows_hooks_list"];
        put?: never;
        /** @description A flow's incoming hooks: catch URLs, what each does, and which credential verifies it (never its secrets). */
        post: operations["v1_flows_hooks_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{flow_id}/hooks/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A flow's incoming hooks: catch URLs, what each does, and which credential verifies it (never its secrets). */
        get: operations["v1_flows_hooks_retrieve"];
        /** @description A flow's incoming hooks: catch URLs, what each does, and which credential verifies it (never its secrets). */
        put: operations["v1_flows_hooks_update"];
        post?: never;
        /** @description A flow's incoming hooks: catch URLs, what each does, and which credential verifies it (never its secrets). */
        delete: operations["v1_flows_hooks_destroy"];
        options?: never;
        head?: never;
        /** @description A flow's incoming hooks: catch URLs, what each does, and which credential verifies it (never its secrets). */
        patch: operations["v1_flows_hooks_partial_update"];
        trace?: never;
    };
    "/api/v1/flows/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Flows: a draft graph that may have problems, stored as it is, with the problems found in it. */
        get: operations["v1_flows_retrieve"];
        /** @description Flows: a draft graph that may have problems, stored as it is, with the problems found in it. */
        put: operations["v1_flows_update"];
        post?: never;
        /** @description Flows: a draft graph that may have problems, stored as it is, with the problems found in it. */
        delete: operations["v1_flows_destroy"];
        options?: never;
        head?: never;
        /** @description Flows: a draft graph that may have problems, stored as it is, with the problems found in it. */
        patch: operations["v1_flows_partial_update"];
        trace?: never;
    };
    "/api/v1/flows/{id}/conversations/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Flows: a draft graph that may have problems, stored as it is, with the problems found in it. */
        get: operations["v1_flows_conversations_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{id}/duplicate/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description A new flow named "<name> (copy)" with the same draft (not its versions or conversations). */
        post: operations["v1_flows_duplicate_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{id}/export/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The draft as a file to keep or import elsewhere (credentials referenced by id; no secrets). */
        get: operations["v1_flows_export_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{id}/preview/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * @description Start a test conversation on a snapshot of the current draft; chat on with the chat API and the token.
         *
         *     The draft need not be published, and the preview does not publish it: its steps stream on the flow's
         *     trace socket like any other run's.
         */
        post: operations["v1_flows_preview_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{id}/publish/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * @description Freeze the draft as the next version, with an optional note; refused (400, problems listed) while the
         *     draft has errors.
         */
        post: operations["v1_flows_publish_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{id}/versions/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Flows: a draft graph that may have problems, stored as it is, with the problems found in it. */
        get: operations["v1_flows_versions_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{id}/versions/{number}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Flows: a draft graph that may have problems, stored as it is, with the problems found in it. */
        get: operations["v1_flows_versions_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/{id}/versions/{number}/restore/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Replace the draft by the graph of published version `number`; the versions stay as they are. */
        post: operations["v1_flows_versions_restore_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/import/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description A new flow from an exported file: the document as the JSON body, or uploaded as the form field `file`. */
        post: operations["v1_flows_import_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flows/validate/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Problems in a graph, without storing anything. */
        post: operations["v1_flows_validate_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hooks/{flow_slug}/{key}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Start a conversation (or resume the one waiting) with the posted JSON; each delivery id acts once. */
        post: operations["v1_hooks_deliver"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inbox/conversations/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Conversations handed to a person, the longest waiting first. */
        get: operations["v1_inbox_conversations_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inbox/conversations/{conversation_id}/claim/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Take the conversation: only one agent holds it; a second claim is refused (409 already_claimed). */
        post: operations["v1_inbox_conversations_claim_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inbox/conversations/{conversation_id}/close/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Close it: the flow goes on at the handoff's `closed` output. */
        post: operations["v1_inbox_conversations_close_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inbox/conversations/{conversation_id}/messages/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The conversation as the agent sees it: transcript with notes, and its variables. */
        get: operations["v1_inbox_conversations_messages_retrieve"];
        put?: never;
        /** @description The holder's reply to the customer, or with note=true an internal note (never sent). */
        post: operations["v1_inbox_conversations_messages_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inbox/conversations/{conversation_id}/release/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Hand back to the bot: the flow goes on at the handoff's `resolved` output, with these variables set. */
        post: operations["v1_inbox_conversations_release_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integration-templates/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The integration templates a `template` node can use
         * @description Shipped and custom templates, by name, with the JSON Schema of their parameters; never a secret.
         */
        get: operations["v1_integration_templates_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/intercom/{credential_id}/webhook/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Verify the signature (401, nothing done, when it fails), then deliver the admin's reply or the close. */
        post: operations["v1_intercom_webhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Who is logged in, their roles, and which of the builder's permissions they hold (to show what they can do). */
        get: operations["v1_me_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/node-types/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Every registered node type: label, category, description, config JSON Schema and output handles. */
        get: operations["v1_node_types_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The agents' teams by name (kept in admin): names a handoff step may use and the inbox may filter by. */
        get: operations["v1_teams_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description * `start` - Start a conversation
         *     * `resume` - Resume the conversation waiting for it
         * @enum {string}
         */
        ActionEnum: "start" | "resume";
        AgentMessageRequest: {
            /**
             * @description An internal note: kept for agents, never sent
             * @default false
             */
            note: boolean;
            text: string;
        };
        /**
         * @description * `signature` - Standard Webhooks signature
         *     * `token` - Secret token
         * @enum {string}
         */
        AuthEnum: "signature" | "token";
        AvatarUploadRequest: {
            /** Format: binary */
            file: string;
        };
        Channel: {
            /** Format: date-time */
            readonly created_at: string;
            /** @description A Twilio credential (never shown here) */
            credential: number;
            readonly credential_name: string;
            /** @description The answer to HELP; blank for a sentence naming the flow and STOP. */
            help_text?: string;
            /** Format: uuid */
            readonly id: string;
            kind: components["schemas"]["ChannelKindEnum"];
            /** @description The number texts come from: +15551234567, whatsapp:+15551234567, or MG... (a Messaging Service SID). */
            sender: string;
            /** @description Paste into the number's messaging webhook at Twilio */
            readonly webhook_url: string;
        };
        /**
         * @description * `twilio_sms` - Twilio SMS
         *     * `twilio_whatsapp` - Twilio WhatsApp
         * @enum {string}
         */
        ChannelKindEnum: "twilio_sms" | "twilio_whatsapp";
        ChannelRequest: {
            /** @description A Twilio credential (never shown here) */
            credential: number;
            /** @description The answer to HELP; blank for a sentence naming the flow and STOP. */
            help_text?: string;
            kind: components["schemas"]["ChannelKindEnum"];
            /** @description The number texts come from: +15551234567, whatsapp:+15551234567, or MG... (a Messaging Service SID). */
            sender: string;
        };
        ChannelTestMessageRequest: {
            /** @default A test message from your flow. */
            text: string;
            /** @description The number to text, in E.164 form (+15551234567) */
            to: string;
        };
        ChannelTestResult: {
            error: string;
            /** @description Twilio's error code, such as 21211 (invalid number) */
            error_code: string;
            sid: string;
            /** @description Twilio's status (queued, ...) or failed */
            status: string;
        };
        ChatMessage: {
            choices: {
                [key: string]: unknown;
            }[] | null;
            id: number;
            text: string;
        };
        /**
         * @description * `unchecked` - Unchecked
         *     * `ok` - Ok
         *     * `failed` - Failed
         * @enum {string}
         */
        CheckStatusEnum: "unchecked" | "ok" | "failed";
        ClaimRequest: {
            /** @description The name the customer sees; default: yours */
            display_name?: string;
        };
        Conversation: {
            /** @description What the bot waits for (wake_at: when a wait ends). */
            readonly awaiting: unknown;
            channel?: string;
            /** Format: date-time */
            readonly created_at: string;
            external_user_id?: string;
            /** Format: uuid */
            readonly id: string;
            readonly preview: boolean;
            status?: components["schemas"]["ConversationStatusEnum"];
            /** @description Pending timers, soonest first. */
            readonly timers: components["schemas"]["PendingTimer"][];
            /** Format: date-time */
            readonly updated_at: string;
            variables?: unknown;
            /** @description 0 for a preview of a draft */
            version: number;
            waiting_node?: string;
        };
        /**
         * @description * `active` - Active
         *     * `ended` - Ended
         *     * `failed` - Failed
         * @enum {string}
         */
        ConversationStatusEnum: "active" | "ended" | "failed";
        Credential: {
            readonly check_status: components["schemas"]["CheckStatusEnum"];
            /** Format: date-time */
            readonly checked_at: string | null;
            readonly id: number;
            readonly kind: string;
            /** @description The kind as people call it, such as “API connection”. */
            readonly kind_label: string;
            readonly name: string;
        };
        /**
         * @description * `in` - From the user
         *     * `out` - From the bot
         * @enum {string}
         */
        DirectionEnum: "in" | "out";
        EmailBatch: {
            /** Format: date-time */
            readonly created_at: string;
            readonly failed: number;
            /** Format: date-time */
            readonly finished_at: string | null;
            readonly flow_id: string;
            readonly id: number;
            readonly node_id: string;
            readonly pending: number;
            /** @description Each recipient's status, message id, answer or error. */
            readonly recipients: {
                [key: string]: unknown;
            }[];
            /** Format: uuid */
            readonly run_id: string | null;
            /** @description The From header, as sent. */
            readonly sender: string;
            readonly sent: number;
            /** Format: date-time */
            readonly started_at: string | null;
            readonly status: components["schemas"]["EmailBatchStatusEnum"];
            /** @description The first recipient's subject, for the list. */
            readonly subject: string;
            readonly total: number;
        };
        /**
         * @description * `queued` - Queued
         *     * `sending` - Sending
         *     * `done` - Done
         * @enum {string}
         */
        EmailBatchStatusEnum: "queued" | "sending" | "done";
        Error: {
            error: components["schemas"]["ErrorDetail"];
        };
        ErrorDetail: {
            /** @description Stable for clients, e.g. graph_has_problems, invalid_import, not_found */
            code: string;
            /** @description Per-field messages of an invalid request */
            fields?: {
                [key: string]: unknown;
            };
            /** @description A sentence to show the user */
            message: string;
            /** @description When the graph has problems */
            problems?: components["schemas"]["Problem"][];
            /**
             * Format: double
             * @description When throttled: seconds to wait
             */
            retry_after_s?: number;
        };
        /**
         * @description Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
         *     builder's serializers; the chat API's own checks are in chat.py).
         */
        Flow: {
            /** Format: date-time */
            readonly created_at: string;
            /** @description React Flow's shape: {nodes, edges, settings?}. Anything else in it is reported as problems. */
            graph?: {
                edges?: {
                    [key: string]: unknown;
                }[];
                nodes?: {
                    [key: string]: unknown;
                }[];
                settings?: {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            };
            readonly id: number;
            name: string;
            /** @description Who created the flow; null when that user was deleted */
            readonly owner: string | null;
            readonly problems: components["schemas"]["Problem"][];
            readonly published_version: number | null;
            /** @description Counts the draft's saves. Send the revision you edited (or the header If-Match: "<revision>"): if the draft was saved since, the save is refused with 409 conflict and nothing changes. */
            revision?: number;
            slug?: string;
            /** Format: date-time */
            readonly updated_at: string;
        };
        /** @description A flow as a portable file: what export returns and import takes. */
        FlowDocument: {
            format: components["schemas"]["FormatEnum"];
            /** @description React Flow's shape: {nodes, edges, settings?}. Anything else in it is reported as problems. */
            graph: {
                edges?: {
                    [key: string]: unknown;
                }[];
                nodes?: {
                    [key: string]: unknown;
                }[];
                settings?: {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            };
            /** @description The new flow's name (its first 200 characters) */
            name: string;
            spec_version: number;
        };
        /** @description A flow as a portable file: what export returns and import takes. */
        FlowDocumentRequest: {
            format: components["schemas"]["FormatEnum"];
            /** @description React Flow's shape: {nodes, edges, settings?}. Anything else in it is reported as problems. */
            graph: {
                edges?: {
                    [key: string]: unknown;
                }[];
                nodes?: {
                    [key: string]: unknown;
                }[];
                settings?: {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            };
            /** @description The new flow's name (its first 200 characters) */
            name: string;
            spec_version: number;
        };
        FlowImportUploadRequest: {
            /** Format: binary */
            file: string;
        };
        /**
         * @description Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
         *     builder's serializers; the chat API's own checks are in chat.py).
         */
        FlowList: {
            /** Format: date-time */
            readonly created_at: string;
            readonly id: number;
            name: string;
            /** @description Who created the flow; null when that user was deleted */
            readonly owner: string | null;
            readonly problems: components["schemas"]["Problem"][];
            readonly published_version: number | null;
            /** @description Counts the draft's saves. Send the revision you edited (or the header If-Match: "<revision>"): if the draft was saved since, the save is refused with 409 conflict and nothing changes. */
            revision?: number;
            slug?: string;
            /** Format: date-time */
            readonly updated_at: string;
        };
        /**
         * @description Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
         *     builder's serializers; the chat API's own checks are in chat.py).
         */
        FlowRequest: {
            /** @description React Flow's shape: {nodes, edges, settings?}. Anything else in it is reported as problems. */
            graph?: {
                edges?: {
                    [key: string]: unknown;
                }[];
                nodes?: {
                    [key: string]: unknown;
                }[];
                settings?: {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            };
            name: string;
            /** @description Counts the draft's saves. Send the revision you edited (or the header If-Match: "<revision>"): if the draft was saved since, the save is refused with 409 conflict and nothing changes. */
            revision?: number;
            slug?: string;
        };
        /**
         * @description * `flowbuilder/flow` - flowbuilder/flow
         * @enum {string}
         */
        FormatEnum: "flowbuilder/flow";
        /**
         * @description Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
         *     builder's serializers; the chat API's own checks are in chat.py).
         */
        Hook: {
            action?: components["schemas"]["ActionEnum"];
            auth?: components["schemas"]["AuthEnum"];
            /** Format: date-time */
            readonly created_at: string;
            /** @description A webhook-secret credential (its signing secrets or token; never shown here) */
            credential: number;
            readonly credential_name: string;
            enabled?: boolean;
            /** @description JMESPath to the external id in the posted JSON (e.g. customer.id). */
            external_id_path?: string;
            readonly id: number;
            /** @description Part of the catch URL; made from 'hook' */
            key?: string;
            /** @description The full catch URL to paste into Zapier, Make or Pabbly */
            readonly url: string;
            variable?: string;
        };
        HookReceipt: {
            /** Format: uuid */
            conversation_id: string | null;
            delivery_id: string;
            detail: string;
            /** @description Seen before: nothing was done this time */
            duplicate: boolean;
            outcome: components["schemas"]["OutcomeEnum"];
        };
        /**
         * @description Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
         *     builder's serializers; the chat API's own checks are in chat.py).
         */
        HookRequest: {
            action?: components["schemas"]["ActionEnum"];
            auth?: components["schemas"]["AuthEnum"];
            /** @description A webhook-secret credential (its signing secrets or token; never shown here) */
            credential: number;
            enabled?: boolean;
            /** @description JMESPath to the external id in the posted JSON (e.g. customer.id). */
            external_id_path?: string;
            /** @description Part of the catch URL; made from 'hook' */
            key?: string;
            variable?: string;
        };
        InboxConversation: {
            agent_name: string;
            channel?: string;
            /** Format: date-time */
            claimed_at: string | null;
            readonly claimed_by_me: boolean;
            flow: number;
            readonly flow_name: string;
            /** Format: uuid */
            readonly id: string;
            priority: string;
            reason: string;
            /** Format: date-time */
            requested_at: string | null;
            /** @description Where the handoff step routed it: inbox, intercom or email */
            readonly route: string;
            /** @description waiting, agent or done */
            status: string;
            team: string;
            /**
             * Format: double
             * @description Seconds since the handoff was asked for
             */
            readonly waiting_s: number;
        };
        InboxDetail: {
            agent_name: string;
            channel?: string;
            /** Format: date-time */
            claimed_at: string | null;
            readonly claimed_by_me: boolean;
            flow: number;
            readonly flow_name: string;
            /** Format: uuid */
            readonly id: string;
            readonly messages: components["schemas"]["InboxMessage"][];
            priority: string;
            reason: string;
            /** Format: date-time */
            requested_at: string | null;
            /** @description Where the handoff step routed it: inbox, intercom or email */
            readonly route: string;
            /** @description waiting, agent or done */
            status: string;
            team: string;
            variables: unknown;
            /**
             * Format: double
             * @description Seconds since the handoff was asked for
             */
            readonly waiting_s: number;
        };
        InboxMessage: {
            /** @description The agent's shown name (agent messages and notes) */
            author: string;
            /** Format: date-time */
            created_at: string;
            id: number;
            /** @description customer, bot, agent or note */
            kind: string;
            text: string;
        };
        Input: {
            choices: {
                [key: string]: unknown;
            }[] | null;
            node_id: string;
            /** @description text, number, email, phone, date, choice; webhook or wait: no answer asked */
            type: string;
            /** @description ISO date-time: when the wait ends, or when a question reminds or times out */
            wake_at?: string;
        };
        IntegrationTemplate: {
            credential: components["schemas"]["TemplateCredential"] | null;
            description: string;
            icon: string;
            key: string;
            name: string;
            /**
             * @description Shipped with the app, or an admin's.
             *
             *     * `shipped` - shipped
             *     * `custom` - custom
             */
            origin: components["schemas"]["OriginEnum"];
            /** @description The variables the template's response mapping sets. */
            outputs: string[];
            /** @description A JSON Schema object: the form of the node's params. */
            parameters: unknown;
            /** @description The service's API reference the recipe follows. */
            reference: string;
            request: components["schemas"]["TemplateRequest"];
        };
        IntercomNotificationReceipt: {
            /** Format: uuid */
            conversation_id: string | null;
            detail: string;
            /** @description replied, closed, ignored (not a handed-off conversation) or ping */
            outcome: string;
        };
        /**
         * @description * `chat` - chat
         *     * `help` - help
         *     * `sparkle` - sparkle
         *     * `wave` - wave
         * @enum {string}
         */
        LauncherIconEnum: "chat" | "help" | "sparkle" | "wave";
        Me: {
            is_superuser: boolean;
            name: string;
            /** @description The builder's permissions the user holds, e.g. flows.publish_flow */
            permissions: string[];
            /** @description Viewer, Editor, Publisher, Admin */
            roles: string[];
            username: string;
        };
        NodeType: {
            accepts_input: boolean;
            category: string;
            config_schema: {
                [key: string]: unknown;
            };
            description: string;
            dynamic_outputs: {
                [key: string]: unknown;
            } | null;
            icon: string;
            label: string;
            outputs: {
                [key: string]: unknown;
            }[];
            type: string;
            version: number;
        };
        /**
         * @description * `shipped` - shipped
         *     * `custom` - custom
         * @enum {string}
         */
        OriginEnum: "shipped" | "custom";
        /**
         * @description * `started` - started
         *     * `resumed` - resumed
         *     * `ignored` - ignored
         * @enum {string}
         */
        OutcomeEnum: "started" | "resumed" | "ignored";
        /**
         * @description Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
         *     builder's serializers; the chat API's own checks are in chat.py).
         */
        PatchedFlowRequest: {
            /** @description React Flow's shape: {nodes, edges, settings?}. Anything else in it is reported as problems. */
            graph?: {
                edges?: {
                    [key: string]: unknown;
                }[];
                nodes?: {
                    [key: string]: unknown;
                }[];
                settings?: {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            };
            name?: string;
            /** @description Counts the draft's saves. Send the revision you edited (or the header If-Match: "<revision>"): if the draft was saved since, the save is refused with 409 conflict and nothing changes. */
            revision?: number;
            slug?: string;
        };
        /**
         * @description Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
         *     builder's serializers; the chat API's own checks are in chat.py).
         */
        PatchedHookRequest: {
            action?: components["schemas"]["ActionEnum"];
            auth?: components["schemas"]["AuthEnum"];
            /** @description A webhook-secret credential (its signing secrets or token; never shown here) */
            credential?: number;
            enabled?: boolean;
            /** @description JMESPath to the external id in the posted JSON (e.g. customer.id). */
            external_id_path?: string;
            /** @description Part of the catch URL; made from 'hook' */
            key?: string;
            variable?: string;
        };
        /** @description A timer that has not fired (its last time) yet: a wait's or a question's wake-up, or a named timer. */
        PendingTimer: {
            /**
             * Format: date-time
             * @description When it fires next.
             */
            due_at: string;
            /** Format: int64 */
            fired_count?: number;
            readonly id: number;
            kind: components["schemas"]["PendingTimerKindEnum"];
            /** @description A named timer's name; empty for a wake-up. */
            name?: string;
            /** @description The node that set it (and that it resumes). */
            node_id: string;
            readonly repeats: boolean;
        };
        /**
         * @description * `wake` - Wake the waiting node (wait, question timeout)
         *     * `named` - Named timer (timer node)
         * @enum {string}
         */
        PendingTimerKindEnum: "wake" | "named";
        /**
         * @description * `left` - left
         *     * `right` - right
         * @enum {string}
         */
        PositionEnum: "left" | "right";
        PostMessageRequest: {
            client_message_id?: string | null;
            text: string;
        };
        /** @description A preview conversation: chat on with the public chat API and this token. */
        PreviewReply: {
            /** Format: uuid */
            id: string;
            input: components["schemas"]["Input"] | null;
            messages: components["schemas"]["ChatMessage"][];
            /** Format: uuid */
            run_id: string;
            /** @description queued while the worker has not answered yet (HTTP 202) */
            run_status: string;
            /** @description the conversation: active, ended, failed, or pending */
            status: string;
            /** @description Bearer token for this conversation; shown once */
            token: string;
        };
        Problem: {
            edge_id: string | null;
            field: string | null;
            message: string;
            node_id: string | null;
            severity: components["schemas"]["SeverityEnum"];
        };
        ProblemRequest: {
            edge_id: string | null;
            field: string | null;
            message: string;
            node_id: string | null;
            severity: components["schemas"]["SeverityEnum"];
        };
        /**
         * @description Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
         *     builder's serializers; the chat API's own checks are in chat.py).
         */
        PublicWidget: {
            /** @description #rrggbb */
            accent?: string;
            avatar_url: string | null;
            /** @description The flow's slug */
            flow: string;
            /** @description Teaser bubble beside the launcher; blank: none */
            greeting?: string;
            launcher_icon?: components["schemas"]["LauncherIconEnum"];
            placeholder?: string;
            position?: components["schemas"]["PositionEnum"];
            subtitle?: string;
            theme?: components["schemas"]["ThemeEnum"];
            /** @description Blank: the flow's name */
            title?: string;
        };
        /**
         * @description Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
         *     builder's serializers; the chat API's own checks are in chat.py).
         */
        PublishRequest: {
            /**
             * @description What changed, shown with the version
             * @default
             */
            note: string;
        };
        ReleaseRequest: {
            /** @description Variables to set before the bot goes on */
            variables?: {
                [key: string]: unknown;
            };
        };
        Reply: {
            input: components["schemas"]["Input"] | null;
            messages: components["schemas"]["ChatMessage"][];
            /** Format: uuid */
            run_id: string;
            /** @description queued while the worker has not answered yet (HTTP 202) */
            run_status: string;
            /** @description the conversation: active, ended, failed, or pending */
            status: string;
        };
        Run: {
            /** Format: double */
            duration_ms?: number | null;
            error?: string;
            /** Format: date-time */
            finished_at?: string | null;
            /** Format: uuid */
            readonly id: string;
            /** @description The message this run answers: a redelivered turn finds it done. */
            inbound?: number | null;
            /** Format: date-time */
            readonly queued_at: string;
            /** Format: date-time */
            started_at?: string | null;
            status?: components["schemas"]["RunStatusEnum"];
            readonly steps: components["schemas"]["Step"][];
            trigger: components["schemas"]["TriggerEnum"];
        };
        /**
         * @description * `queued` - Queued
         *     * `completed` - Completed
         *     * `failed` - Failed
         *     * `skipped` - Skipped
         * @enum {string}
         */
        RunStatusEnum: "queued" | "completed" | "failed" | "skipped";
        /**
         * @description * `error` - error
         *     * `warning` - warning
         * @enum {string}
         */
        SeverityEnum: "error" | "warning";
        SkipWaitRequest: {
            /** @description Empty: the wait's wake-up. */
            timer?: number;
        };
        StartReply: {
            /** Format: uuid */
            id: string;
            input: components["schemas"]["Input"] | null;
            messages: components["schemas"]["ChatMessage"][];
            /** Format: uuid */
            run_id: string;
            /** @description queued while the worker has not answered yet (HTTP 202) */
            run_status: string;
            /** @description the conversation: active, ended, failed, or pending */
            status: string;
            /** @description Bearer token for this conversation; shown once */
            token: string;
        };
        StartRequest: {
            /** @default api */
            channel: string;
            /** @default  */
            external_user_id: string;
            /** @description Initial variables, e.g. the user's name */
            variables?: {
                [key: string]: unknown;
            };
        };
        Step: {
            /** Format: double */
            duration_ms: number;
            error?: string;
            handle?: string;
            input?: unknown;
            node_id: string;
            node_type: string;
            output?: unknown;
            /** Format: int64 */
            seq: number;
            /** Format: date-time */
            started_at: string;
            status: string;
        };
        Team: {
            /** @description Who is in it or what it answers; shown with the name. */
            readonly description: string;
            /** @description As a handoff step names it, such as Billing. */
            readonly name: string;
        };
        TemplateCredential: {
            /** @description Django admin's add form for this kind, pre-filled from the template. */
            add_url: string;
            /** @description What credential to create, in a sentence. */
            help: string;
            /** @description The credential kind the template needs (the node's picker lists these). */
            kind: string;
            kind_label: string;
        };
        TemplateRequest: {
            method: string;
            /** @description A template; relative to the credential's base URL when it has one. */
            url: string;
        };
        /**
         * @description * `light` - light
         *     * `dark` - dark
         *     * `auto` - auto
         * @enum {string}
         */
        ThemeEnum: "light" | "dark" | "auto";
        Transcript: {
            /** Format: uuid */
            id: string;
            input: components["schemas"]["Input"] | null;
            messages: components["schemas"]["TranscriptMessage"][];
            status: string;
        };
        TranscriptMessage: {
            choices?: unknown;
            client_message_id?: string | null;
            /** Format: date-time */
            readonly created_at: string;
            /** @description Through an SMS/WhatsApp channel: queued, sent, delivered, undelivered, failed (suppressed: the number opted out); blank for the web chat */
            delivery_status?: string;
            direction: components["schemas"]["DirectionEnum"];
            /** @description The provider's error code when it failed (Twilio's 21211, 30003, ...) */
            error_code?: string;
            readonly id: number;
            text?: string;
        };
        /**
         * @description * `start` - Start
         *     * `message` - Message
         *     * `hook` - Hook
         *     * `timer` - Timer
         * @enum {string}
         */
        TriggerEnum: "start" | "message" | "hook" | "timer";
        /**
         * @description Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
         *     builder's serializers; the chat API's own checks are in chat.py).
         */
        ValidateRequest: {
            /** @description React Flow's shape: {nodes, edges, settings?}. Anything else in it is reported as problems. */
            graph: {
                edges?: {
                    [key: string]: unknown;
                }[];
                nodes?: {
                    [key: string]: unknown;
                }[];
                settings?: {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            };
        };
        Validation: {
            problems: components["schemas"]["Problem"][];
        };
        Version: {
            /** @description What changed in this version, in the publisher's words. */
            note?: string;
            /** Format: int64 */
            number: number;
            /** Format: date-time */
            readonly published_at: string;
            readonly published_by: string | null;
        };
        VersionDetail: {
            /** @description React Flow's shape: {nodes, edges, settings?}. Anything else in it is reported as problems. */
            graph: {
                edges?: {
                    [key: string]: unknown;
                }[];
                nodes?: {
                    [key: string]: unknown;
                }[];
                settings?: {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            };
            /** @description What changed in this version, in the publisher's words. */
            note?: string;
            /** Format: int64 */
            number: number;
            /** Format: date-time */
            readonly published_at: string;
            readonly published_by: string | null;
        };
        /**
         * @description Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
         *     builder's serializers; the chat API's own checks are in chat.py).
         */
        WidgetSettings: {
            /** @description #rrggbb */
            accent?: string;
            /** @description Websites that may embed the chat (https://shop.example.com); empty: any */
            allowed_origins?: string[];
            readonly avatar_url: string | null;
            /** @description Teaser bubble beside the launcher; blank: none */
            greeting?: string;
            launcher_icon?: components["schemas"]["LauncherIconEnum"];
            placeholder?: string;
            position?: components["schemas"]["PositionEnum"];
            subtitle?: string;
            theme?: components["schemas"]["ThemeEnum"];
            /** @description Blank: the flow's name */
            title?: string;
        };
        /**
         * @description Refuses a JSON number or object where the schema says string: DRF would store 42 as "42" (a mixin for the
         *     builder's serializers; the chat API's own checks are in chat.py).
         */
        WidgetSettingsRequest: {
            /** @description #rrggbb */
            accent?: string;
            /** @description Websites that may embed the chat (https://shop.example.com); empty: any */
            allowed_origins?: string[];
            /** @description Teaser bubble beside the launcher; blank: none */
            greeting?: string;
            launcher_icon?: components["schemas"]["LauncherIconEnum"];
            placeholder?: string;
            position?: components["schemas"]["PositionEnum"];
            subtitle?: string;
            theme?: components["schemas"]["ThemeEnum"];
            /** @description Blank: the flow's name */
            title?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    v1_channels_twilio: {
        parameters: {
            query?: never;
            header: {
                "X-Twilio-Signature": string;
            };
            path: {
                channel_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/x-www-form-urlencoded": {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Empty TwiML: the reply goes out through the Messages API */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; try again after Retry-After seconds (code throttled, with retry_after_s) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_chat_conversations_create: {
        parameters: {
            query?: {
                /** @description Seconds to wait for the reply (0-30); default from settings */
                wait?: number;
            };
            header?: never;
            path: {
                flow_slug: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["StartRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StartReply"];
                };
            };
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StartReply"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; try again after Retry-After seconds (code throttled, with retry_after_s) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_chat_widget_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublicWidget"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; try again after Retry-After seconds (code throttled, with retry_after_s) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_chat_widget_avatar_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/*": string;
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; try again after Retry-After seconds (code throttled, with retry_after_s) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_chat_conversations_messages_retrieve: {
        parameters: {
            query?: {
                /** @description Only messages after this id */
                after?: number;
            };
            header: {
                /** @description Bearer <token> from starting the conversation */
                Authorization: string;
            };
            path: {
                conversation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Transcript"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; try again after Retry-After seconds (code throttled, with retry_after_s) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_chat_conversations_messages_create: {
        parameters: {
            query?: {
                /** @description Seconds to wait for the reply (0-30); default from settings */
                wait?: number;
            };
            header: {
                /** @description Bearer <token> from starting the conversation */
                Authorization: string;
            };
            path: {
                conversation_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PostMessageRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reply"];
                };
            };
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reply"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The conversation has ended or failed (code conversation_closed) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; try again after Retry-After seconds (code throttled, with retry_after_s) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_chat_conversations_runs_retrieve: {
        parameters: {
            query?: {
                /** @description Seconds to wait for the reply (0-30); default from settings */
                wait?: number;
            };
            header: {
                /** @description Bearer <token> from starting the conversation */
                Authorization: string;
            };
            path: {
                conversation_id: string;
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reply"];
                };
            };
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reply"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; try again after Retry-After seconds (code throttled, with retry_after_s) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_conversations_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A UUID string identifying this conversation. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conversation"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_conversations_runs_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A UUID string identifying this conversation. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"][];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_conversations_skip_wait_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A UUID string identifying this conversation. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["SkipWaitRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conversation"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not a preview, or nothing pending (nothing_to_skip) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_credentials_list: {
        parameters: {
            query?: {
                /** @description Only credentials of these kinds (comma-separated), as a node's x-credential-kinds says. */
                kind?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Credential"][];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_email_batches_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmailBatch"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlowList"][];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FlowRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Flow"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_appearance_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WidgetSettings"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_appearance_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["WidgetSettingsRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WidgetSettings"];
                };
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_appearance_avatar_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["AvatarUploadRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WidgetSettings"];
                };
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_appearance_avatar_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WidgetSettings"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_channels_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Channel"][];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_channels_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChannelRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Channel"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_channels_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                channel_id: string;
                flow_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_channels_test_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                channel_id: string;
                flow_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChannelTestMessageRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChannelTestResult"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_hooks_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Hook"][];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_hooks_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HookRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Hook"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_hooks_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_id: number;
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Hook"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_hooks_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_id: number;
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HookRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Hook"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_hooks_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_id: number;
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_hooks_partial_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flow_id: number;
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedHookRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Hook"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Flow"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_update: {
        parameters: {
            query?: never;
            header?: {
                /** @description The revision the save starts from, as the ETag gave it ("7"); or the body's `revision` */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FlowRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Flow"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Saved elsewhere since that revision (code conflict) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_partial_update: {
        parameters: {
            query?: never;
            header?: {
                /** @description The revision the save starts from, as the ETag gave it ("7"); or the body's `revision` */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedFlowRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Flow"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Saved elsewhere since that revision (code conflict) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_conversations_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conversation"][];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_duplicate_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Flow"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_export_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Sent as the file <slug>.flow.json */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlowDocument"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_preview_create: {
        parameters: {
            query?: {
                /** @description Seconds to wait for the reply (0-30); default from settings */
                wait?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PreviewReply"];
                };
            };
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PreviewReply"];
                };
            };
            /** @description The draft has errors (code graph_has_problems, with the problems) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_publish_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PublishRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Version"];
                };
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_versions_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Version"][];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_versions_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                number: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionDetail"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_versions_restore_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                number: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Flow"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such published version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_import_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FlowDocumentRequest"];
                "multipart/form-data": components["schemas"]["FlowImportUploadRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Flow"];
                };
            };
            /** @description Not a flow export (code invalid_import) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_flows_validate_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ValidateRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Validation"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_hooks_deliver: {
        parameters: {
            query?: never;
            header?: {
                /** @description Standard Webhooks id */
                "webhook-id"?: string;
                "webhook-signature"?: string;
                "webhook-timestamp"?: string;
                /** @description Token auth (or Bearer) */
                "X-Hook-Token"?: string;
            };
            path: {
                flow_slug: string;
                key: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description A delivery id seen before: nothing was done */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HookReceipt"];
                };
            };
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HookReceipt"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; try again after Retry-After seconds (code throttled, with retry_after_s) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_inbox_conversations_list: {
        parameters: {
            query?: {
                /** @description Only this flow's */
                flow?: number;
                /** @description Default: waiting and agent */
                status?: "agent" | "done" | "waiting";
                /** @description Only this team's, whatever its case (teams: /api/v1/teams/) */
                team?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InboxConversation"][];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_inbox_conversations_claim_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ClaimRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InboxDetail"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not handed off (not_handed_off), held by another agent (already_claimed), not yours to act on (not_claimed_by_you) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_inbox_conversations_close_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InboxDetail"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not handed off (not_handed_off), held by another agent (already_claimed), not yours to act on (not_claimed_by_you) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_inbox_conversations_messages_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InboxDetail"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_inbox_conversations_messages_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AgentMessageRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InboxDetail"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not handed off (not_handed_off), held by another agent (already_claimed), not yours to act on (not_claimed_by_you) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_inbox_conversations_release_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReleaseRequest"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InboxDetail"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not handed off (not_handed_off), held by another agent (already_claimed), not yours to act on (not_claimed_by_you) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_integration_templates_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntegrationTemplate"][];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_intercom_webhook: {
        parameters: {
            query?: never;
            header: {
                /** @description sha1= the HMAC-SHA1 (hex) of the body with the Intercom app's client secret */
                "X-Hub-Signature": string;
            };
            path: {
                credential_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntercomNotificationReceipt"];
                };
            };
            /** @description The request is invalid (code invalid, with `fields`; or a more precise code) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such object (codes not_found, flow_not_found, hook_not_found) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is larger than the server accepts (codes too_large, payload_too_large) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body's Content-Type is not one this operation reads */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many requests; try again after Retry-After seconds (code throttled, with retry_after_s) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_me_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_node_types_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NodeType"][];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    v1_teams_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"][];
                };
            };
            /** @description No credentials, or credentials that are not valid (codes not_authenticated, invalid_token) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed: the user lacks the role, or the page's website may not use this chat */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A part the service needs (database, Redis) is briefly down; try again after Retry-After seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
