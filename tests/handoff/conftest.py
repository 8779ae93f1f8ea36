from tests.integrations.email.conftest import certificate, smtp_server  # noqa: F401  (the email tests' SMTP peer)
