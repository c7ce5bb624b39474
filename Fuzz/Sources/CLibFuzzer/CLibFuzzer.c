// Declarations only: the definitions come from libclang_rt.fuzzer_no_main (scripts/fuzz).
#include "CLibFuzzer.h"
