// Only what Swift cannot reach by itself; see the wrapper type that owns this library's handles.
#include <modbus/modbus.h>
#include <errno.h>
// errno is a macro on glibc: Swift cannot read it directly.
static inline int cmodbus_errno(void) { return errno; }
// Exception errno values are macros built from MODBUS_ENOBASE: Swift cannot import them.
static inline int cmodbus_illegal_data_address(void) { return EMBXILADD; }
static inline int cmodbus_illegal_function(void) { return EMBXILFUN; }
static inline int cmodbus_exception_base(void) { return MODBUS_ENOBASE; }
