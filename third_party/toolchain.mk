# Static musl toolchains for the release targets (tools/cross.sh), built by
# third_party/toolchain.sh from musl's and compiler-rt's Debian source
# packages (third_party/versions.mk), with Debian's cross compilers:
#
#   build/toolchain/ARCH/bin/musl-gcc
#
# Included by the Makefile. MUSL_SRC / COMPILER_RT_BUILTINS_SRC may point at unpacked
# trees instead (offline builds), as BEARSSL_SRC and CJSON_SRC do.

MUSL_SRC ?= third_party/src/musl
COMPILER_RT_BUILTINS_SRC ?= third_party/src/compiler-rt-builtins
TOOLCHAIN_DIR := build/toolchain

# The compiler of target $(1).
toolchain_cc = $(CURDIR)/$(TOOLCHAIN_DIR)/$(1)/bin/musl-gcc

ifeq ($(MUSL_SRC),third_party/src/musl)
$(MUSL_SRC)/configure: third_party/versions.mk third_party/fetch.sh
	sh third_party/fetch.sh $(MUSL_PKG) $(MUSL_ORIG) $(MUSL_SHA256) $(MUSL_SRC) \
		$(MUSL_DEBIAN) $(MUSL_DEBIAN_SHA256)
	@touch $@
else
$(MUSL_SRC)/configure:
	@echo "MUSL_SRC=$(MUSL_SRC) has no configure: point it at an unpacked musl $(MUSL_VERSION) source tree" >&2; exit 1
endif

ifeq ($(COMPILER_RT_BUILTINS_SRC),third_party/src/compiler-rt-builtins)
$(COMPILER_RT_BUILTINS_SRC)/CMakeLists.txt: third_party/versions.mk third_party/fetch.sh
	sh third_party/fetch.sh $(COMPILER_RT_PKG) $(COMPILER_RT_ORIG) $(COMPILER_RT_SHA256) \
		$(COMPILER_RT_BUILTINS_SRC) $(COMPILER_RT_DEBIAN) $(COMPILER_RT_DEBIAN_SHA256) \
		$(COMPILER_RT_SUBDIR)
	@touch $@
else
$(COMPILER_RT_BUILTINS_SRC)/CMakeLists.txt:
	@echo "COMPILER_RT_BUILTINS_SRC=$(COMPILER_RT_BUILTINS_SRC) has no CMakeLists.txt: point it at compiler-rt $(COMPILER_RT_VERSION)'s lib/builtins" >&2; exit 1
endif

TOOLCHAIN_DEPS := $(MUSL_SRC)/configure third_party/toolchain.sh third_party/builtins.mk \
	tools/cross.sh third_party/versions.mk

$(TOOLCHAIN_DIR)/%/bin/musl-gcc: $(TOOLCHAIN_DEPS)
	+sh third_party/toolchain.sh $* $(TOOLCHAIN_DIR)/$* $(MUSL_SRC) $(COMPILER_RT_BUILTINS_SRC)

# Only the targets that use compiler-rt wait for (and fetch) it.
$(foreach a,$(shell sh tools/cross.sh list rtlib compiler-rt),$(TOOLCHAIN_DIR)/$(a)/bin/musl-gcc): \
	$(COMPILER_RT_BUILTINS_SRC)/CMakeLists.txt

.PRECIOUS: $(TOOLCHAIN_DIR)/%/bin/musl-gcc
