# libloyalty: developer entry points.
#
#   make deps    install missing Debian build/test packages (as root, or via sudo)
#   make build   configure and build build/dev (RelWithDebInfo, warnings are errors)
#   make demo    build, then run every example of examples/c in sorted order,
#                then demo-python and demo-java
#   make test    every test suite: test-c, then test-python, then test-java
#   make bench   build, then run the benchmarks of tests/bench (see BENCHMARKS.md)
#   make clean   remove build/
#
#   test-c       build/dev: ctest; build/asan (ASan+UBSan): ctest;
#                then every unit test of build/dev under valgrind; then test-tsan
#                and test-fuzz
#   test-tsan    build/tsan (ThreadSanitizer): ctest for the concurrency test
#   test-fuzz    build/fuzz (clang, libFuzzer + ASan/UBSan): run every fuzz target
#                of tests/fuzz for FUZZ_TIME seconds, seeded with tests/golden
#   test-python  a fresh virtual environment in build/venv-test: pip install the
#                binding (pyproject.toml: SWIG + scikit-build-core) with pytest
#                and hypothesis, then pytest bindings/python/tests
#   demo-python  install the binding into build/venv-demo, then run every
#                example of examples/python in sorted order
#   test-java    the Java binding: mvn verify in bindings/java (CMake builds the
#                JNI library, JUnit 5 runs with -Xcheck:jni, the jar is packaged),
#                then the jar alone loads its native library
#   demo-java    package the jar (no tests), then run every example of
#                examples/java in sorted order with only the jar on the class path
#
# Variables: JOBS (parallel jobs, default 2), WERROR (ON/OFF, default ON),
# PYTHON (the interpreter the virtual environments are made from, default python3),
# FUZZ_TIME (seconds per fuzz target in test-fuzz, default 20).
# The build directories come from CMakePresets.json.

JOBS   ?= 2
WERROR ?= ON
CMAKE  ?= cmake
CTEST  ?= ctest

DEV_DIR  := build/dev
ASAN_DIR := build/asan
TSAN_DIR := build/tsan
FUZZ_DIR := build/fuzz
FUZZ_TIME ?= 20

