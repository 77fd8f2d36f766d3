// The handlers are static inline functions in include/ThreadedDispatch.h, compiled into
// the IA32 module itself (see the header). SwiftPM wants a source file per C target.
#include "ThreadedDispatch.h"
