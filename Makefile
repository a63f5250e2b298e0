# SPDX-License-Identifier: GPL-2.0
# mmfrag: trace replayer and fragmentation analyzer for Linux physical memory.
#
#   make            build ./mmfrag
#   make run        install missing dependencies, build, replay a bundled trace
#   make test       install missing dependencies, build, run every test
#   make test_mem   the unit tests, a replay and a simulate replay under valgrind
#   make install    PREFIX=/usr/local DESTDIR=
#   make check_doc  mandoc -Tlint the man pages
#   V=1 for full commands, O=DIR for an out-of-tree build directory

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
O	?= build

# Debian packages that provide what we build and test with (the compiler included: a
# fresh bookworm container has only make and git).
DEB_PKGS := gcc libc6-dev pkg-config libtraceevent-dev libtracefs-dev libtracecmd-dev \
	    trace-cmd libjansson-dev libzstd-dev zlib1g-dev libcunit1-dev mandoc zstd valgrind python3 \
	    python3-jsonschema
PC_MODS  := libtraceevent libtracefs libtracecmd jansson libzstd zlib cunit

ifeq ($(V),1)
Q :=
else
Q := @
endif

PKG_CFLAGS := $(shell pkg-config --cflags libtracecmd libtracefs libtraceevent jansson libzstd zlib 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs libtracecmd libtracefs libtraceevent jansson libzstd zlib 2>/dev/null)

# CC, CFLAGS, CPPFLAGS and LDFLAGS are the user's (make CC=clang CFLAGS="-O0 -g");
# what the build needs whatever they say lives in the MF_* variables.
CFLAGS	?= -O2 -g
MF_CFLAGS   := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
	       -Wstrict-prototypes -Wmissing-prototypes
MF_CPPFLAGS := -Iinclude -Isrc $(PKG_CFLAGS) -MMD -MP
MF_LDLIBS   := $(PKG_LIBS) -lpthread
COMPILE	= $(CC) $(MF_CPPFLAGS) $(CPPFLAGS) $(MF_CFLAGS) $(CFLAGS)

# src/ by layer: trace/ (reading, recording, captures), model/, metrics/, sim/, replay/,
# output/, cmd/ (one file per subcommand), and main.c, common.c
SRCS	:= $(sort $(wildcard src/*.c src/*/*.c))
OBJS	:= $(patsubst src/%.c,$(O)/%.o,$(SRCS))
LIBOBJS	:= $(filter-out $(O)/main.o,$(OBJS))
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
MANS	:= $(sort $(wildcard man/*.1 man/*.5))

all: mmfrag

mmfrag: $(OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(MF_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(MF_LDLIBS) $(LDLIBS)

$(O)/%.o: src/%.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)mkdir -p $(@D)
	$(Q)$(COMPILE) -c -o $@ $<

$(O)/unit-tests: $(UNIT_SRCS) $(LIBOBJS) $(wildcard tests/unit/*.h include/mmfrag/*.h src/*/*.h)
	@$(if $(Q),echo "  LD      $@")
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -Iinclude -Isrc -Isrc/sim -Itests/unit $(PKG_CFLAGS) $(CPPFLAGS) $(MF_CFLAGS) \
		$(CFLAGS) $(LDFLAGS) -o $@ $(UNIT_SRCS) $(LIBOBJS) $(MF_LDLIBS) $(LDLIBS) -lcunit

-include $(OBJS:.o=.d)

# Install what is missing: apt-get as root, else print the exact line and stop.
deps:
	@missing=""; \
	for m in $(PC_MODS); do pkg-config --exists $$m || missing=1; done; \
	for c in $(CC) pkg-config trace-cmd mandoc zstd valgrind python3; do \
		command -v $$c >/dev/null || missing=1; done; \
	python3 -c 'import jsonschema' 2>/dev/null || missing=1; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "  DEPS    apt-get install $(DEB_PKGS)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -qq $(DEB_PKGS) >/dev/null || exit 1; \
		else \
			echo "missing build dependencies; run as root:"; \
			echo "  apt-get install $(DEB_PKGS)"; exit 1; \
		fi; \
	fi

run: deps
	$(Q)$(MAKE) --no-print-directory mmfrag
	./mmfrag replay -o $(O)/run.json traces/compact-small.dat
	./mmfrag report $(O)/run.json

test: deps
	$(Q)$(MAKE) --no-print-directory mmfrag $(O)/unit-tests
	$(Q)tests/run.sh $(O)

# The unit tests and a real replay under valgrind: no leak, no invalid access.
test_mem: deps
	$(Q)$(MAKE) --no-print-directory mmfrag $(O)/unit-tests
	$(Q)valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp \
		$(O)/unit-tests >/dev/null
	$(Q)valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp \
		./mmfrag replay -q -o $(O)/test_mem.json traces/compact-small.dat
	$(Q)valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp \
		./mmfrag replay -q --simulate --config name=a --config name=b,mobility_grouping=off,pageblock_order=10 \
		-o $(O)/test_mem-sim.json traces/compact-small.dat
	$(Q)valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp \
		./mmfrag report $(O)/test_mem.json >/dev/null
	@echo "test_mem: no errors"

check_doc:
	$(Q)for m in $(MANS); do mandoc -Tlint -W warning $$m || exit 1; done

install: mmfrag
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 mmfrag $(DESTDIR)$(BINDIR)/mmfrag
	install -m 0644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	$(if $(wildcard man/*.5),install -m 0644 $(wildcard man/*.5) $(DESTDIR)$(MANDIR)/man5/)

clean:
	rm -rf $(O) mmfrag

.PHONY: all deps run test test_mem check_doc install clean
