/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vpcd_reader.exe: the test reader of the wine tests, in a wine process of its own (as Windows'
 * Smart Card service is a process of its own).  It is vpcd: it listens on 127.0.0.1:35963, where
 * the Linux virtual card (virt_cacard) connects, and a card counts as inserted while that
 * connection is open.  Every process that loads tests/win32 winscard_vpcd.dll asks it over
 * 127.0.0.1:35973 (vpcd_wire.h), so that openvpn.exe's OpenSC and ovpn-token.exe see one card,
 * one removal and one transaction lock, as they would through one Smart Card service.
 * It runs until killed; it prints "listening" once both ports are open.
 */
#include "vpcd_wire.h"

#include <windows.h>
#include <winscard.h>

#include <stdio.h>

static CRITICAL_SECTION lock;
static SOCKET card = INVALID_SOCKET;
static unsigned char atr[64];
static size_t atr_len;
static uint32_t events;     /* insertions and removals */
static uint32_t resets;     /* power cycles of the present card */
static unsigned owner;      /* the client holding the transaction, 0: none */

static void say(const char *what)
{
	printf("vpcd_reader: %s\n", what);
	fflush(stdout);
}

/* Under the lock. */
static void card_gone(void)
{
	if (card == INVALID_SOCKET)
		return;
	closesocket(card);
	card = INVALID_SOCKET;
	atr_len = 0;
	events++;
	owner = 0;
	say("card removed");
}

/* One exchange with the card (under the lock): 0, or -1 when the card is gone. */
static int card_send(const unsigned char *p, size_t n)
{
	unsigned char len[2] = { (unsigned char)(n >> 8), (unsigned char)n };

	if (send_all(card, len, 2) != 0 || send_all(card, p, n) != 0) {
		card_gone();
		return -1;
	}
	return 0;
}

static int card_recv(unsigned char *p, size_t cap, size_t *n)
{
	unsigned char len[2];

	if (recv_all(card, len, 2) != 0 || (size_t)(len[0] << 8 | len[1]) > cap ||
	    recv_all(card, p, (size_t)(len[0] << 8 | len[1])) != 0) {
		card_gone();
		return -1;
	}
	*n = (size_t)(len[0] << 8 | len[1]);
	return 0;
}

static int card_ctrl(unsigned char code)
{
	return card_send(&code, 1);
}

/* Power the card on and read its ATR (under the lock). */
static int power_up(void)
{
	return card_ctrl(VPCD_CTRL_ON) == 0 && card_ctrl(VPCD_CTRL_ATR) == 0 &&
	       card_recv(atr, sizeof atr, &atr_len) == 0 ? 0 : -1;
}

static DWORD WINAPI card_slot(void *arg)
{
	SOCKET ls = (SOCKET)(uintptr_t)arg;

	for (;;) {
		SOCKET s = accept(ls, NULL, NULL);
		BOOL one = TRUE;

		if (s == INVALID_SOCKET)
			continue;
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
		EnterCriticalSection(&lock);
		if (card != INVALID_SOCKET) {
			closesocket(s);   /* one slot, one card */
		} else {
			card = s;
			if (power_up() == 0) {
				events++;
				say("card inserted");
			}
		}
		LeaveCriticalSection(&lock);
	}
	return 0;
}

/* A card never speaks unasked: anything readable while nobody asks means it went away. */
static DWORD WINAPI removal_watch(void *arg)
{
	(void)arg;
	for (;;) {
		Sleep(50);
		EnterCriticalSection(&lock);
		if (card != INVALID_SOCKET) {
			fd_set r;
			struct timeval zero = { 0, 0 };
			char c;

			FD_ZERO(&r);
			FD_SET(card, &r);
			if (select(0, &r, NULL, NULL, &zero) != 0 && recv(card, &c, 1, MSG_PEEK) <= 0)
				card_gone();
		}
		LeaveCriticalSection(&lock);
	}
	return 0;
}

