"""documents layer; see DESIGN notes in README."""
