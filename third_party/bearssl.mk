# Build libbearssl.a from an unpacked BearSSL tree with the project's compiler
# and flags: the library only, none of BearSSL's tools or tests (as its own
# conf/samd20.mk does with TOOLS=no TESTS=no).
#
#   make -f third_party/bearssl.mk SRC=dir OUT=dir CC=... CFLAGS=...
# Called by the top-level Makefile once the sources are in place, so the
# wildcard below sees them.

SRC ?= third_party/src/bearssl
OUT ?= build/bearssl
AR ?= ar

objs := $(patsubst $(SRC)/src/%.c,$(OUT)/%.o,$(wildcard $(SRC)/src/*.c $(SRC)/src/*/*.c))

$(OUT)/libbearssl.a: $(objs)
	@rm -f $@
	$(AR) rcs $@ $^

$(OUT)/%.o: $(SRC)/src/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -ffunction-sections -fdata-sections -I$(SRC)/inc -I$(SRC)/src -c -o $@ $<
