/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The parts of provider.h that need no PKCS#11 library: names and freeing. */
#include <stdlib.h>
#include <string.h>

#include "pkcs11/provider.h"

const char *p11_pin_state_name(enum p11_pin_state s)
{
	switch (s) {
	case P11_PIN_OK:
		return "ok";
	case P11_PIN_COUNT_LOW:
		return "count_low";
	case P11_PIN_FINAL_TRY:
		return "final_try";
	case P11_PIN_LOCKED:
		return "locked";
	case P11_PIN_UNKNOWN:
		break;
	}
	return "unknown";
}

void p11_cert_list_free(struct p11_cert_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i].der);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}
