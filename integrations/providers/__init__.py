"""The outside services and their protocols: e-mail (SMTP), Google, calendars, and client libraries' transports."""
