# Convoy: `make demo` runs the main job on the local stack, `make test` runs every test.
# Both do their own set-up on a fresh machine (JDK >= 21, Maven, the stack's packages).
SHELL := /bin/bash
CONVOY := bin/convoy

.DEFAULT_GOAL := help
.PHONY: help build test test-shell test-java demo browser screenshots stack-up stack-down clean bench-decode bench-sink bench-source bench-scale bench-fairshare bench-distinct bench-pipeline

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

build: ## compile and package the spark-submit jar (target/convoy-*-spark.jar)
	$(CONVOY) mvn -DskipTests package

test: stack-up browser test-shell test-java ## every test: shell checks, unit, integration and browser tests on the local stack

test-shell: ## shellcheck every script and test the stack's lifecycle (on its own ports)
	bash src/test/shell/run.sh

test-java: ## unit tests, then integration tests (*IT) against the running local stack
	eval "$$($(CONVOY) stack env)" && $(CONVOY) mvn verify

demo: stack-up ## run the main job end to end on the local stack and print the hourly buckets
	$(CONVOY) demo

browser: ## install headless Chromium and chromedriver if missing (the status page's browser tests)
	$(CONVOY) browser

stack-up: ## start the local stack (kinesis-local, PostgreSQL + PgBouncer)
	$(CONVOY) stack up

stack-down: ## stop the local stack
	$(CONVOY) stack down

bench-decode: ## JMH: Thrift decode throughput per core, both protocols (docs/benchmarks.md)
	$(CONVOY) bench DecodeBenchmark

bench-sink: stack-up ## upsert rows/s through PgBouncer for batches of 100, 10k, 100k (docs/benchmarks.md)
	$(CONVOY) bench --main dev.convoy.bench.SinkBenchmark

bench-source: stack-up ## records/s of the built-in Kinesis source vs a plain GetRecords loop (docs/benchmarks.md)
	eval "$$($(CONVOY) stack env)" && $(CONVOY) bench --main dev.convoy.bench.KinesisSourceBenchmark

bench-distinct: ## state memory per bucket, exact vs approximate distinct subscribers, at 10k/100k/1M (docs/benchmarks.md)
	$(CONVOY) bench --main dev.convoy.bench.DistinctStateBenchmark

bench-scale: stack-up ## 10 and 100 jobs in one driver at 10 s, 100 at 20, 30 and 60 s, vs 10 one-job drivers, then warm drivers (100 at 20 s and at 10 s): on time, CPU, memory, freshness (~107 min; docs/benchmarks.md)
	rm -f target/bench-scale.jsonl
	eval "$$($(CONVOY) stack env)" && $(CONVOY) bench --main dev.convoy.bench.ScaleBenchmark 10,100 300 --separate 10 \
	  && for t in 20 30 60; do $(CONVOY) bench --main dev.convoy.bench.ScaleBenchmark 100 300 --trigger $$t --separate 0 || exit 1; done \
	  && $(CONVOY) bench --main dev.convoy.bench.ScaleBenchmark 10 180 --separate 0 --settle 600 \
	  && $(CONVOY) bench --main dev.convoy.bench.ScaleBenchmark 100 300 --trigger 20 --separate 0 --settle 600 \
	  && $(CONVOY) bench --main dev.convoy.bench.ScaleBenchmark 100 300 --trigger 10 --separate 0 --settle 300 --heap 2g
	cp target/bench-scale.jsonl docs/benchmarks-scale.jsonl

bench-pipeline: stack-up ## one job with data in hand: events/s through decode, buckets and the sink, 4 jobs in batches of 500k, the low-cardinality one in batches of 1M too (docs/benchmarks.md)
	eval "$$($(CONVOY) stack env)" && $(CONVOY) bench --main dev.convoy.bench.PipelineBenchmark 500000 20 --warmup 10 \
	  && $(CONVOY) bench --main dev.convoy.bench.PipelineBenchmark 1000000 20 --warmup 10 --job 1

bench-fairshare: ## 20 overloaded jobs before/after the batch gate: batches, longest wait, share per job (docs/benchmarks.md)
	$(CONVOY) bench --main dev.convoy.bench.FairShareBenchmark

screenshots: stack-up browser ## the status page's screenshot in docs/ (StatusPageIT in a real Chromium)
	eval "$$($(CONVOY) stack env)" && $(CONVOY) mvn -q verify -Dtest=none -Dit.test=StatusPageIT -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dfailsafe.failIfNoSpecifiedTests=false -Dconvoy.screenshots=$(CURDIR)/docs

clean: ## remove build output
	$(CONVOY) mvn -q clean
