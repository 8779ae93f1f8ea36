"""The core conversation nodes: start, message, question, condition, set_variable, end."""
