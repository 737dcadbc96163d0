"""domain layer; see DESIGN notes in README."""
