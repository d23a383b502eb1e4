# `make install` and `make deb` (included from the Makefile).
#
#   make install [PREFIX=/usr/local] [BINDIR=$(PREFIX)/sbin] [SYSCONFDIR=/etc]
#                [MANDIR=$(PREFIX)/share/man] [UNITDIR=$(PREFIX)/lib/systemd/system]
#                [DESTDIR=staging root]
#   make deb [DEB_BIN=notify53] [DEB_ARCH=amd64] [DEB_VERSION=$(VERSION)-1]
#
# install: the binary, the man page, the systemd unit (its paths set to
# BINDIR and SYSCONFDIR) and a sample SYSCONFDIR/notify53/config.json with
# mode 600, which is never overwritten once there. SYSCONFDIR is /etc
# whatever PREFIX is: the binary reads /etc/notify53/config.json when no -c
# is given. systemd looks for units in /usr/local/lib/systemd/system too.
#
# deb: build/deb/notify53_VERSION_ARCH.deb from DEB_BIN (the static binary
# of `make`, or a release file of the same architecture) by tools/deb/build.sh.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR ?=

# The files name the default paths; installed elsewhere, they name those.
INSTALL_PATHS := sed -e 's|/usr/sbin/notify53|$(BINDIR)/notify53|g' \
	-e 's|/etc/notify53/|$(SYSCONFDIR)/notify53/|g'
# The man page too, but for -c's default (the line after "by default"):
# that one is compiled into the binary (CFG_DEFAULT_PATH), whatever
# SYSCONFDIR is.
INSTALL_MAN_PATHS := sed -e '/^by default$$/{n;b;}' -e 's|/usr/sbin/notify53|$(BINDIR)/notify53|g' \
	-e 's|/etc/notify53/|$(SYSCONFDIR)/notify53/|g'

.PHONY: install deb
install: notify53
	install -d -m 755 "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MANDIR)/man8" "$(DESTDIR)$(UNITDIR)" \
		"$(DESTDIR)$(SYSCONFDIR)/notify53"
	install -m 755 notify53 "$(DESTDIR)$(BINDIR)/notify53"
	$(INSTALL_MAN_PATHS) doc/notify53.8 > "$(DESTDIR)$(MANDIR)/man8/notify53.8"
	chmod 644 "$(DESTDIR)$(MANDIR)/man8/notify53.8"
	$(INSTALL_PATHS) tools/systemd/notify53.service > "$(DESTDIR)$(UNITDIR)/notify53.service"
	chmod 644 "$(DESTDIR)$(UNITDIR)/notify53.service"
	@if [ -e "$(DESTDIR)$(SYSCONFDIR)/notify53/config.json" ]; then \
		echo "$(DESTDIR)$(SYSCONFDIR)/notify53/config.json exists: kept as it is"; \
	else \
		echo "install -m 600 tools/systemd/config.json $(DESTDIR)$(SYSCONFDIR)/notify53/config.json"; \
		install -m 600 tools/systemd/config.json "$(DESTDIR)$(SYSCONFDIR)/notify53/config.json"; \
	fi

DEB_BIN ?= notify53
DEB_ARCH ?= $(shell dpkg --print-architecture 2>/dev/null)
DEB_VERSION ?= $(VERSION)-1
deb: $(DEB_BIN)
	@sh tools/deb/build.sh "$(DEB_BIN)" "$(DEB_VERSION)" "$(DEB_ARCH)" "$(MAINTAINER)" \
		"$(BUILD_EPOCH)" build/deb
