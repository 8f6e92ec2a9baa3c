// zlib: gzip of the server's larger responses (grid layers, the map page, Leaflet).
#include <zlib.h>
