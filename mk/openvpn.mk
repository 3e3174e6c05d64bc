# OpenVPN 2.7 for the e2e test matrix (tools/build-openvpn): built once per machine into
# ~/.cache/ovpn-token/, linked at build/openvpn-2.7. Without the sources it says SKIP and the
# 2.7 half of `make e2e` is reported as skipped.
#   make openvpn-2.7
OPENVPN_27 := $(CURDIR)/build/openvpn-2.7/sbin/openvpn

.PHONY: openvpn-2.7
openvpn-2.7:
	@tools/build-openvpn

E2E_DEPS += openvpn-2.7
E2E_OPENVPNS += $(OPENVPN_27)
