"""The learning loop: audited lake rows → training set → challenger → gate → registry, and drift.

lake.py      where the lake is (a folder, a SageMaker Processing mount, or s3:// fetched to disk)
columns.py   the lake row's columns as DuckDB reads them
trainset.py  the labelled, time-split training set built with DuckDB
"""
