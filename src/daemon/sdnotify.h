/*
 * sdnotify: tell the service manager what the daemon is doing, systemd's
 * sd_notify(3) protocol without libsystemd. A message is one AF_UNIX
 * datagram of newline-separated VAR=VALUE assignments, sent to the socket
 * named by the environment variable NOTIFY_SOCKET: an absolute path, or
 * "@name" for a name in the abstract namespace (unix(7)). Type=notify units
 * wait for READY=1 (systemd.service(5)).
 *
 * Without NOTIFY_SOCKET nothing is ever sent and no socket is opened. The
 * socket is non-blocking: a message the manager cannot take now (its queue
 * is full) is dropped rather than stall the poll loop.
 */
#ifndef NOTIFY53_SDNOTIFY_H
#define NOTIFY53_SDNOTIFY_H

/* Read NOTIFY_SOCKET and open the socket (again: a previous one is closed).
 * An address of another form (systemd's "vsock:" among them) is warned
 * about once and nothing is sent. */
void sdnotify_init(void);

/* What the daemon says. */
enum sdnotify_state {
	SDNOTIFY_READY,     /* READY=1: up, or done reloading */
	SDNOTIFY_RELOADING, /* RELOADING=1 and MONOTONIC_USEC= (when the reload began) */
	SDNOTIFY_STOPPING,  /* STOPPING=1 */
	SDNOTIFY_STATUS     /* only the STATUS= text */
};

/* Send state, with STATUS=status when status is not NULL (one line: control
 * bytes become '?'; cut to fit SDNOTIFY_MSG_MAX). Returns 0 when the
 * manager took it, -1 when nothing was sent (no NOTIFY_SOCKET) or it was
 * dropped. */
int sdnotify(enum sdnotify_state state, const char *status);

#endif
