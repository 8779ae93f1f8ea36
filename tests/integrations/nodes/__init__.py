"""The outbound integration nodes (rest_api, connect, zapier, make, pabbly) against real local HTTP servers."""
