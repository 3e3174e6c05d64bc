/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pcsc_watch_churn READER N: starts a watch of READER (pcsc/watch.h) and stops it as soon as
 * its first news came, N times, as when a Ctrl-C comes right after "Connected".  A stop that
 * waits for ever (its cancel lost before the watch's thread was in its wait) fails after 20 s
 * instead of hanging the test.  Exit 0 with "N watches started and stopped".
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pcsc/watch.h"
#include "platform/platform.h"

static void hung(int sig)
{
	static const char msg[] = "pcsc_watch_churn: a stop did not end its watch within 20 s\n";

	(void)sig;
	(void)!write(2, msg, sizeof msg - 1);
	_exit(3);
}

static bool news_within(struct plat_notice *news, int ms)
{
	struct plat_wait_set set = {.notice = news, .deadline_ms = plat_now_ms() + ms};
	unsigned ready = 0;

	while (plat_wait(&set, &ready) == PLAT_WAIT_READY)
		if ((ready & PLAT_READY_NOTICE) != 0 && plat_notice_take(news))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct plat_notice *news = plat_notice_new();
	char err[256];
	int n;

	if (argc != 3 || (n = atoi(argv[2])) <= 0 || news == NULL) {
		fprintf(stderr, "usage: pcsc_watch_churn READER N\n");
		return 2;
	}
	signal(SIGALRM, hung);
	alarm(20);
	for (int i = 0; i < n; i++) {
		struct pcsc_watch *w = pcsc_watch_start(argv[1], news, err, sizeof err);

		if (w == NULL) {
			fprintf(stderr, "pcsc_watch_churn: watch %d: %s\n", i + 1, err);
			return 1;
		}
		if (pcsc_watch_card(w) != 1) {
			fprintf(stderr, "pcsc_watch_churn: watch %d: no card in '%s'\n", i + 1, argv[1]);
			return 1;
		}
		/*
		 * The thread's first look posts news at once; stopped right then, it is on its way into
		 * its real wait (a round trip to pcscd away): where a cancel is dropped.
		 */
		if (!news_within(news, 2000)) {
			fprintf(stderr, "pcsc_watch_churn: watch %d: no first news\n", i + 1);
			return 1;
		}
		pcsc_watch_stop(w);
	}
	plat_notice_free(news);
	printf("%d watches started and stopped\n", n);
	return 0;
}
