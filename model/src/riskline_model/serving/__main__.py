"""`python -m riskline_model.serving serve` (the image's entry point) or `... batch IN OUT`."""

import argparse
import os
import sys
from pathlib import Path

EXIT_SOME_REFUSED = 2  # the good rows were scored, some rows were not: see the errors file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m riskline_model.serving")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve the stage named by RISKLINE_STAGE (SageMaker hosting contract)")
    batch = sub.add_parser("batch", help="score a JSON Lines file of ModelInput into JSON Lines of predictions")
    batch.add_argument("input", type=Path)
    batch.add_argument("output", type=Path)
    batch.add_argument("--model-dir", type=Path, default=Path(os.environ.get("RISKLINE_MODEL_DIR", "/opt/ml/model")))
    batch.add_argument("--errors", type=Path, default=None, help="bad lines' numbers and reasons (OUT.errors.jsonl)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        from .server import serve

        serve()
        return 0
    from .batch import score_file

    try:
        result = score_file(args.model_dir, args.input, args.output, errors=args.errors)
    except (ValueError, FileNotFoundError) as exc:
        print(f"batch failed: {exc}", file=sys.stderr)
        return 1
    print(f"scored {result.scored} applications into {args.output}; refused {result.refused}", end="")
    if result.refused:
        print(f" (line numbers and reasons in {result.errors_path})")
        return EXIT_SOME_REFUSED
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
