// Only what Swift cannot reach by itself; see the wrapper type that owns this library's handles.
#include <modbus/modbus.h>
#include <errno.h>
// errno is a macro on glibc: Swift cannot read it directly.
static inline int cmodbus_errno(void) { return errno; }
