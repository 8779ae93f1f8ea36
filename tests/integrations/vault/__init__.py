"""The credential vault: encryption and rotation, kinds, admin, Services (auth, OAuth2), the credentials API."""
