"""python -m devstack {run | exec -- CMD ... | e2e -- CMD ...}"""

from __future__ import annotations

import argparse
import sys
import warnings

from devstack import commands


def main(argv: list[str] | None = None) -> int:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells); the fallback is fine.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="data stores, migrate, demo data, then web, ws, worker and beat")
    for name, text in (
        ("exec", "run CMD with DATABASE_URL and REDIS_URL pointing at working servers"),
        ("e2e", "run CMD against fresh servers (E2E_BASE_URL, E2E_MAIL_DIR)"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD [ARG ...]")
    args = parser.parse_args(argv)
    if args.command == "run":
        return commands.cmd_run()
    cmd = list(args.cmd)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if not cmd:
        parser.error(f"{args.command} needs a command: python -m devstack {args.command} -- CMD ...")
    if args.command == "exec":
        return commands.cmd_exec(cmd)
    return commands.cmd_e2e(cmd)


if __name__ == "__main__":
    sys.exit(main())
