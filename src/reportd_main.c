/* reportd_main.c - entry point of the FastCGI server.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "master.h"

static void reportd_usage(FILE *out)
{
    fprintf(out, "usage: reportd [--config FILE]\n"
                 "Serves reports over FastCGI behind nginx. The default config file is\n"
                 "reportd.conf in the current folder when it exists.\n\n");
}

int main(int argc, char **argv)
{
    const char *config_path = "reportd.conf";
    int must_exist = 0;
    struct config cfg;
    char err[512];
    enum log_level level;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_path = argv[++i];
            must_exist = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            reportd_usage(stdout);
            config_print_help();
            return 0;
        } else {
            reportd_usage(stderr);
            fprintf(stderr, "reportd: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }

    if (config_load(&cfg, config_path, must_exist, err, sizeof(err)) != 0) {
        fprintf(stderr, "reportd: %s\n", err);
        return 2;
    }
    if (log_level_parse(cfg.log_level, &level) != 0) {
        fprintf(stderr, "reportd: log_level must be debug, info, warn or error\n");
        return 2;
    }
    log_set_level(level);
    return master_run(&cfg);
}
