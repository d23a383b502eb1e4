/*
 * secret: forgetting secrets (the AWS secret key, session tokens, TSIG
 * secrets) before their memory goes back to the allocator, where a later
 * allocation, a core dump or a read past a buffer could find them. Every
 * copy counts: a config file's text, cJSON's copies of its strings, the
 * credentials' own.
 */
#ifndef NOTIFY53_SECRET_H
#define NOTIFY53_SECRET_H

#include <stddef.h>

struct cJSON;

/* Overwrite n bytes at p with zeros; volatile stores, so the compiler
 * cannot drop them as dead before a free(). */
void secret_wipe(void *p, size_t n);

/* Wipe the string s (up to its NUL) and free it; NULL is fine. */
void secret_free(char *s);

/* Wipe every string value of a parsed cJSON tree (names of members too),
 * before cJSON_Delete. NULL is fine. */
void secret_wipe_json(struct cJSON *v);

#endif
