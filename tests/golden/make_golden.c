/*
 * make_golden: write the golden files (the encodings of golden.c's values)
 * into a directory, normally tests/golden. Run it only with a schema version
 * bump (see README.md); test_codec fails whenever the files and the encoder
 * disagree.
 *
 *     build/dev/tests/golden/make_golden tests/golden
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"

int main(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: %s DIRECTORY   (writes the golden files, e.g. into tests/golden)\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < golden_nfiles; i++) {
		char path[4096];
		ly_enc e;
		FILE *f;

		ly_enc_init(&e);
		if (golden_files[i].encode(&e) != LOYALTY_OK) {
			fprintf(stderr, "make_golden: %s: %s\n", golden_files[i].name, loyalty_last_error());
			return 1;
		}
		snprintf(path, sizeof path, "%s/%s", argv[1], golden_files[i].name);
		f = fopen(path, "wb");
		if (f == NULL || fwrite(e.data, 1, e.len, f) != e.len || fclose(f) != 0) {
			fprintf(stderr, "make_golden: %s: %s\n", path, strerror(errno));
			return 1;
		}
		printf("%-22s %5zu bytes\n", golden_files[i].name, e.len);
		ly_enc_free(&e);
	}
	return 0;
}
