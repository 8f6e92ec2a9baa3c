// The system SQLite that GRDB links too: used only to register the spatial SQL functions
// without per-call allocation.
#include <sqlite3.h>
