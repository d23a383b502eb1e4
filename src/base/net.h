/*
 * net: socket addresses and non-blocking sockets for the protocol drivers.
 *
 * Nothing here blocks: connect() is started and finished later when the loop
 * reports the socket writable (net_connect_finish). Addresses are IP literals
 * only; host names are resolved elsewhere without blocking.
 */
#ifndef NOTIFY53_NET_H
#define NOTIFY53_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* Longest text net_addr_str writes: "[v6]:port" and a NUL. */
#define NET_ADDR_STRLEN 56

/* Parse "192.0.2.1", "192.0.2.1:5300", "2001:db8::1", "[2001:db8::1]:5300"
 * (a bare IPv6 address has no port). default_port applies when none is
 * given. Returns 0, or -1 when s is not an IP address with a valid port. */
int net_addr_parse(struct net_addr *a, const char *s, int default_port);

/* Fill a from a raw address (4 or 16 bytes) and a port. */
void net_addr_from_ip(struct net_addr *a, const unsigned char *ip, size_t iplen, int port);

/* "192.0.2.1:53" or "[2001:db8::1]:53" into buf (NET_ADDR_STRLEN bytes). */
const char *net_addr_str(const struct net_addr *a, char *buf, size_t len);

/* The text of the IPv4 (n 4) or IPv6 (n 16) address at p into buf (room
 * for NET_IP_TEXT, NUL-terminated); returns its length. RFC 5952 section
 * 4: lower case, no leading zeros, the longest run of two or more zero
 * groups (the first of equal runs) as "::"; section 5: an IPv4-mapped
 * address ends in dotted decimal. No printf (inet_ntop's would link the
 * C library's printf core). */
#define NET_IP_TEXT 46
size_t net_ip_text(const uint8_t *p, size_t n, char *buf);

/* The address without the port, e.g. for logs of NOTIFY sources. */
const char *net_addr_ip_str(const struct net_addr *a, char *buf, size_t len);

int net_addr_port(const struct net_addr *a);

/* Same address and port. */
int net_addr_equal(const struct net_addr *a, const struct net_addr *b);

/* The 4 (IPv4) or 16 (IPv6) address bytes of a in *ip (pointing into a);
 * an IPv4-mapped IPv6 address (::ffff:192.0.2.1) gives its 4 IPv4 bytes.
 * Returns 4 or 16. */
size_t net_addr_ip(const struct net_addr *a, const unsigned char **ip);

/* Same IP address, ignoring the port; an IPv4-mapped IPv6 address
 * (::ffff:192.0.2.1) equals its IPv4 form. */
int net_addr_same_ip(const struct net_addr *a, const struct net_addr *b);

/* Parse an address range: "192.0.2.0/24", "2001:db8::/32" (no brackets),
 * or one address (all its bits). An IPv4-mapped range (::ffff:192.0.2.0/120)
 * is the IPv4 range (192.0.2.0/24). Returns 0, NET_CIDR_BAD (not an address
 * or range), NET_CIDR_PREFIX (bad prefix length) or NET_CIDR_MAPPED (an
 * IPv4-mapped range shorter than /96). */
#define NET_CIDR_BAD (-1)
#define NET_CIDR_PREFIX (-2)
#define NET_CIDR_MAPPED (-3)
int net_cidr_parse(struct net_addr *a, int *prefix, const char *s);

/* Is the IP address of a (an IPv4-mapped one as IPv4) inside the range
 * net/prefix from net_cidr_parse? Ports are ignored. */
int net_cidr_match(const struct net_addr *net, int prefix, const struct net_addr *a);

/* Start a TCP connection to a: returns a non-blocking socket whose
 * connect is in progress (wait for POLLOUT, then net_connect_finish), or -1
 * with errno set. */
int net_tcp_connect(const struct net_addr *a);

/* After POLLOUT on a connecting socket: 0 when connected, else -1 with errno
 * set to the reason (ECONNREFUSED, ETIMEDOUT...). */
int net_connect_finish(int fd);

/* A non-blocking UDP socket of a's address family, connected to a so only
 * its answers are received. Returns the fd or -1. */
int net_udp_connect(const struct net_addr *a);

#endif
