"""`python -m credwall.agentguard agent-hook …` / `install-agent-hooks …` / `doctor …`: the guard
without the main CLI (benchmarks, and installs where the `credwall` script is not on hand)."""

import sys

_COMMANDS = {"agent-hook": ("cli", "hook_main"), "install-agent-hooks": ("cli", "install_main"),
             "doctor": ("doctor", "doctor_main")}

if len(sys.argv) < 2 or sys.argv[1] not in _COMMANDS:
    sys.stderr.write("usage: python -m credwall.agentguard {agent-hook,install-agent-hooks,doctor} ...\n")
    raise SystemExit(2)
_module, _function = _COMMANDS[sys.argv[1]]
_main = getattr(__import__(f"credwall.agentguard.{_module}", fromlist=[_function]), _function)
raise SystemExit(_main(sys.argv[2:]))
