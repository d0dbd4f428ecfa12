# The README's two commands: `make run` (set up, build, run the main job) and
# `make test` (set up, build, run every test). Both install missing Debian packages.
BUILD_DIR ?= build/release
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
TRACEPLAY := $(BUILD_DIR)/apps/traceplay

.PHONY: all deps configure build run test test-unit test-python test-integration bench clean

all: build

deps:
	scripts/bootstrap-deps

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(TRACEPLAY) run experiments/default.toml

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

test-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L unit

test-python: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L python

test-integration: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L integration

bench: build
	$(TRACEPLAY) bench astar
	$(TRACEPLAY) bench sokoban
	$(TRACEPLAY) bench startup

clean:
	rm -rf $(BUILD_DIR)
