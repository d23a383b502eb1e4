# notify53 - one static binary. Plain GNU make, cross- and OpenWrt-friendly:
# CC, CFLAGS, CPPFLAGS and LDFLAGS are the user's; the project's required flags
# live in separate variables appended after them.
#
#   make                      stripped static binary with musl (the release
#                             toolchain of this machine's architecture)
#   make CC=gcc STATIC=0      dynamic, unstripped build for debugging
#   make check                unit tests (ASan+UBSan), integration tests,
#                             release checks of four targets under qemu
#   make release | size | release-check [ARCH=...]   (tools/release.mk)
#   make install | deb        see tools/install.mk
#   make bench | fuzz | demo | clean
#   make fuzz-long            every fuzz target to FUZZ_RUNS (10 million)
#                             executions under libFuzzer, memory-bounded;
#                             prints executions, coverage, crashes per target
#   make soak                 the daemon over 10,000 NOTIFY-driven changes on
#                             a 10,000-set zone (named, the emulator), a
#                             reconcile every 500; prints RSS, fds, state
#                             file size first/peak/last, fails on growth

VERSION := 0.1.0
# Maintainer field of the Debian and OpenWrt packages.
MAINTAINER ?= the notify53 developers <notify53@example.org>

include third_party/versions.mk

# The native build uses the musl toolchain of this machine's release target
# (third_party/toolchain.mk: musl from Debian's source package, compiled for
# size), so `make` gives the same binary as that release file: 10 KB smaller
# than with Debian's musl-tools, whose libc.a is compiled for speed. Without
# that target's gcc (or in a tree without tools/), musl-tools' musl-gcc.
ifeq ($(origin CC),default)
NATIVE_ARCH := $(shell sh tools/cross.sh native 2>/dev/null)
CC := $(if $(NATIVE_ARCH),$(CURDIR)/build/toolchain/$(NATIVE_ARCH)/bin/musl-gcc,musl-gcc)
endif
# Size: no unwind tables (C needs none: no exceptions, no backtrace(); 38 KB),
# link-time optimisation with gcc (-16 KB: helpers inlined across modules;
# clang's LTO needs llvm-ar) and no page padding between code and data (4 KB).
# Static musl builds without RELRO: only a dynamic loader applies
# PT_GNU_RELRO (musl's static start-up leaves it writable), so it protected
# nothing and padded .data to the next page (up to 4 KB). Static builds are
# linked at a fixed address (-static, not -static-pie), so position-independent
# code (Debian's gcc default) only cost size: -fno-pie (3 KB).
# gcc 12's -Oz for x86 (else -Os): smaller code sequences that -Os leaves
# for speed (immediates through push/pop, no alignment padding): -2.9 KB on
# x86_64 (native and release), -1.9 KB on i386. Elsewhere it made the binary
# larger (aarch64 +16 bytes, mips64 +64) and older compilers lack it. make
# bench: about 5% more CPU in a 100,000-set sync, every target still met.
# With gcc, no sibling-call optimisation and no jump threading: a tail call
# restores every saved register before its jump, a copy of the epilogue at
# each one, and jump threading duplicates blocks to skip a test; both trade
# size for speed. -2.0 KB x86_64, -2.6 KB i386, -1.4 KB aarch64, -1.7 KB
# armv7, -3.1 KB mips64, -2.6 KB riscv64; an AXFR of 100,000 records
# (test/bench/xfr_bench.py) took 0.061 s of CPU instead of 0.058 (median of
# 12).
# Nor RTL loop-invariant motion: it hoists constants and addresses out of
# loops into registers that stay live across the loop, so more callee-saved
# registers are saved and restored, and loops are rare in this code: -2.9 KB
# mips64, -1.0 KB aarch64 and riscv64, -0.8 KB mips, -0.6 KB armv7, -0.3 KB
# x86_64; the same AXFR took 0.055 s of CPU instead of 0.057 (median of 12).
# The compiler asked: the native toolchain is not built yet when a fresh
# tree is read, so its gcc stands in for it.
PROBE_CC := $(if $(and $(NATIVE_ARCH),$(filter $(CURDIR)/build/toolchain/%,$(firstword $(CC)))),$(shell \
	sh tools/cross.sh triplet $(NATIVE_ARCH))-gcc,$(CC))
