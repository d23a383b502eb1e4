/*
 * test_str: str_find as strstr: the empty word, no match, matches at the
 * start, the end and overlapping partial ones, and 100,000 random texts and
 * words over a two-letter alphabet (many near misses) against the C
 * library's strstr; str_span against strspn and strcspn the same way;
 * str_after_last; str_copy against snprintf "%s" for every length and
 * capacity up to 8 (the result, the copy and the octets after it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "tap.h"

/* A random text of fewer than cap characters from the alphabet abc. */
static void
random_text(char *t, size_t cap, const char *abc)
{
	size_t n = (size_t)rand() % cap;

	for (size_t k = 0; k < n; k++)
		t[k] = abc[(size_t)rand() % strlen(abc)];
	t[n] = '\0';
}

int
main(void)
{
	const char *s = "aab:a://x";
	char t[24], w[6];
	int bad = 0;

	ok(str_find(s, "") == s, "the empty word is found at the start");
	ok(str_find("", "") != NULL && str_find("", "a") == NULL, "in the empty text");
	ok(str_find(s, "://") == s + 5, "\"://\" found where it is");
	ok(str_find(s, "aab") == s && str_find(s, "//x") == s + 6, "at the start and the end");
	ok(str_find(s, "//xy") == NULL && str_find("aaab", "aab") != NULL,
	    "none past the end; a partial match then a real one");

	ok(!strcmp(str_after_last("/hostedzone/Z1", '/'), "Z1") &&
	    !strcmp(str_after_last("gzip, chunked", ','), " chunked"),
	    "str_after_last: the field after the last separator");
	ok(!strcmp(str_after_last("Z1", '/'), "Z1") && !*str_after_last("a/", '/') &&
	    !*str_after_last("", '/'), "str_after_last: none, at the end, the empty text");
	srand(7);
	for (int i = 0; i < 100000; i++) {
		random_text(t, sizeof t, "ab");
		random_text(w, sizeof w, "ab");
		bad += str_find(t, w) != strstr(t, w);
	}
	ok(!bad, "100,000 random texts and words as strstr");
	bad = 0;
	for (int i = 0; i < 100000; i++) {
		random_text(t, sizeof t, "abc ");
		random_text(w, sizeof w, "ab ");
		bad += str_span(t, w, 1) != strspn(t, w) || str_span(t, w, 0) != strcspn(t, w);
	}
	ok(!bad, "str_span: 100,000 random texts and sets as strspn and strcspn");
	bad = 0;
	for (size_t len = 0; len <= 8; len++) {
		for (size_t cap = 0; cap <= 8; cap++) {
			char a[10], b[10], src[9] = "abcdefgh";

			src[len] = '\0';
			memset(a, 'x', sizeof a);
			memset(b, 'x', sizeof b);
			bad += str_copy(a, cap, src) != (size_t)snprintf(b, cap, "%s", src) ||
			    memcmp(a, b, sizeof a) != 0;
		}
	}
	ok(!bad, "str_copy as snprintf \"%%s\" for lengths and capacities 0 to 8");
	return tap_done();
}
