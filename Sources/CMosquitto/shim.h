// Only what Swift cannot reach by itself; see the wrapper type that owns this library's handles.
#include <mosquitto.h>
