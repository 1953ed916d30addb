#include "src/common/version.h"

namespace bevara {

const char* Version() { return BEVARA_VERSION; }

}  // namespace bevara
