"""gui layer; see DESIGN notes in README."""
