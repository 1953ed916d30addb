// The version of bevara, as recorded in PREMIS agents and AIP METS.
#pragma once

namespace bevara {

// "0.1.0" (from CMakeLists.txt's project version).
const char* Version();

}  // namespace bevara
