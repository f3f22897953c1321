"""`python -m riskline_model.data generate --rows N --seed S --out FILE` writes a labeled training file."""

import argparse
from pathlib import Path

from .generator import generate
from .labeled import SUFFIXES, write_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m riskline_model.data")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="synthetic applications with auditor labels")
    gen.add_argument("--rows", type=int, default=50_000)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--out", type=Path, required=True, help=f"file ({', '.join(SUFFIXES)})")
    args = parser.parse_args(argv)
    items = generate(args.rows, args.seed)
    write_rows(args.out, [item.to_row() for item in items])
    rejects = sum(item.label.value == "reject" for item in items)
    print(f"wrote {len(items)} labeled applications ({rejects / len(items):.1%} rejected) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
