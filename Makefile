# aidcsim — plain Makefile. `make run` and `make test` install missing Debian
# packages first (tools/deps.sh), then build and act.
CC      ?= cc
BUILD   := build
PREFIX  ?= /usr/local
VERSION := 0.1.0

PKGS     := gsl igraph libcjson cairo libpng fontconfig
# Recursive (=) on purpose: pkg-config runs when a recipe needs the flags, after deps.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -ldl $(MPI_LIBS)
# Open MPI for distributed sweeps and plans: auto-detected (pkg-config ompi-c);
# MPI=0 builds without it, MPI=1 insists. A stamp file rebuilds on a change.
MPI     ?= $(shell pkg-config --exists ompi-c 2>/dev/null && echo 1 || echo 0)
ifeq ($(MPI),1)
MPI_CFLAGS = -DAIDC_HAVE_MPI $(shell pkg-config --cflags ompi-c)
MPI_LIBS   = $(shell pkg-config --libs ompi-c) -pthread
endif
OPT     ?= -O2
SAN     ?=
CFLAGS  ?=
CFLAGS  += -std=c11 -Wall -Wextra -Werror -Wno-format-truncation $(OPT) -g $(SAN) -pthread -D_POSIX_C_SOURCE=200809L \
           -DAIDC_VERSION='"$(VERSION)"' -I. -I$(BUILD) -MMD -MP
LDFLAGS += $(SAN) -pthread

