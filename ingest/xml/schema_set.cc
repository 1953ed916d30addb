#include "ingest/xml/schema_set.h"

#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/parsers/SAX2XMLReaderImpl.hpp>
#include <xercesc/util/XMLEntityResolver.hpp>
#include <xercesc/util/XMLUni.hpp>
#include <xercesc/validators/common/Grammar.hpp>
#include <xercesc/validators/schema/ComplexTypeInfo.hpp>
#include <xercesc/validators/schema/SchemaGrammar.hpp>
#include <xercesc/sax/ErrorHandler.hpp>

#include <algorithm>
#include <map>
#include <vector>

#include "ingest/xml/xml_platform.h"
#include "schemas/embedded_schemas.h"

namespace bevara::ingest {
namespace {

using namespace xercesc;

struct SchemaText {
  std::string name;
  std::string target_namespace;
  std::string text;
};

std::string TargetNamespaceOf(const std::string& text) {
  const std::string key = "targetNamespace=\"";
  size_t p = text.find(key);
  if (p == std::string::npos) return {};
  p += key.size();
  return text.substr(p, text.find('"', p) - p);
}

// The E-ARK namespaces in the other spelling that packages use.
std::string LowerCaseDilcis(const std::string& s) {
  std::string out = s;
  const std::string upper = "https://DILCIS.eu/";
  for (size_t p = out.find(upper); p != std::string::npos; p = out.find(upper, p)) {
    out.replace(p, upper.size(), "https://dilcis.eu/");
  }
  return out;
}

// Resolves xs:import of one embedded schema by another; refuses all else.
class EmbeddedResolver : public XMLEntityResolver {
 public:
  explicit EmbeddedResolver(const std::map<std::string, const SchemaText*>& by_ns) : by_ns_(by_ns) {}
  InputSource* resolveEntity(XMLResourceIdentifier* id) override {
    auto it = by_ns_.find(ToUtf8(id->getNameSpace()));
    if (it == by_ns_.end()) return nullptr;
    const std::string& text = it->second->text;
    return new MemBufInputSource(reinterpret_cast<const XMLByte*>(text.data()), text.size(),
                                 it->second->name.c_str(), false);
  }

 private:
  const std::map<std::string, const SchemaText*>& by_ns_;
};

// Xerces builds a complex type's content model lazily, the first time a
// parser meets the type, and stores it in the shared grammar. Two parsers
// meeting it first on two threads race (seen: a leaked model under ASan).
// Building every model here, before the pool is shared, makes later parses
// read-only on the grammars.
void BuildAllContentModels(XMLGrammarPool* pool) {
  RefHashTableOfEnumerator<Grammar> grammars = pool->getGrammarEnumerator();
  while (grammars.hasMoreElements()) {
    Grammar& g = grammars.nextElement();
    if (g.getGrammarType() != Grammar::SchemaGrammarType) continue;
    auto& schema = static_cast<SchemaGrammar&>(g);
    if (RefHashTableOf<ComplexTypeInfo>* types = schema.getComplexTypeRegistry()) {
      RefHashTableOfEnumerator<ComplexTypeInfo> it(types, false);
      while (it.hasMoreElements()) it.nextElement().getContentModel();
    }
    RefHash3KeysIdPoolEnumerator<SchemaElementDecl> elements = schema.getElemEnumerator();
    while (elements.hasMoreElements()) elements.nextElement().getContentModel();
  }
}

class CollectingErrors : public ErrorHandler {
 public:
  void warning(const SAXParseException&) override {}
  void error(const SAXParseException& e) override { Add(e); }
  void fatalError(const SAXParseException& e) override { Add(e); }
  void resetErrors() override {}
  std::string errors;

 private:
  void Add(const SAXParseException& e) {
    errors += ToUtf8(e.getSystemId()) + ":" + std::to_string(e.getLineNumber()) + ": " +
              ToUtf8(e.getMessage()) + "\n";
  }
};

}  // namespace

SchemaSet::SchemaSet() = default;
SchemaSet::~SchemaSet() = default;

Result<std::shared_ptr<const SchemaSet>> SchemaSet::Load() {
  BEVARA_RETURN_IF_ERROR(InitializeXml());
  std::vector<SchemaText> texts;
  for (const schemas::EmbeddedSchema& s : schemas::All()) {
    SchemaText t{s.file_name, "", std::string(s.data, s.size)};
    t.target_namespace = TargetNamespaceOf(t.text);
    if (t.target_namespace.rfind("https://DILCIS.eu/", 0) == 0) {
      texts.push_back({t.name + " (lower-case namespace)", LowerCaseDilcis(t.target_namespace),
                       LowerCaseDilcis(t.text)});
    }
    texts.push_back(std::move(t));
  }
  // Schemas that import others come last, so that what they import is
  // already in the pool and is not compiled twice.
  std::stable_sort(texts.begin(), texts.end(), [](const SchemaText& a, const SchemaText& b) {
    return (a.text.find("<xs:import") != std::string::npos) < (b.text.find("<xs:import") != std::string::npos);
  });
  std::map<std::string, const SchemaText*> by_ns;
  for (const SchemaText& t : texts) by_ns[t.target_namespace] = &t;

  std::shared_ptr<SchemaSet> set(new SchemaSet());
  set->pool_ = std::make_unique<XMLGrammarPoolImpl>(XMLPlatformUtils::fgMemoryManager);
  std::unique_ptr<SAX2XMLReaderImpl> loader(
      new SAX2XMLReaderImpl(XMLPlatformUtils::fgMemoryManager, set->pool_.get()));
  EmbeddedResolver resolver(by_ns);
  CollectingErrors errors;
  loader->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
  loader->setFeature(XMLUni::fgXercesSchema, true);
  loader->setFeature(XMLUni::fgXercesSchemaFullChecking, true);
  loader->setFeature(XMLUni::fgXercesDisableDefaultEntityResolution, true);
  loader->setFeature(XMLUni::fgXercesHandleMultipleImports, true);
  loader->setXMLEntityResolver(&resolver);
  loader->setErrorHandler(&errors);
  try {
    for (const SchemaText& t : texts) {
      if (set->namespaces_.count(t.target_namespace)) continue;
      MemBufInputSource src(reinterpret_cast<const XMLByte*>(t.text.data()), t.text.size(),
                            t.name.c_str(), false);
      if (loader->loadGrammar(src, Grammar::SchemaGrammarType, true) == nullptr) {
        errors.errors += t.name + ": not loaded\n";
      }
      set->namespaces_.insert(t.target_namespace);
    }
  } catch (...) {
    return Status::Internal("loading bevara's schemas threw");
  }
  if (!errors.errors.empty()) return Status::Internal("bevara's own schemas are invalid:\n" + errors.errors);
  try {
    BuildAllContentModels(set->pool_.get());
  } catch (...) {
    return Status::Internal("building the content models of bevara's schemas threw");
  }
  set->pool_->lockPool();
  return std::shared_ptr<const SchemaSet>(std::move(set));
}

Result<std::shared_ptr<const SchemaSet>> SchemaSet::Shared() {
  static Result<std::shared_ptr<const SchemaSet>> shared = Load();
  return shared;
}

}  // namespace bevara::ingest
