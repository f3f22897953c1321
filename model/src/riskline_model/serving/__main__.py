"""`python -m riskline_model.serving serve` (the image's entry point) or `... batch IN OUT`."""

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m riskline_model.serving")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve the stage named by RISKLINE_STAGE (SageMaker hosting contract)")
    batch = sub.add_parser("batch", help="score a JSON Lines file of ModelInput into JSON Lines of predictions")
    batch.add_argument("input", type=Path)
    batch.add_argument("output", type=Path)
    batch.add_argument("--model-dir", type=Path, default=Path(os.environ.get("RISKLINE_MODEL_DIR", "/opt/ml/model")))
    args = parser.parse_args(argv)
    if args.command == "serve":
        from .server import serve

        serve()
        return 0
    from .batch import score_file

    try:
        count = score_file(args.model_dir, args.input, args.output)
    except (ValueError, FileNotFoundError) as exc:
        print(f"batch failed: {exc}", file=sys.stderr)
        return 1
    print(f"scored {count} applications into {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