SCHED_SRC  := $(wildcard sched/*.c)
MODELS_SRC := $(wildcard models/*.c)
SIM_SRC    := $(filter-out sim/main.c,$(wildcard sim/*.c))
TRACES_SRC := $(wildcard tools/traces/*.c)
PLOTS_SRC  := $(wildcard plots/*.c)
LIB_OBJ    := $(patsubst %.c,$(BUILD)/%.o,$(SIM_SRC) $(MODELS_SRC) $(SCHED_SRC) $(TRACES_SRC) $(PLOTS_SRC)) $(BUILD)/catalog_json.o
UNIT_SRC   := $(wildcard tests/test_*.c) tests/unit_main.c tests/support.c
UNIT_OBJ   := $(patsubst %.c,$(BUILD)/%.o,$(UNIT_SRC))

# make test ends with these suites under AddressSanitizer + UndefinedBehaviorSanitizer (the
# unit tests, the end-to-end and bad-input corpus, traces, sharing, failures, inference); the
# queueing validation, report, browser, atomic, sweep, compare and plugin suites run
# sanitized only in `make asan`, to keep make test to minutes.
ASAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ASAN_SUITES := unit e2e traces sharing failures inference

.PHONY: all deps run test sanitize unit e2e bench asan valgrind fuzz clean install plugins docs golden
all: $(BUILD)/aidcsim

deps:
	@bash tools/deps.sh

run: deps
	@$(MAKE) --no-print-directory $(BUILD)/aidcsim
	$(BUILD)/aidcsim run scenarios/default.json -o out/default

test: deps
	@bash tools/deps.sh python3-jsonschema chromium openmpi-bin libopenmpi-dev
	@$(MAKE) --no-print-directory $(BUILD)/aidcsim $(BUILD)/unit_tests $(BUILD)/validate_queueing plugins
	@BUILD=$(BUILD) bash tests/run_all.sh
ifneq ($(BUILD),build-asan)
	@$(MAKE) --no-print-directory sanitize
endif

sanitize:
	@echo; echo "== sanitizer pass: $(ASAN_SUITES) built with ASan + UBSan (every suite: make asan)"
	@$(MAKE) --no-print-directory -j$$(nproc) BUILD=build-asan OPT=-O1 SAN="$(ASAN_FLAGS)" \
	    build-asan/aidcsim build-asan/unit_tests plugins
	@BUILD=build-asan SUITES="$(ASAN_SUITES)" bash tests/run_all.sh

bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/bench_engine $(BUILD)/aidcsim
	@BUILD=$(BUILD) bash tools/bench.sh

# The README's chart images, drawn by the program from two example scenarios.
docs: deps
	@$(MAKE) --no-print-directory $(BUILD)/aidcsim
	$(BUILD)/aidcsim run scenarios/default.json -o out/docs-default --quiet
	$(BUILD)/aidcsim run scenarios/demand-response.json -o out/docs-demand-response --quiet
	@mkdir -p docs
	cp out/docs-default/charts/utilization.png docs/default-utilization.png
	cp out/docs-demand-response/charts/power.png docs/demand-response-power.png

# Rewrites the fixed run and the golden charts of tests/report.sh; review git diff after.
golden: $(BUILD)/aidcsim
	@BUILD=$(BUILD) AIDCSIM=$(BUILD)/aidcsim bash tests/report.sh --update

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 SAN="$(ASAN_FLAGS)" test

# memcheck over a representative set (tests/valgrind.sh); not part of `make test` (about 2 min)
valgrind: deps
	@bash tools/deps.sh valgrind
	@$(MAKE) --no-print-directory $(BUILD)/aidcsim $(BUILD)/unit_tests plugins
	@BUILD=$(BUILD) bash tests/valgrind.sh

# libFuzzer harnesses (tests/fuzz/), each run for FUZZ_SECONDS from a seed corpus of real files
FUZZ_SECONDS ?= 60
FUZZERS := scenario trace weather carbon import tolerances
fuzz:
	@bash tools/deps.sh clang
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT=-O1 \
	    SAN="-Wno-unknown-warning-option -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -fsanitize=fuzzer-no-link" \
	    $(patsubst %,build-fuzz/fuzz_%,$(FUZZERS))
	@BUILD=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh

.PRECIOUS: $(BUILD)/tests/fuzz/%.o
$(BUILD)/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/libaidc.a
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

$(BUILD)/aidcsim: $(BUILD)/sim/main.o $(BUILD)/libaidc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/libaidc.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/unit_tests: $(UNIT_OBJ) $(BUILD)/libaidc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcunit

$(BUILD)/validate_queueing: $(BUILD)/tests/validate_queueing.o $(BUILD)/tests/support.o $(BUILD)/libaidc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/bench_engine: $(BUILD)/tests/bench_engine.o $(BUILD)/libaidc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The hardware catalog ships inside the binary, so a run never depends on install paths.
$(BUILD)/catalog_json.c: models/catalog.json $(BUILD)/embed
	$(BUILD)/embed aidc_catalog_json < $< > $@

$(BUILD)/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

# Only the batch pool sees MPI; the stamp names the setting it was built with.
$(BUILD)/sim/batch.o: CFLAGS += $(MPI_CFLAGS) -pthread
$(BUILD)/sim/batch.o: $(BUILD)/mpi-$(MPI).stamp
$(BUILD)/mpi-$(MPI).stamp:
	@mkdir -p $(BUILD)
	@rm -f $(BUILD)/mpi-*.stamp
	@touch $@

$(BUILD)/catalog_json.o: $(BUILD)/catalog_json.c
	$(CC) $(CFLAGS) -c -o $@ $<

# The production core as a library: sched/ objects are position independent
# so a policy plugin (a shared object) can link them.
SCHED_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(SCHED_SRC))
$(SCHED_OBJ): CFLAGS += -fPIC

$(BUILD)/libaidcsim-sched.a: $(SCHED_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Test plugins: built against this tree's header, and one against the frozen
# ABI 1.0 header (an older minor version must still load and run).
TEST_PLUGINS := good_fifo old_minor wrong_major missing_symbol minor_1_1
plugins: $(patsubst %,$(BUILD)/plugins/%.so,$(TEST_PLUGINS)) $(BUILD)/plugins/smallest_first.so

# the out-of-tree example, built in tree for the property suite
$(BUILD)/plugins/smallest_first.so: sched/example-plugin/smallest_first.c sched/aidc_policy.h $(BUILD)/libaidcsim-sched.a
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -fPIC -shared -I. -o $@ $< $(BUILD)/libaidcsim-sched.a -lm

$(BUILD)/plugins/old_minor.so: tests/plugins/old_minor.c tests/plugins/abi-1.0/aidc_policy.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -fPIC -shared -Itests/plugins/abi-1.0 -o $@ $<

# and one against the frozen ABI 1.1 header (GPU sharing came in 1.2)
$(BUILD)/plugins/minor_1_1.so: tests/plugins/minor_1_1.c tests/plugins/abi-1.1/aidc_policy.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -fPIC -shared -Itests/plugins/abi-1.1 -o $@ $<

$(BUILD)/plugins/%.so: tests/plugins/%.c sched/aidc_policy.h $(BUILD)/libaidcsim-sched.a
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -fPIC -shared -I. -o $@ $< $(BUILD)/libaidcsim-sched.a

INCDIR := $(DESTDIR)$(PREFIX)/include/aidcsim
LIBDIR := $(DESTDIR)$(PREFIX)/lib
install: $(BUILD)/aidcsim $(BUILD)/libaidcsim-sched.a
	install -D -m 755 $(BUILD)/aidcsim $(DESTDIR)$(PREFIX)/bin/aidcsim
	install -D -m 644 sched/aidc_policy.h $(INCDIR)/sched/aidc_policy.h
	install -D -m 644 sched/placement.h $(INCDIR)/sched/placement.h
	install -D -m 644 sched/queue.h $(INCDIR)/sched/queue.h
	install -D -m 644 sched/builtin.h $(INCDIR)/sched/builtin.h
	install -D -m 644 $(BUILD)/libaidcsim-sched.a $(LIBDIR)/libaidcsim-sched.a
	@mkdir -p $(LIBDIR)/pkgconfig
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' tools/aidcsim-policy.pc.in \
	    > $(LIBDIR)/pkgconfig/aidcsim-policy.pc

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
