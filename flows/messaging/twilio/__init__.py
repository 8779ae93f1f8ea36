"""Twilio SMS and WhatsApp: signed form posts in (inbound.py), the Messages API out (outbound.py)."""

KINDS = ("twilio_sms", "twilio_whatsapp")
CREDENTIAL_KIND = "twilio"
