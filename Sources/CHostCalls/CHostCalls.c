// Everything is in include/CHostCalls.h (static inline); SwiftPM needs one source file.
