// A snapshot of GET /api/v1/node-types/ (core types and a few integration ones), for the logic tests.
import type { NodeTypeInfo } from "../api/types";

export const apiTypes: NodeTypeInfo[] = [
 {
  "type": "start",
  "label": "Start",
  "category": "Core",
  "description": "Where the conversation begins. Every flow has exactly one.",
  "icon": "play",
  "version": 1,
  "accepts_input": false,
  "outputs": [
   {
    "id": "next",
    "label": "Next"
   }
  ],
  "dynamic_outputs": null,
  "config_schema": {
   "additionalProperties": false,
   "properties": {},
   "title": "EmptyConfig",
   "type": "object"
  }
 },
 {
  "type": "message",
  "label": "Message",
  "category": "Core",
  "description": "Send a message. Use {{ variable }} to include what the user said.",
  "icon": "message-circle",
  "version": 1,
  "accepts_input": true,
  "outputs": [
   {
    "id": "next",
    "label": "Next"
   }
  ],
  "dynamic_outputs": null,
  "config_schema": {
   "additionalProperties": false,
   "properties": {
    "text": {
     "maxLength": 4000,
     "minLength": 1,
     "title": "Message",
     "type": "string",
     "x-template": true,
     "x-widget": "textarea"
    }
   },
   "required": [
    "text"
   ],
   "title": "MessageConfig",
   "type": "object"
  }
 },
 {
  "type": "question",
  "label": "Question",
  "category": "Core",
  "description": "Ask something and wait for the answer: text, number, email, phone, date or a choice.",
  "icon": "help-circle",
  "version": 1,
  "accepts_input": true,
  "outputs": [
   {
    "id": "next",
    "label": "Next"
   },
   {
    "id": "timeout",
    "label": "No answer"
   }
  ],
  "dynamic_outputs": {
   "when": {
    "input_type": "choice",
    "choices_source": "fixed"
   },
   "each": "choices",
   "id": "choice:{id}",
   "label": "{label}",
   "also": [
    {
     "id": "timeout",
     "label": "No answer"
    }
   ]
  },
  "config_schema": {
   "$defs": {
    "Choice": {
     "additionalProperties": false,
     "properties": {
      "id": {
       "pattern": "^[A-Za-z0-9_-]{1,40}$",
       "title": "Id",
       "type": "string"
      },
      "label": {
       "maxLength": 100,
       "minLength": 1,
       "title": "Label",
       "type": "string"
      }
     },
     "required": [
      "id",
      "label"
     ],
     "title": "Choice",
     "type": "object"
    }
   },
   "additionalProperties": false,
   "properties": {
    "text": {
     "maxLength": 4000,
     "minLength": 1,
     "title": "Question",
     "type": "string",
     "x-template": true,
     "x-widget": "textarea"
    },
    "input_type": {
     "default": "text",
     "enum": [
      "text",
      "number",
      "email",
      "phone",
      "date",
      "choice"
     ],
     "title": "Answer type",
     "type": "string"
    },
    "choices_source": {
     "default": "fixed",
     "description": "Fixed choices, each with its own output; or the items of a list variable, with one output.",
     "enum": [
      "fixed",
      "variable"
     ],
     "title": "Choices from",
     "type": "string",
     "x-show-when": {
      "input_type": [
       "choice"
      ]
     }
    },
    "choices": {
     "items": {
      "$ref": "#/$defs/Choice"
     },
     "maxItems": 50,
     "title": "Choices",
     "type": "array",
     "x-show-when": {
      "choices_source": [
       "fixed"
      ],
      "input_type": [
       "choice"
      ]
     },
     "x-widget": "choices"
    },
    "choices_variable": {
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
     "description": "Such as the slots a Calendar node found.",
     "title": "List to offer",
     "x-show-when": {
      "choices_source": [
       "variable"
      ],
      "input_type": [
       "choice"
      ]
     },
     "x-widget": "variable"
    },
    "choice_label": {
     "default": "label",
     "description": "The field shown for each item (items that are text show the text).",
     "maxLength": 64,
     "title": "Show each item's",
     "type": "string",
     "x-show-when": {
      "choices_source": [
       "variable"
      ],
      "input_type": [
       "choice"
      ]
     }
    },
    "variable": {
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
     "title": "Save the answer in",
     "x-widget": "variable"
    },
    "retry_text": {
     "default": "",
     "maxLength": 1000,
     "title": "When the answer is not valid, say",
     "type": "string",
     "x-template": true,
     "x-widget": "template"
    },
    "timeout": {
     "default": "",
     "description": "Empty: wait as long as it takes. Else a duration (90s, 15m, 2h, 3d): then remind, and after the last reminder follow No answer (when it is wired; otherwise keep waiting silently).",
     "maxLength": 40,
     "title": "No answer after",
     "type": "string"
    },
    "reminders": {
     "default": 0,
     "maximum": 5,
     "minimum": 0,
     "title": "Reminders",
     "type": "integer"
    },
    "reminder_text": {
     "default": "",
     "description": "Empty: ask the question again.",
     "maxLength": 1000,
     "title": "Reminder",
     "type": "string",
     "x-rendered-by": "node",
     "x-template": true,
     "x-widget": "template"
    }
   },
   "required": [
    "text"
   ],
   "title": "QuestionConfig",
   "type": "object"
  }
 },
 {
  "type": "condition",
  "label": "Condition",
  "category": "Core",
  "description": "Branch on variables: follow True when the rules hold, False otherwise.",
  "icon": "git-branch",
  "version": 1,
  "accepts_input": true,
  "outputs": [
   {
    "id": "true",
    "label": "True"
   },
   {
    "id": "false",
    "label": "False"
   }
  ],
  "dynamic_outputs": null,
  "config_schema": {
   "$defs": {
    "Rule": {
     "additionalProperties": false,
     "properties": {
      "variable": {
       "maxLength": 128,
       "pattern": "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*$",
       "title": "Variable",
       "type": "string",
       "x-widget": "variable"
      },
      "operator": {
       "default": "equals",
       "enum": [
        "equals",
        "not_equals",
        "contains",
        "starts_with",
        "greater_than",
        "less_than",
        "is_empty",
        "is_set",
        "matches"
       ],
       "title": "Operator",
       "type": "string"
      },
      "value": {
       "default": "",
       "maxLength": 1000,
       "title": "Value",
       "type": "string",
       "x-template": true,
       "x-widget": "template"
      }
     },
     "required": [
      "variable"
     ],
     "title": "Rule",
     "type": "object"
    }
   },
   "additionalProperties": false,
   "properties": {
    "match": {
     "default": "all",
     "enum": [
      "all",
      "any"
     ],
     "title": "True when",
     "type": "string"
    },
    "rules": {
     "items": {
      "$ref": "#/$defs/Rule"
     },
     "maxItems": 50,
     "minItems": 1,
     "title": "Rules",
     "type": "array"
    }
   },
   "required": [
    "rules"
   ],
   "title": "ConditionConfig",
   "type": "object"
  }
 },
 {
  "type": "set_variable",
  "label": "Set variable",
  "category": "Core",
  "description": "Save a value, such as {{ first_name }} or a fixed text, in a variable.",
  "icon": "variable",
  "version": 1,
  "accepts_input": true,
  "outputs": [
   {
    "id": "next",
    "label": "Next"
   }
  ],
  "dynamic_outputs": null,
  "config_schema": {
   "additionalProperties": false,
   "properties": {
    "variable": {
     "maxLength": 64,
     "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
     "title": "Variable",
     "type": "string",
     "x-widget": "variable"
    },
    "value": {
     "default": "",
     "maxLength": 4000,
     "title": "Value",
     "type": "string",
     "x-template": true,
     "x-widget": "template"
    }
   },
   "required": [
    "variable"
   ],
   "title": "SetVariableConfig",
   "type": "object"
  }
 },
 {
  "type": "end",
  "label": "End",
  "category": "Core",
  "description": "End the conversation, optionally with a last message.",
  "icon": "square",
  "version": 1,
  "accepts_input": true,
  "outputs": [],
  "dynamic_outputs": null,
  "config_schema": {
   "additionalProperties": false,
   "properties": {
    "text": {
     "default": "",
     "maxLength": 4000,
     "title": "Goodbye message (optional)",
     "type": "string",
     "x-template": true,
     "x-widget": "textarea"
    }
   },
   "title": "EndConfig",
   "type": "object"
  }
 },
 {
  "type": "wait_webhook",
  "label": "Wait for webhook",
  "category": "Core",
  "description": "Wait until Zapier, Make or any service posts to the flow's hook for this conversation's external id, then save the posted JSON and go on.",
  "icon": "webhook",
  "version": 1,
  "accepts_input": true,
  "outputs": [
   {
    "id": "next",
    "label": "Next"
   }
  ],
  "dynamic_outputs": null,
  "config_schema": {
   "additionalProperties": false,
   "properties": {
    "hook": {
     "description": "The key of the flow's incoming hook (a resume hook) whose delivery continues the conversation.",
     "maxLength": 60,
     "pattern": "^[-a-zA-Z0-9_]+$",
     "title": "Hook",
     "type": "string",
     "x-widget": "hook"
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
     "description": "Empty: the variable the hook is set up with.",
     "title": "Save the posted JSON in",
     "x-widget": "variable"
    }
   },
   "required": [
    "hook"
   ],
   "title": "WaitWebhookConfig",
   "type": "object"
  }
 },
 {
  "type": "rest_api",
  "label": "REST API",
  "category": "Integrations",
  "description": "Call any HTTP API (GET, POST, ...) and save or map its answer into variables.",
  "icon": "globe",
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
    "KeyValue": {
     "additionalProperties": false,
     "properties": {
      "key": {
       "maxLength": 200,
       "minLength": 1,
       "title": "Name",
       "type": "string"
      },
      "value": {
       "default": "",
       "maxLength": 4000,
       "title": "Value",
       "type": "string",
       "x-template": true,
       "x-widget": "template"
      }
     },
     "required": [
      "key"
     ],
     "title": "KeyValue",
     "type": "object"
    },
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
    "method": {
     "default": "GET",
     "enum": [
      "GET",
      "POST",
      "PUT",
      "PATCH",
      "DELETE",
      "HEAD"
     ],
     "title": "Method",
     "type": "string"
    },
    "url": {
     "description": "A full URL, or a path relative to the API connection's base URL.",
     "maxLength": 2000,
     "minLength": 1,
     "title": "URL",
     "type": "string",
     "x-template": true,
     "x-widget": "template"
    },
    "query": {
     "items": {
      "$ref": "#/$defs/KeyValue"
     },
     "maxItems": 50,
     "title": "Query parameters",
     "type": "array",
     "x-widget": "keyvalue"
    },
    "headers": {
     "items": {
      "$ref": "#/$defs/KeyValue"
     },
     "maxItems": 50,
     "title": "Headers",
     "type": "array",
     "x-widget": "keyvalue"
    },
    "body_type": {
     "default": "json",
     "enum": [
      "json",
      "form",
      "raw",
      "xml"
     ],
     "title": "Body type",
     "type": "string"
    },
    "body": {
     "default": "",
     "maxLength": 20000,
     "title": "Body",
     "type": "string",
     "x-template": true,
     "x-widget": "textarea"
    },
    "form": {
     "items": {
      "$ref": "#/$defs/KeyValue"
     },
     "maxItems": 50,
     "title": "Form fields",
     "type": "array",
     "x-show-when": {
      "body_type": [
       "form"
      ]
     },
     "x-widget": "keyvalue"
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
     "title": "API connection (optional)",
     "x-credential-kinds": [
      "api_connection"
     ],
     "x-widget": "credential"
    },
    "response_type": {
     "default": "auto",
     "enum": [
      "auto",
      "json",
      "xml",
      "text"
     ],
     "title": "Response type",
     "type": "string"
    },
    "mapping": {
     "items": {
      "$ref": "#/$defs/MappingRule"
     },
     "maxItems": 50,
     "title": "Map the response to variables",
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
    "url"
   ],
   "title": "RestApiConfig",
   "type": "object"
  }
 },
 {
  "type": "zapier",
  "label": "Zapier",
  "category": "Integrations",
  "description": "Trigger a Zap: post variables to a Zapier Catch Hook, optionally signed.",
  "icon": "zap",
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
    "webhook_url": {
     "description": "Like https://hooks.zapier.com/hooks/catch/123456/abcdef/ — from the Zap's Webhooks by Zapier trigger.",
     "examples": [
      "https://hooks.zapier.com/hooks/catch/123456/abcdef/"
     ],
     "maxLength": 2000,
     "minLength": 1,
     "title": "Webhook URL",
     "type": "string",
     "x-widget": "url"
    },
    "payload": {
     "default": "all",
     "description": "All variables, the variables you choose, or a JSON template.",
     "enum": [
      "all",
      "chosen",
      "template"
     ],
     "title": "Send",
     "type": "string"
    },
    "variables": {
     "items": {
      "maxLength": 128,
      "pattern": "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*$",
      "type": "string"
     },
     "maxItems": 100,
     "title": "Variables to send",
     "type": "array",
     "x-show-when": {
      "payload": [
       "chosen"
      ]
     },
     "x-widget": "variables"
    },
    "template": {
     "default": "",
     "maxLength": 20000,
     "title": "Payload (JSON)",
     "type": "string",
     "x-show-when": {
      "payload": [
       "template"
      ]
     },
     "x-template": true,
     "x-widget": "textarea"
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
     "title": "Signing secret (optional)",
     "x-credential-kinds": [
      "webhook_secret"
     ],
     "x-widget": "credential"
    },
    "mapping": {
     "items": {
      "$ref": "#/$defs/MappingRule"
     },
     "maxItems": 50,
     "title": "Map the reply to variables",
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
     "title": "Save the reply (status, headers, body) in",
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
    "webhook_url"
   ],
   "title": "ZapierConfig",
   "type": "object"
  }
 }
];

export const typeOf = (key: string) => apiTypes.find((t) => t.type === key);
