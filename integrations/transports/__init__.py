"""Adapters that plug client libraries (gspread, googleapiclient, google-auth, ...) into the run's guarded client."""
