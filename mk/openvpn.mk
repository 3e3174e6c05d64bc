# SPDX-License-Identifier: GPL-3.0-or-later
# OpenVPN 2.7 for the e2e test matrix (tools/build-openvpn) and OpenSSL's pkcs11-provider for its
# `providers pkcs11` test (tools/build-pkcs11-provider): built once per machine into
# ~/.cache/ovpn-token/, linked at build/openvpn-2.7 and build/pkcs11-provider. Without the
# sources they say SKIP, and `make e2e` reports the 2.7 run (or that test) as skipped.
#   make openvpn-2.7   make pkcs11-provider
OPENVPN_27 := $(CURDIR)/build/openvpn-2.7/sbin/openvpn

.PHONY: openvpn-2.7 pkcs11-provider
openvpn-2.7:
	@tools/build-openvpn

pkcs11-provider:
	@tools/build-pkcs11-provider

E2E_DEPS += openvpn-2.7 pkcs11-provider
E2E_OPENVPNS += $(OPENVPN_27)
