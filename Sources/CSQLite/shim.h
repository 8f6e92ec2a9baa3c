// The system SQLite that GRDB links too: used only to register the spatial SQL functions
// without per-call allocation.
#include <sqlite3.h>

// SQLite counts the memory it holds behind a global mutex at every allocation, a tenth of a bulk
// import's writing; gridplan never asks for the count. Only before the first connection opens.
static inline int gridplan_sqlite_skip_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
