/*
 * A program that uses libloyalty the way an outside project would: through
 * the installed headers and library only.  Built by tests/install/run.sh.
 */
#include <stdio.h>
#include <string.h>

#include <loyalty/loyalty.h>

int main(void)
{
	const char *version = loyalty_version_string();
	const char *message = loyalty_strerror(LOYALTY_ENOTFOUND);

	if (loyalty_version_number() != LOYALTY_VERSION_NUMBER) {
		fprintf(stderr, "consumer: headers are %d, library is %d\n",
			LOYALTY_VERSION_NUMBER, loyalty_version_number());
		return 1;
	}
	if (version == NULL || strcmp(version, LOYALTY_VERSION_STRING) != 0) {
		fprintf(stderr, "consumer: headers are \"%s\", library is \"%s\"\n",
			LOYALTY_VERSION_STRING, version ? version : "(null)");
		return 1;
	}
	if (message == NULL || message[0] == '\0') {
		fprintf(stderr, "consumer: loyalty_strerror(LOYALTY_ENOTFOUND) is empty\n");
		return 1;
	}

	printf("libloyalty %s\n", version);
	printf("LOYALTY_ENOTFOUND: %s\n", message);
	return 0;
}
