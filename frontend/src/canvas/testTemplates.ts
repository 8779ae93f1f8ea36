// Snapshots of GET /api/v1/node-types/ (the template node) and GET /api/v1/integration-templates/ (five of the
// shipped templates), for the logic tests.
import type { IntegrationTemplate, NodeTypeInfo } from "../api/types";

export const templateType: NodeTypeInfo = {
 "type": "template",
 "label": "Integration template",
 "category": "Integrations",
 "description": "A ready-made integration (Slack, HubSpot, Notion, Telegram...): pick it and fill in its form.",
 "icon": "layers",
 "version": 1,
 "accepts_input": true,
 "outputs": [
  {
   "id": "success",
   "label": "Success"
  },
  {
   "id": "error",
   "label": "Error"
  }
 ],
 "dynamic_outputs": null,
 "config_schema": {
  "$defs": {
   "MappingRule": {
    "additionalProperties": false,
    "properties": {
     "variable": {
      "maxLength": 64,
      "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
      "title": "Variable",
      "type": "string",
      "x-widget": "variable"
     },
     "path": {
      "description": "Where the value is in the response, e.g. data.items[0].name",
      "maxLength": 500,
      "minLength": 1,
      "title": "Path (JMESPath)",
      "type": "string",
      "x-widget": "jmespath"
     },
     "cast": {
      "default": "auto",
      "enum": [
       "auto",
       "string",
       "number",
       "boolean",
       "list"
      ],
      "title": "Type",
      "type": "string"
     }
    },
    "required": [
     "variable",
     "path"
    ],
    "title": "MappingRule",
    "type": "object"
   },
   "RetryConfig": {
    "additionalProperties": false,
    "properties": {
     "attempts": {
      "default": 1,
      "description": "1 sends once; more retry network errors, 5xx and 429.",
      "maximum": 5,
      "minimum": 1,
      "title": "Attempts",
      "type": "integer"
     },
     "backoff_s": {
      "default": 0.5,
      "description": "Doubles after each attempt, with jitter.",
      "maximum": 30,
      "minimum": 0,
      "title": "First wait (s)",
      "type": "number"
     }
    },
    "title": "RetryConfig",
    "type": "object"
   }
  },
  "additionalProperties": false,
  "properties": {
   "template": {
    "description": "A template from the catalog; its parameters appear below.",
    "maxLength": 60,
    "minLength": 1,
    "title": "Integration",
    "type": "string",
    "x-widget": "integration-template"
   },
   "credential": {
    "anyOf": [
     {
      "minimum": 1,
      "type": "integer"
     },
     {
      "type": "null"
     }
    ],
    "default": null,
    "description": "Of the kind the template names.",
    "title": "Credential",
    "x-credential-kinds": [
     "api_connection",
     "webhook_url",
     "telegram_bot"
    ],
    "x-credential-of": "template",
    "x-widget": "credential"
   },
   "params": {
    "additionalProperties": true,
    "description": "Values for the template's parameters; text may use {{ variables }}.",
    "title": "Parameters",
    "type": "object",
    "x-params-of": "template",
    "x-widget": "template-params"
   },
   "mapping": {
    "items": {
     "$ref": "#/$defs/MappingRule"
    },
    "maxItems": 50,
    "title": "Also map the response to variables",
    "type": "array",
    "x-widget": "mapping"
   },
   "save_as": {
    "anyOf": [
     {
      "maxLength": 64,
      "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
      "type": "string"
     },
     {
      "type": "null"
     }
    ],
    "default": null,
    "title": "Save the response (status, headers, body) in",
    "x-widget": "variable"
   },
   "timeout_s": {
    "default": 10.0,
    "maximum": 120,
    "minimum": 1,
    "title": "Timeout (s)",
    "type": "number"
   },
   "retry": {
    "$ref": "#/$defs/RetryConfig",
    "title": "Retry"
   }
  },
  "required": [
   "template"
  ],
  "title": "TemplateConfig",
  "type": "object"
 }
};

