"""Importers of other scanners' configurations (gitleaks/betterleaks rules)."""
