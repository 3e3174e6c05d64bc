# PKCS#11 (libp11) and PC/SC (pcsc-lite) for the native build: ovpn-token list, doctor, and
# the token look-ups the session does.  src/pkcs11/*_none.c are the stand-ins for builds
# without these libraries (the plain Windows build) and stay out of this one.
P11_PKGS := libp11 libpcsclite
# BASE_CFLAGS is already expanded (:=) when this file is read, so append to it directly;
# PKG_LIBS is only used in recipes, so appending to it is enough.
BASE_CFLAGS += $(shell pkg-config --cflags $(P11_PKGS))
PKG_CFLAGS += $(shell pkg-config --cflags $(P11_PKGS))
PKG_LIBS += $(shell pkg-config --libs $(P11_PKGS))
CORE_SRC := $(filter-out %_none.c,$(CORE_SRC))