export const catalog: IntegrationTemplate[] = [
 {
  "key": "slack_message",
  "name": "Slack: post a message",
  "description": "Post a message to a Slack channel through an incoming webhook.",
  "icon": "hash",
  "origin": "shipped",
  "reference": "https://api.slack.com/messaging/webhooks",
  "credential": {
   "kind": "webhook_url",
   "kind_label": "Webhook URL",
   "help": "In your Slack app, turn on Incoming Webhooks, add one for the channel, and store its URL (https://hooks.slack.com/services/...) as a Webhook URL credential.",
   "add_url": "/admin/integrations/credential/add/?kind=webhook_url&name=Slack"
  },
  "parameters": {
   "type": "object",
   "required": [
    "text"
   ],
   "additionalProperties": false,
   "properties": {
    "text": {
     "type": "string",
     "title": "Message",
     "maxLength": 40000,
     "x-widget": "textarea",
     "description": "Slack mrkdwn: *bold*, _italic_, <https://example.com|a link>."
    },
    "unfurl_links": {
     "type": "boolean",
     "title": "Show link previews",
     "default": false
    }
   }
  },
  "request": {
   "method": "POST",
   "url": ""
  },
  "outputs": [
   "slack_ok"
  ]
 },
 {
  "key": "telegram_send_message",
  "name": "Telegram: send a message",
  "description": "Send a text message from your Telegram bot to a chat, group or channel (sendMessage).",
  "icon": "send",
  "origin": "shipped",
  "reference": "https://core.telegram.org/bots/api#sendmessage",
  "credential": {
   "kind": "telegram_bot",
   "kind_label": "Telegram bot",
   "help": "Create a bot with @BotFather and store its token as a Telegram bot credential.",
   "add_url": "/admin/integrations/credential/add/?kind=telegram_bot&name=Telegram&base_url=https%3A%2F%2Fapi.telegram.org"
  },
  "parameters": {
   "type": "object",
   "required": [
    "chat_id",
    "text"
   ],
   "additionalProperties": false,
   "properties": {
    "chat_id": {
     "type": "string",
     "title": "Chat",
     "maxLength": 100,
     "description": "The chat's numeric id, or @channelusername."
    },
    "text": {
     "type": "string",
     "title": "Message",
     "minLength": 1,
     "maxLength": 4096,
     "x-widget": "textarea"
    },
    "parse_mode": {
     "type": "string",
     "title": "Formatting",
     "enum": [
      "MarkdownV2",
      "HTML",
      "Markdown"
     ]
    },
    "disable_notification": {
     "type": "boolean",
     "title": "Send silently",
     "default": false
    }
   }
  },
  "request": {
   "method": "POST",
   "url": "/sendMessage"
  },
  "outputs": [
   "telegram_message_id"
  ]
 },
 {
  "key": "hubspot_create_contact",
  "name": "HubSpot: create a contact",
  "description": "Create a contact in HubSpot CRM from what the user told the bot.",
  "icon": "user-plus",
  "origin": "shipped",
  "reference": "https://developers.hubspot.com/docs/api/crm/contacts",
  "credential": {
   "kind": "api_connection",
   "kind_label": "API connection",
   "help": "Create a HubSpot private app with the crm.objects.contacts.write scope; its access token is the bearer token.",
   "add_url": "/admin/integrations/credential/add/?kind=api_connection&name=HubSpot&base_url=https%3A%2F%2Fapi.hubapi.com&auth_type=bearer"
  },
  "parameters": {
   "type": "object",
   "required": [
    "email"
   ],
   "additionalProperties": false,
   "properties": {
    "email": {
     "type": "string",
     "title": "Email",
     "format": "email",
     "maxLength": 254
    },
    "firstname": {
     "type": "string",
     "title": "First name",
     "maxLength": 200
    },
    "lastname": {
     "type": "string",
     "title": "Last name",
     "maxLength": 200
    },
    "phone": {
     "type": "string",
     "title": "Phone",
     "maxLength": 50
    },
    "company": {
     "type": "string",
     "title": "Company",
     "maxLength": 200
    }
   }
  },
  "request": {
   "method": "POST",
   "url": "/crm/v3/objects/contacts"
  },
  "outputs": [
   "hubspot_contact_id"
  ]
 },
 {
  "key": "pipedrive_create_person",
  "name": "Pipedrive: create a person",
  "description": "Add a person (a contact) to Pipedrive with their email and phone.",
  "icon": "user-plus",
  "origin": "shipped",
  "reference": "https://developers.pipedrive.com/docs/api/v1/Persons#addPerson",
  "credential": {
   "kind": "api_connection",
   "kind_label": "API connection",
   "help": "Your personal API token (Personal preferences > API in Pipedrive) is the API key, sent in the x-api-token header.",
   "add_url": "/admin/integrations/credential/add/?kind=api_connection&name=Pipedrive&base_url=https%3A%2F%2Fapi.pipedrive.com%2Fapi%2Fv2&auth_type=api_key&api_key_name=x-api-token&api_key_in=header"
  },
  "parameters": {
   "type": "object",
   "required": [
    "name"
   ],
   "additionalProperties": false,
   "properties": {
    "name": {
     "type": "string",
     "title": "Name",
     "minLength": 1,
     "maxLength": 255
    },
    "email": {
     "type": "string",
     "title": "Email",
     "format": "email",
     "maxLength": 254
    },
    "phone": {
     "type": "string",
     "title": "Phone",
     "maxLength": 50
    },
    "org_id": {
     "type": "integer",
     "title": "Organization id",
     "minimum": 1
    }
   }
  },
  "request": {
   "method": "POST",
   "url": "/persons"
  },
  "outputs": [
   "pipedrive_person_id"
  ]
 },
 {
  "key": "ga4_event",
  "name": "Google Analytics 4: send an event",
  "description": "Record an event (a lead, a booking, a question answered) in GA4 through the Measurement Protocol.",
  "icon": "bar-chart",
  "origin": "shipped",
  "reference": "https://developers.google.com/analytics/devguides/collection/protocol/ga4/sending-events",
  "credential": {
   "kind": "api_connection",
   "kind_label": "API connection",
   "help": "In GA4, Admin > Data Streams > your stream > Measurement Protocol API secrets > Create; the secret is the API key, sent as the api_secret query parameter.",
   "add_url": "/admin/integrations/credential/add/?kind=api_connection&name=Google+Analytics+4&base_url=https%3A%2F%2Fwww.google-analytics.com&auth_type=api_key&api_key_name=api_secret&api_key_in=query"
  },
  "parameters": {
   "type": "object",
   "required": [
    "measurement_id",
    "event_name"
   ],
   "additionalProperties": false,
   "properties": {
    "measurement_id": {
     "type": "string",
     "title": "Measurement id",
     "pattern": "^G-[A-Z0-9]+$",
     "description": "G-XXXXXXXXXX, from the data stream's details."
    },
    "event_name": {
     "type": "string",
     "title": "Event name",
     "pattern": "^[A-Za-z][A-Za-z0-9_]{0,39}$",
     "description": "Letters, digits and _, such as generate_lead."
    },
    "client_id": {
     "type": "string",
     "title": "Client id",
     "maxLength": 200,
     "description": "Who the event is about; blank uses the conversation's id."
    },
    "user_id": {
     "type": "string",
     "title": "User id",
     "maxLength": 256
    },
    "event_params": {
     "type": "object",
     "title": "Event parameters",
     "additionalProperties": {
      "type": [
       "string",
       "number",
       "boolean"
      ]
     }
    }
   }
  },
  "request": {
   "method": "POST",
   "url": "/mp/collect"
  },
  "outputs": []
 }
];
