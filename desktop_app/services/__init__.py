"""services layer; see DESIGN notes in README."""
