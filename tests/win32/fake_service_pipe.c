/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fake_service_pipe.exe: a program that is not OpenVPN's interactive service serving
 * \\.\pipe\openvpn\service, as a squatter would while the service is stopped.  Prints its pid,
 * takes one client and reports how many bytes it sent before closing (ovpn-token must send
 * none: the startup message would carry the management password).  Exits after the client
 * closes or after 60 s.
 */
#include <stdio.h>
#include <windows.h>

int main(void)
{
	HANDLE pipe = CreateNamedPipeW(L"\\\\.\\pipe\\openvpn\\service",
	                               PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
	                               PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1,
	                               4096, 4096, 0, NULL);
	unsigned long total = 0;
	char buf[8192];
	DWORD n;

	if (pipe == INVALID_HANDLE_VALUE) {
		printf("cannot create the pipe: error %lu\n", GetLastError());
		return 1;
	}
	printf("listening, pid %lu\n", GetCurrentProcessId());
	fflush(stdout);
	if (!ConnectNamedPipe(pipe, NULL) && GetLastError() != ERROR_PIPE_CONNECTED) {
		printf("ConnectNamedPipe: error %lu\n", GetLastError());
		return 1;
	}
	printf("client connected\n");
	fflush(stdout);
	for (int waited = 0; waited < 60000; waited += 100) {
		DWORD avail = 0;

		if (!PeekNamedPipe(pipe, NULL, 0, NULL, &avail, NULL))
			break; /* the client has gone */
		if (avail > 0 && (ReadFile(pipe, buf, sizeof buf, &n, NULL) ||
		                  GetLastError() == ERROR_MORE_DATA))
			total += n;
		else
			Sleep(100);
	}
	printf("client gone, received %lu bytes\n", total);
	return 0;
}
