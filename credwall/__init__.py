"""credwall: stop credentials from landing in git."""

__version__ = "0.2.0"
# Where the project lives: pre-commit snippets, SARIF's informationUri and helpUri point here
# (tests/test_docs.py checks that the docs use these, and pyproject's [project.urls] agrees).
HOMEPAGE = "https://github.com/credwall/credwall"
RULES_DOC_URL = f"{HOMEPAGE}/blob/main/docs/rules.md"
