#ifndef LEDGERSYNC_CFUZZERDRIVER_H
#define LEDGERSYNC_CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry point for programs with their own main: parses libFuzzer's flags from argv and runs
/// `callback` on every input (see https://llvm.org/docs/LibFuzzer.html, "Using libFuzzer as a library").
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
