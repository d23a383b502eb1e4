#include "daemon/sdnotify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "base/fmt.h"
#include "base/log.h"

static struct {
	struct sockaddr_un addr;
	socklen_t len;
	int fd;
} sd = { .fd = -1 };

/* sd.addr and sd.len from NOTIFY_SOCKET's value: 0, or -1 when it is of no
 * form we send to. An abstract name has no terminating NUL: its length is
 * the address length (unix(7)). */
static int
sd_addr(const char *v)
{
	size_t n = strlen(v);

	memset(&sd.addr, 0, sizeof sd.addr);
	sd.addr.sun_family = AF_UNIX;
	if (v[0] == '@' && n > 1 && n <= sizeof sd.addr.sun_path) {
		memcpy(sd.addr.sun_path + 1, v + 1, n - 1);
		sd.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
		return 0;
	}
	if (v[0] == '/' && n < sizeof sd.addr.sun_path) {
		memcpy(sd.addr.sun_path, v, n);
		sd.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
		return 0;
	}
	return -1;
}

void
sdnotify_init(void)
{
	const char *v = getenv("NOTIFY_SOCKET");

	if (sd.fd >= 0)
		close(sd.fd);
	sd.fd = -1;
	if (!v || !*v)
		return;
	if (sd_addr(v) < 0) {
		log_warn("NOTIFY_SOCKET=%s is neither an absolute path nor an @abstract name that "
			 "fits a socket address; nothing is sent to the service manager",
		    v);
		return;
	}
	sd.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sd.fd < 0)
		log_warn("NOTIFY_SOCKET: socket: %s", strerror(errno));
}

int
sdnotify(enum sdnotify_state state, const char *status)
{
	char msg[SDNOTIFY_MSG_MAX];
	struct timespec ts;
	size_t n = 0;
	int k = 0;

	if (sd.fd < 0)
		return -1;
	if (state == SDNOTIFY_RELOADING) {
		/* systemd.service(5), Type=notify-reload: RELOADING=1 carries
		 * the CLOCK_MONOTONIC time the reload began, in microseconds;
		 * tv_nsec is below 10^9, so its division is a 32-bit one (no
		 * libgcc call on 32-bit targets). */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		k = fmt_snprintf(msg, sizeof msg, "RELOADING=1\nMONOTONIC_USEC=%llu\n",
		    (unsigned long long)ts.tv_sec * 1000000u + (unsigned long)ts.tv_nsec / 1000u);
	} else if (state != SDNOTIFY_STATUS) {
		k = fmt_snprintf(msg, sizeof msg, "%s=1\n", state == SDNOTIFY_READY ? "READY" :
		    "STOPPING");
	}
	if (k > 0)
		n = (size_t)k;
	if (status && n + sizeof "STATUS=\n" <= sizeof msg) {
		memcpy(msg + n, "STATUS=", 7);
		n += 7;
		/* One assignment per line: a newline in the text would start
		 * another. */
		for (; *status && n < sizeof msg - 1; status++)
			msg[n++] = (unsigned char)*status < 0x20 || *status == 0x7f ? '?' : *status;
		msg[n++] = '\n';
	}
	if (sendto(sd.fd, msg, n, MSG_NOSIGNAL, (const struct sockaddr *)&sd.addr, sd.len) < 0) {
		log_debug("NOTIFY_SOCKET: message dropped: %s", strerror(errno));
		return -1;
	}
	return 0;
}
