# Shodh top-level entry points. `make run` and `make test` do everything on a
# fresh Debian 12 machine: install apt dependencies (idempotent, quiet when
# done), configure with CMake + Ninja, build, then run the demo or all tests.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: all deps configure build run run-fno test clean test-sanitize test-sanitize-thread \
        test-sanitize-runtime fuzz bench portable

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_ARGS) > $(BUILD).configure.log 2>&1 || \
	  { cat $(BUILD).configure.log; exit 1; }

configure: deps $(BUILD)/build.ninja

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@bash scripts/run-demo.sh $(BUILD)

# The earlier default job: a small FNO compiled, inspected and run.
run-fno: build
	@bash scripts/run-fno-demo.sh $(BUILD)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# `make bench`: FNO-2D against its PyTorch and neuraloperator peers, with
# memory and roofline (docs/benchmarks.md); sets up .venv-bench/ first
# (several GiB, once). BENCH_ARGS goes to bench/run.py, e.g.
# BENCH_ARGS="--scaling" or BENCH_ARGS="--batch 64 --res 128"; the MoE models
# with BENCH_ARGS="--model m2m" or "--model shodh_moe" (no roofline for them).
# Never run by CI.
BENCH_ARGS ?=

bench: build
	@bash scripts/setup-bench-venv.sh
	@/usr/bin/python3 bench/run.py --build $(BUILD) --roofline $(BENCH_ARGS)

clean:
	rm -rf $(BUILD) $(BUILD).configure.log out

# ---- Robustness (docs/reliability.md) ----------------------------------------
# `make test-sanitize`: every test under ASan + UBSan (gcc), in its own build
# (SANITIZE_BUILD); `make test-sanitize-runtime`: the same without the
# compiler (much faster); `make test-sanitize-thread`: the runtime's tests
# under ThreadSanitizer (SANITIZE_THREAD_BUILD; not in CI: ~20 min). All
# print the build and the test times.
SANITIZE ?= address,undefined
# Optimisation of the sanitizer builds: -O1 compiles about twice as fast as
# the default -O3 under ASan + UBSan and keeps the reports precise.
SANITIZE_OPT ?= -O1
SANITIZE_BUILD ?= build-sanitize
SANITIZE_RUNTIME_BUILD ?= build-sanitize-runtime
SANITIZE_THREAD_BUILD ?= build-sanitize-thread
SANITIZE_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	TSAN_OPTIONS=suppressions=$(CURDIR)/scripts/tsan-suppressions.txt:halt_on_error=1

# $(call sanitize-test,BUILD_DIR,EXTRA_CMAKE_ARGS); prints the wall and CPU
# (user + system) seconds of the build and of the tests: on a shared machine
# the CPU time divided by JOBS estimates the wall time on an idle one.
define sanitize-test
	@mkdir -p $(1) && cmake -S . -B $(1) -G Ninja -DSHODH_SANITIZE=$(SANITIZE) \
	  -DCMAKE_CXX_FLAGS_RELEASE="$(SANITIZE_OPT) -DNDEBUG" \
	  -DCMAKE_C_FLAGS_RELEASE="$(SANITIZE_OPT) -DNDEBUG" $(2) \
	  > $(1)/configure.log 2>&1 || { cat $(1)/configure.log; exit 1; }
	@TIMEFORMAT="sanitize: build %0R s wall, %0U+%0S s CPU ($(1), -j $(JOBS))"; \
	  time cmake --build $(1) -j $(JOBS) || exit 1; \
	  cd $(1) && TIMEFORMAT="sanitize: tests %0R s wall, %0U+%0S s CPU"; \
	  time $(SANITIZE_ENV) ctest --output-on-failure -j $(JOBS)
endef

test-sanitize test-sanitize-runtime test-sanitize-thread: SHELL := /bin/bash

test-sanitize: deps
	$(call sanitize-test,$(SANITIZE_BUILD),)

test-sanitize-runtime: deps
	$(call sanitize-test,$(SANITIZE_RUNTIME_BUILD),-DSHODH_ENABLE_COMPILER=OFF)

test-sanitize-thread: SANITIZE = thread
test-sanitize-thread: deps
	$(call sanitize-test,$(SANITIZE_THREAD_BUILD),-DSHODH_ENABLE_COMPILER=OFF)

# `make fuzz`: libFuzzer targets (clang 19, scripts/install-fuzz-deps.sh),
# FUZZ_SECONDS each, one after the other (FUZZERS picks some); seeds come
# from the tools of the normal build. Assertions stay on (no -DNDEBUG) so
# that a failed cast<> or assert in our code is a finding, not silent UB.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZERS ?= model_file_fuzzer hdf5_reader_fuzzer shodhc_fuzzer

fuzz: build
	@bash scripts/install-fuzz-deps.sh
	@mkdir -p $(FUZZ_BUILD) && \
	  CC=clang-19 CXX=clang++-19 cmake -S . -B $(FUZZ_BUILD) -G Ninja -DSHODH_FUZZ=ON -DSHODH_ENABLE_COMPILER=ON \
	    -DSHODH_ENABLE_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g" \
	    > $(FUZZ_BUILD)/configure.log 2>&1 || \
	  { cat $(FUZZ_BUILD)/configure.log; exit 1; }
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(FUZZERS)
	@bash fuzz/run-fuzzers.sh $(BUILD)/bin . $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZERS)

# `make portable`: shodh-run with static CPU dependencies (docs/cuda.md
# § Portable build) in PORTABLE_BUILD; prints the shared libraries left.
PORTABLE_BUILD ?= build-portable

portable: deps
	@JOBS=$(JOBS) bash scripts/build-portable.sh $(PORTABLE_BUILD)

# `make gpu-kit`: what scripts/gpu-check.sh needs on a GPU machine
# (docs/gpu-check.md), in gpu-kit/ (<= 64 MiB): portable shodh-run and
# cuda_test built in GPU_KIT_BUILD, models compiled with shodhc ($(BUILD) or
# /tmp/lead-build), small data sets. `make gpu-check-selftest` tests the
# check's scripts without a GPU and without the kit (seconds).
GPU_KIT_BUILD ?= build-gpu-kit

.PHONY: gpu-kit gpu-check-selftest
gpu-kit: deps
	@KIT_BUILD=$(GPU_KIT_BUILD) JOBS=$(JOBS) SHODHC=$(wildcard $(abspath $(BUILD))/bin/shodhc) \
	  SHODH_DATA=$(wildcard $(abspath $(BUILD))/bin/shodh-data) bash scripts/gpu-kit.sh

gpu-check-selftest:
	@bash scripts/gpu-check-selftest.sh
