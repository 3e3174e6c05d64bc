/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The questions ovpn-token asks: secrets, plain answers, confirmations and menus. */
#ifndef OVPN_TOKEN_PROMPT_H
#define OVPN_TOKEN_PROMPT_H

#include "platform/platform.h"
#include "secret/secret.h"

#include "ui/output.h"

#if defined(__GNUC__)
#define PROMPT_FORMAT(f) __attribute__((format(PRINTF_ARCHETYPE, f, f + 1)))
#else
#define PROMPT_FORMAT(f)
#endif

/* No echo, straight into the secret's locked buffer. */
enum plat_read_result prompt_secret(struct plat_sock *watch, struct secret *out,
                                    const char *fmt, ...) PROMPT_FORMAT(3);
/* A visible answer. */
enum plat_read_result prompt_text(struct plat_sock *watch, char *buf, size_t bufsz,
                                  const char *fmt, ...) PROMPT_FORMAT(4);
/* A visible answer, while watch (may be NULL) looks for an answer from elsewhere. */
enum plat_read_result prompt_text_watched(struct plat_sock *watch_sock,
                                          const struct plat_prompt_watch *watch, char *buf,
                                          size_t bufsz, const char *fmt, ...) PROMPT_FORMAT(5);
/* Asks for a number in 1..max until one is given; *choice gets it. */
enum plat_read_result prompt_number(struct plat_sock *watch, int max, int *choice,
                                    const char *fmt, ...) PROMPT_FORMAT(4);

#endif
