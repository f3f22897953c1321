"""`python -m riskline_model.data generate --rows N --seed S --out FILE` writes a labeled training file."""

import argparse
from collections import Counter
from pathlib import Path

from .generator import LABEL_MODES, generate
from .labeled import SUFFIXES, write_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m riskline_model.data")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="synthetic applications with auditor labels")
    gen.add_argument("--rows", type=int, default=50_000)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--out", type=Path, required=True, help=f"file ({', '.join(SUFFIXES)})")
    gen.add_argument("--labels", choices=LABEL_MODES, default="binary", help="accept/reject or low/medium/high")
    args = parser.parse_args(argv)
    items = generate(args.rows, args.seed, labels=args.labels)
    write_rows(args.out, [item.to_row() for item in items])
    counts = Counter(item.label.value for item in items)
    mix = ", ".join(f"{counts[k] / len(items):.1%} {k}" for k in sorted(counts, key=lambda k: -counts[k]))
    print(f"wrote {len(items)} labeled applications ({mix}) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
