"""A local peer speaking OpenAI's Chat Completions wire format as OpenAI documents it (JSON, SSE, error bodies)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from werkzeug import Request, Response

MODEL = "gpt-4o-mini-2024-07-18"


def completion(text: str | None, usage: tuple[int, int], finish_reason: str = "stop", refusal: str | None = None):
    """A chat.completion object (https://platform.openai.com/docs/api-reference/chat/object)."""
    prompt, done = usage
    return {
        "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        "object": "chat.completion",
        "created": 1741569952,
        "model": MODEL,
        "system_fingerprint": "fp_44709d6fcb",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": refusal, "annotations": []},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done},
        "service_tier": "default",
    }


def chunk(delta: dict[str, Any], finish_reason: str | None = None, usage: dict | None = None, choices: bool = True):
    """A chat.completion.chunk object (https://platform.openai.com/docs/api-reference/chat-streaming)."""
    body: dict[str, Any] = {
        "id": "chatcmpl-123",
        "object": "chat.completion.chunk",
        "created": 1694268190,
        "model": MODEL,
        "system_fingerprint": "fp_44709d6fcb",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}] if choices else [],
    }
    if usage is not None or not choices:
        body["usage"] = usage
    return body


def error_body(message: str, type_: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


class ChatPeer:
    """Answers POST <prefix>/chat/completions: JSON, or SSE when the request says "stream": true."""

    def __init__(self, httpserver: Any, prefix: str = "/v1"):
        self.server, self.prefix = httpserver, prefix
        self.requests: list[dict[str, Any]] = []  # {"path", "headers", "body"} of each request received
        self.answers: list[Any] = []  # queued answers, one per request; the last one repeats
        self.gap_s = 0.0  # pause between SSE events (the live test shows deltas before the final message)
        httpserver.expect_request(f"{prefix}/chat/completions", method="POST").respond_with_handler(self._handle)
        httpserver.expect_request(f"{prefix}/models", method="GET").respond_with_handler(self._models)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}{self.prefix}"

    def reply(self, *pieces: str, usage=(21, 7), finish_reason: str = "stop", refusal: str | None = None) -> None:
        self.answers.append(("reply", pieces, usage, finish_reason, refusal))

    def fail(self, status: int, message: str, type_: str, code: str | None, headers: dict | None = None) -> None:
        self.answers.append(("fail", status, error_body(message, type_, code), headers or {}))

    def _record(self, request: Request) -> None:
        self.requests.append(
            {"path": request.path, "headers": dict(request.headers), "body": request.get_json(silent=True)}
        )

    def _models(self, request: Request) -> Response:
        self._record(request)
        if request.headers.get("Authorization") != "Bearer sk-test-a1b2c3d4e5f6":
            body = error_body("Incorrect API key provided: sk-test-****.", "invalid_request_error", "invalid_api_key")
            return Response(json.dumps(body), status=401, content_type="application/json")
        models = [
            {"id": name, "object": "model", "created": 1686935002, "owned_by": "openai"} for name in ("gpt-4o", MODEL)
        ]
        return Response(json.dumps({"object": "list", "data": models}), content_type="application/json")

    def _handle(self, request: Request) -> Response:
        self._record(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if answer[0] == "fail":
            _, status, body, headers = answer
            return Response(json.dumps(body), status=status, headers=headers, content_type="application/json")
        _, pieces, usage, finish_reason, refusal = answer
        if not (self.requests[-1]["body"] or {}).get("stream"):
            body = completion("".join(pieces) if pieces else None, usage, finish_reason, refusal)
            return Response(json.dumps(body), content_type="application/json")
        return Response(self._events(pieces, usage, finish_reason, refusal), content_type="text/event-stream")

    def _events(self, pieces, usage, finish_reason, refusal) -> Iterator[str]:
        include_usage = ((self.requests[-1]["body"] or {}).get("stream_options") or {}).get("include_usage")
        yield f"data: {json.dumps(chunk({'role': 'assistant', 'content': '', 'refusal': None}))}\n\n"
        for piece in pieces:
            time.sleep(self.gap_s)
            yield f"data: {json.dumps(chunk({'content': piece}))}\n\n"
        if refusal:
            yield f"data: {json.dumps(chunk({'refusal': refusal}))}\n\n"
        yield f"data: {json.dumps(chunk({}, finish_reason))}\n\n"
        if include_usage:
            prompt, done = usage
            totals = {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done}
            yield f"data: {json.dumps(chunk({}, usage=totals, choices=False))}\n\n"
        yield "data: [DONE]\n\n"
