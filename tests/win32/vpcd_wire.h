/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The test reader's two wires (tests only; see vpcd_reader.c and winscard_vpcd.c):
 *  - the card's: vsmartcard's vpcd protocol on 127.0.0.1:35963, where virt_cacard connects.
 *    Every message, both ways, is a 2-byte big-endian length and a payload; a 1-byte payload
 *    from the reader is a control code (0 off, 1 on, 2 reset, 4 ATR; only ATR is answered).
 *  - the processes': winscard_vpcd.dll in each process that uses PC/SC asks the reader process,
 *    on 127.0.0.1:VPCD_READER_PORT (or $OVPN_TOKEN_TEST_READER_PORT), as Windows' programs ask
 *    the Smart Card service.  A 4-byte big-endian length and a payload; a request is one op
 *    byte and its data, a reply a 4-byte big-endian PC/SC status and its data.
 */
#ifndef OVPN_TOKEN_VPCD_WIRE_H
#define OVPN_TOKEN_VPCD_WIRE_H

#include <winsock2.h>
#include <ws2tcpip.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VPCD_CARD_PORT 35963
#define VPCD_READER_PORT 35973
/* The name Linux's vpcd gives its first reader, so that ids read the same on both sides. */
#define VPCD_READER_NAME "Virtual PCD 00 00"

#define VPCD_CTRL_OFF 0
#define VPCD_CTRL_ON 1
#define VPCD_CTRL_RESET 2
#define VPCD_CTRL_ATR 4

/* Requests.  Those that touch the card carry the handle's view (card events, resets) first. */
enum {
	OP_STATUS = 'S',   /* -> present(1) events(4) resets(4) atr_len(1) atr */
	OP_BEGIN = 'B',    /* events resets -> (SCARD_E_SHARING_VIOLATION while another holds it) */
	OP_END = 'E',      /* events resets disposition(4) */
	OP_TRANSMIT = 'T', /* events resets apdu -> response */
	OP_RESET = 'R',    /* -> events(4) resets(4): the card powered off and on again */
	OP_CONTROL = 'C',  /* code(4) data -> data (the reader's own features: PIN pad) */
};

#define WIRE_MAX 70000

static inline void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static inline uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline int send_all(SOCKET s, const unsigned char *p, size_t n)
{
	while (n > 0) {
		int k = send(s, (const char *)p, n > 65536 ? 65536 : (int)n, 0);

		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static inline int recv_all(SOCKET s, unsigned char *p, size_t n)
{
	while (n > 0) {
		int k = recv(s, (char *)p, n > 65536 ? 65536 : (int)n, 0);

		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* One message of the processes' wire: 0, or -1 when the peer is gone or the message too big. */
static inline int wire_send(SOCKET s, const unsigned char *p, size_t n)
{
	unsigned char len[4];

	put32(len, (uint32_t)n);
	return send_all(s, len, 4) == 0 && send_all(s, p, n) == 0 ? 0 : -1;
}

static inline int wire_recv(SOCKET s, unsigned char *p, size_t cap, size_t *n)
{
	unsigned char len[4];

	if (recv_all(s, len, 4) != 0 || get32(len) > cap)
		return -1;
	*n = get32(len);
	return recv_all(s, p, *n);
}

/* The reader process's port: the default, or the tests' choice. */
static inline unsigned short reader_port(void)
{
	const char *v = getenv("OVPN_TOKEN_TEST_READER_PORT");
	long p = v != NULL ? strtol(v, NULL, 10) : 0;

	return p > 0 && p < 65536 ? (unsigned short)p : VPCD_READER_PORT;
}

#endif
