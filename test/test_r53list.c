/* Unit tests of the Route 53 listing store: sets come back exactly as added,
 * absent strings stay absent, limits refuse without half-adding. */
#include <stdio.h>

#include "aws/r53list.h"
#include "memhook.h"
#include "tap.h"

/* A listing without end (Route 53, or something in its place): refused at
 * a limit (R53LIST_MAX_BYTES, R53LIST_MAX_SETS) a 64 MB router survives. */
static void
endless(void)
{
	struct r53list l;
	char name[64], v[128];
	const char *vals[1] = { v };
	size_t peak, n = 0;
	int r = 0;

	memset(v, 'x', 120);
	v[0] = v[119] = '"';
	v[120] = '\0';
	r53list_init(&l);
	memhook_start(NULL);
	for (; r == 0 && n < 5000000; n++) {
		struct r53list_set s = { .name = name, .type = 16, .ttl = 300, .nvalues = 1,
			.values = vals };

		snprintf(name, sizeof name, "n%zu.example.com.", n);
		r = r53list_add(&l, &s);
	}
	peak = memhook_peak();
	memhook_stop();
	ok(r < 0 && l.err.set, "endless listing refused after %zu sets: %s", n, l.err.msg);
	ok(peak <= MEMHOOK_ROUTER_SPARE, "... peak heap %zu KB, within a 64 MB router's %d KB",
	    peak / 1024, MEMHOOK_ROUTER_SPARE / 1024);
	r53list_free(&l);
}

int
main(void)
{
	struct r53list l;
	struct r53list_set s, got;
	const char *vals[R53LIST_MAX_VALUES], *in[3] = { "\"a\" \"b\"", "\"c\"", "\"\\\"q\\\"\"" };
	const char *big[R53LIST_MAX_VALUES + 1];

	r53list_init(&l);
	s = (struct r53list_set){ .name = "\\052.example.com.", .type = 16, .ttl = 300,
		.nvalues = 3, .values = in };
	ok(r53list_add(&l, &s) == 0, "TXT set added");
	s = (struct r53list_set){ .name = "www.example.com.", .type = 1, .flags = R53LIST_ALIAS,
		.alias_target = "lb.example.net.", .set_identifier = "blue" };
	ok(r53list_add(&l, &s) == 0, "alias set added");
	/* Enough sets to move the arena and the arrays several times. */
	for (int i = 0; i < 5000; i++) {
		const char *v = "192.0.2.1";

		s = (struct r53list_set){ .name = "n.example.com.", .type = 1, .ttl = (uint32_t)i,
			.nvalues = 1, .values = &v };
		if (r53list_add(&l, &s) < 0)
			break;
	}
	is_int(r53list_count(&l), 5002, "all sets kept");

	r53list_get(&l, 0, &got, vals);
	is_str(got.name, "\\052.example.com.", "name kept exactly");
	ok(got.type == 16 && got.ttl == 300 && got.flags == 0 && got.nvalues == 3, "fields kept");
	ok(!got.set_identifier && !got.alias_target, "absent strings stay absent");
	is_str(got.values[0], "\"a\" \"b\"", "value 0 kept");
	is_str(got.values[2], "\"\\\"q\\\"\"", "value 2 kept");
	is_str(r53list_value(&l, 0, 1), "\"c\"", "single value lookup");
	r53list_get(&l, 1, &got, vals);
	ok(got.flags == R53LIST_ALIAS && got.nvalues == 0 && !strcmp(got.alias_target, "lb.example.net.") &&
		!strcmp(got.set_identifier, "blue"),
	    "alias and set identifier kept");
	r53list_get(&l, 5001, &got, vals);
	ok(got.ttl == 4999 && !strcmp(got.values[0], "192.0.2.1"), "last set intact after growth");

	for (int i = 0; i <= R53LIST_MAX_VALUES; i++)
		big[i] = "192.0.2.2";
	s = (struct r53list_set){ .name = "big.example.com.", .type = 1, .ttl = 1,
		.nvalues = R53LIST_MAX_VALUES + 1, .values = big };
	ok(r53list_add(&l, &s) < 0 && l.err.set, "a set over the value limit is refused");
	is_int(r53list_count(&l), 5002, "nothing half-added");
	is_str(r53_action_name(R53_UPSERT), "UPSERT", "action names");
	r53list_free(&l);
	endless();
	return tap_done();
}
