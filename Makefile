# srlab build. Objects go under $(BUILD), binaries under $(BIN).
# `make asan` rebuilds everything with AddressSanitizer + UBSan under build/asan.

BUILD   ?= build
BIN     ?= bin
GEN     := $(BUILD)/gen
CC      ?= gcc
SAN     ?=
V       ?=
Q       := $(if $(V),,@)

PKGS    := libczmq libzmq libprotobuf-c openssl libpcap sqlite3 yaml-0.1
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers \
           -fno-strict-aliasing -D_GNU_SOURCE -I. -Ilib -I$(GEN) $(PKG_CFLAGS)
# snprintf truncating into a fixed buffer is deliberate wherever it is used;
# lengths that matter are checked where the input arrives.
CFLAGS  += -Wno-format-truncation
ifeq ($(SAN),1)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
LDLIBS  = $(PKG_LIBS) -lreadline -lm

PROTO_SRC := $(wildcard proto/*.proto)
PROTO_C   := $(patsubst proto/%.proto,$(GEN)/%.pb-c.c,$(PROTO_SRC))
PROTO_H   := $(PROTO_C:.c=.h)
PROTO_O   := $(patsubst $(GEN)/%.c,$(BUILD)/gen/%.o,$(PROTO_C))

LIB_SRC := $(wildcard lib/*.c)
CPM_SRC := $(wildcard cpm/*.c)
IOM_SRC := $(wildcard iom/*.c)
ISA_SRC := $(wildcard isa/*.c)
MCS_SRC := $(wildcard mcs/*.c)
SRL_SRC := $(wildcard tools/srlab/*.c)
IKL_SRC := $(wildcard tools/ikeload/*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

LIB_O := $(call obj,$(LIB_SRC)) $(PROTO_O)
# cpm's code minus main(), linked into unit tests and fuzz targets too.
CPM_LIB_O := $(call obj,$(filter-out cpm/main.c,$(CPM_SRC)))
IOM_LIB_O := $(call obj,$(filter-out iom/main.c,$(IOM_SRC)))
ISA_LIB_O := $(call obj,$(filter-out isa/main.c,$(ISA_SRC)))
MCS_LIB_O := $(call obj,$(filter-out mcs/main.c,$(MCS_SRC)))
SRL_LIB_O := $(call obj,$(filter-out tools/srlab/main.c,$(SRL_SRC)))

PROGS := $(BIN)/cpm $(BIN)/iom $(BIN)/isa $(BIN)/mcs $(BIN)/srlab $(BIN)/udpblast $(BIN)/ikeload

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all deps test unit lab lab-down asan fuzz bench benches clean
# generated protobuf code is kept, not treated as an intermediate file
.SECONDARY: $(PROTO_C) $(PROTO_H)
all: $(PROGS)

$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: proto/%.proto
	@mkdir -p $(GEN)
	@echo "  PROTOC  $<"
	$(Q)protoc-c --c_out=$(GEN) -Iproto $<

$(BUILD)/gen/%.o: $(GEN)/%.c $(PROTO_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -Wno-unused-parameter -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.c $(PROTO_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BIN)/cpm: $(BUILD)/cpm/main.o $(CPM_LIB_O) $(LIB_O)
	@mkdir -p $(BIN)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BIN)/iom: $(BUILD)/iom/main.o $(IOM_LIB_O) $(LIB_O)
	@mkdir -p $(BIN)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BIN)/isa: $(BUILD)/isa/main.o $(ISA_LIB_O) $(LIB_O)
	@mkdir -p $(BIN)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BIN)/mcs: $(BUILD)/mcs/main.o $(MCS_LIB_O) $(LIB_O)
	@mkdir -p $(BIN)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BIN)/srlab: $(BUILD)/tools/srlab/main.o $(SRL_LIB_O) $(LIB_O)
	@mkdir -p $(BIN)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Single-file tools (load generators for benchmarks).
$(BIN)/udpblast: tools/udpblast.c
	@mkdir -p $(BIN)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)
# The IKEv2 load generator speaks through the ISA's own codec and crypto.
$(BIN)/ikeload: $(call obj,$(IKL_SRC)) $(BUILD)/isa/ike_msg.o $(BUILD)/isa/ike_crypto.o $(LIB_O)
	@mkdir -p $(BIN)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Unit tests link against every process's code minus its main().
$(BUILD)/tests/%: tests/unit/%.c $(CPM_LIB_O) $(IOM_LIB_O) $(ISA_LIB_O) $(MCS_LIB_O) $(SRL_LIB_O) $(LIB_O)
	@mkdir -p $(dir $@) $(BUILD)/deps
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -Wno-unused-parameter -MMD -MP -MF $(BUILD)/deps/$*.d -MT $@ -o $@ $^ $(LDFLAGS) $(LDLIBS) -lcriterion

# Test tools (not installed): hostile-input injectors and the like.
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(TOOL_SRC))
$(BUILD)/tests/tools/%: tests/tools/%.c $(LIB_O)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

unit: $(UNIT_BIN) $(TOOL_BIN)

# Micro-benchmarks (tests/bench/*.c) link the processes' own code.
BENCH_SRC := $(wildcard tests/bench/*.c)
BENCH_BIN := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))
$(BUILD)/bench/%: tests/bench/%.c $(ISA_LIB_O) $(LIB_O)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)
benches: $(BENCH_BIN)

deps:
	tools/deps.sh

# The README's two commands.
lab: deps
	$(MAKE) all
	$(BIN)/srlab up topology/mc-ipsec.yaml
	SRLAB=$(BIN)/srlab tools/lab-ready.sh mc-ipsec

lab-down:
	$(BIN)/srlab down --all

test: deps
	$(MAKE) all unit
	tests/run.sh

asan:
	tools/deps.sh
	$(MAKE) BUILD=build/asan BIN=build/asan/bin SAN=1 all unit
	SRLAB_BUILD=build/asan tests/run.sh --unit-only
	SRLAB_BUILD=build/asan tests/run.sh --asan-lab

fuzz:
	tools/deps.sh
	tests/fuzz/run.sh

bench:
	tools/deps.sh
	$(MAKE) all benches
	tests/bench/run.sh

bench-%:
	tools/deps.sh
	$(MAKE) all benches
	tests/bench/run.sh $*

clean:
	rm -rf build bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
