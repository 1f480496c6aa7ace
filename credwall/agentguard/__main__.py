"""`python -m credwall.agentguard agent-hook …` / `install-agent-hooks …`: the guard without
the main CLI (benchmarks, and installs where the `credwall` script is not on hand)."""

import sys

from .cli import hook_main, install_main

_COMMANDS = {"agent-hook": hook_main, "install-agent-hooks": install_main}

if len(sys.argv) < 2 or sys.argv[1] not in _COMMANDS:
    sys.stderr.write("usage: python -m credwall.agentguard {agent-hook,install-agent-hooks} ...\n")
    raise SystemExit(2)
raise SystemExit(_COMMANDS[sys.argv[1]](sys.argv[2:]))
