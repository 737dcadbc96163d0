"""storage layer; see DESIGN notes in README."""
