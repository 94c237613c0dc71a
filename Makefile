# libloyalty: developer entry points.
#
#   make deps    install missing Debian build/test packages (as root, or via sudo)
#   make build   configure and build build/dev (RelWithDebInfo, warnings are errors)
#   make demo    build, then run every example of examples/c in sorted order
#   make test    every test suite: test-c (test-python and test-java to come)
#   make bench   build, then run the benchmarks of tests/bench (see BENCHMARKS.md)
#   make clean   remove build/
#
#   test-c       build/dev: ctest; build/asan (ASan+UBSan): ctest;
#                then every unit test of build/dev under valgrind
#   test-python  placeholder, does nothing yet
#   test-java    placeholder, does nothing yet
#
# Variables: JOBS (parallel jobs, default 2), WERROR (ON/OFF, default ON).
# The build directories come from CMakePresets.json.

JOBS   ?= 2
WERROR ?= ON
CMAKE  ?= cmake
CTEST  ?= ctest

DEV_DIR  := build/dev
ASAN_DIR := build/asan

EXAMPLES := $(sort $(basename $(notdir $(wildcard examples/c/*.c))))

SANITIZER_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: all deps build demo bench test test-c test-python test-java clean

all: build

deps:
	@bash tools/install-deps.sh

build: deps
	$(CMAKE) --preset dev -DLOYALTY_WERROR=$(WERROR)
	$(CMAKE) --build --preset dev -j $(JOBS)

demo: build
	@failed=""; \
	if [ -z "$(EXAMPLES)" ]; then echo "demo: no examples in examples/c"; fi; \
	for name in $(EXAMPLES); do \
		echo; \
		echo "==================== examples/c/$$name ===================="; \
		$(DEV_DIR)/examples/c/$$name || failed="$$failed $$name"; \
	done; \
	if [ -n "$$failed" ]; then echo; echo "demo: failed:$$failed" >&2; exit 1; fi

bench: build
	@for bench in $(sort $(wildcard $(DEV_DIR)/tests/bench/bench_*)); do $$bench || exit 1; done

test: test-c

test-c: build
	$(CTEST) --test-dir $(DEV_DIR) --output-on-failure -j $(JOBS)
	$(CMAKE) --preset asan -DLOYALTY_WERROR=$(WERROR)
	$(CMAKE) --build --preset asan -j $(JOBS)
	$(SANITIZER_ENV) $(CTEST) --test-dir $(ASAN_DIR) --output-on-failure -j $(JOBS)
	bash tests/valgrind.sh $(DEV_DIR)

# Hooks for the bindings' test suites; `test` will depend on them once they exist.
test-python:
	@echo "test-python: no Python tests yet"

test-java:
	@echo "test-java: no Java tests yet"

clean:
	rm -rf build
