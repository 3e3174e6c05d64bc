/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * winscard_vpcd.dll: a test-only winscard.dll for the wine tests (wine 8's own winscard.dll is
 * stubs).  It exports the PC/SC calls OpenSC and ovpn-token make, with Windows' names and
 * meanings, and answers them through the test reader process (vpcd_reader.exe, which is vpcd
 * for the Linux virtual card): one reader, "Virtual PCD 00 00".  Nothing of wine is replaced:
 * OpenSC loads it through its own opensc.conf (reader_driver pcsc { provider_library }),
 * ovpn-token.exe through $OVPN_TOKEN_TEST_WINSCARD (src/platform/win32/winscard.c).
 * What it stands for, and what it does not (a real reader driver, Windows' own service):
 * doc/windows.md.
 */
#include "vpcd_wire.h"

#include <windows.h>
#include <winscard.h>

#include <stdio.h>

#define CTX_MAGIC 0x76637478u   /* "vctx" */
#define CARD_MAGIC 0x76636864u  /* "vchd" */
#define POLL_MS 50

struct conn {
	SOCKET s;
	CRITICAL_SECTION lock;
};

struct ctx {
	uint32_t magic;
	struct conn c;
	HANDLE cancel;          /* set by SCardCancel, cleared when a wait starts */
};

struct card {
	uint32_t magic;
	struct conn c;
	struct ctx *ctx;
	uint32_t events, resets;
	DWORD protocol;
};

struct status {
	int present;
	uint32_t events, resets;
	unsigned char atr[40];
	size_t atr_len;
};

static INIT_ONCE wsa_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK wsa_start(PINIT_ONCE once, void *p, void **ctx)
{
	WSADATA wsa;

	(void)once, (void)p, (void)ctx;
	return WSAStartup(MAKEWORD(2, 2), &wsa) == 0;
}

static int conn_open(struct conn *c)
{
	struct sockaddr_in sa;
	BOOL one = TRUE;

	if (!InitOnceExecuteOnce(&wsa_once, wsa_start, NULL, NULL))
		return -1;
	c->s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	if (c->s == INVALID_SOCKET)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(reader_port());
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->s, (struct sockaddr *)&sa, sizeof sa) != 0) {
		closesocket(c->s);
		return -1;
	}
	setsockopt(c->s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
	InitializeCriticalSection(&c->lock);
	return 0;
}

static void conn_close(struct conn *c)
{
	closesocket(c->s);
	DeleteCriticalSection(&c->lock);
}

/* One request and its reply: the reply's PC/SC status; its data in A (*AN bytes). */
static LONG ask(struct conn *c, const unsigned char *q, size_t qn, unsigned char *a, size_t cap,
                size_t *an)
{
	unsigned char *buf = malloc(WIRE_MAX);
	size_t n = 0;
	LONG rv;

	if (buf == NULL)
		return SCARD_E_NO_MEMORY;
	EnterCriticalSection(&c->lock);
	if (wire_send(c->s, q, qn) != 0 || wire_recv(c->s, buf, WIRE_MAX, &n) != 0 || n < 4) {
		rv = SCARD_E_SERVICE_STOPPED;
	} else {
		rv = (LONG)get32(buf);
		if (n - 4 > cap) {
			rv = SCARD_E_INSUFFICIENT_BUFFER;
		} else if (a != NULL) {
			memcpy(a, buf + 4, n - 4);
		}
		if (an != NULL)
			*an = n - 4;
	}
	LeaveCriticalSection(&c->lock);
	free(buf);
	return rv;
}

static LONG get_status(struct conn *c, struct status *st)
{
	unsigned char q = OP_STATUS, a[64];
	size_t n;
	LONG rv = ask(c, &q, 1, a, sizeof a, &n);

	if (rv != SCARD_S_SUCCESS)
		return rv;
	if (n < 10 || a[9] > sizeof st->atr || n < 10u + a[9])
		return SCARD_F_COMM_ERROR;
	st->present = a[0];
	st->events = get32(a + 1);
	st->resets = get32(a + 5);
	st->atr_len = a[9];
	memcpy(st->atr, a + 10, st->atr_len);
	return SCARD_S_SUCCESS;
}

