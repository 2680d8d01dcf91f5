# httpsviz — plain, strict build.  `make run` and `make test` are all a
# newcomer needs: both install missing Debian packages first (make deps).

CC      ?= cc
BUILD   ?= build
PKGS    := openssl ncursesw libpcap
PREFIX  ?= /usr/local
SHAREDIR = $(PREFIX)/share/httpsviz
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man/man1
# Packagers: make install DESTDIR=/tmp/pkg PREFIX=/usr.  CPPFLAGS, CFLAGS
# and LDFLAGS are honoured.  The installed program finds its lessons next to
# itself (PREFIX/bin/../share/httpsviz/lessons) whatever PREFIX it was built
# with; the compiled-in SHAREDIR is only a fallback.

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -I. \
	-MMD -MP $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
TEST_LDLIBS = $(shell pkg-config --libs cmocka 2>/dev/null) $(LDLIBS)

ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
endif

LIB_SRC  := $(wildcard protocol/*.c ui/*.c lessons/*.c) $(filter-out app/main.c,$(wildcard app/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TESTS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
BIN      := $(BUILD)/httpsviz

.PHONY: all deps run test unit e2e check fuzz bench install uninstall clean catalogue
all: $(BIN) httpsviz

deps:
	@sh tools/deps.sh

# V=1 shows the whole command lines.
Q = $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# The fallback share directory is compiled into lessondir.o alone, which is
# rebuilt when PREFIX changes (the stamp is rewritten only then).
$(BUILD)/sharedir.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(SHAREDIR)' | cmp -s - $@ || echo '$(SHAREDIR)' > $@
$(BUILD)/lessons/lessondir.o: lessons/lessondir.c $(BUILD)/sharedir.stamp
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -DHTTPSVIZ_SHAREDIR='"$(SHAREDIR)"' -c $< -o $@
FORCE:

$(BUILD)/libhttpsviz.a: $(LIB_OBJ)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(BUILD)/app/main.o $(BUILD)/libhttpsviz.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A convenience link so ./httpsviz works from the checkout.
httpsviz: $(BIN)
	@[ "$(BUILD)" = build ] && ln -sf $(BIN) httpsviz || true

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhttpsviz.a tests/unit/testutil.h tests/unit/gridutil.h tests/unit/engineutil.h
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libhttpsviz.a $(TEST_LDLIBS)

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
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/lessons $(DESTDIR)$(MANDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/httpsviz
	install -m 644 lessons/*.lesson lessons/FORMAT.md $(DESTDIR)$(SHAREDIR)/lessons/
	install -m 644 man/httpsviz.1 $(DESTDIR)$(MANDIR)/httpsviz.1

# Removes what install put there (and the share directory when it is left
# empty); never a directory that holds anything else.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/httpsviz $(DESTDIR)$(MANDIR)/httpsviz.1
	rm -f $(addprefix $(DESTDIR)$(SHAREDIR)/lessons/,$(notdir $(wildcard lessons/*.lesson)) FORMAT.md)
	rmdir $(DESTDIR)$(SHAREDIR)/lessons $(DESTDIR)$(SHAREDIR) 2>/dev/null || true

# The catalogue of events and fields, from real exchanges: the table
# `lesson check` uses and the section of lessons/FORMAT.md between its
# markers (tests/e2e/lessons_catalogue.sh checks both are current).
catalogue: $(BIN)
	./$(BIN) lesson catalogue --c > lessons/fieldcat.inc.new
	mv lessons/fieldcat.inc.new lessons/fieldcat.inc
	./$(BIN) lesson catalogue > $(BUILD)/catalogue.md
	sh tools/catalogue_md.sh lessons/FORMAT.md $(BUILD)/catalogue.md
	@$(MAKE) --no-print-directory $(BIN)

clean:
	rm -rf build httpsviz

-include $(LIB_OBJ:.o=.d) $(BUILD)/app/main.d
