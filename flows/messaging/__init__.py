"""Messaging channels (SMS, WhatsApp): a folder per provider with its inbound webhook, outbound sending and views.

Not named `channels`: that would shadow Django Channels.
"""