static struct ctx *ctx_of(SCARDCONTEXT h)
{
	struct ctx *x = (struct ctx *)h;

	return x != NULL && x->magic == CTX_MAGIC ? x : NULL;
}

static struct card *card_of(SCARDHANDLE h)
{
	struct card *k = (struct card *)h;

	return k != NULL && k->magic == CARD_MAGIC ? k : NULL;
}

/* A request about the card, with the handle's view of it first. */
static LONG ask_card(struct card *k, unsigned char op, const void *data, size_t dn,
                     unsigned char *a, size_t cap, size_t *an)
{
	unsigned char *q = malloc(9 + dn);
	LONG rv;

	if (q == NULL)
		return SCARD_E_NO_MEMORY;
	q[0] = op;
	put32(q + 1, k->events);
	put32(q + 5, k->resets);
	if (dn > 0)
		memcpy(q + 9, data, dn);
	rv = ask(&k->c, q, 9 + dn, a, cap, an);
	free(q);
	if (rv == SCARD_W_RESET_CARD) {
		/* Told once, as Windows tells each handle once after another one reset the card. */
		struct status st;

		if (get_status(&k->c, &st) == SCARD_S_SUCCESS && st.events == k->events)
			k->resets = st.resets;
	}
	return rv;
}

/* ---------------------------------------------------------------- contexts */

LONG WINAPI SCardEstablishContext(DWORD scope, LPCVOID r1, LPCVOID r2, LPSCARDCONTEXT out)
{
	struct ctx *x;

	(void)scope, (void)r1, (void)r2;
	if (out == NULL)
		return SCARD_E_INVALID_PARAMETER;
	x = calloc(1, sizeof *x);
	if (x == NULL)
		return SCARD_E_NO_MEMORY;
	if (conn_open(&x->c) != 0) {
		free(x);
		return SCARD_E_NO_SERVICE;
	}
	x->cancel = CreateEventW(NULL, TRUE, FALSE, NULL);
	x->magic = CTX_MAGIC;
	*out = (SCARDCONTEXT)x;
	return SCARD_S_SUCCESS;
}

LONG WINAPI SCardReleaseContext(SCARDCONTEXT h)
{
	struct ctx *x = ctx_of(h);

	if (x == NULL)
		return SCARD_E_INVALID_HANDLE;
	x->magic = 0;
	conn_close(&x->c);
	CloseHandle(x->cancel);
	free(x);
	return SCARD_S_SUCCESS;
}

LONG WINAPI SCardIsValidContext(SCARDCONTEXT h)
{
	return ctx_of(h) != NULL ? SCARD_S_SUCCESS : SCARD_E_INVALID_HANDLE;
}

LONG WINAPI SCardFreeMemory(SCARDCONTEXT h, LPCVOID mem)
{
	(void)h;
	free((void *)mem);
	return SCARD_S_SUCCESS;
}

LONG WINAPI SCardCancel(SCARDCONTEXT h)
{
	struct ctx *x = ctx_of(h);

	if (x == NULL)
		return SCARD_E_INVALID_HANDLE;
	SetEvent(x->cancel);
	return SCARD_S_SUCCESS;
}

/* Copies N bytes to OUT as Windows does: SCARD_AUTOALLOCATE, a size question, or a buffer. */
static LONG give(const void *src, DWORD n, void *out, LPDWORD len)
{
	if (len == NULL)
		return SCARD_E_INVALID_PARAMETER;
	if (out != NULL && *len == SCARD_AUTOALLOCATE) {
		void *p = malloc(n);

		if (p == NULL)
			return SCARD_E_NO_MEMORY;
		memcpy(p, src, n);
		*(void **)out = p;
	} else if (out != NULL) {
		if (*len < n) {
			*len = n;
			return SCARD_E_INSUFFICIENT_BUFFER;
		}
		memcpy(out, src, n);
	}
	*len = n;
	return SCARD_S_SUCCESS;
}

static int is_reader(const char *name)
{
	return name != NULL && strcmp(name, VPCD_READER_NAME) == 0;
}

static int is_reader_w(const WCHAR *name)
{
	return name != NULL && wcscmp(name, L"" VPCD_READER_NAME) == 0;
}

