"""The `.sn` language server: diagnostics, hover, definition, completion, outline, formatting."""