/* The answer to one request of client ID (under the lock); returns the reply's length. */
static size_t serve(unsigned id, const unsigned char *q, size_t n, unsigned char *a)
{
	LONG rv = SCARD_S_SUCCESS;
	size_t len = 4;

	if (n < 1) {
		rv = SCARD_E_INVALID_PARAMETER;
		goto out;
	}
	if (q[0] == OP_STATUS) {
		a[len++] = card != INVALID_SOCKET;
		put32(a + len, events);
		put32(a + len + 4, resets);
		len += 8;
		a[len++] = (unsigned char)atr_len;
		memcpy(a + len, atr, atr_len);
		len += atr_len;
		goto out;
	}
	if (q[0] == OP_RESET) {
		if (card == INVALID_SOCKET) {
			rv = SCARD_E_NO_SMARTCARD;
		} else if (card_ctrl(VPCD_CTRL_OFF) != 0 || power_up() != 0) {
			rv = SCARD_W_REMOVED_CARD;
		} else {
			resets++;
		}
		put32(a + len, events);
		put32(a + len + 4, resets);
		len += 8;
		goto out;
	}
	if (q[0] == OP_CONTROL) {
		/* No reader features (CM_IOCTL_GET_FEATURE_REQUEST answers an empty list). */
		goto out;
	}
	if (n < 9) {
		rv = SCARD_E_INVALID_PARAMETER;
		goto out;
	}
	/* A handle from before a removal stays dead; one from before a reset is told once. */
	if (card == INVALID_SOCKET || get32(q + 1) != events) {
		rv = SCARD_W_REMOVED_CARD;
		goto out;
	}
	if (get32(q + 5) != resets) {
		rv = SCARD_W_RESET_CARD;
		goto out;
	}
	if (owner != 0 && owner != id) {
		rv = SCARD_E_SHARING_VIOLATION;
		goto out;
	}
	switch (q[0]) {
	case OP_BEGIN:
		owner = id;
		break;
	case OP_END:
		owner = 0;
		if (n >= 13 && get32(q + 9) != SCARD_LEAVE_CARD) {
			if (card_ctrl(VPCD_CTRL_OFF) != 0 || power_up() != 0)
				rv = SCARD_W_REMOVED_CARD;
			else
				resets++;
		}
		break;
	case OP_TRANSMIT: {
		size_t rn;

		if (n == 9) {
			rv = SCARD_E_INVALID_PARAMETER;
		} else if (card_send(q + 9, n - 9) != 0 || card_recv(a + len, WIRE_MAX - len, &rn) != 0) {
			rv = SCARD_W_REMOVED_CARD;
		} else {
			len += rn;
		}
		break;
	}
	default:
		rv = SCARD_E_INVALID_PARAMETER;
	}
out:
	put32(a, (uint32_t)rv);
	return rv == SCARD_S_SUCCESS ? len : 4;
}

static DWORD WINAPI client(void *arg)
{
	static LONG next_id;
	SOCKET s = (SOCKET)(uintptr_t)arg;
	unsigned id = (unsigned)InterlockedIncrement(&next_id);
	unsigned char *q = malloc(WIRE_MAX), *a = malloc(WIRE_MAX);
	size_t n;

	while (q != NULL && a != NULL && wire_recv(s, q, WIRE_MAX, &n) == 0) {
		size_t an;

		EnterCriticalSection(&lock);
		an = serve(id, q, n, a);
		LeaveCriticalSection(&lock);
		if (wire_send(s, a, an) != 0)
			break;
	}
	/* A process that ends (or drops its handle) inside a transaction releases it. */
	EnterCriticalSection(&lock);
	if (owner == id)
		owner = 0;
	LeaveCriticalSection(&lock);
	closesocket(s);
	free(q);
	free(a);
	return 0;
}

static SOCKET listen_on(unsigned short port)
{
	struct sockaddr_in sa;
	SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	BOOL one = TRUE;

	if (s == INVALID_SOCKET)
		return s;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one, sizeof one);
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s, 8) != 0) {
		fprintf(stderr, "vpcd_reader: cannot listen on 127.0.0.1:%u (error %d)\n", port,
		        WSAGetLastError());
		closesocket(s);
		return INVALID_SOCKET;
	}
	return s;
}

int main(void)
{
	WSADATA wsa;
	SOCKET cards, clients;

	InitializeCriticalSection(&lock);
	if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
		return 1;
	cards = listen_on(VPCD_CARD_PORT);
	clients = listen_on(reader_port());
	if (cards == INVALID_SOCKET || clients == INVALID_SOCKET)
		return 1;
	if (CreateThread(NULL, 0, card_slot, (void *)(uintptr_t)cards, 0, NULL) == NULL ||
	    CreateThread(NULL, 0, removal_watch, NULL, 0, NULL) == NULL)
		return 1;
	say("listening");
	for (;;) {
		SOCKET s = accept(clients, NULL, NULL);
		BOOL one = TRUE;
		HANDLE t;

		if (s == INVALID_SOCKET)
			continue;
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
		t = CreateThread(NULL, 0, client, (void *)(uintptr_t)s, 0, NULL);
		if (t == NULL)
			closesocket(s);
		else
			CloseHandle(t);
	}
}
