/* ovpn-token doctor: placeholder until the PKCS#11 provider layer lands. */
#include "commands.h"
#include "exit_codes.h"
#include "ui/output.h"

int cmd_doctor(const struct options *opts)
{
	(void)opts;
	out_error("'doctor' is not available yet");
	return EXIT_USAGE;
}
