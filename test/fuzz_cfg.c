/*
 * Fuzz target for the config loader (src/config/cfg.c): any input as the
 * JSON config file. A config that loads must be usable as the daemon uses
 * it: every zone found again by its name, the NOTIFY ACL asked for a few
 * addresses, the ignore rules matched, and the TSIG keys and zone index
 * built by the NOTIFY listener (notify_init, no sockets). A config that is
 * refused must say why and leave nothing allocated (ASan's leak check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "config/cfg.h"
#include "dns/notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const addrs[] = { "127.0.0.1", "192.0.2.1", "::1", "2001:db8::1",
		"::ffff:192.0.2.7" };
	static struct notify n;
	static const struct notify_handler h = { 0 };
	char *text;
	struct cfg c;
	struct err e = { 0 };

	log_set_level(LOG_LEVEL_ERR); /* warnings about unknown keys: not the point */
	if (size > CFG_MAX_FILE || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cfg_parse(&c, text, "fuzz.json", &e) < 0) {
		if (!e.set || !e.msg[0])
			abort(); /* refused without a reason */
		free(text);
		return 0;
	}
	for (int i = 0; i < c.nzones; i++) {
		const struct cfg_zone *z = &c.zones[i];

		if (cfg_zone_find(&c, z->name) == NULL)
			abort(); /* a zone that loaded is found by its own name */
		for (size_t k = 0; k < sizeof addrs / sizeof addrs[0]; k++) {
			struct net_addr a;

			if (net_addr_parse(&a, addrs[k], 53) == 0)
				cfg_notify_allowed(&c, z, &a);
		}
		cfg_ignored(z, "www", DNS_TYPE_A);
		cfg_ignored(z, z->name, DNS_TYPE_TXT);
	}
	if (notify_init(&n, &c, &h, &e) == 0)
		notify_free(&n);
	cfg_free(&c);
	free(text);
	return 0;
}
