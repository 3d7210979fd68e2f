# Shodh top-level entry points. `make run` and `make test` do everything on a
# fresh Debian 12 machine: install apt dependencies (idempotent, quiet when
# done), configure with CMake + Ninja, build, then run the demo or all tests.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: all deps configure build run test clean test-sanitize \
        test-sanitize-runtime fuzz

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

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) $(BUILD).configure.log out

# ---- Robustness (docs/reliability.md) ----------------------------------------
# `make test-sanitize`: every test under ASan + UBSan (gcc), in its own build;
# `make test-sanitize-runtime`: the same without the compiler (much faster).
SANITIZE ?= address,undefined
SANITIZE_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# $(call sanitize-test,BUILD_DIR,EXTRA_CMAKE_ARGS)
define sanitize-test
	@mkdir -p $(1) && cmake -S . -B $(1) -G Ninja -DSHODH_SANITIZE=$(SANITIZE) $(2) \
	  > $(1)/configure.log 2>&1 || { cat $(1)/configure.log; exit 1; }
	@cmake --build $(1) -j $(JOBS)
	@cd $(1) && $(SANITIZE_ENV) ctest --output-on-failure -j $(JOBS)
endef

test-sanitize: deps
	$(call sanitize-test,build-sanitize,)

test-sanitize-runtime: deps
	$(call sanitize-test,build-sanitize-runtime,-DSHODH_ENABLE_COMPILER=OFF)

# `make fuzz`: libFuzzer targets (clang 19, scripts/install-fuzz-deps.sh),
# FUZZ_SECONDS each; seeds come from the tools of the normal build.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

fuzz: build
	@bash scripts/install-fuzz-deps.sh
	@mkdir -p $(FUZZ_BUILD) && [ -f $(FUZZ_BUILD)/build.ninja ] || \
	  CC=clang-19 CXX=clang++-19 cmake -S . -B $(FUZZ_BUILD) -G Ninja -DSHODH_FUZZ=ON \
	    -DSHODH_ENABLE_COMPILER=OFF -DSHODH_ENABLE_TESTS=OFF \
	    -DCMAKE_BUILD_TYPE=RelWithDebInfo > $(FUZZ_BUILD)/configure.log 2>&1 || \
	  { cat $(FUZZ_BUILD)/configure.log; exit 1; }
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target model_file_fuzzer hdf5_reader_fuzzer
	@bash fuzz/run-fuzzers.sh $(BUILD)/bin . $(FUZZ_BUILD) $(FUZZ_SECONDS)
