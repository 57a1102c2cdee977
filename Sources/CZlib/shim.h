// Only what Swift cannot reach by itself; `Gzip` (Aggregator/Ingest) is the one importer.
#include <zlib.h>

// inflateInit2/deflateInit2 are macros that pass ZLIB_VERSION and sizeof(z_stream): Swift
// imports neither function-like macros nor that check, so the shim calls them.

// windowBits 15 + 16: a gzip stream only (RFC 1952), the header and CRC-32 checked by zlib.
static inline int czlib_inflate_init_gzip(z_streamp stream) { return inflateInit2(stream, 15 + 16); }

// Level 1..9, gzip framing; used by tests and the benchmark client to send compressed batches.
static inline int czlib_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
