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

bench: build
	@for bench in $(sort $(wildcard $(DEV_DIR)/tests/bench/bench_*)); do $$bench || exit 1; done

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

clean:
	rm -rf build $(JAVA_DIR)/target
