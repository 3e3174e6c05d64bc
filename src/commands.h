/* One function per command; each returns an exit code. */
#ifndef OVPN_TOKEN_COMMANDS_H
#define OVPN_TOKEN_COMMANDS_H

#include "options.h"

int cmd_start(const struct options *opts);
int cmd_attach(const struct options *opts);
int cmd_list(const struct options *opts);
int cmd_doctor(const struct options *opts);

#endif
