#include "base/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/num.h"
#include "base/str.h"

static int
parse_port(const char *s, int *port)
{
	uint64_t v = 0; /* gcc 12's LTO sees no num_parse success set it */

	if (num_parse(s, 65535, &v) < 0 || v < 1)
		return -1;
	*port = (int)v;
	return 0;
}

void
net_addr_from_ip(struct net_addr *a, const unsigned char *ip, size_t iplen, int port)
{
	memset(a, 0, sizeof *a);
	if (iplen == 4) {
		struct sockaddr_in *in = (struct sockaddr_in *)&a->ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((unsigned short)port);
		memcpy(&in->sin_addr, ip, 4);
		a->len = sizeof *in;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)port);
		memcpy(&in6->sin6_addr, ip, 16);
		a->len = sizeof *in6;
	}
}

int
net_addr_parse(struct net_addr *a, const char *s, int default_port)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *hend, *pstr = NULL;
	unsigned char ip[16];
	int port = default_port;

	if (s[0] == '[') {
		hend = strchr(s, ']');
		if (!hend)
			return -1;
		if (hend[1] == ':')
			pstr = hend + 2;
		else if (hend[1])
			return -1;
		s++;
	} else if ((colon = strchr(s, ':')) && !strchr(colon + 1, ':')) {
		hend = colon; /* IPv4 with a port */
		pstr = colon + 1;
	} else {
		hend = s + strlen(s); /* IPv4, or IPv6 without brackets or port */
	}
	if ((size_t)(hend - s) >= sizeof host || hend == s)
		return -1;
	memcpy(host, s, (size_t)(hend - s));
	host[hend - s] = '\0';
	if (pstr && parse_port(pstr, &port) < 0)
		return -1;
	if (port < 1 || port > 65535)
		return -1;
	if (inet_pton(AF_INET, host, ip) == 1)
		net_addr_from_ip(a, ip, 4, port);
	else if (inet_pton(AF_INET6, host, ip) == 1)
		net_addr_from_ip(a, ip, 16, port);
	else
		return -1;
	return 0;
}

int
net_cidr_parse(struct net_addr *a, int *prefix, const char *s)
{
	char tmp[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	const unsigned char *ip;
	unsigned char v4[4];
	uint64_t p;
	int maxbits;

	if (n + 3 > sizeof tmp)
		return NET_CIDR_BAD;
	fmt_snprintf(tmp, sizeof tmp, "%.*s", (int)n, s);
	/* A bare IPv6 address would read its last group as a port: bracket it;
	 * one colon (a port) is not an address. */
	if (strchr(tmp, ':') && strchr(strchr(tmp, ':') + 1, ':'))
		fmt_snprintf(tmp, sizeof tmp, "[%.*s]", (int)n, s);
	else if (strchr(tmp, ':'))
		return NET_CIDR_BAD;
	if (net_addr_parse(a, tmp, 53) < 0)
		return NET_CIDR_BAD;
	maxbits = a->ss.ss_family == AF_INET ? 32 : 128;
	*prefix = maxbits;
	if (slash) {
		if (num_parse(slash + 1, (uint64_t)maxbits, &p) < 0)
			return NET_CIDR_PREFIX;
		*prefix = (int)p;
	}
	/* IPv4-mapped: the IPv4 range; net_cidr_match compares 4 bytes, which
	 * the prefix must cover. */
	if (a->ss.ss_family == AF_INET6 && net_addr_ip(a, &ip) == 4) {
		if (*prefix < 96)
			return NET_CIDR_MAPPED;
		memcpy(v4, ip, 4); /* ip points into a */
		net_addr_from_ip(a, v4, 4, 53);
		*prefix -= 96;
	}
	return 0;
}

int
net_cidr_match(const struct net_addr *net, int prefix, const struct net_addr *a)
{
	const unsigned char *x, *y;
	int bits = prefix;

	if (net_addr_ip(net, &x) != net_addr_ip(a, &y))
		return 0;
	for (int i = 0; bits > 0; i++, bits -= 8) {
		unsigned char m = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));

		if ((x[i] & m) != (y[i] & m))
			return 0;
	}
	return 1;
}

