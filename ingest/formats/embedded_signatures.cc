// The PRONOM signature files of ingest/formats/pronom/, compiled in with the
// assembler's .incbin: 3.5 MB of XML would make a slow C array. The build
// passes their paths (BEVARA_DROID_XML, BEVARA_CONTAINER_XML).
#include "ingest/formats/signature_file.h"

#define BEVARA_STRINGIFY2(x) #x
#define BEVARA_STRINGIFY(x) BEVARA_STRINGIFY2(x)

__asm__(".section .rodata\n"
        ".balign 16\n"
        ".globl bevara_droid_xml_begin\n.hidden bevara_droid_xml_begin\nbevara_droid_xml_begin:\n"
        ".incbin \"" BEVARA_STRINGIFY(BEVARA_DROID_XML) "\"\n"
        ".globl bevara_droid_xml_end\n.hidden bevara_droid_xml_end\nbevara_droid_xml_end:\n"
        ".balign 16\n"
        ".globl bevara_container_xml_begin\n.hidden bevara_container_xml_begin\nbevara_container_xml_begin:\n"
        ".incbin \"" BEVARA_STRINGIFY(BEVARA_CONTAINER_XML) "\"\n"
        ".globl bevara_container_xml_end\n.hidden bevara_container_xml_end\nbevara_container_xml_end:\n"
        ".previous\n");

extern "C" const char bevara_droid_xml_begin[], bevara_droid_xml_end[];
extern "C" const char bevara_container_xml_begin[], bevara_container_xml_end[];

namespace bevara::ingest::formats {

std::string_view EmbeddedDroidSignatureFile() {
  return {bevara_droid_xml_begin, static_cast<size_t>(bevara_droid_xml_end - bevara_droid_xml_begin)};
}

std::string_view EmbeddedContainerSignatureFile() {
  return {bevara_container_xml_begin, static_cast<size_t>(bevara_container_xml_end - bevara_container_xml_begin)};
}

}  // namespace bevara::ingest::formats