EXAMPLES := $(sort $(basename $(notdir $(wildcard examples/c/*.c))))

PYTHON       ?= python3
PY_TEST_VENV := build/venv-test
PY_DEMO_VENV := build/venv-demo
PY_EXAMPLES  := $(sort $(wildcard examples/python/*.py))

# The Java binding. JAVA_HOME defaults to the JDK of the javac on PATH (Maven
# and CMake's FindJNI both read it); MVN_FLAGS keeps Maven's output to the
# build and the test counts. The jar is the newest bindings/java/target/*.jar
# (the version is the pom's).
JAVA_HOME    ?= $(patsubst %/bin/javac,%,$(realpath $(shell command -v javac)))
MVN          ?= mvn
MVN_FLAGS    ?= -B -ntp -Dstyle.color=never
JAVA_DIR     := bindings/java
JAVA_EXAMPLES := $(sort $(wildcard examples/java/*.java))

SANITIZER_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: all deps build demo demo-python demo-java bench test test-c test-tsan test-fuzz test-python test-java clean

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
	@$(MAKE) --no-print-directory demo-python
	@$(MAKE) --no-print-directory demo-java

# The Python examples, against the binding built from this tree.
demo-python: deps
	@test -x $(PY_DEMO_VENV)/bin/python || $(PYTHON) -m venv $(PY_DEMO_VENV)
	$(PY_DEMO_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps . && $(PY_DEMO_VENV)/bin/python -m pip install --quiet matplotlib tqdm
	@failed=""; \
	if [ -z "$(PY_EXAMPLES)" ]; then echo "demo-python: no examples in examples/python" >&2; exit 1; fi; \
	for example in $(PY_EXAMPLES); do \
		echo; \
		echo "==================== $$example ===================="; \
		$(PY_DEMO_VENV)/bin/python $$example || failed="$$failed $$example"; \
	done; \
	if [ -n "$$failed" ]; then echo; echo "demo-python: failed:$$failed" >&2; exit 1; fi

# ---- benchmarks (BENCHMARKS.md, tests/bench/WORKLOAD.md) ----------------------------------
#
# `make bench` runs every benchmark in one go: the C benches of tests/bench,
# then the peer comparison on one generated workload (BENCH_CUSTOMERS customers,
# BENCH_PURCHASES purchases, seed BENCH_SEED; cached in BENCH_DATA under a key of
# the generator's hash and arguments): libloyalty in C (bench_workload) and
# Python (bench_python.py in the venv BENCH_VENV, with numpy and matplotlib),
# the Node.js peers (npm ci in tests/bench/peers) and Java (make bench-java,
# when tests/bench/java and that target exist). Each contender checks its points
# against the reference before it prints a time; tests/bench/report.py then
# checks every contender's sum and checksum again, prints the comparison table
# and the targets, writes build/bench/results.json and report.md, and draws
# docs/bench/*.png. Output is logged per contender in build/bench/logs.
BENCH_DIR       := build/bench
BENCH_DATA      ?= $(BENCH_DIR)/data
BENCH_LOGS      := $(BENCH_DIR)/logs
BENCH_VENV      := build/venv-bench
BENCH_CUSTOMERS ?= 100000
BENCH_PURCHASES ?= 1000000
BENCH_SEED      ?= 7
BENCH_RUN       := $(PYTHON) tests/bench/report.py run --logs $(BENCH_LOGS)
PEERS_DIR       := tests/bench/peers
NPM             ?= npm
NODE            ?= node

.PHONY: bench-data bench-c bench-python bench-peers bench-report

bench: build
	@rm -rf $(BENCH_LOGS)
	@$(MAKE) --no-print-directory bench-c
	@$(MAKE) --no-print-directory bench-python
	@$(MAKE) --no-print-directory bench-peers
	@if [ -d tests/bench/java ] && grep -q '^bench-java:' Makefile; then \
		$(BENCH_RUN) java -- $(MAKE) --no-print-directory bench-java BENCH_DATA=$(BENCH_DATA) || exit 1; \
	else \
		echo "bench: no tests/bench/java or no bench-java target: the Java contenders are skipped"; \
	fi
	@$(MAKE) --no-print-directory bench-report

# The workload, made again only when gen.py, reference.py or the arguments change.
bench-data:
	@key="$$(cat tests/bench/workload/gen.py tests/bench/workload/reference.py | sha256sum | cut -c1-16) $(BENCH_CUSTOMERS) $(BENCH_PURCHASES) $(BENCH_SEED)"; \
	if [ "$$(cat $(BENCH_DATA)/KEY 2>/dev/null)" = "$$key" ]; then \
		echo "bench-data: $(BENCH_DATA) is up to date ($$(cat $(BENCH_DATA)/SUMMARY))"; \
	else \
		rm -rf $(BENCH_DATA) && \
		$(PYTHON) tests/bench/workload/gen.py --customers $(BENCH_CUSTOMERS) --purchases $(BENCH_PURCHASES) \
			--seed $(BENCH_SEED) --out $(BENCH_DATA) && echo "$$key" > $(BENCH_DATA)/KEY; \
	fi

# The C benches (their own data), then the workload in C.
bench-c: build bench-data
	@for bench in $(sort $(notdir $(wildcard $(DEV_DIR)/tests/bench/bench_*))); do \
		[ "$$bench" = bench_workload ] && continue; \
		$(BENCH_RUN) c-$$bench -- $(DEV_DIR)/tests/bench/$$bench || exit 1; \
	done
	@$(BENCH_RUN) c-bench_workload -- $(DEV_DIR)/tests/bench/bench_workload $(BENCH_DATA) tests/bench/workload/program.json

# The binding as a user installs it (pip install .), numpy and matplotlib.
bench-python: deps bench-data
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade numpy matplotlib
	$(BENCH_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps .
	@$(BENCH_RUN) python -- $(BENCH_VENV)/bin/python tests/bench/python/bench_python.py $(BENCH_DATA)

# The Node.js peers, installed exactly as the lock file pins them.
bench-peers: bench-data
	cd $(PEERS_DIR) && $(NPM) ci --no-audit --no-fund --loglevel=error
	@$(BENCH_RUN) node-plain -- $(NODE) $(PEERS_DIR)/plain.js $(BENCH_DATA)
	@$(BENCH_RUN) node-json-rules-engine -- $(NODE) $(PEERS_DIR)/rules.js $(BENCH_DATA)
	@$(BENCH_RUN) node-zen-engine -- $(NODE) $(PEERS_DIR)/zen.js $(BENCH_DATA)

# Collect, check agreement, print the table, draw docs/bench/*.png.
bench-report:
	@if [ -x $(BENCH_VENV)/bin/python ]; then py=$(BENCH_VENV)/bin/python; else py=$(PYTHON); fi; \
	$$py tests/bench/report.py report --data $(BENCH_DATA) --logs $(BENCH_LOGS) --out $(BENCH_DIR) --charts docs/bench

test: test-c test-python test-java

test-c: build
	$(CTEST) --test-dir $(DEV_DIR) --output-on-failure -j $(JOBS)
	$(CMAKE) --preset asan -DLOYALTY_WERROR=$(WERROR)
	$(CMAKE) --build --preset asan -j $(JOBS)
	$(SANITIZER_ENV) $(CTEST) --test-dir $(ASAN_DIR) --output-on-failure -j $(JOBS)
	bash tests/valgrind.sh $(DEV_DIR)
	$(MAKE) --no-print-directory test-tsan
	$(MAKE) --no-print-directory test-fuzz

# ThreadSanitizer over the multi-threaded test (the others are single-threaded
# and would only be slower here); a test that is not found is an error.
test-tsan: deps
	$(CMAKE) --preset tsan -DLOYALTY_WERROR=$(WERROR)
	$(CMAKE) --build --preset tsan -j $(JOBS) --target test_concurrency
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		$(CTEST) --test-dir $(TSAN_DIR) --output-on-failure --no-tests=error -R concurrency

# libFuzzer smoke run (tests/fuzz/README.md tells how to fuzz longer): clang
# builds the fuzz targets in build/fuzz (no preset: it needs the clang compiler
# and LOYALTY_FUZZ), then tests/fuzz/run.sh runs each for FUZZ_TIME seconds.
test-fuzz: deps
	$(CMAKE) -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DLOYALTY_FUZZ=ON -DLOYALTY_WERROR=$(WERROR) -DLOYALTY_BUILD_EXAMPLES=OFF
	$(CMAKE) --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets
	bash tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_TIME)

# A fresh virtual environment each time, so that the binding is built and
# installed exactly as a user's `pip install .` would. pytest's exit status 5
# ("no tests collected") is a failure too.
test-python: deps
	rm -rf $(PY_TEST_VENV)
	$(PYTHON) -m venv $(PY_TEST_VENV)
	$(PY_TEST_VENV)/bin/python -m pip install --quiet . pytest hypothesis
	@status=0; \
	$(PY_TEST_VENV)/bin/python -m pytest -p no:cacheprovider bindings/python/tests || status=$$?; \
	if [ $$status -eq 5 ]; then echo "test-python: pytest collected no tests" >&2; exit 1; fi; \
	if [ $$status -ne 0 ]; then echo "test-python: pytest failed (exit status $$status)" >&2; fi; \
	exit $$status

# The Java binding (bindings/java/README.md): Maven configures CMake, which
# runs SWIG and builds libloyalty_jni.so with the C core inside, then compiles,
# runs the JUnit 5 suite (every test under -Xcheck:jni) and packages the jar.
# Last, the jar alone on a class path loads its own native library.
test-java: deps
	cd $(JAVA_DIR) && JAVA_HOME="$(JAVA_HOME)" $(MVN) $(MVN_FLAGS) -Dcmake.jobs=$(JOBS) verify
	@jar=$$(ls -t $(JAVA_DIR)/target/libloyalty-*.jar | head -1); \
	out=$$("$(JAVA_HOME)/bin/java" -jar "$$jar") || exit 1; echo "$$jar: $$out"; \
	case "$$out" in *"JNI library bundled:"*) ;; *) echo "test-java: the jar did not load its bundled library" >&2; exit 1;; esac

# The Java examples, each run from source with only the jar on the class path.
demo-java: deps
	cd $(JAVA_DIR) && JAVA_HOME="$(JAVA_HOME)" $(MVN) $(MVN_FLAGS) -q -DskipTests -Dcmake.jobs=$(JOBS) package
	@failed=""; jar=$$(ls -t $(JAVA_DIR)/target/libloyalty-*.jar | head -1); \
	if [ -z "$(JAVA_EXAMPLES)" ]; then echo "demo-java: no examples in examples/java" >&2; exit 1; fi; \
	for example in $(JAVA_EXAMPLES); do \
		echo; \
		echo "==================== $$example ===================="; \
		"$(JAVA_HOME)/bin/java" -cp "$$jar" $$example || failed="$$failed $$example"; \
	done; \
	if [ -n "$$failed" ]; then echo; echo "demo-java: failed:$$failed" >&2; exit 1; fi

# The Java contenders of the peer benchmarks (tests/bench/java/README.md):
# install the binding jar (no tests) into the local Maven repository, build
# the JMH project of tests/bench/java against it, make the workload in
# BENCH_DATA with tests/bench/workload/gen.py when it is missing, then run
# the bench: it checks every contender's points against the reference first,
# and prints one "RESULT java.NAME ops_per_s=... ns_per_purchase=..." line
# per benchmark (the JMH JSON goes to BENCH_DATA/../java-jmh.json).
# BENCH_DATA is the benchmarks' (build/bench/data).
BENCH_JAVA_DIR := tests/bench/java

.PHONY: bench-java
bench-java: deps
	cd $(JAVA_DIR) && JAVA_HOME="$(JAVA_HOME)" $(MVN) $(MVN_FLAGS) -q -DskipTests -Dcmake.jobs=$(JOBS) install
	cd $(BENCH_JAVA_DIR) && JAVA_HOME="$(JAVA_HOME)" $(MVN) $(MVN_FLAGS) -q package
	@if [ ! -f "$(BENCH_DATA)/purchases.csv" ]; then \
		if [ ! -f tests/bench/workload/gen.py ]; then \
			echo "bench-java: no workload in $(BENCH_DATA) and no tests/bench/workload/gen.py to make it" >&2; exit 1; \
		fi; \
		echo "bench-java: making the workload in $(BENCH_DATA)"; \
		$(PYTHON) tests/bench/workload/gen.py --customers 100000 --purchases 1000000 --seed 7 \
			--out "$(BENCH_DATA)" || exit 1; \
	fi
	"$(JAVA_HOME)/bin/java" -jar $(BENCH_JAVA_DIR)/target/benchmarks.jar "$(BENCH_DATA)" tests/bench/workload/program.json

clean:
	rm -rf build $(JAVA_DIR)/target
