# SPDX-License-Identifier: GPL-3.0-or-later
# A real Windows OpenVPN stack for the tests under wine (tools/build-windows-stack):
#   make windows-stack     openssl 3.0.22, pkcs11-helper 1.29.0, openvpn.exe/openvpnserv.exe
#                          2.7.6, softhsm2.dll 2.6.1, libp11 0.4.12, cross-built with mingw-w64
#                          from $(OVPN_TOKEN_SOURCES) (default ../shared/vendor), cached in
#                          ~/.cache/ovpn-token/windows-stack-<inputs>/, linked as build/windows-stack
# Without the sources it says SKIP with the versions needed; the wine tests that need the stack
# (tests/e2e/32-wine-start.sh) then say SKIP too.  Always run: the script itself decides, from
# the checksums of its inputs, that there is nothing to do (about a second).
#   make windows-opensc    OpenSC 0.27.1's opensc-pkcs11.dll against the stack's OpenSSL
#                          (tools/build-windows-opensc), cached in
#                          ~/.cache/ovpn-token/windows-opensc-<inputs>/, linked as
#                          build/windows-opensc; SKIP without its source or the stack
#                          (tests/e2e/38-wine-opensc.sh then says SKIP too)
#   make windows-openvpn26 openvpn.exe and openvpnserv.exe 2.6.14 against the stack
#                          (tools/build-windows-openvpn26),
#                          cached likewise, linked as build/windows-openvpn-2.6: 38-wine-opensc
#                          runs on it as well as on the stack's 2.7.6
WINDOWS_STACK := build/windows-stack
WINDOWS_OPENSC := build/windows-opensc
WINDOWS_OPENVPN26 := build/windows-openvpn-2.6

.PHONY: windows-stack windows-opensc windows-openvpn26
windows-stack:
	tools/build-windows-stack $(WINDOWS_STACK)

windows-opensc: windows-stack
	WINDOWS_STACK=$(WINDOWS_STACK) tools/build-windows-opensc $(WINDOWS_OPENSC)

windows-openvpn26: windows-stack
	WINDOWS_STACK=$(WINDOWS_STACK) tools/build-windows-openvpn26 $(WINDOWS_OPENVPN26)

# The wine tests use the stack when it can be had (an order, not an input of their files).
windows-test: | windows-stack windows-opensc windows-openvpn26