LONG WINAPI SCardListReadersA(SCARDCONTEXT h, LPCSTR groups, LPSTR out, LPDWORD len)
{
	struct status st;
	struct ctx *x = ctx_of(h);
	LONG rv;

	(void)groups;
	if (x == NULL)
		return SCARD_E_INVALID_HANDLE;
	rv = get_status(&x->c, &st);   /* the reader is there while its service is */
	if (rv != SCARD_S_SUCCESS)
		return rv;
	return give(VPCD_READER_NAME "\0", sizeof VPCD_READER_NAME + 1, out, len);
}

LONG WINAPI SCardListReadersW(SCARDCONTEXT h, LPCWSTR groups, LPWSTR out, LPDWORD len)
{
	static const WCHAR names[] = L"" VPCD_READER_NAME L"\0";
	struct status st;
	struct ctx *x = ctx_of(h);
	LONG rv;

	(void)groups;
	if (x == NULL)
		return SCARD_E_INVALID_HANDLE;
	rv = get_status(&x->c, &st);
	if (rv != SCARD_S_SUCCESS)
		return rv;
	if (len == NULL)
		return SCARD_E_INVALID_PARAMETER;
	/* Lengths in characters. */
	if (out != NULL && *len != SCARD_AUTOALLOCATE)
		*len *= sizeof(WCHAR);
	rv = give(names, sizeof names, out, len);
	*len /= sizeof(WCHAR);
	return rv;
}

/* ---------------------------------------------------------------- waiting for changes */

/*
 * The new state of one reader as Windows reports it: the event count of the reader in the high
 * word (so a removal and insertion between two looks is still a change), CHANGED when it
 * differs from what the caller knew.
 */
static int look(const char *name, DWORD current, const struct status *st, DWORD *event,
                BYTE *atr, DWORD *atr_len)
{
	DWORD state, count = (st->events & 0xFFFF) << 16;

	if (name != NULL && strcmp(name, "\\\\?PnP?\\Notification") == 0) {
		*event = current & ~(DWORD)SCARD_STATE_CHANGED;   /* no reader ever comes or goes */
		return 0;
	}
	if (!is_reader(name)) {
		*event = SCARD_STATE_UNKNOWN | SCARD_STATE_CHANGED | SCARD_STATE_IGNORE;
		return 1;
	}
	state = st->present ? SCARD_STATE_PRESENT : SCARD_STATE_EMPTY;
	*event = state | count;
	*atr_len = (DWORD)st->atr_len;
	memcpy(atr, st->atr, st->atr_len);
	if (current == SCARD_STATE_UNAWARE || (current & 0xFFFF & ~(DWORD)SCARD_STATE_CHANGED) != state ||
	    ((current >> 16) != 0 && (current & 0xFFFF0000) != count)) {
		*event |= SCARD_STATE_CHANGED;
		return 1;
	}
	return 0;
}

static LONG wait_change(struct ctx *x, DWORD timeout, DWORD n,
                        int (*one)(void *states, DWORD i, const struct status *st), void *states)
{
	DWORD start = GetTickCount();

	ResetEvent(x->cancel);
	for (;;) {
		struct status st;
		int changed = 0;
		LONG rv = get_status(&x->c, &st);

		if (rv != SCARD_S_SUCCESS)
			return rv;
		for (DWORD i = 0; i < n; i++)
			changed |= one(states, i, &st);
		if (changed)
			return SCARD_S_SUCCESS;
		if (timeout != INFINITE && GetTickCount() - start >= timeout)
			return SCARD_E_TIMEOUT;
		if (WaitForSingleObject(x->cancel, POLL_MS) == WAIT_OBJECT_0)
			return SCARD_E_CANCELLED;
	}
}

static int one_a(void *states, DWORD i, const struct status *st)
{
	SCARD_READERSTATEA *r = (SCARD_READERSTATEA *)states + i;

	return look(r->szReader, r->dwCurrentState, st, &r->dwEventState, r->rgbAtr, &r->cbAtr);
}

