"""CLI subcommands, one module per feature area (see desktop_app.cli.COMMAND_MODULES)."""
