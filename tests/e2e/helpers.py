"""Small HTTP helpers for end-to-end tests against a live server."""

import requests


def start(base_url: str, slug: str, **body) -> dict:
    response = requests.post(f"{base_url}/api/v1/chat/{slug}/conversations/", json=body, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()


def say(base_url: str, conversation: dict, text: str, client_message_id: str | None = None, wait: float | None = None):
    params = {"wait": wait} if wait is not None else None
    body = {"text": text, **({"client_message_id": client_message_id} if client_message_id else {})}
    return requests.post(
        f"{base_url}/api/v1/chat/conversations/{conversation['id']}/messages/",
        json=body,
        params=params,
        headers=auth(conversation),
        timeout=40,
    )


def auth(conversation: dict) -> dict:
    return {"Authorization": f"Bearer {conversation['token']}"}


def texts(reply: dict) -> list[str]:
    return [m["text"] for m in reply["messages"]]


def run_reply(base_url: str, conversation: dict, run_id: str, wait: float = 20):
    """A turn's reply by run id, waiting for it as a client that got 202 would."""
    return requests.get(
        f"{base_url}/api/v1/chat/conversations/{conversation['id']}/runs/{run_id}/",
        params={"wait": wait},
        headers=auth(conversation),
        timeout=wait + 10,
    )
