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
CC	?= gcc

# Debian packages that provide what we build and test with.
DEB_PKGS := libtraceevent-dev libtracefs-dev libtracecmd-dev trace-cmd libjansson-dev \
	    libzstd-dev libcunit1-dev mandoc pkg-config zstd valgrind python3
PC_MODS  := libtraceevent libtracefs libtracecmd jansson libzstd cunit

ifeq ($(V),1)
Q :=
else
Q := @
endif

PKG_CFLAGS := $(shell pkg-config --cflags libtracecmd libtracefs libtraceevent jansson libzstd 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs libtracecmd libtracefs libtraceevent jansson libzstd 2>/dev/null)

CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
	   -Wstrict-prototypes -Wmissing-prototypes -Iinclude $(PKG_CFLAGS)
LDLIBS	+= $(PKG_LIBS)

SRCS	:= $(sort $(wildcard src/*.c))
OBJS	:= $(patsubst src/%.c,$(O)/%.o,$(SRCS))
LIBOBJS	:= $(filter-out $(O)/main.o,$(OBJS))
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
MANS	:= $(sort $(wildcard man/*.1))

all: mmfrag

mmfrag: $(OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/%.o: src/%.c $(wildcard include/mmfrag/*.h) $(wildcard src/*.h) | $(O)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(O):
	$(Q)mkdir -p $@

$(O)/unit-tests: $(UNIT_SRCS) $(LIBOBJS) $(wildcard tests/unit/*.h) | $(O)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -Itests/unit -Isrc -o $@ $(UNIT_SRCS) $(LIBOBJS) $(LDLIBS) -lcunit

# Install what is missing: apt-get as root, else print the exact line and stop.
deps:
	@missing=""; \
	for m in $(PC_MODS); do pkg-config --exists $$m || missing=1; done; \
	for c in trace-cmd mandoc zstd valgrind python3; do command -v $$c >/dev/null || missing=1; done; \
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
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 mmfrag $(DESTDIR)$(BINDIR)/mmfrag
	install -m 0644 $(MANS) $(DESTDIR)$(MANDIR)/man1/

clean:
	rm -rf $(O) mmfrag

.PHONY: all deps run test test_mem check_doc install clean