static int one_w(void *states, DWORD i, const struct status *st)
{
	SCARD_READERSTATEW *r = (SCARD_READERSTATEW *)states + i;
	char name[256];

	if (WideCharToMultiByte(CP_UTF8, 0, r->szReader, -1, name, sizeof name, NULL, NULL) == 0)
		name[0] = '\0';
	return look(name, r->dwCurrentState, st, &r->dwEventState, r->rgbAtr, &r->cbAtr);
}

LONG WINAPI SCardGetStatusChangeA(SCARDCONTEXT h, DWORD timeout, LPSCARD_READERSTATEA rs, DWORD n)
{
	struct ctx *x = ctx_of(h);

	if (x == NULL)
		return SCARD_E_INVALID_HANDLE;
	return wait_change(x, timeout, n, one_a, rs);
}

LONG WINAPI SCardGetStatusChangeW(SCARDCONTEXT h, DWORD timeout, LPSCARD_READERSTATEW rs, DWORD n)
{
	struct ctx *x = ctx_of(h);

	if (x == NULL)
		return SCARD_E_INVALID_HANDLE;
	return wait_change(x, timeout, n, one_w, rs);
}

/* ---------------------------------------------------------------- card handles */

static LONG connect_card(struct ctx *x, DWORD protocols, LPSCARDHANDLE out, LPDWORD active)
{
	struct status st;
	struct card *k;
	LONG rv;

	if (out == NULL)
		return SCARD_E_INVALID_PARAMETER;
	rv = get_status(&x->c, &st);
	if (rv != SCARD_S_SUCCESS)
		return rv;
	if (!st.present)
		return SCARD_E_NO_SMARTCARD;
	if ((protocols & (SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1)) == 0)
		return SCARD_E_PROTO_MISMATCH;
	k = calloc(1, sizeof *k);
	if (k == NULL)
		return SCARD_E_NO_MEMORY;
	/* Each handle its own line: a transaction belongs to a handle. */
	if (conn_open(&k->c) != 0) {
		free(k);
		return SCARD_E_NO_SERVICE;
	}
	k->magic = CARD_MAGIC;
	k->ctx = x;
	k->events = st.events;
	k->resets = st.resets;
	k->protocol = protocols & SCARD_PROTOCOL_T1 ? SCARD_PROTOCOL_T1 : SCARD_PROTOCOL_T0;
	*out = (SCARDHANDLE)k;
	if (active != NULL)
		*active = k->protocol;
	return SCARD_S_SUCCESS;
}

LONG WINAPI SCardConnectA(SCARDCONTEXT h, LPCSTR reader, DWORD share, DWORD protocols,
                          LPSCARDHANDLE out, LPDWORD active)
{
	struct ctx *x = ctx_of(h);

	(void)share;
	if (x == NULL)
		return SCARD_E_INVALID_HANDLE;
	if (!is_reader(reader))
		return SCARD_E_UNKNOWN_READER;
	return connect_card(x, protocols, out, active);
}

LONG WINAPI SCardConnectW(SCARDCONTEXT h, LPCWSTR reader, DWORD share, DWORD protocols,
                          LPSCARDHANDLE out, LPDWORD active)
{
	struct ctx *x = ctx_of(h);

	(void)share;
	if (x == NULL)
		return SCARD_E_INVALID_HANDLE;
	if (!is_reader_w(reader))
		return SCARD_E_UNKNOWN_READER;
	return connect_card(x, protocols, out, active);
}

static LONG reset_card(struct card *k)
{
	unsigned char q = OP_RESET, a[8];
	size_t n;
	LONG rv = ask(&k->c, &q, 1, a, sizeof a, &n);

	if (rv == SCARD_S_SUCCESS && n == 8) {
		k->events = get32(a);
		k->resets = get32(a + 4);
	}
	return rv;
}

