# Two commands on a fresh machine:  `make run` (set up, build, run the quickstart)  and  `make test`.
.PHONY: setup build run test bench schema clean

setup:
	@scripts/setup.sh

build: setup
	swift build -c release

# Runs the Fashion-MNIST quickstart (release build; anything timed is a release build).
run: build
	.build/release/pipeline run pipelines/quickstart.yaml

test: setup
	scripts/test.sh

# Every benchmark against its peer, in one run (release build; takes a while). `make bench-NAME` runs
# one of scripts/bench/NAME.sh, e.g. `make bench-training`.
bench:
	scripts/bench.sh

bench-%:
	scripts/bench.sh $*

# Regenerates the committed JSON Schema from the stage catalogue (a test checks they agree).
schema:
	swift run pipeline schema > schemas/pipeline.schema.json

clean:
	rm -rf .build pipelines/.pipeline
