# SPDX-License-Identifier: GPL-3.0-or-later
# The source lists, by what they need.  Every build names its sources from these lists; no
# build file edits another's variables.  A new source file goes into exactly one list here.

# Portable C: the C library and our platform interface only.
PORTABLE_SRC := \
	src/cli/options.c src/cli/commands.c src/cli/parse.c \
	src/cmd/attach.c src/cmd/chosen_cert.c src/cmd/connect.c src/cmd/disconnect.c src/cmd/doctor.c \
	src/cmd/help.c src/cmd/openvpn_setup.c src/cmd/list.c src/cmd/serve.c src/cmd/served_view.c \
	src/cmd/session_settings.c src/cmd/shortcut.c src/cmd/start.c src/cmd/status.c src/cmd/tunnel_cert.c \
	src/cmd/version.c \
	src/cmd/table.c \
	src/cmd/enroll.c src/cmd/enroll_import.c src/cmd/enroll_rules.c src/cmd/enroll_token.c \
	src/cert/csr_common.c \
	src/mgmt/address.c src/mgmt/command.c src/mgmt/conn.c src/mgmt/event.c \
	src/mgmt/line_reader.c src/mgmt/pk_sign.c src/mgmt/reply_queue.c src/codec/base64.c \
	src/codec/utc.c \
	src/mgmt/challenge.c \
	src/openvpn/argv.c src/openvpn/config.c src/openvpn/config_load.c src/openvpn/config_check.c \
	src/openvpn/probe.c src/openvpn/signer_choice.c src/openvpn/supervise.c \
	src/session/core.c src/session/tokens.c src/session/pin_supply.c src/session/pin_cache.c \
	src/session/lockout.c src/session/reason.c src/session/cert_memory.c src/session/status_cert.c \
	src/session/auth.c src/session/certs.c src/session/fatal.c src/session/hold.c \
	src/session/mgmt_password.c src/session/need.c src/session/pin.c src/session/removal.c \
	src/session/state.c src/session/xkey.c \
	src/session/session.c \
	src/program/world.c \
	src/secret/secret.c src/secret/source.c \
	src/ui/json.c src/ui/output.c src/ui/sanitize.c \
	src/cert/text.c src/cert/serial_hex.c \
	src/pkcs11/id_codec.c src/pkcs11/provider_common.c src/pkcs11/token_kind.c src/pkcs11/uri.c \
	src/pkcs11/provider_select.c \
	src/served/served.c src/served/allow.c src/served/broker.c

# Certificates, tokens and smart card readers through OpenSSL, libp11 and PC/SC.
P11_SRC := \
	src/cert/cert_openssl.c \
	src/pkcs11/module_libp11.c src/pkcs11/provider_libp11.c src/pkcs11/provider_libp11_certs.c \
	src/pkcs11/signer_libp11.c \
	src/pcsc/check.c src/pcsc/watch.c \
	src/cert/csr_openssl.c src/pkcs11/keygen_pkcs11.c
# Their stand-ins for a build without those libraries (the plain Windows build).
NO_P11_SRC := \
	src/cert/cert_wincrypt.c \
	src/pkcs11/provider_none.c src/pkcs11/signer_none.c \
	src/pcsc/check_none.c src/pcsc/watch_none.c \
	src/cert/csr_none.c src/pkcs11/keygen_none.c

# The operating system, behind src/platform/platform.h.  main.c is the entry point; Windows
# enters through wmain() in win32/main.c, which hands UTF-8 arguments to main().
POSIX_SRC := $(addprefix src/platform/posix/,dirs.c find.c fs.c listen.c lock.c net.c path.c peer.c \
	proc.c service.c shortcut.c sys.c thread.c tty.c users.c wait.c) \
	src/platform/posix/module.c
WIN32_SRC := $(addprefix src/platform/win32/,acl.c dirs.c find.c fs.c listen.c lock.c net.c path.c \
	peer.c proc.c scard_dll.c service.c shortcut.c sys.c text.c thread.c tty.c users.c wait.c) \
	src/platform/win32/module.c
MAIN_SRC  := src/main.c
WIN32_MAIN_SRC := src/platform/win32/main.c

# The protocol code alone: no dependencies, what the fuzz targets link.
MGMT_SRC := src/mgmt/line_reader.c src/mgmt/event.c src/mgmt/command.c src/mgmt/reply_queue.c \
	src/mgmt/pk_sign.c src/codec/base64.c src/mgmt/challenge.c

# Unit tests: the portable ones run on both systems; the others need OpenSSL or POSIX.
UNIT_PORTABLE := \
	tests/unit/test_address.c tests/unit/test_challenge.c tests/unit/test_command.c tests/unit/test_event.c \
	tests/unit/test_id_codec.c tests/unit/test_json.c tests/unit/test_line_reader.c \
	tests/unit/test_options.c tests/unit/test_ovpn_argv.c tests/unit/test_ovpn_config.c \
	tests/unit/test_ovpn_config_p11.c \
	tests/unit/test_pk_sign.c \
	tests/unit/test_enroll_rules.c \
	tests/unit/test_reason.c tests/unit/test_reply_queue.c tests/unit/test_sanitize.c \
	tests/unit/test_broker.c tests/unit/test_served.c tests/unit/test_supervise.c \
	tests/unit/test_uri.c tests/unit/test_utc.c tests/unit/test_served_view.c \
	tests/unit/test_status_cert.c tests/unit/test_signer_choice.c
UNIT_NATIVE_ONLY := tests/unit/test_cert_info.c tests/unit/test_config_load.c tests/unit/test_output.c tests/unit/test_path_base.c \
	tests/unit/test_session.c tests/unit/test_session_auth.c tests/unit/test_session_xkey.c \
	tests/unit/test_session_said.c tests/unit/test_session_pin.c tests/unit/test_session_openvpn.c \
	tests/unit/test_mgmt_conn.c \
	tests/unit/test_signer.c \
	tests/unit/test_csr.c \
	tests/unit/test_secret_source.c tests/unit/test_platform_files.c
UNIT_WIN32_ONLY := tests/win32/test_cert_info_wincrypt.c tests/win32/test_path_base_win32.c \
	tests/win32/test_platform_win32.c
