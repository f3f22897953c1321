"""The learning loop: audited lake rows → training set → challenger → gate → registry, and drift.

    lake.py            where the lake is (a folder, a SageMaker Processing mount, or s3:// fetched to disk)
    columns.py         the lake row's columns as DuckDB reads them
    trainset.py        the labelled, time-split training set built with DuckDB
    challenger.py      the challenger, trained through the training entry point
    score.py           scoring rows with an artifact's own loaders and predict
    compare.py         champion and challenger figures on the same holdout
    gate.py            margins → promote / reject, failed checks named
    compare_report.py  the side-by-side HTML report (svg.py: inline SVG plots)
    challenge.py       one challenge end to end
    registry.py        local folder and SageMaker Model Registry
    baseline.py        the training baseline stored in the artifact
    drift.py           the drift monitor over a local lake (maths in riskline_monitor)
    stats.py           PSI, bins, percentiles (numpy)
    synthetic.py       lake-shaped synthetic rows (benchmark, tests, drift demo)

`python -m riskline_model.loop --help` lists the commands; README.md describes them.
"""