OPT_SIZE := $(if $(and $(findstring gcc,$(notdir $(firstword $(CC)))),$(filter x86_64-% i386-% \
	i486-% i586-% i686-%,$(shell $(PROBE_CC) -dumpmachine 2>/dev/null)),$(shell \
	$(PROBE_CC) -Oz -E -x c /dev/null >/dev/null 2>&1 && echo y)),-Oz,-Os)
CFLAGS ?= $(OPT_SIZE) -fno-asynchronous-unwind-tables -fno-unwind-tables \
	$(if $(findstring gcc,$(notdir $(firstword $(CC)))),-flto=auto \
		-fno-optimize-sibling-calls -fno-thread-jumps -fno-move-loop-invariants) \
	$(if $(filter 1,$(STATIC)),-fno-pie)
CPPFLAGS ?=
# Static musl builds also link with a 64-byte common page size: GNU ld then
# starts .data in the file right after the code (its address stays congruent
# to its file offset modulo the maximum page size, so the kernel maps it as
# before; the page shared by the end of the code and the start of the data is
# mapped twice) instead of padding the file to the next page: -1.7 KB x86_64,
# -2.2 KB aarch64 (64 KB maximum pages). Dynamic builds keep the default: there
# RELRO ends on a common page boundary and a smaller one would leave part of
# it writable.
NORELRO := -Wl,-z,norelro -Wl,-z,common-page-size=64
# gcc's link-time optimisation as one partition: the whole program is
# optimised (inlined, cloned, its constants merged) as one unit instead of
# pieces compiled in parallel: -480 bytes x86_64, -368 aarch64, -768 mips64.
LDFLAGS ?= -Wl,-z,noseparate-code \
	$(if $(and $(filter 1,$(STATIC)),$(findstring musl,$(notdir $(firstword $(CC))))),$(NORELRO)) \
	$(if $(findstring gcc,$(notdir $(firstword $(CC)))),-flto-partition=one)
AR ?= ar
STATIC ?= 1
STRIP ?= strip
# Extra flags for our own code and tests only (sanitizers in `make check`).
SAN ?=

BUILDTAG := $(notdir $(firstword $(CC)))$(if $(filter 1,$(STATIC)),-static)
O ?= build/$(BUILDTAG)

BEARSSL_SRC ?= third_party/src/bearssl
CJSON_SRC ?= third_party/src/cjson

BUILD_EPOCH := $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null),0)

# src/ has one folder per layer; an include names it ("dns/zone.h"), so
# only src/ is on the include path. test/layers.sh lists the layers and
# checks that no file includes a higher one.
N53_CPPFLAGS := -I. -Isrc -isystem $(BEARSSL_SRC)/inc -isystem $(CJSON_SRC) \
	-D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	-DNOTIFY53_VERSION='"$(VERSION)"' -DNOTIFY53_BUILD_EPOCH=$(BUILD_EPOCH) \
	-DBEARSSL_VERSION='"$(BEARSSL_VERSION)"'
N53_CFLAGS := -std=c99 -Wall -Wextra -Werror -Wundef -Wshadow -Wstrict-prototypes \
	-ffunction-sections -fdata-sections $(SAN)
N53_LDFLAGS := -Wl,--gc-sections $(if $(filter 1,$(STATIC)),-static) $(SAN)