LONG WINAPI SCardReconnect(SCARDHANDLE h, DWORD share, DWORD protocols, DWORD init, LPDWORD active)
{
	struct card *k = card_of(h);
	struct status st;
	LONG rv;

	(void)share;
	if (k == NULL)
		return SCARD_E_INVALID_HANDLE;
	if ((protocols & (SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1)) == 0)
		return SCARD_E_PROTO_MISMATCH;
	rv = get_status(&k->c, &st);
	if (rv != SCARD_S_SUCCESS)
		return rv;
	if (!st.present)
		return SCARD_E_NO_SMARTCARD;
	/* A reconnect revives a handle whose card was taken out and put back. */
	k->events = st.events;
	k->resets = st.resets;
	if (init == SCARD_RESET_CARD || init == SCARD_UNPOWER_CARD) {
		rv = reset_card(k);
		if (rv != SCARD_S_SUCCESS)
			return rv;
	}
	k->protocol = protocols & SCARD_PROTOCOL_T1 ? SCARD_PROTOCOL_T1 : SCARD_PROTOCOL_T0;
	if (active != NULL)
		*active = k->protocol;
	return SCARD_S_SUCCESS;
}

LONG WINAPI SCardDisconnect(SCARDHANDLE h, DWORD disposition)
{
	struct card *k = card_of(h);

	if (k == NULL)
		return SCARD_E_INVALID_HANDLE;
	if (disposition == SCARD_RESET_CARD || disposition == SCARD_UNPOWER_CARD)
		reset_card(k);
	k->magic = 0;
	conn_close(&k->c);   /* the reader process releases a transaction it held */
	free(k);
	return SCARD_S_SUCCESS;
}

/* A request that waits while another handle holds the card's transaction, as Windows does. */
static LONG ask_card_waiting(struct card *k, unsigned char op, const void *data, size_t dn,
                             unsigned char *a, size_t cap, size_t *an)
{
	for (;;) {
		LONG rv = ask_card(k, op, data, dn, a, cap, an);

		if (rv != SCARD_E_SHARING_VIOLATION)
			return rv;
		Sleep(10);
	}
}

LONG WINAPI SCardBeginTransaction(SCARDHANDLE h)
{
	struct card *k = card_of(h);

	if (k == NULL)
		return SCARD_E_INVALID_HANDLE;
	return ask_card_waiting(k, OP_BEGIN, NULL, 0, NULL, 0, NULL);
}

LONG WINAPI SCardEndTransaction(SCARDHANDLE h, DWORD disposition)
{
	struct card *k = card_of(h);
	unsigned char d[4];
	LONG rv;

	if (k == NULL)
		return SCARD_E_INVALID_HANDLE;
	put32(d, disposition);
	rv = ask_card(k, OP_END, d, sizeof d, NULL, 0, NULL);
	if (rv == SCARD_S_SUCCESS && disposition != SCARD_LEAVE_CARD)
		k->resets++;   /* our own reset: this handle is not told of it */
	return rv;
}

LONG WINAPI SCardTransmit(SCARDHANDLE h, LPCSCARD_IO_REQUEST send_pci, LPCBYTE apdu, DWORD n,
                          LPSCARD_IO_REQUEST recv_pci, LPBYTE out, LPDWORD out_len)
{
	struct card *k = card_of(h);
	unsigned char *a;
	size_t an;
	LONG rv;

	(void)send_pci;
	if (k == NULL)
		return SCARD_E_INVALID_HANDLE;
	if (apdu == NULL || n == 0 || out == NULL || out_len == NULL)
		return SCARD_E_INVALID_PARAMETER;
	a = malloc(WIRE_MAX);
	if (a == NULL)
		return SCARD_E_NO_MEMORY;
	rv = ask_card_waiting(k, OP_TRANSMIT, apdu, n, a, WIRE_MAX, &an);
	if (rv == SCARD_S_SUCCESS) {
		if (an > *out_len) {
			rv = SCARD_E_INSUFFICIENT_BUFFER;
		} else {
			memcpy(out, a, an);
			*out_len = (DWORD)an;
			if (recv_pci != NULL)
				recv_pci->dwProtocol = k->protocol;
		}
	}
	free(a);
	return rv;
}

static LONG card_status(struct card *k, struct status *st, LPDWORD state, LPDWORD protocol,
                        LPBYTE atr, LPDWORD atr_len)
{
	LONG rv = get_status(&k->c, st);

	if (rv != SCARD_S_SUCCESS)
		return rv;
	if (!st->present || st->events != k->events)
		return SCARD_W_REMOVED_CARD;
	if (state != NULL)
		*state = SCARD_SPECIFIC;
	if (protocol != NULL)
		*protocol = k->protocol;
	if (atr_len != NULL)
		rv = give(st->atr, (DWORD)st->atr_len, atr, atr_len);
	return rv;
}

