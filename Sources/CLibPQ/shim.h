// Only what Swift cannot reach by itself; see the wrapper type that owns this library's handles.
#include <libpq-fe.h>
// The PG_DIAG_* field codes are character-literal macros ('C', 'M'), which Swift cannot import.
static const int clibpq_diag_sqlstate = PG_DIAG_SQLSTATE;
static const int clibpq_diag_message_primary = PG_DIAG_MESSAGE_PRIMARY;
