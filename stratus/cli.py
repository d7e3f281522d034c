"""The `stratus` command."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from stratus import __version__
from stratus.config import IAM_MODES, LOG_LEVELS, Config

ENVIRONMENT_HELP = """\
environment variables (flags take precedence):
  STRATUS_HOST        address to listen on (default 127.0.0.1)
  STRATUS_PORT        port to listen on (default 4566)
  STRATUS_DATA_DIR    where state is kept (default $XDG_DATA_HOME/stratus or ~/.local/share/stratus)
  STRATUS_EPHEMERAL   1: keep state in a temporary directory removed at exit
  STRATUS_LOG_LEVEL   debug, info, warning or error (default info)
  STRATUS_SYNC        SQLite synchronous mode: NORMAL (default) or FULL
  STRATUS_IAM         off (default: any credentials), audit (verify signatures, record every
                      IAM decision) or enforce (verify and deny what policies do not allow)
  STRATUS_INIT_DIR    init hooks directory with boot.d/ start.d/ ready.d/ shutdown.d/
                      (/etc/localstack/init is used too when it exists)
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stratus",
        description="Stratus: the AWS cloud on one machine. One endpoint answers the real AWS APIs.",
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"stratus {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="start the server",
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Start Stratus. Prints the endpoint and data directory, then 'Ready.' when it accepts requests.",
    )
    serve.add_argument("--host", help="address to listen on (STRATUS_HOST, default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, help="port to listen on; 0 picks a free one (STRATUS_PORT, default 4566)"
    )
    serve.add_argument("--data-dir", type=Path, help="where state is kept (STRATUS_DATA_DIR)")
    serve.add_argument(
        "--ephemeral",
        action="store_true",
        default=None,
        help="keep state in a temporary directory removed at exit (STRATUS_EPHEMERAL=1)",
    )
    serve.add_argument(
        "--log-level", choices=LOG_LEVELS, help="log verbosity (STRATUS_LOG_LEVEL, default info)"
    )
    serve.add_argument("--iam", choices=IAM_MODES, help="IAM mode (STRATUS_IAM, default off)")

    reset = commands.add_parser(
        "reset",
        help="wipe all state in the data directory",
        description="Delete every database and stored body in the data directory.",
    )
    reset.add_argument("--data-dir", type=Path, help="the data directory (STRATUS_DATA_DIR)")

    iam = commands.add_parser("iam", help="IAM tools: least-privilege policies from recorded decisions")
    iam_commands = iam.add_subparsers(dest="iam_command", metavar="IAM_COMMAND", required=True)
    policy = iam_commands.add_parser(
        "policy",
        help="print the least-privilege identity policy for what a principal did",
        description="Print the identity policy that allows exactly the actions and resources a principal "
        "was seen using (needs a server started with STRATUS_IAM=audit or enforce).",
    )
    policy.add_argument(
        "--principal", required=True, help="the principal's ARN (a role ARN covers its sessions)"
    )
    policy.add_argument(
        "--endpoint",
        default=None,
        help="the Stratus endpoint (default $STRATUS_ENDPOINT or http://127.0.0.1:4566)",
    )
    return parser


def _config(args: argparse.Namespace) -> Config:
    config = Config.from_env()
    if getattr(args, "host", None):
        config.host = args.host
    if getattr(args, "port", None) is not None:
        config.port = args.port
    if getattr(args, "ephemeral", None):
        config.ephemeral = True
    if getattr(args, "data_dir", None):
        config.data_dir = args.data_dir
    if getattr(args, "log_level", None):
        config.log_level = args.log_level
    if getattr(args, "iam", None):
        config.iam_mode = args.iam
    return config


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        config = _config(args)
        config.validate()
    except ValueError as error:
        parser.error(str(error))
    if args.command == "serve":
        from stratus.server import serve

        serve(config)
        return 0
    if args.command == "reset":
        return _reset(config)
    if args.command == "iam":
        return _iam_policy(args)
    return 2


def _iam_policy(args: argparse.Namespace) -> int:
    import json
    import os
    import urllib.error
    import urllib.parse
    import urllib.request

    endpoint = (args.endpoint or os.environ.get("STRATUS_ENDPOINT") or "http://127.0.0.1:4566").rstrip("/")
    url = f"{endpoint}/_stratus/iam/policy?" + urllib.parse.urlencode({"principal": args.principal})
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the user's endpoint
            policy = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as error:
        print(f"stratus iam policy: cannot read decisions from {endpoint}: {error}", file=sys.stderr)
        return 1
    if not policy.get("Statement"):
        print(f"stratus iam policy: no decisions recorded for {args.principal}", file=sys.stderr)
        return 1
    print(json.dumps(policy, indent=2))
    return 0


def _reset(config: Config) -> int:
    data_dir = config.data_dir
    if data_dir is None:
        print("stratus reset: no data directory to wipe", file=sys.stderr)
        return 1
    data_dir = Path(data_dir).expanduser()
    if not data_dir.exists():
        print(f"nothing to wipe: {data_dir} does not exist")
        return 0
    from stratus.runtime import DATA_DIR_MARKER

    if any(data_dir.iterdir()) and not (data_dir / DATA_DIR_MARKER).exists():
        print(
            f"stratus reset: {data_dir} does not look like a Stratus data directory; not touching it",
            file=sys.stderr,
        )
        return 1
    shutil.rmtree(data_dir)
    print(f"wiped {data_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
