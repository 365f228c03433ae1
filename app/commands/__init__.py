"""One module per ``gasworks`` subcommand (or group of subcommands)."""
