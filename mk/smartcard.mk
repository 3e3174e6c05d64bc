# SPDX-License-Identifier: GPL-3.0-or-later
# The real smartcard stack of the 7x end-to-end tests (tests/lib/smartcard.sh): OpenSC's
# opensc-pkcs11.so -> pcscd -> vsmartcard's vpcd -> virt_cacard, a virtual CAC card
# (tools/build-virt-cacard). Built once per machine into ~/.cache/ovpn-token/, linked at
# build/virt_cacard. Without the sources it says SKIP, and the 7x tests report SKIP with the reason.
#   make virt-cacard
.PHONY: virt-cacard
virt-cacard:
	@tools/build-virt-cacard

E2E_DEPS += virt-cacard
# The wine test of OpenSC's DLL (tests/e2e/38-wine-opensc.sh) puts the same card in its test reader.
windows-test: | virt-cacard