int
net_addr_port(const struct net_addr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
}

/* Decimal or lower-case hex digits of v, no leading zeros. */
static size_t
uint_text(char *t, unsigned v, unsigned base)
{
	char d[8];
	size_t n = 0, k = 0;

	do
		d[n++] = "0123456789abcdef"[v % base];
	while ((v /= base));
	while (n)
		t[k++] = d[--n];
	return k;
}

size_t
net_ip_text(const uint8_t *p, size_t n, char *buf)
{
	unsigned g[8];
	int best = -1, bestlen = 1;
	size_t k = 0;

	if (n == 4) {
		for (int i = 0; i < 4; i++) {
			if (i)
				buf[k++] = '.';
			k += uint_text(buf + k, p[i], 10);
		}
		buf[k] = '\0';
		return k;
	}
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)p[2 * i] << 8 | p[2 * i + 1];
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j == i ? i + 1 : j;
	}
	if (best == 0 && bestlen == 5 && g[5] == 0xffff) {
		memcpy(buf, "::ffff:", 7);
		return 7 + net_ip_text(p + 12, 4, buf + 7);
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			buf[k++] = ':';
			buf[k++] = ':';
			i += bestlen - 1;
			continue;
		}
		if (i && i != best + bestlen)
			buf[k++] = ':';
		k += uint_text(buf + k, g[i], 16);
	}
	buf[k] = '\0';
	return k;
}

const char *
net_addr_ip_str(const struct net_addr *a, char *buf, size_t len)
{
	char t[NET_IP_TEXT];
	int v4 = a->ss.ss_family == AF_INET;

	net_ip_text(v4 ? (const uint8_t *)&((const struct sockaddr_in *)&a->ss)->sin_addr :
	    (const uint8_t *)&((const struct sockaddr_in6 *)&a->ss)->sin6_addr, v4 ? 4 : 16, t);
	str_copy(buf, len, t);
	return buf;
}

const char *
net_addr_str(const struct net_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	int v6 = a->ss.ss_family == AF_INET6;

	net_addr_ip_str(a, ip, sizeof ip);
	fmt_snprintf(buf, len, "%s%s%s:%d", v6 ? "[" : "", ip, v6 ? "]" : "", net_addr_port(a));
	return buf;
}

size_t
net_addr_ip(const struct net_addr *a, const unsigned char **ip)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (a->ss.ss_family == AF_INET) {
		*ip = (const unsigned char *)&((const struct sockaddr_in *)&a->ss)->sin_addr;
		return 4;
	}
	*ip = (const unsigned char *)&((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
	if (!memcmp(*ip, mapped, 12)) {
		*ip += 12;
		return 4;
	}
	return 16;
}

int
net_addr_same_ip(const struct net_addr *a, const struct net_addr *b)
{
	const unsigned char *ia, *ib;
	size_t la = net_addr_ip(a, &ia), lb = net_addr_ip(b, &ib);

	return la == lb && !memcmp(ia, ib, la);
}

int
net_addr_equal(const struct net_addr *a, const struct net_addr *b)
{
	return net_addr_same_ip(a, b) && net_addr_port(a) == net_addr_port(b);
}

/* A non-blocking socket of type connected (TCP: connecting) to a. A UDP
 * connect() never answers EINPROGRESS: it only sets the peer. */
static int
sock_connect(const struct net_addr *a, int type)
{
	int fd = socket(a->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if ((connect(fd, (const struct sockaddr *)&a->ss, a->len) < 0 && errno != EINPROGRESS)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
net_tcp_connect(const struct net_addr *a)
{
	return sock_connect(a, SOCK_STREAM);
}

int
net_connect_finish(int fd)
{
	int e = 0;
	socklen_t len = sizeof e;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return -1;
	if (e) {
		errno = e;
		return -1;
	}
	return 0;
}

int
net_udp_connect(const struct net_addr *a)
{
	return sock_connect(a, SOCK_DGRAM);
}
