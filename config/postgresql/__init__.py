"""Django's PostgreSQL backend with one change, to how a turn's few rows are inserted (see base.py)."""
