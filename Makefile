# httpsviz — plain, strict build.  `make run` and `make test` are all a
# newcomer needs: both install missing Debian packages first (make deps).

CC      ?= cc
BUILD   ?= build
PKGS    := openssl ncursesw libpcap
PREFIX  ?= /usr/local
SHAREDIR = $(PREFIX)/share/httpsviz

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS) $(SAN_FLAGS) -I. \
	-DHTTPSVIZ_SHAREDIR='"$(SHAREDIR)"' -MMD -MP \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
TEST_LDLIBS = $(shell pkg-config --libs cmocka 2>/dev/null) $(LDLIBS)

ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
endif

LIB_SRC  := $(wildcard protocol/*.c ui/*.c lessons/*.c) $(filter-out app/main.c,$(wildcard app/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TESTS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
BIN      := $(BUILD)/httpsviz

.PHONY: all deps run test unit e2e check fuzz bench install clean
all: $(BIN) httpsviz

deps:
	@sh tools/deps.sh

# V=1 shows the whole command lines.
Q = $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libhttpsviz.a: $(LIB_OBJ)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(BUILD)/app/main.o $(BUILD)/libhttpsviz.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# A convenience link so ./httpsviz works from the checkout.
httpsviz: $(BIN)
	@[ "$(BUILD)" = build ] && ln -sf $(BIN) httpsviz || true

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhttpsviz.a tests/unit/testutil.h tests/unit/gridutil.h tests/unit/engineutil.h
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libhttpsviz.a $(TEST_LDLIBS)

run: deps $(BIN)
	./$(BIN)

# UNIT=name runs one unit test file alone (e.g. make unit UNIT=test_event).
unit: $(TESTS)
	@sh tests/run_unit.sh $(BUILD) $(UNIT)

e2e: $(BIN)
	@sh tests/run_e2e.sh $(BIN)

test: deps
	@$(MAKE) --no-print-directory all $(TESTS)
	@$(MAKE) --no-print-directory unit e2e

# The suite under ASan+UBSan, then every fuzz target for a short run.
CHECK_FUZZ_SECONDS ?= 10
check: deps
	@$(MAKE) --no-print-directory test BUILD=build/asan SAN=1 CFLAGS="-O1 -g"
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)

# FUZZ_SECONDS=N: each target runs N seconds (default 60); FUZZ_TARGETS="a b"
# only those; FUZZ_MERGE=1 merges what they found into tests/fuzz/corpus/.
fuzz:
	@sh tools/deps.sh fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MERGE=$(FUZZ_MERGE) FUZZ_TARGETS="$(FUZZ_TARGETS)" sh tests/fuzz/build.sh

bench: deps $(BIN)
	./$(BIN) bench
	@sh tools/bench_serve.sh $(BIN)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SHAREDIR)/lessons $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/httpsviz
	install -m 644 lessons/*.lesson $(DESTDIR)$(SHAREDIR)/lessons/ 2>/dev/null || true
	install -m 644 man/httpsviz.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build httpsviz

-include $(LIB_OBJ:.o=.d) $(BUILD)/app/main.d