LONG WINAPI SCardStatusA(SCARDHANDLE h, LPSTR name, LPDWORD name_len, LPDWORD state,
                         LPDWORD protocol, LPBYTE atr, LPDWORD atr_len)
{
	struct card *k = card_of(h);
	struct status st;
	LONG rv;

	if (k == NULL)
		return SCARD_E_INVALID_HANDLE;
	rv = card_status(k, &st, state, protocol, atr, atr_len);
	if (rv == SCARD_S_SUCCESS && name_len != NULL)
		rv = give(VPCD_READER_NAME "\0", sizeof VPCD_READER_NAME + 1, name, name_len);
	return rv;
}

LONG WINAPI SCardStatusW(SCARDHANDLE h, LPWSTR name, LPDWORD name_len, LPDWORD state,
                         LPDWORD protocol, LPBYTE atr, LPDWORD atr_len)
{
	static const WCHAR names[] = L"" VPCD_READER_NAME L"\0";
	struct card *k = card_of(h);
	struct status st;
	LONG rv;

	if (k == NULL)
		return SCARD_E_INVALID_HANDLE;
	rv = card_status(k, &st, state, protocol, atr, atr_len);
	if (rv == SCARD_S_SUCCESS && name_len != NULL) {
		if (name != NULL && *name_len != SCARD_AUTOALLOCATE)
			*name_len *= sizeof(WCHAR);
		rv = give(names, sizeof names, name, name_len);
		*name_len /= sizeof(WCHAR);
	}
	return rv;
}

LONG WINAPI SCardGetAttrib(SCARDHANDLE h, DWORD id, LPBYTE out, LPDWORD len)
{
	static const char vendor[] = "ovpn-token test reader";
	static const BYTE version[4] = { 0x00, 0x00, 0x01, 0x00 };   /* 0.1, as a DWORD */
	struct card *k = card_of(h);
	struct status st;

	if (k == NULL)
		return SCARD_E_INVALID_HANDLE;
	switch (id) {
	case SCARD_ATTR_VENDOR_NAME:
		return give(vendor, sizeof vendor, out, len);
	case SCARD_ATTR_VENDOR_IFD_VERSION:
		return give(version, sizeof version, out, len);
	case SCARD_ATTR_DEVICE_FRIENDLY_NAME_A:
	case SCARD_ATTR_DEVICE_SYSTEM_NAME_A:
		return give(VPCD_READER_NAME, sizeof VPCD_READER_NAME, out, len);
	case SCARD_ATTR_ATR_STRING: {
		LONG rv = get_status(&k->c, &st);

		if (rv != SCARD_S_SUCCESS)
			return rv;
		return give(st.atr, (DWORD)st.atr_len, out, len);
	}
	default:
		return SCARD_E_UNSUPPORTED_FEATURE;
	}
}

LONG WINAPI SCardControl(SCARDHANDLE h, DWORD code, LPCVOID in, DWORD in_len, LPVOID out,
                         DWORD out_len, LPDWORD returned)
{
	struct card *k = card_of(h);
	unsigned char *q, a[256];
	size_t an = 0;
	LONG rv;

	if (k == NULL)
		return SCARD_E_INVALID_HANDLE;
	q = malloc(5 + in_len);
	if (q == NULL)
		return SCARD_E_NO_MEMORY;
	q[0] = OP_CONTROL;
	put32(q + 1, code);
	if (in_len > 0 && in != NULL)
		memcpy(q + 5, in, in_len);
	rv = ask(&k->c, q, 5 + in_len, a, sizeof a, &an);
	free(q);
	if (rv != SCARD_S_SUCCESS)
		return rv;
	if (an > out_len)
		return SCARD_E_INSUFFICIENT_BUFFER;
	if (an > 0)
		memcpy(out, a, an);
	if (returned != NULL)
		*returned = (DWORD)an;
	return SCARD_S_SUCCESS;
}
