/*
 * pcscd's card-event poll, shortened for vpcd readers (LD_PRELOAD into pcscd only).
 *
 * pcscd learns of a card insertion or removal in one of two ways: a driver that has an
 * event channel (CCID's interrupt pipe) tells it within milliseconds; a driver without one
 * (vpcd) is asked "is a card there?" once per PCSCLITE_STATUS_POLL_RATE, 400 ms, which
 * pcscd sleeps with nanosleep() between two questions (src/eventhandler.c). A virtual card
 * taken out and put back therefore costs up to two of those sleeps, nearly all of a
 * scenario about card events.
 *
 * This library replaces that one sleep, and no other: a nanosleep() of exactly 400 ms
 * sleeps CARDSPEC_PCSCD_POLL_MS instead (default 20, from 1 to 400). vpcd then answers
 * card events about as fast as a USB reader does. Every other sleep is pcscd's own.
 * Each question costs pcscd one ATR request to the virtual card, about 0.1 ms: at 20 ms
 * that is under 1% of one core per reader with a card.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

#define PCSCD_POLL_NS 400000000L
#define DEFAULT_POLL_MS 20L

typedef int (*nanosleep_fn)(const struct timespec *, struct timespec *);

static nanosleep_fn real_nanosleep;
static struct timespec poll_interval = { 0, DEFAULT_POLL_MS * 1000000L };

__attribute__((constructor)) static void configure(void)
{
	real_nanosleep = (nanosleep_fn)dlsym(RTLD_NEXT, "nanosleep");
	const char *configured = getenv("CARDSPEC_PCSCD_POLL_MS");
	if (configured != NULL && *configured != '\0') {
		char *end;
		long ms = strtol(configured, &end, 10);
		if (*end == '\0' && ms >= 1 && ms <= 400) poll_interval.tv_nsec = ms * 1000000L;
	}
}

int nanosleep(const struct timespec *request, struct timespec *remaining)
{
	if (request != NULL && request->tv_sec == 0 && request->tv_nsec == PCSCD_POLL_NS)
		return real_nanosleep(&poll_interval, remaining);
	return real_nanosleep(request, remaining);
}
