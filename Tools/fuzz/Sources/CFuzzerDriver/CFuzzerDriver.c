// The declaration lives in the header; libFuzzer's archive defines the function.
#include "CFuzzerDriver.h"
