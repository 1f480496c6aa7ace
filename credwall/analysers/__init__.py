"""Analysers by kind of file: plain text, env files, key and credential files, MCP configs, agent files, CI."""
