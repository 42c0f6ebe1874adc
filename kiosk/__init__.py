"""The citizen's kiosk: accessible UI model, flows, profiles, sessions, local store and sync client."""
