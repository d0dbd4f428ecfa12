# The README's two commands: `make run` (set up, build, run the main job) and
# `make test` (set up, build, run every test). Both install missing Debian packages.
BUILD_DIR ?= build/release
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
TRACEPLAY := $(BUILD_DIR)/apps/traceplay
# CI (CI=true) treats the project's warnings as errors (CMakeLists.txt, TRACEPLAY_WERROR).
WERROR := $(if $(filter true,$(CI)),-DTRACEPLAY_WERROR=ON)

.PHONY: all deps configure build run test test-unit test-python test-integration fuzz sanitize-asan sanitize-tsan bench clean

all: build

deps:
	scripts/bootstrap-deps

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(WERROR)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The experiment, then its report (apps/README.md, `traceplay report`); the page's path last.
run: build
	$(TRACEPLAY) run experiments/default.toml
	$(TRACEPLAY) report runs/default

# Every ctest test, then the sanitizer passes (README.md, "Sanitizers and fuzzing"): each
# libFuzzer target for FUZZ_SECONDS and every torch-free unit test under ASan + UBSan (one
# clang tree, build/asan), and the threaded parts' tests under ThreadSanitizer (build/tsan).
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SEED=1 scripts/fuzz-run
	scripts/sanitize asan
	scripts/sanitize tsan

FUZZ_SECONDS ?= 20

# Longer fuzzing by hand: make fuzz FUZZ_SECONDS=600
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz-run

# The sanitizer passes alone (`make test` runs both).
sanitize-asan: deps
	scripts/sanitize asan

sanitize-tsan: deps
	scripts/sanitize tsan

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
