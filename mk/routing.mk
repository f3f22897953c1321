# functions/routing/: the DynamoDB stream consumer (lake + warehouse) and its replay command.

.PHONY: replay-warehouse

# Environment as for the handler: LAKE_BUCKET, LAKE_PREFIX, WAREHOUSE_BACKEND and the REDSHIFT_* or
# WAREHOUSE_DUCKDB_PATH variables (plus AWS_ENDPOINT_URL_S3 against the local stack).
replay-warehouse: $(VENV)/.installed ## reload the warehouse from the lake: make replay-warehouse SINCE=YYYY-MM-DD UNTIL=YYYY-MM-DD
	@test -n "$(SINCE)" -a -n "$(UNTIL)" || { echo "usage: make replay-warehouse SINCE=YYYY-MM-DD UNTIL=YYYY-MM-DD"; exit 2; }
	$(PY) -m riskline_routing.replay --since $(SINCE) --until $(UNTIL)