ALL_CFLAGS = $(N53_CPPFLAGS) $(CPPFLAGS) $(CFLAGS) $(N53_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(N53_LDFLAGS)

SRCS := $(wildcard src/*/*.c)
LIB_OBJS := $(patsubst src/%.c,$(O)/src/%.o,$(filter-out src/cli/main.c,$(SRCS))) $(O)/options.o \
	$(O)/tls_anchors.o
MAIN_OBJ := $(O)/src/cli/main.o
UNIT_TESTS := $(patsubst test/%.c,$(O)/test/%,$(wildcard test/test_*.c))
# Helper programs that integration tests drive (not tests themselves).
TEST_TOOLS := $(patsubst test/%.c,$(O)/test/%,$(wildcard test/tool_*.c))
# Fuzz targets: libFuzzer entry points; test/fuzz_main.c runs them over their
# corpus (test/corpus/NAME/) in `make check`, `make fuzz` runs libFuzzer.
FUZZ_NAMES := $(patsubst test/fuzz_%.c,%,$(filter-out test/fuzz_main.c,$(wildcard test/fuzz_*.c)))
FUZZ_BINS := $(patsubst %,$(O)/test/fuzz_%,$(FUZZ_NAMES))
INTEGRATION_TESTS := $(sort $(wildcard test/it_*.sh test/it_*.py))

BEARSSL_LIB := $(O)/bearssl/libbearssl.a
CJSON_OBJ := $(O)/cjson/cJSON.o
LIBS := $(O)/libnotify53.a $(BEARSSL_LIB) $(CJSON_OBJ)

.PHONY: all check check-build bench fuzz fuzz-build fuzz-long soak demo clean distclean
.DELETE_ON_ERROR:

all: notify53

# ---- third-party sources -------------------------------------------------
# Fetched from Debian source packages unless BEARSSL_SRC / CJSON_SRC point at
# an unpacked tree (OpenWrt SDK, offline builds).

ifeq ($(BEARSSL_SRC),third_party/src/bearssl)
$(BEARSSL_SRC)/inc/bearssl.h: third_party/versions.mk third_party/fetch.sh
	sh third_party/fetch.sh $(BEARSSL_PKG) $(BEARSSL_ORIG) $(BEARSSL_SHA256) $(BEARSSL_SRC) \
		$(BEARSSL_DEBIAN) $(BEARSSL_DEBIAN_SHA256)
	@touch $@
else
$(BEARSSL_SRC)/inc/bearssl.h:
	@echo "BEARSSL_SRC=$(BEARSSL_SRC) has no inc/bearssl.h: point it at an unpacked BearSSL 0.6 source tree" >&2; exit 1
endif

ifeq ($(CJSON_SRC),third_party/src/cjson)
$(CJSON_SRC)/cJSON.h: third_party/versions.mk third_party/fetch.sh
	sh third_party/fetch.sh $(CJSON_PKG) $(CJSON_ORIG) $(CJSON_SHA256) $(CJSON_SRC) \
		$(CJSON_DEBIAN) $(CJSON_DEBIAN_SHA256)
	@touch $@
else
$(CJSON_SRC)/cJSON.h:
	@echo "CJSON_SRC=$(CJSON_SRC) has no cJSON.h: point it at an unpacked cJSON 1.7 source tree" >&2; exit 1
endif

$(CJSON_SRC)/cJSON.c: $(CJSON_SRC)/cJSON.h

# Compiler first: a missing musl-gcc should say so before any download.
.PHONY: cc-present
cc-present:
	@command -v $(firstword $(CC)) >/dev/null 2>&1 || { \
	  case "$(firstword $(CC))" in \
	  musl-gcc) echo "musl-gcc not found: apt-get install musl-tools (or build with: make CC=gcc STATIC=0)" >&2 ;; \
	  *) echo "$(firstword $(CC)) not found: install it or set CC" >&2 ;; \
	  esac; exit 1; }

$(BEARSSL_LIB): $(BEARSSL_SRC)/inc/bearssl.h | cc-present
	$(MAKE) -s -f third_party/bearssl.mk SRC=$(BEARSSL_SRC) OUT=$(O)/bearssl \
		CC="$(CC)" AR="$(AR)" CFLAGS="$(CPPFLAGS) $(CFLAGS)"

# cJSON reads numbers with num_strtod (src/base/num.h), not libc's strtod:
# musl's reads every form (hexadecimal, inf, nan) in long double precision,
# 6 KB and more in a static binary where long double is software 128-bit.
# It prints with fmt_sprintf (src/base/fmt.h), not libc's sprintf, whose
# printf core would be linked for it alone (10 KB and more). fmt.h names
# the headers it needs by their path under src/.
$(CJSON_OBJ): $(CJSON_SRC)/cJSON.c src/base/fmt.h src/base/buf.h | cc-present
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -Dstrtod=num_strtod -Dsprintf=fmt_sprintf \
		-iquote src -include src/base/fmt.h -ffunction-sections -fdata-sections -c -o $@ $<

# ---- notify53 --------------------------------------------------------------

$(O)/src/%.o: src/%.c $(BEARSSL_SRC)/inc/bearssl.h $(CJSON_SRC)/cJSON.h | cc-present
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/options.c: config.h tools/options.sh
	@mkdir -p $(@D)
	sh tools/options.sh config.h > $@

$(O)/options.o: $(O)/options.c | cc-present
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Trust anchors compiled in (src/net/tls.h): Amazon Root CA 1-4 and Starfield
# Services Root CA G2, from Debian's ca-certificates at build time, each
# checked against its SHA-256 fingerprint by tools/ta.sh. Made again when a
# file or TA_DIR changes ($(O)/ta_dir holds the TA_DIR it was made from).
TA_DIR ?= /usr/share/ca-certificates/mozilla
TA_FILES := $(shell sh tools/ta.sh --files)

$(O)/ta_dir: FORCE
	@mkdir -p $(@D)
	@echo '$(TA_DIR)' | cmp -s - $@ || echo '$(TA_DIR)' > $@

$(O)/tls_anchors.c: tools/ta.sh $(O)/ta_dir $(wildcard $(addprefix $(TA_DIR)/,$(TA_FILES)))
	@mkdir -p $(@D)
	sh tools/ta.sh $(TA_DIR) > $@

$(O)/tls_anchors.o: $(O)/tls_anchors.c src/net/tls.h $(BEARSSL_SRC)/inc/bearssl.h | cc-present
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/libnotify53.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/notify53: $(MAIN_OBJ) $(LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

notify53: $(O)/notify53
	cp $< $@
ifeq ($(STATIC),1)
	$(STRIP) $@
endif

# ---- tests -------------------------------------------------------------------

$(O)/test/%: test/%.c test/tap.h $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itest -o $@ $< $(LIBS) $(ALL_LDFLAGS)

# A fuzz target with a main: test/fuzz_main.c runs it over its corpus (make
# check); `make fuzz` links libFuzzer's instead (FUZZ_MAIN empty).
FUZZ_MAIN ?= test/fuzz_main.c
FUZZ_LDFLAGS ?=
$(O)/test/fuzz_%: test/fuzz_%.c $(FUZZ_MAIN) $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itest -o $@ $< $(FUZZ_MAIN) $(LIBS) $(ALL_LDFLAGS) $(FUZZ_LDFLAGS)

FUZZ_SECONDS ?= 60
fuzz-build:
	$(MAKE) O=build/fuzz CC=clang STATIC=0 CFLAGS="-O1 -g" \
		SAN="-fsanitize=fuzzer-no-link,address,undefined" FUZZ_MAIN= \
		FUZZ_LDFLAGS=-fsanitize=fuzzer $(FUZZ_NAMES:%=build/fuzz/test/fuzz_%)

fuzz: fuzz-build
	@for n in $(FUZZ_NAMES); do \
	  mkdir -p build/fuzz/corpus-$$n; \
	  echo "fuzz_$$n: $(FUZZ_SECONDS)s"; \
	  build/fuzz/test/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 build/fuzz/corpus-$$n test/corpus/$$n || exit 1; \
	done

# The long runs (not part of make check): FUZZ_RUNS executions of each of
# FUZZ_TARGETS, FUZZ_JOBS at a time (one core each), each stopped after
# FUZZ_LONG_SECONDS at the latest (the table then says the runs were not
# reached), within FUZZ_RSS_MB of memory and FUZZ_MALLOC_MB per allocation
# (test/long/fuzz_long.sh says why); the table goes to build/fuzz-long/.
# The slowest targets come first (executions per second under the
# sanitizers: plan about 1,500, ixfr 4,000, zone_apply and dns 5,500, the
# others 13,000 to 65,000), so the lanes end together: about 2.5 hours on
# 2 cores.
FUZZ_RUNS ?= 10000000
FUZZ_LONG_SECONDS ?= 14400
FUZZ_RSS_MB ?= 512
FUZZ_MALLOC_MB ?= 32
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
FUZZ_SLOW := plan ixfr zone_apply dns creds
FUZZ_TARGETS ?= $(foreach n,$(FUZZ_SLOW),$(filter $(n),$(FUZZ_NAMES))) $(filter-out $(FUZZ_SLOW),$(FUZZ_NAMES))
fuzz-long: fuzz-build
	sh test/long/fuzz_long.sh build/fuzz/test build/fuzz-long $(FUZZ_RUNS) \
		$(FUZZ_LONG_SECONDS) $(FUZZ_RSS_MB) $(FUZZ_MALLOC_MB) $(FUZZ_JOBS) $(FUZZ_TARGETS)

# The daemon over 10,000 NOTIFY-driven changes on a zone of 10,000 sets,
# against named and the emulator (test/long/soak.py: tolerances, figures);
# samples in build/soak/. SOAK_CHANGES, SOAK_SETS, SOAK_RECONCILE_EVERY
# in the environment change its size.
soak: notify53
	/usr/bin/python3 test/long/soak.py

CHECK_CC ?= gcc
CHECK_O := build/check
# Release targets checked under qemu (make release-check): big-endian MIPS
# catches byte-order bugs, both soft-float MIPS, 32-bit Thumb-2 ARM and
# AArch64 are the routers' CPUs; set CHECK_RELEASE= to skip them.
CHECK_RELEASE ?= mips mipsel armv7 aarch64
# Of those, the targets built a second time elsewhere (make release-repro).
CHECK_REPRO ?= mips

check-build: $(UNIT_TESTS) $(TEST_TOOLS) $(FUZZ_BINS) $(O)/notify53

# A build without sanitizers, for the integration tests' valgrind runs
# (NOTIFY53_PLAIN); ASan binaries cannot run under valgrind.
PLAIN_O := build/plain

# The tests test/run.sh runs, one "label<TAB>command" line each: the unit
# tests, the release checks of each CHECK_RELEASE target under qemu (and the
# CHECK_REPRO builds compared), the fuzz targets over their corpus, the
# integration tests. Written anew by every `make check` (CHECK_RELEASE may
# differ from the last one).
TEST_NAMES := $(patsubst test/%.c,%,$(wildcard test/test_*.c))
IT_ENV = NOTIFY53=$(CURDIR)/$(CHECK_O)/notify53 NOTIFY53_TESTBIN=$(CURDIR)/$(CHECK_O)/test \
	NOTIFY53_PLAIN=$(CURDIR)/$(PLAIN_O)/notify53
# 'label' 'command' for each unit test: $(1) label prefix, $(2) command prefix.
unit_args = $(foreach t,$(TEST_NAMES),'$(1)$(t)' '$(2)$(t)')

.PHONY: FORCE
$(CHECK_O)/tests.list: FORCE
	@mkdir -p $(@D)
	@{ printf '%s\t%s\n' $(call unit_args,,$(CHECK_O)/test/); \
	   $(foreach a,$(CHECK_RELEASE),$(call rel_tests,$(a))) \
	   $(call rel_repro_tests,$(filter $(CHECK_RELEASE),$(CHECK_REPRO))) \
	   printf '%s\t%s\n' \
	    $(foreach n,$(FUZZ_NAMES),'fuzz_$(n)' '$(CHECK_O)/test/fuzz_$(n) test/corpus/$(n)') \
	    $(foreach t,$(INTEGRATION_TESTS),'$(notdir $(t))' '$(IT_ENV) $(t)'); } >$@

check:
	$(MAKE) O=$(CHECK_O) CC=$(CHECK_CC) STATIC=0 CFLAGS="-O1 -g" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" check-build
	$(MAKE) O=$(PLAIN_O) CC=$(CHECK_CC) STATIC=0 CFLAGS="-O1 -g" SAN= $(PLAIN_O)/notify53
	$(if $(strip $(CHECK_RELEASE)),$(MAKE) release-tests ARCH="$(CHECK_RELEASE)")
	@$(MAKE) -s $(CHECK_O)/tests.list
	@sh test/run.sh $(CHECK_O)/tests.list

# Benchmarks print figures; they time the stripped static binary. Their
# helper programs get their own build directory: build/check holds
# sanitizer objects.
BENCH_O := build/bench
bench: notify53
	@$(MAKE) -s O=$(BENCH_O) CC=$(CHECK_CC) STATIC=0 CFLAGS="-O2" SAN= $(TEST_TOOLS:$(O)/%=$(BENCH_O)/%) >/dev/null
	@for b in $(sort $(wildcard test/bench/*.sh test/bench/*.py)); do \
	  echo "== $$b"; NOTIFY53=$(CURDIR)/notify53 NOTIFY53_TESTBIN=$(CURDIR)/$(BENCH_O)/test $$b || exit 1; \
	done

# The README's first command: named and the Route 53 emulator on loopback,
# notify53 syncing one into the other (tools/demo.py says each step).
demo: notify53
	/usr/bin/python3 tools/demo.py --notify53 ./notify53

clean:
	rm -rf build notify53 dist

distclean: clean
	rm -rf third_party/src third_party/.apt

include tools/install.mk
# Release builds; trimmed source trees (the OpenWrt package's) leave them out.
-include third_party/toolchain.mk tools/release.mk
# A toolchain of third_party/toolchain.mk as CC is built before anything is
# compiled with it.
ifneq ($(filter $(CURDIR)/$(TOOLCHAIN_DIR)/%,$(firstword $(CC))),)
cc-present: $(patsubst $(CURDIR)/%,%,$(firstword $(CC)))
endif

-include $(wildcard $(O)/src/*/*.d $(O)/test/*.d)
