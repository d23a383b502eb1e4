# Release builds: one static, stripped binary per target of tools/cross.sh,
# built with that target's musl toolchain (third_party/toolchain.mk).
#
#   make release              dist/notify53-VERSION-linux-ARCH for every
#                             target, and dist/SHA256SUMS
#   make size [ARCH=a]        each target's size, stripped and xz-compressed,
#                             against the 300 KB target (fails when one is
#                             over it)
#   make release-check [ARCH=a]
#                             under qemu-user: the binary's checks, the unit
#                             tests built with the same musl, and the end-to-
#                             end run against BIND and the emulator
#   make release-repro [ARCH=a]
#                             builds the tree again in another directory and
#                             compares the binaries
#
# Included by the Makefile (after its variables). Reproducible: the build
# time is the commit's (BUILD_EPOCH), and the toolchain maps the source
# directory away (-ffile-prefix-map), so the same commit gives the same bytes
# wherever it is built; test/release_repro.sh checks it.

REL_ARCHS := $(shell sh tools/cross.sh list)
# ARCH=a on the command line picks one target (or several: ARCH="mips armv7").
REL_SEL := $(if $(filter command line,$(origin ARCH)),$(ARCH),$(REL_ARCHS))
REL_DIR := build/release
DIST := dist
# The size target of every release binary: 300 KB stripped, what a router's
# flash leaves for one program. `make size` reports it (met/MISSED).
SIZE_BUDGET := 307200
# The ceiling release-check enforces: a guard against unplanned growth while
# mips64, with no compressed instruction set, is above the target (README,
# "Release binaries"); it is about 344 KB.
SIZE_CEILING := 360448

# The release file of target $(1); the stripped binary it is a copy of, and
# the script that runs a program of that target under qemu-user on its CPU
# model (third_party/toolchain.sh writes it).
rel_name = notify53-$(VERSION)-linux-$(1)
rel_bin = $(REL_DIR)/$(1)/notify53-stripped
rel_run = $(TOOLCHAIN_DIR)/$(1)/bin/run

.PHONY: release size release-check release-repro release-build release-tests FORCE
FORCE:
.PRECIOUS: $(REL_DIR)/%/.stamp $(REL_DIR)/%/notify53

# The sub-make builds notify53 (and, for release-tests, the unit tests) with
# the target's compiler; the Makefile's own rules decide what is out of date.
rel_make = $(MAKE) O=$(REL_DIR)/$(1) CC=$(call toolchain_cc,$(1)) \
	AR=$$(sh tools/cross.sh triplet $(1))-gcc-ar STATIC=1

# A new toolchain (other flags, another musl), another commit (BUILD_EPOCH,
# compiled into the binary) or version makes every object stale: start
# from an empty directory, so a release never mixes two builds.
$(REL_DIR)/%/.stamp: $(TOOLCHAIN_DIR)/%/bin/musl-gcc FORCE
	@want="$(VERSION) $(BUILD_EPOCH) $$(cksum <$<)"; \
	if [ "$$(cat $@ 2>/dev/null)" != "$$want" ] || [ $< -nt $@ ]; then \
		rm -rf $(@D) && mkdir -p $(@D) && echo "$$want" >$@; \
	fi

$(REL_DIR)/%/notify53: $(REL_DIR)/%/.stamp FORCE
	+$(call rel_make,$*) $@

$(REL_DIR)/%/notify53-stripped: $(REL_DIR)/%/notify53
	$$(sh tools/cross.sh triplet $*)-strip -o $@.tmp $< && mv $@.tmp $@

release-build: $(foreach a,$(REL_SEL),$(call rel_bin,$(a)))

release-tests: release-build
	+$(foreach a,$(REL_SEL),$(call rel_make,$(a)) $(UNIT_TESTS:$(O)/%=$(REL_DIR)/$(a)/%) &&) true

release: release-build
	rm -rf $(DIST)
	mkdir -p $(DIST)
	$(foreach a,$(REL_SEL),cp $(call rel_bin,$(a)) $(DIST)/$(call rel_name,$(a)) &&) true
	cd $(DIST) && sha256sum $(foreach a,$(REL_SEL),$(call rel_name,$(a))) >SHA256SUMS
	@cat $(DIST)/SHA256SUMS
	@# The budget is checked by make size and make release-check; here it is said.
	@sh tools/size.sh $(SIZE_BUDGET) $(foreach a,$(REL_SEL),$(a)=$(call rel_bin,$(a))) || :

size: release-build
	@sh tools/size.sh $(SIZE_BUDGET) $(foreach a,$(REL_SEL),$(a)=$(call rel_bin,$(a))); rc=$$?; \
	echo "largest symbols ($(firstword $(REL_SEL))):"; \
	$$(sh tools/cross.sh triplet $(firstword $(REL_SEL)))-nm --size-sort -S -t d \
		$(REL_DIR)/$(firstword $(REL_SEL))/notify53 | tail -n 25 | \
		awk '{ printf "  %8d %s %s\n", $$2, $$3, $$4 }'; \
	exit $$rc

# The tests of target $(1), as lines of a test/run.sh list: the binary's own
# checks, every unit test under qemu, the end-to-end run.
rel_tests = \
	printf '%s\t%s\n' "$(1)/binary" "sh test/release_bin.sh $(1) $(call rel_bin,$(1)) $(REL_DIR)/$(1)/notify53 $(call rel_run,$(1)) $(SIZE_CEILING) $(SIZE_BUDGET)"; \
	for t in $(notdir $(UNIT_TESTS)); do \
	  printf '%s\t%s\n' "$(1)/$$t" "$(call rel_run,$(1)) $(REL_DIR)/$(1)/test/$$t"; done; \
	printf '%s\t%s\n' "$(1)/end-to-end" "NOTIFY53_RUN=$(CURDIR)/$(call rel_run,$(1)) NOTIFY53_BIN=$(CURDIR)/$(call rel_bin,$(1)) /usr/bin/python3 test/release_e2e.py";

release-check: release-tests
	@{ $(foreach a,$(REL_SEL),$(call rel_tests,$(a))) } >$(REL_DIR)/tests.list
	@sh test/run.sh $(REL_DIR)/tests.list

# One line per target: its build here and one in another directory agree.
rel_repro_tests = $(foreach a,$(1),printf '%s\t%s\n' "$(a)/reproducible" "sh test/release_repro.sh $(BUILD_EPOCH) $(a)";)

release-repro: release-build
	@{ $(call rel_repro_tests,$(REL_SEL)) } >$(REL_DIR)/repro.list
	@sh test/run.sh $(REL_DIR)/repro.list
