"""Built-in rule packs (YAML data); a package only so they ship inside the wheel."""
