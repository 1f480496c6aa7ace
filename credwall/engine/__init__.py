"""The engine: rules, the compiled matcher, filters, findings, and the one pipeline every entry point runs."""
