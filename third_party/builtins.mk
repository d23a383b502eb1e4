# Build compiler-rt's builtins (libcompiler_rt.a) from its unpacked
# lib/builtins directory with a target's compiler: the portable C routines
# that LLVM's own CMakeLists.txt lists for every architecture
# (GENERIC_SOURCES, and GENERIC_TF_SOURCES for 128-bit long double, which
# compile to nothing where long double is not 128 bits), none of its
# per-architecture assembly.
#
#   make -f third_party/builtins.mk SRC=dir OUT=dir CC=... AR=...
# Called by third_party/toolchain.sh for the targets tools/cross.sh gives
# "rtlib compiler-rt" once the sources are in place.

SRC ?= third_party/src/compiler-rt-builtins
OUT ?= build/compiler-rt
AR ?= ar

list = $(shell awk '/^set\($(1)$$/ { f = 1; next } f && /^\)/ { exit } f { print $$1 }' $(SRC)/CMakeLists.txt)
srcs := $(call list,GENERIC_SOURCES) $(call list,GENERIC_TF_SOURCES)
objs := $(patsubst %.c,$(OUT)/%.o,$(srcs))

ifeq ($(strip $(srcs)),)
$(error $(SRC)/CMakeLists.txt lists no GENERIC_SOURCES: not a compiler-rt lib/builtins tree)
endif

$(OUT)/libcompiler_rt.a: $(objs)
	@rm -f $@
	$(AR) rcs $@ $^

# The flags compiler-rt's CMakeLists.txt gives its builtins on Linux.
$(OUT)/%.o: $(SRC)/%.c
	@mkdir -p $(@D)
	$(CC) -Os -std=c11 -fno-builtin -fvisibility=hidden -fomit-frame-pointer \
		-ffunction-sections -fdata-sections -c -o $@ $<
